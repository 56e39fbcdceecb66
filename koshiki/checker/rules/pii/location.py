"""私人の居場所（自宅・今いる場所）や、位置情報を付けて投稿していることを検出する。

## 何を検出するか
基本の形は「私人」＋「場所」＋「いつもいる時間・住まい・今いること」が一つの文にそろったものです。

- 私人: 名前（SudachiPy の人名に敬称、または姓と名）か、名前のない言い方（近所のおばあちゃん、
  息子さん、3年生の子、利用者の方、ひとり暮らしの高齢者）。「子どもたち」「皆さん」のような
  複数の人や、役職とともに書かれた公人は対象外。
- 場所: SudachiPy の地名、施設・建物・目印（公園、駅、交差点、東屋、マンション、団地、
  図書館、ベンチ、〇丁目、お宅…）。
- 時間・住まい・今いること: 毎朝、平日の夕方、土曜、7時、通学路・帰り道などの経路、
  住んでいる、泊まっている、通っている、お宅、「東屋にいます」。
- 「開催」「どなたでも」「参加」「会場」「休館」「ご注意」など催しや公のお知らせの語が同じ文に
  あれば、場所は会場・施設の案内なので対象にしません。

次の書き方は、この形の特に分かりやすいものとして個別にも見ています。

- 特定の人の住まいを示す書き方: 「山田さんの家」「鈴木様宅」「田中さんの自宅前」
  「吉田さん（98）のご自宅」。人名（SudachiPy の品詞で判定）に敬称・年齢や「の」を
  挟んで自宅・お宅・家・実家などが続くもの。番地まで書いた住所に「のお宅」「のご自宅」が
  続くもの（「東町2丁目3番4号のお宅」）。その住まいの場所を目印で書き足したもの
  （「お宅は〇〇駅から徒歩5分」「ご自宅は郵便局の裏」）。
  人が住んでいない空き家・跡地（「山田さん宅の空き家」）は居場所ではないので対象外。
- 同じ文の前に人名があり、建物や目印まで分かる場所に住んでいると書いたもの: 「田中さんは
  東町のみどり団地に住んでいます」「中央公園の近くにお住まい」（団地・マンション・〇丁目・
  近く・隣・裏・駅前など）、住まいを目印で書いたもの（「佐藤さん、実家は南町の酒屋の隣」
  「小林さんの住むアパートは駅から徒歩3分」）。「市内に住む」「この町で暮らす」は対象外。
- 特定の人が今どこにいるかを示す書き方: 「山田太郎さんは今、四条河原町にいます」。
  同じ文の前に人名があり、「今／現在／ただいま〜に（で）いる・来ている・作業中・入院中」と
  続くもの。「今日／本日／明日／この後〜にいます・で作業中」（「鈴木さんは今日、駅前の
  カフェにいます」）、SNS の「〇〇温泉なう」も同じです。
- 特定の人がいつもいる場所と時間: 「見守りボランティアの田中さん、毎朝7時から〇〇小学校の
  正門前に立っています」「毎週土曜の朝は自宅前の畑で作業されています」。同じ文の前に
  人名があり、「毎朝・毎週〇曜日・いつも・平日の昼間…〜に（で）立って・いる・作業して・
  買い物をして」「〜を散歩して」と続くもの（「田中さんはいつも朝6時に河川敷を散歩しています」）。
- 位置情報を付けて投稿している・付けたままだという記述: 「位置情報をオンにして投稿」
  「位置情報付きで撮影」「ジオタグ付き」。「位置情報をオフに」「位置情報にご注意」
  のような注意喚起は対象にしない。

催しの会場、施設、公共の場所の案内は対象にしない（人の居場所ではない）。役職とともに
書かれた公人（「市長は現在、被災地を視察しています」）や、人名でないマスコットも対象外。

## なぜ問題か
人の住まいや今いる場所が分かると、つきまといや空き巣などの被害につながる。
写真や投稿に自動で付く位置情報は、撮影者や職員の居場所を意図せず知らせてしまう。
川崎市5(11)スは位置情報を他人に知られることの影響に留意し、必要に応じて機能を
停止するよう求め、京都市5(1)ウはプライバシー権への留意を求めている。

## 例
- NG: 「見守り活動を続ける田中さんの自宅前で撮影しました」
- NG: 「ボランティアの山田太郎さんは今、四条河原町にいます！」
- NG: 「今日の写真は位置情報をオンにしたまま投稿しています」
- NG: 「近所のおばあちゃんは毎朝6時に中央公園の東屋でラジオ体操をしています」
- OK: 「毎朝、中央公園でラジオ体操を開催しています。どなたでも参加できます」（催し）
- OK: 「会場は京都市勧業館（みやこめっせ）です」（催しの会場）
- OK: 「写真を投稿するときは位置情報をオフにしましょう」（注意喚起）
- OK: 「市長は現在、被災地を訪れています」（役職とともに書かれた公人）

## 代わりに
個人の住まいや居場所は書かない（「市内在住の方」などにする）。写真や投稿の位置情報は
オフにしてから投稿する。

## 参考
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ス
- 京都市ソーシャルメディアガイドライン 5(1)ウ
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from operator import attrgetter

import ahocorasick_rs

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.pii._address import find_addresses
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text, sentence_bounds
from koshiki.checker.tokens import Tokens

# Kawasaki 5(11)ス: geotagging switched on / attached.
_GEOTAG = re.compile(
    r"(?:位置情報|ジオタグ|gps|現在地|exif)(?:機能)?(?:を|が|は|も)?\s?"
    r"(?:オン|on|有効|付き|つき|付け|付与|付い|つい|入り|入れ|付加|共有)"
)
# A warning about geotags, or geotags switched off, is not a finding.
_GEOTAG_SAFE = re.compile(
    r"オフ|off|無効|外し|外す|削除|消し|消す|しない|せず|ないよう|ないか|ません|ないで|"
    r"注意|気をつけ|気を付け|確認|危険|リスク|おそれ|恐れ|知られ|特定され|留意|控え|避け|やめ|止め|停止"
)
# Geotags matter where something is published: a post, a photo or a video, a live
# report (an app that needs location services on is not a finding).
_GEOTAG_PUBLISHING = re.compile(
    r"投稿|撮影|写真|画像|動画|ツイート|ポスト|アップ|載せ|公開|配信|お届け|発信|中継|実況|ライブ|レポ|更新|シェア|つぶや"
)
_HONORIFIC = r"(?:さん|くん|ちゃん|様|さま|君|氏)"
_HOME = re.compile(
    # 山口さん（82）のご自宅: the age between the name and the home
    rf"(?P<hon>{_HONORIFIC})?(?:\s?\(\d{{1,3}}(?:歳|才)?\))?(?P<no>の)?"
    r"(?P<home>ご自宅|自宅|お宅|お家|おうち|実家|住まい|宅|家)"
    r"(?P<near>の?(?:前|付近|近く|周辺|周り|隣|場所))?"
)
# Every _HOME match holds one of these, at most _HOME_PREFIX characters after its start
# (honorific, bracketed age and の before the home word; ご自宅 before its 宅).
_HOME_WORD = re.compile(r"宅|家|おうち|住まい")
_HOME_PREFIX = 16
# Nobody lives there: a vacant or former house is property, not whereabouts.
_VACANT = re.compile(r"の?(?:空き家|空家|跡地|跡)")
# A street address named as someone's home (東和泉2丁目14番7号のお宅).
_ADDRESS_HOME = re.compile(r"\s?(?:の|にある)(?:ご自宅|自宅|お宅|お住まい|住まい)")
# The home described by landmarks after it was mentioned (お宅は〇〇駅から徒歩5分).
_HOME_DIRECTIONS = re.compile(
    r"(?:その|この)?(?:ご自宅|自宅|お宅|お家|おうち|お住まい)は[^。!?\n]{0,25}?"
    r"(?:から(?:徒歩|歩いて|車で)(?:約)?\d{1,3}分|の(?:裏|隣|向かい|真向かい|斜め向かい|角|奥|手前|すぐ近く))"
)
# A person's habitual place and time (毎朝7時から〇〇小学校の正門前に立って).
# いつも朝6時に河川敷を散歩 / 毎日夕方5時ごろ〇〇スーパーで買い物をして / 平日の昼間はいつも自宅にいます
_ROUTINE = re.compile(
    r"(?:毎(?:朝|晩|夕方?|夜|日|週末|週[月火水木金土日](?:曜日?)?)|平日(?:の)?(?:朝|昼間?|日中|夕方|夜)?"
    r"|休日(?:の)?|週末(?:の)?|いつも|日課で)"
    r"(?:の?(?:朝|夕方|夜|午前|午後|昼間?|日中))?(?:に|は|も)?[、,]?\s?(?:いつも[、,]?\s?)?"
    r"(?:(?:朝|夕方|夜|午前|午後)?\d{1,2}時(?:\d{1,2}分|半)?(?:から|~|頃|ごろ)?(?:に)?[、,]?\s?)?"
    r"(?P<place>[^\s、,。!?]{2,20}?)(?:(?:に|で)(?:[^\s、,。!?]{1,12}?を)?"
    r"(?:立って|い(?:る|ます|らっしゃ)|おられ|(?:作業|散歩|見守り|練習|畑仕事|ジョギング|ウォーキング|買い物)"
    r"(?:され|し)て|見守って|過ごされ|過ごして|して(?:い|おら)|通って|配って|売って|待って)"
    r"|を(?:散歩|ジョギング|ウォーキング|ランニング)(?:され|し)て)"
)
_ROUTINE_GATE = re.compile(r"毎|平日|いつも|日課|休日|週末")
# A place precise enough to find a person (a building, a block, a landmark next to it);
# 「市内に住む」「この町で暮らす」 are not.
_PRECISE = (
    r"(?:団地|マンション|アパート|丁目|番地|号室|\d{1,2}階|近く|隣|裏|向かい|の前|前の|近所|の横|駅前|付近|沿い"
    r"|の家|屋根|一軒家|社宅|寮|荘|ハイツ|コーポ|レジデンス|角|から(?:徒歩|歩いて|車で))"
)
# 田中さんは東町のみどり団地に住んでいます / 中央公園の近くにお住まい. The pattern starts at
# the precise word (so the engine can skip ahead to it); the place's start is _PLACE_HEAD.
_RESIDES = re.compile(
    rf"{_PRECISE}[^\s、,。!?はがをも]{{0,10}}?(?:に|で)"
    r"(?:住んで(?:い|おら|らっしゃ)|住まわれ|お住まい|お住い|暮らして(?:い|おら|らっしゃ)"
    # 団地に住む人々 / 近くに暮らす皆さん: someone else than the named person
    r"|(?:住む|暮らす)(?![人方皆世住子高外家]))"
)
# 佐藤さん、実家は南町の酒屋の隣 / お住まいは市役所裏のマンション / 住むアパートは駅から徒歩3分
_HOME_DESC = re.compile(
    r"(?:ご自宅|自宅|お宅|実家|お住まい|お住い|住まい|(?:住む|住んでいる|暮らす|暮らしている)(?:家|アパート|マンション|団地|部屋))"
    rf"(?:は|が)[、,]?[^。!?\n]{{0,25}}?{_PRECISE}"
)
_PLACE_HEAD = re.compile(r"[^\s、,。!?はがをも]{0,20}$")
_RESIDE_GATE = re.compile(r"住|暮ら|自宅|お宅|実家")
# 鈴木さんは今日、駅前のカフェにいます / 本日は〇〇で作業中 / 加藤さんと〇〇温泉なう
_TODAY_AT = re.compile(
    r"(?:今日|本日|きょう|今朝|今夜|今晩|明日|あした|この後|これから|午前中|午後)(?:は|も|から)?[、,]?\s?"
    # 今日から1週間、〇〇ホテルに泊まっています
    r"(?:\d{1,2}(?:日間|週間|泊)[、,]?\s?)?"
    r"(?P<place>[^\s、,。!?]{1,20}?)(?:に|で)"
    r"(?:い(?:る|ます|らっしゃ)|おります|来て(?:いる|います)|滞在|泊まって|(?:作業|勤務|休憩|待機|入院|宿泊)"
    r"(?:中|を?して|されて))"
)
# 加藤さんと一緒に〇〇温泉なう: the place is the run before なう (_NAU_PLACE).
_NAU = re.compile(r"なう(?![a-z])")
_NAU_PLACE = re.compile(r"[^\s、,。!?はがをもとに]{2,20}$")
_TODAY_GATE = re.compile(r"今日|本日|きょう|今朝|今夜|今晩|明日|あした|この後|これから|午前中|午後|なう")
_NOW_AT = re.compile(
    r"(?:(?<![\u4e00-\u9fff])今|(?<![\u3041-\u3096])いま|現在|ただいま)"
    r"(?![日年月週後回度朝夜晩期春夏秋冬般更頃季地])[、,]?\s?"
    r"(?P<place>[^\s、,。!?]{1,20}?)(?:に|で)"
    r"(?:い(?:る|ます|ました|らっしゃ\S{0,3})|来て(?:いる|います|る|ます)|滞在(?:中|して\S{0,3})|到着\S{0,4}"
    r"|泊まって|(?:作業|勤務|休憩|待機|入院|宿泊)(?:中|を?して|されて))"
)
# Every _NOW_AT match starts with one of these (or with ただ before いま).
_NOW_WORD = re.compile(r"今|いま|現在")
# Public offices: a public figure's whereabouts on duty are public information.
_ROLE = re.compile(
    r"(?:市長|副市長|区長|町長|村長|知事|副知事|大臣|議長|議員|局長|部長|課長|職員|隊員|消防|警察)"
)
_START = attrgetter("start")

# ---- the explicit pattern: a private person + a place + a habit or presence (issue 13 item 3) ----
# A private person described without a name (近所のおばあちゃん, 息子さん, 3年生の子, 利用者の方);
# plural and generic forms (子どもたち, 皆さん) are not one person.
_DESCRIPTOR = re.compile(
    r"近所の(?:おばあちゃん|おじいちゃん|おばあさん|おじいさん|奥さん|お子さん|方|人|子(?!ども|供|育て)|男性|女性)"
    r"|(?<![皆])(?:息子|娘|お孫|お子|奥|ご主人|お母|お父)さん"
    r"|\d{1,2}年生の(?:男の子|女の子|お子さん|子(?!ども|供|育て)|児童|生徒)|(?:小学|中学|高校)\d年の(?:男の子|女の子|子(?!ども|供)|児童|生徒)"
    r"|利用者の(?:方|男性|女性)(?!々|たち)|(?:ひとり|一人)暮らしの(?:高齢者|方|女性|男性|おばあちゃん|おじいちゃん)"
    r"|(?:高齢|年配)の(?:女性|男性|方)(?!々|たち)|(?<!の)(?:おばあちゃん|おじいちゃん|おばあさん|おじいさん)(?!たち|方)"
)
# 「近所の方から…との通報」: the person told about it, not the one who is there.
_REPORTER_AFTER = re.compile(r"\s?(?:から|より|が通報|の通報|の声|に聞|が見つけ|が発見)")
# Every _DESCRIPTOR match without さん holds one of these.
_DESCRIPTOR_GATE = ("近所", "年生の", "年の", "利用者の", "暮らしの", "高齢の", "年配の", "おばあ", "おじい")
_NAME_HONORIFIC = re.compile(r"\s?(?:さん|くん|ちゃん|様|さま|氏)")
# Honorifics that may follow a name, and the descriptor words: one Aho-Corasick pass
# finds both (a regex with look-behinds would be tried at every character).
_HONORIFICS = ("さん", "くん", "ちゃん", "様", "さま", "氏")
_PERSON_CUE_WORDS = _HONORIFICS + _DESCRIPTOR_GATE
_PERSON_CUES = ahocorasick_rs.AhoCorasick(_PERSON_CUE_WORDS)
# Not after a name: たくさん, 皆さん, みなさん, 皆様, 同様, 様子, 様々, 様式 (two characters before
# the honorific and up to three from it).
_NOT_HONORIFIC = re.compile(r"(?:.?(?:たく|皆|みな)さん|.?[皆同]様|.{0,2}様[子々式])")
# A place precise enough to meet someone there: facilities, buildings, landmarks (SudachiPy's
# 地名 tokens count too).
_PLACE_WORD = re.compile(
    r"公園|駅(?!伝|前広場で開催)|交差点|東屋|あずまや|マンション|アパート|団地|コンビニ|スーパー|商店街|河川敷|図書館|病院|医院"
    r"|クリニック|小学校|中学校|高校|保育園|幼稚園|神社|お寺|橋|バス停|停留所|広場|公民館|集会所|体育館|プール|カフェ|喫茶店"
    r"|銭湯|郵便局|銀行|ベンチ|遊歩道|堤防|土手|畑|田んぼ|ホテル|旅館|民宿|ネットカフェ|老人ホーム|デイサービス|社宅|寮"
    r"|\d{1,4}号室|丁目|番地|お宅|ご自宅|自宅|実家"
)
# When and how the person is there: times of day, weekdays, routes, living and staying.
_HABIT = re.compile(
    r"毎(?:朝|晩|夕方?|夜|日|週|月)|いつも|平日|週末|土日|休日|[月火水木金土日]曜|\d{1,2}時(?:\d{1,2}分|半)?"
    r"|夕方|放課後|登下校|帰り道|行き帰り|通学路|通勤路|ルート|経路|コース"
    r"|住んで|住まわれ|お住まい|暮らして|泊まって|宿泊して|通って|通院|散歩|ジョギング|ウォーキング|お宅|入居して|滞在して"
)
# Presence at the place: 〜にいます right after it.
_PRESENT = re.compile(r"(?:に|で)(?:いる|います|いらっしゃ|おられ|座って|立って|待って)")
# An event or a public notice: the place is a venue, the people its public.
_EVENT = re.compile(
    r"開催|どなたでも|参加|会場|募集|受付|申込|申し込|教室|講座|説明会|イベント|休館|開館|営業|運休|運行|ご利用|ご注意|お越し"
    r"|定員|予約|実施|行います|行って|開設|無料|見学|体験|ボランティア募集|お知らせ"
)


def _named_person(text: Text, lo: int, hi: int) -> tuple[int, int] | None:
    """A private person's name in ``[lo, hi)``: a name token with an honorific, or surname + given name."""
    items = text.line_of(lo).items
    first = bisect.bisect_left(items, lo, key=_START)
    norm = text.norm
    for i in range(first, len(items)):
        tok = items[i]
        if tok.start >= hi:
            break
        if not tok.is_person_name:
            continue
        end = tok.end
        j = i + 1
        while j < len(items) and items[j].is_person_name and items[j].start == end:
            end = items[j].end
            j += 1
        honorific = _NAME_HONORIFIC.match(norm, end)
        if honorific is None:
            continue  # a name without さん: maybe a place, a shop or a public figure
        if _ROLE.search(norm, max(lo, tok.start - 4), tok.start) or _ROLE.match(norm, end):
            continue
        return tok.start, honorific.end() if honorific else end
    return None


