"""マーケティング主体のタグが関係タグより前にあることを検出する。

## 何を検出するか
第三者に依頼した投稿（文脈 `paid_third_party` が真）で、マーケティング主体のタグ
（#京都市）が関係タグ（#PR など）より前にあるもの（「#京都市 #PR」）を検出します。
ガイドラインの「正しくない例」にあたります。

指摘の範囲は、主体タグから関係タグまでです。二つのタグの間に本文がある場合は、
移すべき関係タグだけを指摘します。

正しい順の組（「#PR #京都市」）や、関係を文で明記した文（「京都市のPR案件としての投稿です」）が
投稿のどこかにあれば、明示はできているので指摘しません。全角の「＃」「ＰＲ」や
空白なしの「#京都市#PR」も同じタグとして扱います。

## なぜ問題か
京都市・石巻市のガイドラインは、関係タグ、マーケティング主体の順で記載するよう定めています。
「#京都市 #PR」は、京都市についての一般的なPRとも読め、京都市が依頼した投稿であることが
受け手に伝わりにくくなります。

## 例
- NG: 「#京都市 #PR 嵐山の竹林の小径を歩いてきました」
- OK: 「#PR #京都市 嵐山の竹林の小径を歩いてきました」（関係タグが先）

## 代わりに
「#PR #京都市」のように、関係タグを先に、マーケティング主体のタグをその直後に記載してください。

## 参考
- 京都市ソーシャルメディアガイドライン 6(1)ア(ア)
- 石巻市ソーシャルメディア活用ガイドライン 5(1)ア
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.promo._disclosure import parse, quote
from koshiki.checker.text import Text

_TAGS_AND_SPACE = re.compile(r"#[\w・]+|\s")


@rule(
    "promo.wrong_order",
    title="主体タグが関係タグより前",
    severity="error",
    requires="paid_third_party",
)
def check(text: Text, env: Env) -> Iterator[Hit]:
    d = parse(text, env.profile)
    if d.disclosed:
        return
    found = d.reversed_pair()
    if found is None:
        return
    subject, relation = found
    message = (
        f"マーケティング主体「{quote(text, subject)}」が関係タグ「{quote(text, relation)}」より前にあります"
    )
    between = text.norm[subject.end : relation.start]
    if _TAGS_AND_SPACE.sub("", between):
        # Body text lies between them: point at the tag that has to move.
        yield Hit(
            relation.start,
            relation.end,
            message,
            Suggestion(f"「{quote(text, relation)}」を「{quote(text, subject)}」の直前に移してください"),
        )
        return
    swapped = f"{d.shown(relation.body)} {d.shown(subject.body)}"
    yield Hit(
        subject.start,
        relation.end,
        message,
        Suggestion(f"「{swapped}」の順に直してください", swapped if not between.strip() else None),
    )
