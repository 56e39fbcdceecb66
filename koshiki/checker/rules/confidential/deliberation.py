"""意思形成過程にある（まだ決まっていない・公表されていない）情報の発信を検出する。

## 何を検出するか
市としてまだ決定・公表していない政策や事業の内容を、投稿で明かしている表現を
検出します。

- 検討中の案そのもの: 「検討中の素案」「庁内で検討中の案」「内部検討中の資料」
  「調整中の計画」「まだ案の段階ですが」「構想段階ですが」
- 決まっていない方針を事実のように書くもの: 「来年度から〇〇を廃止する方向で
  調整しています」「無償化する方向で検討しています」「正式には決まっていませんが」
  「方針はまだ調整中ですが」。同じ投稿の中で「〜することが決まりました」と書きながら、
  「まだ方針を調整中です」「正式には決まっていません」と打ち明けているものは、決まった
  ように書いた文とその打ち明けの両方を検出します。
- 公表前であることを自ら示すもの: 「未発表の情報ですが」「公表前ですが」
  「非公表のデータ」「正式決定前ですが」「発表前の新キャラクターを公開」
  「プレスリリース前ですが」「議会に提案する前ですが」
- まだ言えないと断ってから明かすもの: 「まだ言えないんですが」「本当はまだ発表できないんだけど」
  「まだ言っちゃダメなんですけど」「フライングですが」、「まだ決まっていませんが、…する予定です」
  （「まだ決まっていませんが、決まり次第お知らせします」は対象外）
- 決まっていない方向を進行中のこととして書くもの: 「廃止の方向で話が進んでいます」

次のものは検出しません。

- 「ご検討ください」「参加をご検討ください」（読み手への呼びかけ）
- 公開の検討会・審議会・協議会・説明会の開催案内、会議資料や議事録の掲載、
  公表した検討結果（「第3回〇〇検討委員会を開催します」）
- 意見募集（パブリックコメント）に付した素案・計画案: 公表された情報です
  （「〇〇計画（素案）への意見を募集します」）
- 「氏名は非公表とします」のような取扱いの説明、「未発表作品を初公開」（美術館
  の展示）、「決まり次第お知らせします」「現在、医療機関と調整中です」、
  「開催が決まりました。詳細はまだ調整中です」（決まったことと、決まっていない細部）
- 内容に触れない途中経過の返答（「ご要望の件は、現在庁内で検討中です。」）。
  「庁内で検討中の案では…」「検討中ですが、…」のように中身を続けると検出します。

## なぜ問題か
意思形成過程にある政策や事業の内容は、市の公式見解ではありません。決まって
いないことが決まったかのように広まると、市民に誤解と混乱を招き、その後の
検討の妨げにもなります（京都市5(2)エ「意思形成過程における情報の取扱いに留意」、
狛江市4(4)ア「市の公式見解でないもの（意思形成過程にある政策や事業内容等）は、
発信しないこと」、安芸高田市2(6)ク「重要施策の意思形成過程における情報（検討中
の素案…）」）。

## 例
- NG: 「来年度から市民プールを廃止する方向で調整しています。」
- NG: 「まだ案の段階ですが、駅前広場の噴水は撤去する予定です！」
- OK: 「第2次環境基本計画（素案）への意見を募集します。」（公表された素案）
- OK: 「第3回市民プール在り方検討委員会を開催します。」（公開の会議の案内）

## 代わりに
正式に決定し、公表してから発信します。検討していることを知らせる必要がある
ときは、公開の会議や意見募集の案内として、決まっていることだけを書きます。

## 参考
- 京都市ソーシャルメディア利用ガイドライン 5(2)エ
- 狛江市ソーシャルメディアの利用に関する指針 4(4)ア
- 安芸高田市ソーシャルメディア利用ガイドライン 2(6)ク
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text, sentence_bounds

# Cheap gate: every pattern below contains one of these.
_GATE = (
    "検討", "調整", "段階", "発表", "公表", "決定", "決ま", "解禁", "協議", "方向で", "言え", "話せ", "公開でき",
    "お伝えでき", "お見せでき", "言っ", "フライング", "提案", "提出", "議決", "可決", "リリース前",
)  # fmt: skip

# What a draft under deliberation is called (案件 and 案内 are not drafts).
_DRAFT = r"(?:素案|原案|試案|計画案|案(?![件内])|計画|方針|構想|内容|資料)"
# Deliberation still in progress: the contents of a draft are being shown.
_IN_PROGRESS = re.compile(
    # 「庁内で検討中です。」alone is an interim reply; it leaks when it introduces the
    # contents (検討中の案, 検討中ですが…).
    rf"(?:内部|庁内|課内|部内|省内|局内)で?(?:検討|協議|調整)(?:中|段階)"
    rf"(?:の{_DRAFT}|(?=の|です(?:が|けど)|だが|ながら|で[、,]))"
    rf"|(?:検討|調整|協議)中の{_DRAFT}"
    r"|(?:素案|原案|試案|たたき台|叩き台|案|検討|構想|調整)の?段階(?=です|だ|な|で|の|では)"
    r"|方向で(?:最終)?(?:調整|検討|協議)(?=中|し|を|に|が|段階|$)"
    r"|正式(?:には|に)?(?:決(?:定|ま)(?:って|して)?(?:い)?(?:ない|ません|ておりません)"
    r"|決定では(?:ありません|ない)|(?:な)?発表(?:は|が)?まだ(?:です)?)(?=が|けど|けれど|ので|ながら)"
    # 方針はまだ調整中ですが、… (the policy itself is open, and the contents follow)
    r"|(?:方針|方向性|是非|可否|結論)(?:は|を|が)?[、,]?\s?(?:まだ|いまだ)?[、,]?\s?(?:検討|調整|協議)中"
    r"(?:です|であり|ではあります)?(?=が|けど|けれど|ながら)"
)
# The author admits that the policy is still open (まだ方針を調整中です, 正式には
# 決まっていません): a decision announced in the same post is stated as fact too early.
# 「詳細はまだ調整中です」 is about details of a decided matter, not the policy.
_STILL_OPEN = re.compile(
    r"(?:まだ|いまだ|依然)[^。!?\n]{0,8}?(?:方針|方向性|是非|可否|結論)(?:は|を|が)?[、,]?\s?(?:検討|調整|協議)(?:中|段階)"
    r"|(?:方針|方向性|是非|可否|結論)(?:は|を|が)?[、,]?\s?(?:まだ|いまだ)[、,]?\s?(?:検討|調整|協議)(?:中|段階)"
    r"|(?:正式に(?:は)?|実際には|本当は)(?:まだ)?決(?:定|ま)(?:って|して)?(?:い)?(?:ない|ません|ておりません)"
)
# A decision stated as made (…することが決まりました), from the start of its sentence.
_STATED_DECIDED = re.compile(
    r"[^。!?\n]{2,60}?(?:ことが(?:正式に)?(?:決まりました|決定しました)|ことに(?:決まりました|決定しました|なりました)"
    r"|が(?:正式に)?(?:決まりました|決定しました))"
)
# Information that the author says is not published yet (未発表・公表前・非公表).
_UNPUBLISHED_WORD = r"(?:正式)?(?:未発表|未公表|非公表|(?:公表|発表|解禁|決定)前)"
_UNPUBLISHED = re.compile(
    rf"{_UNPUBLISHED_WORD}(?="
    r"です(?:が|けど|けれど)|だが|だけど|ながら|の段階"
    r"|の(?:情報|内容|資料|データ|数値|数字|案(?![件内])|計画|方針|事業|施策|政策|人事|予算|結果|話|ニュース|段階)"
    r"|に(?:特別|こっそり|いち早く|一足早く|先行|ちょっと|少しだけ|チラ)"
    r")"
    rf"|(?<=まだ){_UNPUBLISHED_WORD}"
    # 発表前の新キャラクターを公開: the sentence itself reveals what is unpublished.
    rf"|(?:公表|発表|解禁)前(?=の[^。!?\n]{{0,30}}(?:公開|お見せ|見せ|披露|紹介|チラ見せ|先行|お伝え))"
)
# 廃止の方向で話が進んでいます: an undecided direction stated as under way (reported only
# when its sentence has no other in-progress finding: one leak, one finding).
_DIRECTION = re.compile(r"方向で(?:話が進|話を進め|進めて|動いて)")
# The author says it is too early to tell, then tells: 「まだ言えないんですが」「フライングですが」
# 「プレスリリース前ですが」「まだ決まっていませんが、…する予定です」.
_TOO_EARLY = re.compile(
    r"(?:まだ|本当は|ほんとは|実は)(?:まだ)?(?:言え|話せ|発表でき|公表でき|公開でき|お伝えでき|お見せでき)(?:ない|ません)"
    r"(?:んです|んだ|のです|です)?(?:が|けど|けれど)"
    r"|(?:まだ|本当は|ほんとは)(?:まだ)?言っ(?:ちゃ|ては)(?:ダメ|だめ|駄目|いけない)(?:なんです|なんだ|です|だ)?(?:が|けど|けれど)"
    r"|フライング(?:ですが|だけど|になりますが|気味ですが|で(?:お見せ|公開|ご紹介|お知らせ|お伝え))"
    r"|(?:議会に?)?(?:提案|提出|議決|可決)(?:する)?前(?=です(?:が|けど)|だが|だけど|の(?:情報|内容|資料|段階))"
    r"|(?:プレス)?リリース前(?=です(?:が|けど)|だが|だけど|の(?:情報|内容|資料|段階))"
    r"|まだ決(?:まって|定して)(?:い)?(?:ない|ません|ておりません)(?:が|けど|けれど)"
    r"(?=[^。!?\n]{0,40}?(?:予定|見込み|方向|つもり|なりそう|なるかも|するかも|なるはず|するはず))"
)
_TOO_EARLY_GATE = re.compile(r"言え|話せ|でき|言っ|フライング|前|決ま")
# Every _UNPUBLISHED match holds one of these, at most two characters after its start.
_UNPUBLISHED_GATE = re.compile(r"未発表|未公表|非公表|(?:公表|発表|解禁|決定)前")
# Every _IN_PROGRESS and _STILL_OPEN match holds one of these.
_IN_PROGRESS_GATE = ("検討", "調整", "協議", "段階", "方向で", "正式", "決ま", "決定")
# Notices about how unpublished information is handled, and calls for comment on a
# draft, are not leaks (公表前の情報の取扱い研修, 決定前の段階ですのでご意見を).
_HANDLING = re.compile(
    r"ご意見|意見(?:を)?募集|パブリックコメント|パブコメ|研修|取扱い|取り扱い|お詫び|おわび|漏えい|流出"
)
# Sentences about a public process: what they mention has been or is being published,
# so it is no longer 意思形成過程の情報 kept inside (Ishinomaki 4(1): posts carry
# information meant to be made public). A bare 委員会/協議会 is an organisation
# (教育委員会), not a public meeting, so it needs 開催/審議 to count.
_PUBLIC_PROCESS = re.compile(
    r"意見(?:を)?募集|パブリックコメント|パブコメ|審議会|検討会|検討委員会|公聴会"
    r"|(?:委員会|協議会|部会)(?:を|の)?(?:開催|で(?:の)?(?:審議|議論))"
    r"|説明会|住民説明|会議資料|議事録|議事概要|傍聴|公表しました|公開しました|掲載しました"
)
# An in-house meeting (庁内の検討会議) is not a public one.
_INTERNAL_MEETING = re.compile(r"(?:庁内|内部|課内|部内|局内)の?(?:検討会|検討委員会|協議会|審議会)")
_SUGGESTION = Suggestion("正式に決定・公表してから発信してください")


def _sentence(norm: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)``, cut at 。!? and line breaks."""
    left, right = sentence_bounds(norm, start, end)
    return norm[left:right]