def _place_token(text: Text, lo: int, hi: int) -> tuple[int, int] | None:
    """A SudachiPy 地名 token inside ``[lo, hi)``."""
    items = text.line_of(lo).items
    first = bisect.bisect_left(items, lo, key=_START)
    for tok in items[first:]:
        if tok.start >= hi:
            break
        if tok.is_place_name:
            return tok.start, tok.end
    return None


def _person_place_habit(text: Text) -> Iterator[Hit]:
    """A private person, a place and a habit or presence in one sentence, no event words.

    Regexes first; the sentence is tokenised only when a habit and no event word are
    in it and the person or the place still needs SudachiPy (a name, a 地名).
    """
    norm = text.norm
    # The person is the rarest part: only sentences holding a descriptor or an honorific
    # are looked at any further.
    people: list[int] = []
    descriptor_cue = False
    for i, start, _ in _PERSON_CUES.find_matches_as_indexes(norm):
        word = _PERSON_CUE_WORDS[i]
        if word in _DESCRIPTOR_GATE:
            descriptor_cue = True
        elif not _NOT_HONORIFIC.match(norm[max(0, start - 2) : start + 3]):
            people.append(start)
    if descriptor_cue:
        people += [m.start() for m in _DESCRIPTOR.finditer(norm)]
    if not people:
        return
    seen: set[tuple[int, int]] = set()
    for p in sorted(people):
        lo, hi = sentence_bounds(norm, p, p, 200)
        if (lo, hi) in seen:
            continue
        seen.add((lo, hi))
        habit = _HABIT.search(norm, lo, hi)
        present = None
        place_m = _PLACE_WORD.search(norm, lo, hi)
        if habit is None:
            if place_m is None:
                continue
            present = _PRESENT.match(norm, place_m.end()) or _PRESENT.match(norm, place_m.end() + 1)
            if present is None:
                continue
        if _EVENT.search(norm, lo, hi) or _ROLE.search(norm, lo, hi):
            continue
        descriptor = _DESCRIPTOR.search(norm, lo, hi)
        if descriptor is not None and _REPORTER_AFTER.match(norm, descriptor.end()):
            descriptor = None
        if descriptor is not None:
            person: tuple[int, int] | None = descriptor.span()
        elif _NAME_HONORIFIC.search(norm, lo, hi):
            # Only a sentence with an honorific is tokenised for a name (山田さん, 鈴木様).
            person = _named_person(text, lo, hi)
        else:
            continue
        if person is None:
            continue
        place = place_m.span() if place_m else _place_token(text, lo, hi)
        if place is None:
            continue
        spans = [person, place, (habit or present).span()]  # type: ignore[union-attr]
        start, end = min(a for a, _ in spans), max(b for _, b in spans)
        yield Hit(
            start,
            end,
            f"私人の居場所が分かる記述（人・場所・いつもいる時間や住まい）「{text.quote(start, end)}」があります",
            Suggestion(
                "個人がいつどこにいるか、どこに住んでいるかは書かないでください（「地域の方」などに）"
            ),
        )


