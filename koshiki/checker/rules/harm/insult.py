"""人を侮辱したり中傷したりする言葉（罵倒語・暴言・容姿や属性をけなす語）を検出する。

## 何を検出するか
人や集団に向けた罵倒語・暴言を検出します。たとえば「バカ」「アホ」「無能」「クズ」「死ね」
「消えろ」「税金泥棒」「老害」「民度が低い」のような語です。語の一覧は
`koshiki/checker/lexicons/harm.toml`（`rule = "harm.insult"`）にあり、語ごとに載せた理由を
記しています。

語は形態素の区切りで照合するので、「バカンス」「アホウドリ」「くず餅」は一致しません。
次の場合は検出しません。
- 名詞に続く複合語（「親バカ」「釣りバカ」「野菜くず」「酒カス」）、慣用句
  （「ばかにならない」「バカにする」）、活用の続く形（「死ねない」「死ねば」）。
- 侮辱や誹謗中傷をやめるよう呼びかける文の中の語（「ネットいじめをなくしましょう」
  「誹謗中傷は侮辱罪にあたる場合があります」）。
- 言葉そのものとしてかぎかっこで引用した語（「『バカ』『死ね』などの言葉は人を傷つけます」）と、
  作品名（『バカの壁』）。

## なぜ問題か
各市のガイドラインは、他者を侮辱する情報や名誉を傷つける表現の発信を禁じています。
公式アカウントの言葉は市の言葉として受け取られ、相手が匿名の投稿者であっても、
侮辱は炎上や法的な紛争（侮辱罪・名誉毀損）につながります。

## 例
- NG: 「何度ご説明しても同じ質問をされる方、正直バカなんですか？」
- NG: 「補助金だけ受け取って何もしない税金泥棒の団体には支給しません。」
- OK: 「SNSでの誹謗中傷はやめましょう。」（侮辱をやめるよう呼びかける文）
- OK: 「今回の計画変更には重大な問題があり、事業者に強く抗議しました。」（厳しくても礼を失しない表現）
- OK: 「電気代もばかにならないので、こまめな節電を。」（慣用句）

## 代わりに
相手をおとしめる言葉を使わず、事実と、市として伝えたいこと・求めることを丁寧な言葉で
書いてください。攻撃的な反応には冷静に対応し、無用な議論を避けてください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(1)キ
- 石巻市ソーシャルメディアガイドライン 4(6)
- 安芸高田市ソーシャルメディア運用ガイドライン 2(6)ア
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)オ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ウ（けんかの売り買い）
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.harm._context import (
    candidates,
    compound_blocked,
    context,
    has_marker,
    in_quote,
    is_mention,
    iter_unique,
    original,
    post_has,
)
from koshiki.checker.text import Text

RULE = "harm.insult"

# The sentence campaigns against insults or states the rule about them
# (RULES.md: "quoting a rule about insults" is not a finding).
_AGAINST = re.compile(
    r"やめ(?:ましょう|よう|てください|て下さい|なさい)|止めましょう|しないで|ないでください"
    r"|ないようにしましょう|禁止|許され|いけません|誹謗|中傷|悪口|暴言|侮辱|名誉毀損|いじめ|イジメ"
    r"|ハラスメント|言葉の暴力|傷つけ|傷付け|言わない|使わない|投稿しない|人権"
)
# A post about insults (an anti-bullying campaign): words quoted in it are examples.
_CAMPAIGN = re.compile(r"誹謗中傷|いじめ|イジメ|ハラスメント|人権|侮辱罪|名誉毀損|悪口|暴言")
# Conjugations after 死ね that make it something other than the imperative.
_NOT_IMPERATIVE = frozenset("なばるまずたてそ")
# バカにする / ばかにならない / バカにできない: idioms, not insults.
_IDIOM_NI = re.compile(r"に(?:する|した|して|され|さ|しな|なら|でき)")

_SUGGESTION = Suggestion("相手をおとしめる言葉を使わず、事実と伝えたいことを丁寧な言葉で書いてください")


@rule("harm.insult", title="侮辱・誹謗中傷", severity="error")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    for m in iter_unique(candidates(text, RULE)):
        tags = m.entry.tags
        if "imperative" in tags and (
            m.start not in text.tokens.starts or (m.end < len(norm) and norm[m.end] in _NOT_IMPERATIVE)
        ):
            continue
        if "not-idiom-ni" in tags and _IDIOM_NI.match(norm, m.end):
            continue
        if compound_blocked(text, m) or is_mention(norm, m.start, m.end):
            continue
        if has_marker(_AGAINST, context(norm, m.start, m.end)):
            continue
        if in_quote(norm, m.start, m.end) and post_has(text, "insult-campaign", _CAMPAIGN):
            continue
        word = original(text, m.start, m.end)
        yield Hit(m.start, m.end, f"「{word}」は人を侮辱する表現です（{m.entry.category}）", _SUGGESTION)
