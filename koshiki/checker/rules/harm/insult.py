"""人を侮辱したり中傷したりする言葉（罵倒語・暴言・容姿や属性をけなす語）を検出する。

## 何を検出するか
人や集団に向けた罵倒語・暴言を検出します。たとえば「バカ」「アホ」「無能」「クズ」「死ね」
「消えろ」「税金泥棒」「老害」「民度が低い」のような語です。語の一覧は
`koshiki/checker/lexicons/harm.toml`（`rule = "harm.insult"`）にあり、語ごとに載せた理由を
記しています。

語の一覧にない言い回しも、人をおとしめる型として検出します。
- 人を指す語をけなす語で修飾したもの（「使えない職員」「暇な年寄り」「クソ役人」「冷たい人たち」）と、
  人を指す語に続けてけなすもの（「担当者は使い物にならない」「コメントする人、ほんと気持ち悪い」）。
- 人を指す語に蔑みの「ども」「共」を付けたもの（「役人ども」「議員共」。「子ども」は含まない）。
- 「素人のくせに」「新人のくせして」のような「～のくせに」（性別の「女のくせに」は差別表現の規則で扱います）。
- 「頭がお花畑」「脳みそ空っぽ」「頭大丈夫？」「ダメ人間」「プロ失格」「黙ってろ」「ざまあみろ」
  「出ていけばいい」「ペテン師」「マスゴミ」「あんな奴」、英語の「stupid」「idiot」など。
- 「小学生以下ですね」「議員、マジで終わってる」「意見してくる人って、よっぽど暇なんですね」。
- 属性で人を指した後のけなし（「ゲイの人って気持ち悪い」）は差別表現の規則が検出するので、ここでは重ねて報告しません。

語は形態素の区切りで照合するので、「バカンス」「アホウドリ」「くず餅」は一致しません。
次の場合は検出しません。
- 名詞に続く複合語（「親バカ」「釣りバカ」「野菜くず」「酒カス」）、慣用句
  （「ばかにならない」「バカにする」）、活用の続く形（「死ねない」「死ねば」）。
- 侮辱や誹謗中傷をやめるよう呼びかける文の中の語（「ネットいじめをなくしましょう」
  「誹謗中傷は侮辱罪にあたる場合があります」）と、注意喚起の文（「業者を装った詐欺師にご注意ください」）。
- 体の状態を表す文（「手足が冷たい人」「腰の痛い人」）、法律用語の「無能力者」。
- 言葉そのものとしてかぎかっこで引用した語（「『バカ』『死ね』などの言葉は人を傷つけます」）と、
  作品名（『バカの壁』）。

## なぜ問題か
各市のガイドラインは、他者を侮辱する情報や名誉を傷つける表現の発信を禁じています。
公式アカウントの言葉は市の言葉として受け取られ、相手が匿名の投稿者であっても、
侮辱は炎上や法的な紛争（侮辱罪・名誉毀損）につながります。

## 例
- NG: 「何度ご説明しても同じ質問をされる方、正直バカなんですか？」
- NG: 「補助金だけ受け取って何もしない税金泥棒の団体には支給しません。」
- NG: 「素人のくせに口出ししないでほしい。」
- NG: 「うちの課の使えない職員のせいで発送が遅れました。」
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
    Taken,
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
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text

RULE = "harm.insult"

# The sentence campaigns against insults or states the rule about them
# (RULES.md: "quoting a rule about insults" is not a finding).
_AGAINST = re.compile(
    r"やめ(?:ましょう|よう|てください|て下さい|なさい)|止めましょう|しないで|言わないで|書かないで|呼ばないで"
    r"|書き込まないで|送らないで|使わないで|ないようにしましょう|禁止|許され|いけません"
    # 「悪口ばかり書いている」 describes the target; it is no campaign against insults.
    r"|誹謗(?!ばかり|ばっか)|中傷(?!ばかり|ばっか)|悪口(?!ばかり|ばっか)|暴言(?!ばかり|ばっか)|侮辱|名誉毀損|いじめ|イジメ"
    r"|ハラスメント|言葉の暴力|傷つけ|傷付け|言わない|使わない|投稿しない|人権"
    # 「業者を装った詐欺師にご注意ください」: a warning names the wrongdoer, it does not insult.
    r"|注意|気をつけ|気を付け"
)
# A post about insults (an anti-bullying campaign): words quoted in it are examples.
_CAMPAIGN = re.compile(r"誹謗中傷|いじめ|イジメ|ハラスメント|人権|侮辱罪|名誉毀損|悪口|暴言")
# Conjugations after 死ね that make it something other than the imperative.
_NOT_IMPERATIVE = frozenset("なばるまずたてそ")
# 「年寄りは引っ込んでろってことか」「黙れと言われた」: an imperative reported or inferred, not
# addressed to anyone (the writer says how they feel treated). Not 「黙ってろと言いたい」
# 「死ねって思った」: those are the writer's own.
_REPORTED = re.compile(r"(?:って|と)(?:こと|言われ|いわれ|云われ)")
# バカにする / ばかにならない / バカにできない: idioms, not insults.
_IDIOM_NI = re.compile(r"に(?:する|した|して|され|さ|しな|なら|でき)")

_SUGGESTION = Suggestion("相手をおとしめる言葉を使わず、事実と伝えたいことを丁寧な言葉で書いてください")

# Phrases that demean people without a listed word: a person noun with a disparaging
# modifier (使えない職員, クソ役人), the contemptuous plural (役人ども), or 「～のくせに」.
_PEOPLE = (
    r"(?:人間|人たち|人達|人|奴ら|奴|やつら|やつ|ヤツら|ヤツ|連中|職員|役人|公務員|担当者|担当|議員|政治家"
    r"|業者|市民|住民|客|上司|部下|店員|店主|教師|先生|老人|年寄り|若者|おっさん|おばさん|ガキ|野郎"
    r"|行政|役所|市役所|投稿者|コメント主)"
)
_DEMEANING = (
    r"(?:使えない|使い物にならない|仕事の?できない|役に立たない|能力の?ない|学のない|気持ち悪い|気色悪い"
    r"|キモい|きもい|うざい|ウザい|醜い|ろくでもない|しょうもない|無知な|無能な|低能な|生意気な|偉そうな"
    r"|最低な|最悪な|ゴミみたいな|クズみたいな|クソ|くそ|糞|暇な|ヒマな|性格の悪い|心の狭い|器の小さい"
    r"|身勝手な|自分勝手な|わがままな|非常識な|残念な|下品な|低俗な|愚かな|浅はかな|卑劣な|陰湿な|意地の悪い"
    # 手足が冷たい人 / 腰の痛い人 are health advice, not an insult (checked after the word,
    # so that every branch of _PHRASES starts with a literal and the regex can skip ahead).
    r"|冷たい(?<![がのも]冷たい)|痛い(?<![がのも]痛い)|イタい(?<![がのも]イタい))"
)
# Separate patterns rather than one alternation: each starts with literal words, so the
# regex engine skips ahead to them instead of trying every branch at every position.
_PHRASES = (
    # 使えない職員 / クソ役人 / 気持ち悪い連中 (not 使えないカード, クソ暑い)
    re.compile(_DEMEANING + _PEOPLE),
    # 意見を言ってくる人、ほんと気持ち悪い / この担当者は使い物にならない
    re.compile(
        _PEOPLE
        + r"(?:は|って|、|,)[、,]?\s?(?:ほんと|本当に|マジで|まじで|ガチで|正直|全く|まったく|よっぽど|よほど|相当)?[、,]?"
        r"(?:使えない|使い物にならない|役に立たない|仕事ができない|気持ち悪い(?!と感じ|時|とき|場合)|キモい|うざい|ウザい"
        r"|終わってる|終わってます|暇なん(?:ですね|だね|でしょう|ですか))"
    ),
    # こんなこともできないなんて、小学生以下ですね (not 小学生以下のお子さま)
    re.compile(
        r"(?:小学生|幼稚園児|子ども|子供|猿|サル)(?:以下|並み|レベル)(?:です|だ|じゃ|の(?:頭|知能|脳|理解力|対応))"
    ),
    # 役人ども / 議員共 (not 子ども, 職員共済)
    re.compile(
        r"(?:役人|議員|公務員|職員|市民|住民|業者|老人|年寄り|若者|野党|与党|マスコミ|反対派|賛成派|連中|奴|やつ)"
        r"(?:ども|共)(?![\u4e00-\u9fff])"
    ),
    # 素人のくせに / 新人のくせして: the noun before it is found by _KUSE_NOUN
    re.compile(r"(?P<kuse>の(?:くせ|癖)(?:に|して))"),
)
# A protected group named just before the person noun (ゲイの人, 外国人の連中): such phrases
# are reported by harm.discrimination, not twice.
_GROUP_BEFORE = re.compile(
    r"(?:外国|人種|民族|国籍|在日|部落|同和|障害|障がい|ゲイ|レズ|lgbt|同性愛|トランス|性的少数|生活保護|[\u30a1-\u30fa]{2,8}人"
    r"|中国人|韓国人|朝鮮人|黒人|白人|教徒|ムスリム)の?$"
)
# The person noun before 「のくせに」 (女のくせに, 女の子のくせに are harm.discrimination).
_KUSE_NOUN = re.compile(r"(?:[\u4e00-\u9fff\u30a1-\u30fcー]{1,6}|[ぁ-ゖ]{2,4})$")
_KUSE_GENDER = re.compile(r"(?:女|男)(?:性|の子|子)?$")
_PHRASE_GATE = ("くせ", "癖", "ども", "共", "使", "役に立", "能力", "学の", "気持ち悪", "気色", "キモ", "きも",
                "うざ", "ウザ", "醜", "ろくでも", "しょうも", "無知", "無能", "低能", "生意気", "偉そう", "最低",
                "最悪", "みたいな", "クソ", "くそ", "糞", "仕事", "暇", "ヒマ", "性格", "狭い", "小さい", "勝手", "わがまま",
                "非常識", "残念", "下品", "低俗", "愚か", "浅はか", "卑劣", "陰湿", "意地", "冷たい", "痛い", "イタい",
                "終わって", "暇なん", "以下", "並み", "レベル")  # fmt: skip
# The gate as one regex: a single pass instead of one ``in`` scan per word.
_PHRASE_GATE_RE = re.compile("|".join(map(re.escape, _PHRASE_GATE)))


@rule("harm.insult", title="侮辱・誹謗中傷", severity="error")
@screened("harm.insult")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    found = Taken()
    for m in iter_unique(candidates(text, RULE)):
        tags = m.entry.tags
        if "imperative" in tags and (
            m.start not in text.tokens.starts or (m.end < len(norm) and norm[m.end] in _NOT_IMPERATIVE)
        ):
            continue
        if ("imperative" in tags or norm[m.end - 1] in "ろれ") and _REPORTED.match(norm, m.end):
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
        found.add(m.start, m.end)
        yield Hit(m.start, m.end, f"「{word}」は人を侮辱する表現です（{m.entry.category}）", _SUGGESTION)
    if _PHRASE_GATE_RE.search(norm):
        yield from _phrases(text, found)


def _phrases(text: Text, found: Taken) -> Iterator[Hit]:
    """Demeaning phrases without a listed word, outside campaigns against insults."""
    norm = text.norm
    for m in (m for pattern in _PHRASES for m in pattern.finditer(norm)):
        start, end = m.span()
        if "kuse" in m.re.groupindex:
            noun = _KUSE_NOUN.search(norm, max(0, start - 6), start)
            if noun is None or _KUSE_GENDER.search(norm, max(0, start - 4), start):
                continue
            start = noun.start()
        if found.overlaps(start, end) or is_mention(norm, start, end):
            continue
        # ゲイの人って気持ち悪い / 外国人の連中: disparaging a protected group is harm.discrimination.
        if _GROUP_BEFORE.search(norm, max(0, start - 10), start):
            continue
        # 「素人のくせに口出ししないで」: a bare しないで asks the target to stop, not to stop insulting.
        if has_marker(_AGAINST, context(norm, start, end).replace("しないで", "")):
            continue
        if in_quote(norm, start, end) and post_has(text, "insult-campaign", _CAMPAIGN):
            continue
        found.add(start, end)
        yield Hit(start, end, f"「{original(text, start, end)}」は人をおとしめる表現です", _SUGGESTION)
