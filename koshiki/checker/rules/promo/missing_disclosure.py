"""第三者に依頼した投稿に、マーケティング主体と関係の明示（PR表記）がないことを検出する。

## 何を検出するか
市が謝礼を払うなどして第三者（インフルエンサー、委託事業者など）に発信を依頼した投稿
（チェック時の文脈 `paid_third_party` が真のとき）だけを対象に、次のどちらもない投稿を検出します。
- ハッシュタグによる明示: 関係タグ（#プロモーション #PR #宣伝 #広告）の直後に
  マーケティング主体のタグ（#京都市 など）を続けたもの（「#PR #京都市」「#PR#京都市」）。
- 文による明示:「京都市のプロモーションに参加しています」「京都市のPR案件としての投稿です」
  「京都市の広告制作を担当しています」「【PR】京都市」「【広告】京都市」のように、
  主体と関係を具体的に書いた文（実行委員会が主体の場合も同じ）。

指摘の範囲は次のとおりです。
- 関係タグはあるのに直後に主体のタグがない（「#PR #紅葉」、京都市の投稿で「#PR #京都府」）:
  その関係タグ。
- 京都市のように関係タグを限定しているプロファイルで、認められていないタグ
  （#ad、#タイアップ など）で明示しようとしている: そのタグ。
- 明示の手がかりが何もない: 投稿全体（前後の空白を除く）。

主体タグが関係タグより前にある場合（`promo.wrong_order`）と、関係と主体を一つのタグに
まとめた場合（`promo.fused_tag`）は、明示しようとした跡があるので、それぞれの規則だけが
指摘し、この規則は重ねて指摘しません。

全角の「＃」「ＰＲ」も同じタグとして扱います。主体はプロファイルの `marketing_subject`
（京都市は「京都市」、石巻市は「石巻市」）です。主体を定めない標準プロファイルでは、
地名に「市・町・村・区・都・府・県」が付いたタグ（#京都市、#女川町）と実行委員会・協議会の
タグを主体とみなします。関係タグはプロファイルの `relation_tags` で、
`relation_tags_exhaustive` が偽（石巻市の「など」）なら `relation_tags_extra` に挙げた
明確な関係タグ（#タイアップ #提供 #Sponsored #ad など）も認めます。

## なぜ問題か
依頼に基づく投稿であることを隠すと、ステルスマーケティング（ステマ）として批判を招き、
市だけでなく発信を依頼した相手方にも迷惑をかけます。景品表示法の告示でも、広告であることを
一般消費者が判別できるように示すことが求められています。京都市・石巻市のガイドラインは、
「マーケティング主体」と「関係の内容」の両方を、受け手が容易に認識できる方法で示すよう
契約相手方に指示することを定めています。

## 例
- NG: 「京都の紅葉が見頃です🍁 東福寺の通天橋からの眺めは圧巻でした！ #紅葉 #京都旅行」
- NG: 「#PR #紅葉 #京都旅行 今年の紅葉は…」（#PR の直後に #京都市 がない）
- OK: 「#PR #京都市 #紅葉 京都の紅葉が見頃です🍁」
- OK: 「京都市のPR案件としての投稿です。京都の紅葉が見頃です🍁」

## 代わりに
投稿の先頭に「#PR #京都市」のように関係タグとマーケティング主体のタグをこの順で並べるか、
「京都市のプロモーションに参加しています」のように関係を文で明記してください。
契約相手方には、記載事項を文書やメールで具体的に指示し、発信内容を事前に確認してください。

## 参考
- 京都市ソーシャルメディアガイドライン 6(1)、6(2)
- 石巻市ソーシャルメディア活用ガイドライン 5
"""

from __future__ import annotations

from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.promo._disclosure import FUSED, NEAR, RELATION, parse, quote
from koshiki.checker.text import Text


@rule(
    "promo.missing_disclosure",
    title="PR表記（関係の明示）がない",
    severity="error",
    requires="paid_third_party",
)
def check(text: Text, env: Env) -> Iterator[Hit]:
    d = parse(text, env.profile)
    if d.disclosed or d.of_kind(FUSED) or d.reversed_pair():
        return
    pair = f"{d.relation_shown} {d.subject_shown}"
    suggestion = Suggestion(f"投稿の先頭に「{pair}」と記載するか、関係を文で明記してください")
    lone = d.of_kind(RELATION)
    if lone:
        tag = lone[0]
        yield Hit(
            tag.start,
            tag.end,
            f"関係タグ「{quote(text, tag)}」の直後にマーケティング主体のタグ「{d.subject_shown}」がありません",
            Suggestion(f"「{quote(text, tag)} {d.subject_shown}」の順で記載してください"),
        )
        return
    near = d.of_kind(NEAR)
    if near:
        tag = near[0]
        yield Hit(
            tag.start,
            tag.end,
            f"「{quote(text, tag)}」はこのガイドラインの関係タグではありません（{d.accepted_relations} のいずれか）",
            suggestion,
        )
        return
    start, end = d.post_span
    yield Hit(
        start,
        end,
        f"依頼に基づく投稿であることの明示（「{pair}」や「{d.subject_shown[1:]}のPR案件としての投稿です」など）がありません",
        suggestion,
    )