def _person_before(tokens: Tokens, norm: str, end: int) -> int | None:
    """Start of a personal name (surname and/or given name) ending at ``end``."""
    after = tokens.index_at(end)  # Sudachi tokens are contiguous: the one before ends at ``end``
    idx = after - 1 if after else None
    if idx is None or tokens.items[idx].end != end or not tokens.items[idx].is_person_name:
        return None
    start = tokens.items[idx].start
    j = idx - 1
    while j >= 0 and j >= idx - 3:
        tok = tokens.items[j]
        if tok.is_person_name:
            start = tok.start
        elif tok.surface != " ":
            break
        j -= 1
    if _ROLE.search(norm, max(0, start - 4), start) or _ROLE.match(norm, end):
        return None
    return start


def _sentence_start(norm: str, pos: int) -> int:
    return sentence_bounds(norm, pos, pos, 60)[0]


def _geotags(norm: str) -> Iterator[Hit]:
    for m in _GEOTAG.finditer(norm):
        left, right = sentence_bounds(norm, m.start(), m.end(), 60)
        rest = norm[m.end() : right]
        before = norm[left : m.start()]
        if _GEOTAG_SAFE.search(rest) or _GEOTAG_SAFE.search(before):
            continue
        if not (_GEOTAG_PUBLISHING.search(rest) or _GEOTAG_PUBLISHING.search(before)):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"位置情報を付けて投稿していることを示す記述「{m.group()}」があります",
            Suggestion("撮影場所や職員の居場所が知られないよう、位置情報をオフにしてから投稿してください"),
        )


