"""確認されていない情報や噂を、事実のように広める表現を検出する。

## 何を検出するか
出所や真偽を確かめていないまま内容を伝える言い方を検出します。
- 伝聞の助動詞「らしい」（「閉店するらしい」「中止らしいです」）。
- 噂を情報源とする言い方（「噂では」「噂によると」「〜という噂」「〜との噂」）。
- 未確認と認めたうえでの前置き（「未確認ですが」「未確認情報」「真偽は不明ですが」
  「本当かどうかわかりませんが」「確証はありませんが」）。
- 出所のはっきりしない伝聞（「聞いた話では」「〜という話を聞きました」）。
- 「拡散希望」「拡散してください」「RT希望」などの拡散の呼びかけ。ただし、同じ投稿に
  上のような未確認の情報があるときだけです（確かな情報の拡散依頼は対象外）。

一覧は `koshiki/checker/lexicons/harm.toml`（`rule = "harm.rumor"`）にあります。

次の場合は検出しません。
- 「素晴らしい」「めずらしい」「かわいらしい」など、「らしい」を含む別の語。
- 名詞に付いて「〜にふさわしい」を表す「らしい」（「春らしい陽気」「京都らしい町並み」
  「男らしい」「自分らしく」「もっともらしい」）。伝聞と判断するのは、動詞・形容詞・助動詞・
  形容動詞の後（「閉店するらしい」「なったらしい」「静からしい」）と、出来事や状態を表す名詞の後
  （「中止らしい」「危険らしい」）だけです。
- 噂やデマへの注意喚起と訂正（「デマにご注意ください」「根拠のない噂に惑わされないで」
  「〜との噂が広がっていますが、そのような事実はありません」）。噂を「」で引いたり
  「〜という噂」「未確認の情報」と名指ししたりしたうえで、投稿のどこかで打ち消している
  もの（「『断水するらしい』とのお問い合わせですが、そのような予定はありません」
  「『避難所が閉鎖された』といううわさについて：避難所は開設中です」）と、
  「噂ではなく、気象庁の情報を」のように退けるために挙げたものも対象外です。
- 確認された公式の情報（「新たに3件の感染が確認されました（市発表）」）。

## なぜ問題か
各市のガイドラインは、根拠のない情報や噂、噂を助長させる情報の発信を禁じています。
公式アカウントが伝えたことは確かな情報として広まり、誤っていれば混乱を招き、
訂正しても元の投稿ほどは届きません。

## 例
- NG: 「噂では、来年度から市営プールが有料になるそうです。」
- NG: 「【拡散希望】〇〇地区で熊が出たらしいです！」
- OK: 「デマにご注意ください。市からの正式な情報は公式ホームページでお知らせします。」
- OK: 「春らしい陽気に誘われて、公園の桜も見頃を迎えました。」（名詞に付く「らしい」）

## 代わりに
担当部署や公式の発表で事実を確かめ、確認できたことだけを、出典（いつ・誰の発表か）を
添えて発信してください。確認中のときは「確認中です。分かり次第お知らせします」と書いてください。

## 参考
- 京都市ソーシャルメディアガイドライン 5(1)キ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ア、ウ
- 石巻市ソーシャルメディアガイドライン 4(6)
- 安芸高田市ソーシャルメディア運用ガイドライン 2(6)エ
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ク
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.lexicon import Match
from koshiki.checker.registry import rule
from koshiki.checker.rules.harm._context import (
    candidates,
    context,
    has_marker,
    in_quote,
    is_mention,
    iter_unique,
    neighbours,
    original,
)
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text

RULE = "harm.rumor"

# Warnings against rumours and corrections of them (RULES.md: not a finding).
_AGAINST = re.compile(
    r"デマ|惑わされ|流言|風評|誤情報|偽情報|虚偽|フェイク|事実ではあり|事実ではない|事実無根|事実と異なる"
    r"|そのような事実|誤りです|誤った情報|誤り|拡散しない|拡散せず|拡散を控え|拡散はお控え|拡散は控え"
    r"|信じないで|信じず|公式(?:の)?(?:情報|発表|サイト|ホームページ|アカウント)|正確な情報|正しい情報"
    r"|確かな情報|根拠のない|根拠の無い|不確か|(?:情報|噂|うわさ|投稿|書き込み)に(?:ご)?注意"
    r"|確認できていない|確認されていない|確認されていません|否定"
)
# A correction elsewhere in the post: the post quotes or names a rumour in order to deny
# it (「断水するらしい」とのお問い合わせですが、そのような予定はありません). RULES.md:
# warnings against rumours and corrections are not a finding.
_DENIAL = re.compile(
    r"そのような(?:決定|予定|事実|計画)|予定は(?:ありません|ない|ございません)"
    r"|(?:決定|決まって|決めて)(?:は)?(?:い|お)?(?:ません|ない)|決定した事項はありません"
    r"|通常(?:どおり|通り)|予定(?:どおり|通り)(?:開催|実施|運行|運転)|(?:開設|開館|運行|運転)中です"
    r"|根拠(?:が|は)(?:ない|なく|ありません)|憶測で|ご安心ください|安心してご利用"
    r"|基準値を超え(?:る|た)(?:項目|もの)?は(?:ありません|なく)"
    r"|(?:発表|情報|お知らせ)を(?:必ず)?(?:ご)?確認(?:ください|して)|(?:当|この|公式)アカウントで(?:お知らせ|発表)"
    r"|公正な手続き|の拡散は"
)
# What names a rumour as a rumour rather than telling it: a quotation in 「」, or the
# hedge or rumour words themselves (〜という噂, 未確認の情報, 真偽不明の).
_REPORTED_CATEGORIES = frozenset({"噂", "未確認情報"})
# 「噂ではなく、気象庁の情報を」: the word named only to be set aside.
_SET_ASIDE = re.compile(r"\s?(?:の情報|情報)?(?:ではなく|じゃなく|ではなしに|なく)")

# Parts of speech after which らしい reports hearsay (閉店する|らしい, 高い|らしい, なった|らしい).
_HEARSAY_AFTER = frozenset({"動詞", "形容詞", "助動詞", "形状詞"})
_HEARSAY_NOUNS = frozenset({"サ変可能", "形状詞可能", "サ変形状詞可能"})

_SUGGESTION = Suggestion("担当部署や公式発表で事実を確かめ、確認できたことだけを出典を添えて書いてください")


@rule("harm.rumor", title="根拠のない情報・噂", severity="warning")
@screened("harm.rumor")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    claims: list[Match] = []
    calls: list[Match] = []
    for m in iter_unique(candidates(text, RULE)):
        if "hearsay" in m.entry.tags and not _is_hearsay(text, m):
            continue
        if is_mention(norm, m.start, m.end):
            continue
        if has_marker(_AGAINST, context(norm, m.start, m.end)) or _SET_ASIDE.match(norm, m.end):
            continue
        reported = in_quote(norm, m.start, m.end) or m.entry.category in _REPORTED_CATEGORIES
        if reported and (_DENIAL.search(norm) or has_marker(_AGAINST, norm)):
            continue
        (calls if "needs-hedge" in m.entry.tags else claims).append(m)
    # A call to spread counts only when the post also spreads something unverified.
    found = sorted([*claims, *calls], key=lambda m: m.start) if claims else []
    for m in found:
        word = original(text, m.start, m.end)
        if "needs-hedge" in m.entry.tags:
            message = f"「{word}」: 確認されていない情報の拡散を呼びかけています"
        elif "hearsay" in m.entry.tags:
            message = "伝聞の「らしい」で、確認されていない情報を事実のように伝えています"
        else:
            message = f"「{word}」: 確認されていない情報を事実のように伝えています（{m.entry.category}）"
        yield Hit(m.start, m.end, message, _SUGGESTION)


def _is_hearsay(text: Text, m: Match) -> bool:
    """らしい as the hearsay auxiliary, not the suffix of 春らしい / 男らしい."""
    tokens = text.tokens
    i = tokens.index_at(m.start)
    if i is None or tokens.items[i].pos[0] != "助動詞":
        return False
    before, _ = neighbours(text, m.start, m.end)
    if before is None:
        return False
    if before.pos[0] in _HEARSAY_AFTER:
        return True
    # 中止らしい, 危険らしい: after an event or state noun it reports hearsay;
    # after a plain noun it means "typical of" (男らしい, 春らしい).
    return before.pos[0] == "名詞" and before.pos[2] in _HEARSAY_NOUNS
