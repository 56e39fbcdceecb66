"""市民のコメントのうち、運用ポリシー注意事項(6)「人種・思想・信条等の差別又は差別を助長させるもの」に当たるものを検出する。

## 何を検出するか
公式アカウントに寄せられたコメントのうち、国籍・民族・障害・性別・性的指向・出身地・生活保護の受給などを理由に人をひとくくりにし、排除やさげすみをする内容を検出します。
判定はコメント全体の意味によります: 共有の意味判定の仕組み
（`koshiki/checker/semantic/`）で学習したコメント分類モデル（`models/comments.npz`）の確率に、
形が決め手になる手がかり（`koshiki/checker/comment_cues.py`: リンク先・電話番号・スパムの型・危険を示す語）を
加えて判断します。閾値は書き手ごとに分けた交差検証で、学習データの正当なコメントを
一件も非表示にしない条件の下で選んでいます（`rules/comment/thresholds.toml`）。

市政への厳しい批判は、礼を失しない限り指摘しません。守るべき市民の声だからです。

## なぜ問題か
各アカウントの運用ポリシー（京都市・石巻市の様式1「1 注意事項」）は、人種・思想・信条等の差別又は差別を助長させるものを禁止し、
予告なく削除することがあると定めています。指摘には、プロファイルが束ねるガイドラインの条項と、
そのアカウントが公開している運用ポリシーの条項（コメント時点の版）の両方を示します。

## 例
- NG:「外国人が増えたから治安が悪くなった。出て行ってほしい」
- NG:「障害者なんかに予算を使うな」
- OK:「外国人向けの案内が日本語だけなのはおかしい。多言語で出すべきです」（配慮を求める批判）

## 代わりに
提案される対応（`hide_or_delete` など）はプロファイルの `[comments]` の表で決まります。
非表示・削除を提案するのは手がかりの語（手書きの規則）とモデルの判定がそろったときだけで、
モデルだけの判定は担当者が読んで判断します（`escalate`。プロファイルの `unconfirmed_action`）。
判断に迷うときは所属長に相談し、削除した場合は記録を残してください。

## 参考
- 京都市・石巻市 運用ポリシー（様式1）1 注意事項(6)
- RULES.md「Comment rules」
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from koshiki.checker.comments import CommentSubject, comment_hits
from koshiki.checker.findings import Hit
from koshiki.checker.registry import rule


@rule("comment.discrimination", title="差別", severity="warning", subject="comment")
def check(comment: CommentSubject, env: Any) -> Iterator[Hit]:
    """注意事項(6)に当たるコメントなら、コメント全体を一件の指摘にする。"""
    yield from comment_hits(comment, "comment.discrimination")