def _homes(text: Text) -> Iterator[Hit]:
    norm = text.norm
    found = False
    first = _HOME_WORD.search(norm)
    # _HOME can only match from a few characters before its home word on: start
    # there (the pattern opens with optional parts, so it is tried at every position).
    matches = _HOME.finditer(norm, max(0, first.start() - _HOME_PREFIX)) if first else ()
    for m in matches:
        home_start, home_end = m.span("home")
        if not m.group("hon") and not m.group("no") and m.group("home") in ("家", "お家", "おうち"):
            # 山田家 is a household's name (山田家住宅, a cultural property); a bare
            # 家 needs an honorific or の to point at a person's home.
            continue
        if _VACANT.match(norm, home_end):
            continue
        tokens = text.line_of(home_start)
        if not tokens.is_word(home_start, home_end):
            continue  # 家族, 家庭, 宅配: not a home
        person_end = m.start()
        start = _person_before(tokens, norm, person_end)
        if start is None:
            continue
        end = m.end()
        found = True
        yield Hit(
            start,
            end,
            f"特定の人の住まいを示す記述「{text.quote(start, end)}」があります",
            Suggestion("個人の住まいの場所は書かず、「市内在住の方」などに置き換えてください"),
        )
    for address in find_addresses(text):
        home = _ADDRESS_HOME.match(norm, address.end)
        if home is None or _VACANT.match(norm, home.end()):
            continue
        found = True
        yield Hit(
            address.start,
            home.end(),
            f"番地まで書いた住所で特定の人の住まいを示す記述「{text.quote(address.start, home.end())}」があります",
            Suggestion("個人の住まいの場所は書かず、「市内在住の方」などに置き換えてください"),
        )
    if found:
        # Once a person's home is named, landmarks pinpoint it (お宅は〇〇駅から徒歩5分).
        for m in _HOME_DIRECTIONS.finditer(norm):
            yield Hit(
                m.start(),
                m.end(),
                f"特定の人の住まいの場所を目印で示す記述「{text.quote(m.start(), m.end())}」があります",
                Suggestion("住まいの場所が分かる目印（駅からの距離、隣の店など）は書かないでください"),
            )


