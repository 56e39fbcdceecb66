"""私人の居場所（自宅・今いる場所）や、位置情報を付けて投稿していることを検出する。

## 何を検出するか
- 特定の人の住まいを示す書き方: 「山田さんの家」「鈴木様宅」「田中さんの自宅前」。
  人名（SudachiPy の品詞で判定）に敬称や「の」を挟んで自宅・お宅・家・実家などが続くもの。
- 特定の人が今どこにいるかを示す書き方: 「山田太郎さんは今、四条河原町にいます」。
  同じ文の前に人名があり、「今／現在／ただいま〜に（で）いる・来ている」と続くもの。
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
# Geotags matter where something is published: a post, a photo or a video
# (an app that needs location services on is not a finding).
_GEOTAG_PUBLISHING = re.compile(r"投稿|撮影|写真|画像|動画|ツイート|ポスト|アップ|載せ|公開|配信")
_HONORIFIC = r"(?:さん|くん|ちゃん|様|さま|君|氏)"
_HOME = re.compile(
    rf"(?P<hon>{_HONORIFIC})?(?P<no>の)?"
    r"(?P<home>ご自宅|自宅|お宅|お家|おうち|実家|住まい|宅|家)"
    r"(?P<near>の?(?:前|付近|近く|周辺|周り|隣|場所))?"
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
    for m in _HOME.finditer(norm):
        home_start, home_end = m.span("home")
        if not m.group("hon") and not m.group("no") and m.group("home") in ("家", "お家", "おうち"):
            # 山田家 is a household's name (山田家住宅, a cultural property); a bare
            # 家 needs an honorific or の to point at a person's home.
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
        shown = text.original[slice(*text.to_original(start, end))]
        yield Hit(
            start,
            end,
            f"特定の人の住まいを示す記述「{shown}」があります",
            Suggestion("個人の住まいの場所は書かず、「市内在住の方」などに置き換えてください"),
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


@rule("pii.location", title="私人の居場所・位置情報", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    yield from _geotags(norm)
    yield from _homes(text)
    yield from _now_at(text)
