"""関係タグとマーケティング主体の組がハッシュタグの先頭にないことを検出する。

## 何を検出するか
第三者に依頼した投稿（文脈 `paid_third_party` が真）で、「#PR #京都市」の組はあるのに、
それより前に他のハッシュタグ（#紅葉 #京都旅行 など）があるものを検出します。
指摘の範囲は「#PR #京都市」の組です。

ハッシュタグより前の本文は問いません（本文の後に「#PR #京都市 #紅葉」と続けるのは正しい書き方です）。
組より前にある関係タグや主体タグ（「#広告 #PR #京都市」）は「他のハッシュタグ」に数えません。
関係を文で明記している場合（「京都市のPR案件としての投稿です」）は、文による明示で足りるので
指摘しません。

## なぜ問題か
京都市・石巻市のガイドラインは、複数のハッシュタグとともに用いる場合、関係タグと
マーケティング主体の組を必ず先頭に記載するよう定めています。多くのタグの後ろに置くと、
表示が省略されたり読み飛ばされたりして、依頼に基づく投稿であることが受け手に伝わりません。

## 例
- NG: 「伏見稲荷の千本鳥居へ⛩️ #京都旅行 #千本鳥居 #PR #京都市」
- OK: 「伏見稲荷の千本鳥居へ⛩️ #PR #京都市 #京都旅行 #千本鳥居」（組がハッシュタグの先頭）

## 代わりに
「#PR #京都市」の組を、すべてのハッシュタグより前に記載してください。

## 参考
- 京都市ソーシャルメディアガイドライン 6(1)ア(イ)
- 石巻市ソーシャルメディア活用ガイドライン 5(1)イ
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.promo._disclosure import parse, quote
from koshiki.checker.text import Text


@rule(
    "promo.not_leading",
    title="PR表記が先頭にない",
    severity="error",
    requires="paid_third_party",
)
def check(text: Text, env: Env) -> Iterator[Hit]:
    d = parse(text, env.profile)
    if d.pair is None or d.sentence is not None:
        return
    relation, subject = d.pair
    before = d.others_before(relation)
    if not before:
        return
    shown = " ".join(quote(text, t) for t in before[:3]) + (" など" if len(before) > 3 else "")
    yield Hit(
        relation.start,
        subject.end,
        f"「{quote(text, relation)} {quote(text, subject)}」より前に他のハッシュタグ（{shown}）があります",
        Suggestion(f"「{quote(text, relation)} {quote(text, subject)}」をハッシュタグの先頭に移してください"),
    )