def _whereabouts(
    text: Text, pattern: re.Pattern[str], start: int, message: str, advice: str
) -> Iterator[Hit]:
    """``pattern`` matches (from ``start`` on) whose sentence names a person before them."""
    spans = ((m.start(), m.end()) for m in pattern.finditer(text.norm, start))
    return _whereabouts_at(text, spans, message, advice)


def _extended(
    norm: str, pattern: re.Pattern[str], head: re.Pattern[str], empty: bool = False
) -> Iterator[tuple[int, int]]:
    """``pattern`` matches, each extended back over the run ``head`` finds before it.

    With ``empty`` a match with no run before it counts too (駅前のマンションに住む: the
    precise word starts the place).
    """
    for m in pattern.finditer(norm):
        run = head.search(norm, max(0, m.start() - 20), m.start())
        if run is not None and (empty or run.start() < m.start()):
            yield run.start(), m.end()


def _whereabouts_at(text: Text, spans: Iterable[tuple[int, int]], message: str, advice: str) -> Iterator[Hit]:
    """The spans whose sentence names a person before them.

    A public office named in that stretch (市長は現在…) makes it a public figure on duty.
    """
    norm = text.norm
    for start, end in spans:
        sentence = _sentence_start(norm, start)
        head = norm[sentence:start]
        if not head or _ROLE.search(head):
            continue
        # The sentence never crosses a line break: the line's morphemes are enough.
        items = text.line_of(start).items
        first = bisect.bisect_left(items, sentence, key=_START)
        last = bisect.bisect_left(items, start, key=_START)
        if not any(t.is_person_name for t in items[first:last]):
            continue
        yield Hit(start, end, f"{message}「{text.quote(start, end)}」があります", Suggestion(advice))


