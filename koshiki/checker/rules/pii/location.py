"""私人の居場所（自宅・今いる場所）や、位置情報を付けて投稿していることを検出する。

## 何を検出するか
- 特定の人の住まいを示す書き方: 「山田さんの家」「鈴木様宅」「田中さんの自宅前」
  「吉田さん（98）のご自宅」。人名（SudachiPy の品詞で判定）に敬称・年齢や「の」を
  挟んで自宅・お宅・家・実家などが続くもの。番地まで書いた住所に「のお宅」「のご自宅」が
  続くもの（「東町2丁目3番4号のお宅」）。その住まいの場所を目印で書き足したもの
  （「お宅は〇〇駅から徒歩5分」「ご自宅は郵便局の裏」）。
  人が住んでいない空き家・跡地（「山田さん宅の空き家」）は居場所ではないので対象外。
- 特定の人が今どこにいるかを示す書き方: 「山田太郎さんは今、四条河原町にいます」。
  同じ文の前に人名があり、「今／現在／ただいま〜に（で）いる・来ている」と続くもの。
- 特定の人がいつもいる場所と時間: 「見守りボランティアの田中さん、毎朝7時から〇〇小学校の
  正門前に立っています」「毎週土曜の朝は自宅前の畑で作業されています」。同じ文の前に
  人名があり、「毎朝・毎週〇曜日…〜に（で）立って・いる・作業して」と続くもの。
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
from collections.abc import Iterator

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.rules.pii._address import find_addresses
from koshiki.checker.text import Text
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
_ROUTINE = re.compile(
    r"(?:毎(?:朝|晩|夕方?|夜|日|週末|週[月火水木金土日](?:曜日?)?)|平日の(?:朝|夕方|夜))"
    r"(?:の?(?:朝|夕方|夜|午前|午後|昼))?(?:に|は|も)?[、,]?\s?"
    r"(?:\d{1,2}時(?:\d{1,2}分|半)?(?:から|~|頃|ごろ)?[、,]?\s?)?"
    r"(?P<place>[^\s、,。!?]{2,20}?)(?:に|で)(?:[^\s、,。!?]{1,12}?を)?"
    r"(?:立って|い(?:る|ます|らっしゃ)|おられ|(?:作業|散歩|見守り|練習|畑仕事|ジョギング|ウォーキング)"
    r"(?:され|し)て|見守って|過ごされ|過ごして)"
)
_NOW_AT = re.compile(
    r"(?:(?<![\u4e00-\u9fff])今|(?<![\u3041-\u3096])いま|現在|ただいま)"
    r"(?![日年月週後回度朝夜晩期春夏秋冬般更頃季地])[、,]?\s?"
    r"(?P<place>[^\s、,。!?]{1,20}?)(?:に|で)"
    r"(?:い(?:る|ます|ました|らっしゃ\S{0,3})|来て(?:いる|います|る|ます)|滞在(?:中|して\S{0,3})|到着\S{0,4})"
)
# Public offices: a public figure's whereabouts on duty are public information.
_ROLE = re.compile(
    r"(?:市長|副市長|区長|町長|村長|知事|副知事|大臣|議長|議員|局長|部長|課長|職員|隊員|消防|警察)"
)
_SENTENCE_STOPS = ("。", "\n", "!", "?")


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
    lo = max(0, pos - 60)
    start = lo
    for stop in _SENTENCE_STOPS:
        cut = norm.rfind(stop, lo, pos)
        if cut >= 0:
            start = max(start, cut + 1)
    return start


def _geotags(norm: str) -> Iterator[Hit]:
    for m in _GEOTAG.finditer(norm):
        end = len(norm)
        for stop in _SENTENCE_STOPS:
            cut = norm.find(stop, m.end(), m.end() + 60)
            if cut >= 0:
                end = min(end, cut)
        rest = norm[m.end() : min(end, m.end() + 60)]
        before = norm[_sentence_start(norm, m.start()) : m.start()]
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
    tokens: Tokens | None = None
    found = False
    for m in _HOME.finditer(norm):
        home_start, home_end = m.span("home")
        if not m.group("hon") and not m.group("no") and m.group("home") in ("家", "お家", "おうち"):
            # 山田家 is a household's name (山田家住宅, a cultural property); a bare
            # 家 needs an honorific or の to point at a person's home.
            continue
        if _VACANT.match(norm, home_end):
            continue
        if tokens is None:
            tokens = text.tokens
        if not tokens.is_word(home_start, home_end):
            continue  # 家族, 家庭, 宅配: not a home
        person_end = m.start()
        start = _person_before(tokens, norm, person_end)
        if start is None:
            continue
        end = m.end()
        found = True
        shown = text.original[slice(*text.to_original(start, end))]
        yield Hit(
            start,
            end,
            f"特定の人の住まいを示す記述「{shown}」があります",
            Suggestion("個人の住まいの場所は書かず、「市内在住の方」などに置き換えてください"),
        )
    for address in find_addresses(text):
        m = _ADDRESS_HOME.match(norm, address.end)
        if m is None or _VACANT.match(norm, m.end()):
            continue
        found = True
        shown = text.original[slice(*text.to_original(address.start, m.end()))]
        yield Hit(
            address.start,
            m.end(),
            f"番地まで書いた住所で特定の人の住まいを示す記述「{shown}」があります",
            Suggestion("個人の住まいの場所は書かず、「市内在住の方」などに置き換えてください"),
        )
    if found:
        # Once a person's home is named, landmarks pinpoint it (お宅は〇〇駅から徒歩5分).
        for m in _HOME_DIRECTIONS.finditer(norm):
            shown = text.original[slice(*text.to_original(m.start(), m.end()))]
            yield Hit(
                m.start(),
                m.end(),
                f"特定の人の住まいの場所を目印で示す記述「{shown}」があります",
                Suggestion("住まいの場所が分かる目印（駅からの距離、隣の店など）は書かないでください"),
            )


def _now_at(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _NOW_AT.finditer(norm):
        sentence = _sentence_start(norm, m.start())
        head = norm[sentence : m.start()]
        if not head or _ROLE.search(head):
            continue
        items = text.tokens.items
        first = bisect.bisect_left(items, sentence, key=lambda t: t.start)
        last = bisect.bisect_left(items, m.start(), key=lambda t: t.start)
        if not any(t.is_person_name for t in items[first:last]):
            continue
        shown = text.original[slice(*text.to_original(m.start(), m.end()))]
        yield Hit(
            m.start(),
            m.end(),
            f"特定の人の今いる場所を示す記述「{shown}」があります",
            Suggestion("個人の現在地は書かないでください。催しの報告なら会場名だけにしてください"),
        )


def _routines(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _ROUTINE.finditer(norm):
        sentence = _sentence_start(norm, m.start())
        head = norm[sentence : m.start()]
        if not head or _ROLE.search(head):
            continue
        items = text.tokens.items
        first = bisect.bisect_left(items, sentence, key=lambda t: t.start)
        last = bisect.bisect_left(items, m.start(), key=lambda t: t.start)
        if not any(t.is_person_name for t in items[first:last]):
            continue
        shown = text.original[slice(*text.to_original(m.start(), m.end()))]
        yield Hit(
            m.start(),
            m.end(),
            f"特定の人がいつもいる場所と時間を示す記述「{shown}」があります",
            Suggestion(
                "個人がいつどこにいるかは書かないでください（「地域の見守りボランティアの皆さん」などに）"
            ),
        )


@rule("pii.location", title="私人の居場所・位置情報", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    yield from _geotags(norm)
    yield from _homes(text)
    yield from _now_at(text)
    if "毎" in norm or "平日" in norm:
        yield from _routines(text)