def _hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    # Each pattern opens within two characters (正式) of its first listed word.
    first = _UNPUBLISHED_GATE.search(norm)
    for m in _UNPUBLISHED.finditer(norm, max(0, first.start() - 2)) if first else ():
        if _HANDLING.search(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(), m.end(),
            f"「{text.quote(m.start(), m.end())}」の情報を発信しようとしています。公表前の情報は発信できません",
            _SUGGESTION,
        )  # fmt: skip
    for m in _TOO_EARLY.finditer(norm) if _TOO_EARLY_GATE.search(norm) else ():
        if _HANDLING.search(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(), m.end(),
            f"「{text.quote(m.start(), m.end())}」: まだ公表できない情報を発信しようとしています",
            _SUGGESTION,
        )  # fmt: skip
    if not any(word in norm for word in _IN_PROGRESS_GATE):
        return
    reported: set[int] = set()  # sentence starts with an in-progress finding
    for m in _IN_PROGRESS.finditer(norm):
        # A draft shown at a public meeting or put out for public comment is public.
        if _is_public_process(_sentence(norm, m.start(), m.end())):
            continue
        reported.add(sentence_bounds(norm, m.start(), m.end())[0])
        yield Hit(
            m.start(), m.end(),
            f"「{text.quote(m.start(), m.end())}」は意思形成過程の情報です。市の決定として公表されるまで発信しないでください",
            _SUGGESTION,
        )  # fmt: skip
    for m in _DIRECTION.finditer(norm) if "方向で" in norm else ():
        if sentence_bounds(norm, m.start(), m.end())[0] in reported:
            continue
        if _is_public_process(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(), m.end(),
            f"「{text.quote(m.start(), m.end())}」は意思形成過程の情報です。市の決定として公表されるまで発信しないでください",
            _SUGGESTION,
        )  # fmt: skip
    yield from _premature(text)