@rule("pii.location", title="私人の居場所・位置情報", severity="warning")
@screened("pii.location")
def check(text: Text, env: Env) -> Iterator[Hit]:
    hits = list(_specific(text))
    for hit in _person_place_habit(text):
        # The general pattern adds what the specific ones missed, never a second marker.
        if not any(h.start < hit.end and hit.start < h.end for h in hits):
            hits.append(hit)
    yield from hits


def _specific(text: Text) -> Iterator[Hit]:
    norm = text.norm
    yield from _geotags(norm)
    yield from _homes(text)
    now = _NOW_WORD.search(norm)
    if now is not None:
        # ただいま starts two characters before its いま.
        yield from _whereabouts(
            text,
            _NOW_AT,
            max(0, now.start() - 2),
            "特定の人の今いる場所を示す記述",
            "個人の現在地は書かないでください。催しの報告なら会場名だけにしてください",
        )
    if _RESIDE_GATE.search(norm):
        home = "特定の人の住まいの場所を示す記述"
        home_advice = "個人の住まいの場所は書かず、「市内在住の方」などに置き換えてください"
        yield from _whereabouts_at(
            text, _extended(norm, _RESIDES, _PLACE_HEAD, empty=True), home, home_advice
        )
        yield from _whereabouts(text, _HOME_DESC, 0, home, home_advice)
    if _TODAY_GATE.search(norm):
        yield from _whereabouts(
            text,
            _TODAY_AT,
            0,
            "特定の人の今いる場所を示す記述",
            "個人の現在地は書かないでください。催しの報告なら会場名だけにしてください",
        )
        if "なう" in norm:
            yield from _whereabouts_at(
                text,
                _extended(norm, _NAU, _NAU_PLACE),
                "特定の人の今いる場所を示す記述",
                "個人の現在地は書かないでください。催しの報告なら会場名だけにしてください",
            )
    if _ROUTINE_GATE.search(norm):
        yield from _whereabouts(
            text,
            _ROUTINE,
            0,
            "特定の人がいつもいる場所と時間を示す記述",
            "個人がいつどこにいるかは書かないでください（「地域の見守りボランティアの皆さん」などに）",
        )
