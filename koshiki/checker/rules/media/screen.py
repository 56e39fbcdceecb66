"""画面・書類・職員証・ホワイトボードが写り、内部の情報が読み取れるおそれがある。

## 何を検出するか
パソコンの画面、書類、職員証、ホワイトボードなどが写った画像・動画で、アップロードした
人がそう記録した（`screen_marked`）もの、または検出器の確信度（`screen_score`）が
しきい値以上のもの。しきい値は規則のオプション `threshold`（既定 0.8）で変えられます。

公開している文書や市の公開ウェブページが写っているだけで、そう記録したもの
（`screen_public`）は対象外です。

## なぜ問題か
画面に映った業務システム、書類の個人情報、ホワイトボードの予定、職員証の番号は、
攻撃や詐欺の手がかりになります。京都市5(2)ウは「本市のセキュリティを脅かすおそれの
ある情報を発信してはならない」と定めています。

## 例
- NG: 窓口の様子の写真で、奥のモニターに業務システムの画面が映っている
- NG: 職員証を首から下げた職員の写真
- OK: 市の公開ホームページの画面を写した操作案内（公開情報と記録）

## 代わりに
撮り直すか、画面・書類・職員証の部分をぼかしてから使ってください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(2)ウ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ア
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.subjects import MediaFacts

DEFAULT_THRESHOLD = 0.8


@rule("media.screen", title="写り込んだ画面・書類・職員証", severity="warning", subject="media")
def check(facts: MediaFacts, env: Env) -> Iterator[Hit]:
    if facts.screen_public:
        return
    threshold = float(env.options.get("threshold", DEFAULT_THRESHOLD))
    detected = facts.screen_score is not None and facts.screen_score >= threshold
    if not (facts.screen_marked or detected):
        return
    why = (
        "と記録されています"
        if facts.screen_marked
        else f"可能性があります（検出の確信度 {facts.screen_score:.2f}）"
    )
    yield Hit(
        0,
        0,
        f"{facts.label}に画面・書類・職員証などが写っている{why}",
        Suggestion("内部の情報が読み取れないよう、撮り直すかその部分をぼかしてください"),
    )