def _is_public_process(sentence: str) -> bool:
    return _PUBLIC_PROCESS.search(_INTERNAL_MEETING.sub("", sentence)) is not None


def _premature(text: Text) -> Iterator[Hit]:
    """A decision announced while the same post admits the policy is still open."""
    norm = text.norm
    opens = [
        m for m in _STILL_OPEN.finditer(norm) if not _is_public_process(_sentence(norm, m.start(), m.end()))
    ]
    if not opens:
        return
    decided = list(_STATED_DECIDED.finditer(norm))
    if not decided:
        return
    for m in decided:
        start = m.start()
        while start < m.end() and norm[start] in " \u3000、,":
            start += 1
        yield Hit(
            start, m.end(),
            f"「{text.quote(start, m.end())}」: まだ決まっていない方針を決定事項として書いています（意思形成過程の情報）",
            _SUGGESTION,
        )  # fmt: skip
    for o in opens:
        yield Hit(
            o.start(), o.end(),
            f"「{text.quote(o.start(), o.end())}」: 決まったと書いた方針がまだ意思形成過程にあることを示しています",
            _SUGGESTION,
        )  # fmt: skip


@rule("confidential.deliberation", title="意思形成過程の情報", severity="error")
@screened("confidential.deliberation")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    if not any(word in norm for word in _GATE):
        return
    # One finding per place: where two patterns overlap, the earlier (longer) wins.
    end = -1
    for hit in sorted(_hits(text), key=lambda h: (h.start, -h.end)):
        if hit.start >= end:
            end = hit.end
            yield hit
