"""Street-level addresses in a post and whether they are a private residence.

Shared by ``pii.address`` and ``pii.postal_code`` (a postal code is flagged
only when it belongs to a flagged private address), computed once per text and
cached in ``Text.memo``.

An address is found from its street number — ``1丁目2番3号``, ``2番3号``,
``123番地の1``, the block form ``北白川1-2-3`` and Kyoto's ``…町488`` — and
extended to the left over the town, ward and city names. It is *private* when
a person's name with 様/さん follows it on its line (the way a private sender or
addressee is written), or the sentence around it speaks of a residence or a
private person (自宅, お宅, 〜さん宅, 〜方, 住んで, マンション, 号室, …) and no
facility or venue word (会場, 所在地, 市役所, センター, 公園, …) stands closer to it: the guidelines
forbid disclosing personal information (Kyoto 4(3)ウ, Komae 4(3)エ), while
venue and office addresses in announcements are public information.

Cost: one regex pass over the post; the context look-ups run only for the few
street numbers found, on windows of at most ~60 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from koshiki.checker.text import Text

_N = r"(?:\d{1,5}|[一二三四五六七八九十〇]{1,4})"
_STREET = re.compile(
    # 1丁目2番3号 / 1丁目2-3 / 三丁目5番地 / 1丁目23
    rf"{_N}丁目\s?{_N}(?:番地?|-)?(?:\s?の?{_N}号?(?:-\d{{1,4}})?)?"
    # 123番地 / 3番地の1 / 3番地1
    rf"|{_N}番地(?:の?{_N})?"
    # 2番3号 (a bare 番 is too ambiguous: 110番, 1番線)
    rf"|{_N}番{_N}号"
    # block form after a town name: 北白川1-2-3, 紫野12-34 (never a leading 0: phone numbers)
    r"|(?<=[\u4e00-\u9fff々ヶ\u30a1-\u30fa])[1-9]\d{0,3}-\d{1,4}(?:-\d{1,4})?(?![\d\-])"
    # Kyoto style: a lot number straight after the 町 name (上本能寺前町488)
    # (the number must end there: 町2丁目, 町3人, 町10時 are not lot numbers)
    r"|(?<=町)[1-9]\d{0,3}(?:番地)?(?=$|[\s、。,)(」』!?・]|[\u3041-\u3096])"
)
# Every _STREET match holds one of these, at most _STREET_LEAD characters after its start.
_STREET_ANCHORS = ("丁目", "番", "-", "町")
_STREET_LEAD = 5
# Characters of a town/ward/city name, walked back from the street number.
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff々〆ヶケヵ\u30a1-\u30fa\u30fcノ]")
_KYOTO_DIRECTION = ("上る", "下る", "入る", "上ル", "下ル", "入ル")
_MAX_NAME = 25
# Words that may open the walked-back run but label the address, not name it.
_LEADING_LABEL = re.compile(
    r"^(?:ご自宅|自宅|現住所|住所|所在地|宛先|送付先|送り先|届け先|連絡先|実家|お宅|会場|場所|住まい)"
)

# Strong signs of a residence or a private person: these decide on their own.
_PRIVATE_STRONG = re.compile(
    r"ご?自宅|お宅|現住所|実家|住まい|住んで|在住|居住|転居|引っ越|引越|"
    r"(?:さん|様|さま|くん|ちゃん|氏)(?:の)?(?:宅|方|家|お宅)|"
    r"マンション|アパート|ハイツ|コーポ|メゾン|荘|号室|"
    r"私の家|僕の家|我が家|わが家|うちの住所"
)
# Weak signs: count only when no facility or venue word is near.
_PRIVATE_WEAK = re.compile(r"住所|宛先|送付先|送り先|届け先|連絡先|さん|様|さま|くん|ちゃん|家")
# Facility, office and venue words: the address is an announcement's.
_PUBLIC = re.compile(
    r"会場|所在地|場所|開催|集合|受付|窓口|市役所|区役所|役所|役場|庁舎|支所|出張所|"
    r"センター|会館|ホール|公園|図書館|学校|小学校|中学校|高校|大学|体育館|施設|事務所|"
    r"美術館|博物館|資料館|記念館|病院|診療所|保育園|保育所|幼稚園|こども園|公民館|集会所|"
    r"ビル|店|本社|支社|工場|駅|神社|寺院|教会|城|広場|プラザ|スタジアム|アリーナ|"
    r"交番|警察署|消防署|郵便局|協会|組合|法人|会社|商店街|市場|避難所|(?<=[\u4e00-\u9fff\u30a1-\u30fa])(?:課(?!題|税|金)|(?<!関)係)"
)
_POSTAL = re.compile(r"(?:(?P<mark>〒)\s?|郵便番号\s?:?\s?)?(?<![\d\-])(?P<code>\d{3}-?\d{4})$")
# A person's name with 様/さん/殿 right after the address on the same line: how a
# private addressee or sender is written (差出人：〒… 伏見区…6丁目23 井上俊夫様).
# 御中 (an organisation) is not; a public word in the name (市役所 山田様) is checked.
_ADDRESSEE = re.compile(
    r"^[ \u3000]?(?P<name>[\u4e00-\u9fff々\u3041-\u3096\u30a1-\u30fa\u30fc]{1,6}"
    r"(?:[ \u3000]?[\u4e00-\u9fff々\u3041-\u3096\u30a1-\u30fa\u30fc]{1,6})?)[ \u3000]?(?:様|さま|さん|殿)"
)
# 〜方 right after the address: the household the mail is addressed to (山田方).
_CARE_OF = re.compile(
    r"^\s?[\u4e00-\u9fff]{1,4}(?<!地|両|夕|一|他|後|前|行|見|仕|味|相|親|先|当|貴)方(?![面向法針式策])"
)
_GAP = re.compile(r"[\s、,:(]{0,3}$")
# Lines of one block (「会場：…」「住所：…」) belong together; a blank line or a
# sentence end separates contexts.
_SENTENCE_END = ("。", "!", "?", "\n\n")
_BEFORE = 30
_AFTER = 20


@dataclass(frozen=True, slots=True)
class Address:
    """A street-level address at ``[start, end)`` of the normalised text."""

    start: int
    end: int
    private: bool
    postal: tuple[int, int] | None  # the postal code written right before it


def _name_start(norm: str, street_start: int) -> int:
    """Walk left from the street number over the place names (bounded)."""
    i = street_start
    limit = max(0, street_start - _MAX_NAME)
    while i > limit:
        ch = norm[i - 1]
        if _NAME_CHAR.match(ch):
            i -= 1
        elif ch in "るル" and norm[i - 2 : i] in _KYOTO_DIRECTION:
            i -= 2
        elif ch.isdigit() and i < len(norm) and norm[i] in "条線":
            # 北3条西4丁目: a number belongs to the name only before 条/線.
            while i > limit and norm[i - 1].isdigit():
                i -= 1
        else:
            break
    label = _LEADING_LABEL.match(norm, i, street_start)
    if label and label.end() < street_start:
        i = label.end()
    return i


def _window(norm: str, start: int, end: int) -> tuple[str, str]:
    """The same-sentence text before and after the address (bounded)."""
    lo = max(0, start - _BEFORE)
    before = norm[lo:start]
    for stop in _SENTENCE_END:
        cut = before.rfind(stop)
        if cut >= 0:
            before = before[cut + len(stop) :]
    after = norm[end : end + _AFTER]
    for stop in _SENTENCE_END:
        cut = after.find(stop)
        if cut >= 0:
            after = after[:cut]
    return before, after


def _nearest(pattern: re.Pattern[str], before: str, after: str) -> int | None:
    """Distance from the address to the closest match in either window."""
    best: int | None = None
    for m in pattern.finditer(before):
        d = len(before) - m.end()
        best = d if best is None or d < best else best
    first = pattern.search(after)
    if first:
        best = first.start() if best is None or first.start() < best else best
    return best


def _is_private(before: str, after: str) -> bool:
    if _CARE_OF.match(after):
        return True
    addressee = _ADDRESSEE.match(after)
    if addressee and not _PUBLIC.search(addressee.group("name")):
        return True
    strong = _nearest(_PRIVATE_STRONG, before, after)
    public = _nearest(_PUBLIC, before, after)
    if strong is not None and (public is None or strong <= public):
        return True
    return public is None and _PRIVATE_WEAK.search(before + " " + after) is not None


def _street_scan_start(norm: str) -> int:
    """Where ``_STREET`` may first match: no earlier than its first anchor (丁目, 番,
    the hyphen of the block form, 町 before a lot number) minus the longest number.

    The pattern opens with look-behinds and numbers, so the regex engine tries it
    at every position; most posts hold no anchor at all and skip the scan.
    """
    anchors = [i for i in (norm.find(w) for w in _STREET_ANCHORS) if i >= 0]
    return max(0, min(anchors) - _STREET_LEAD) if anchors else len(norm)


def find_addresses(text: Text) -> list[Address]:
    """Street-level addresses in the post, in order (cached in ``text.memo``)."""
    cached = text.memo.get("pii.addresses")
    if cached is not None:
        return cached  # type: ignore[return-value]
    norm = text.norm
    out: list[Address] = []
    last_end = 0
    for m in _STREET.finditer(norm, _street_scan_start(norm)):
        start = max(_name_start(norm, m.start()), last_end)
        end = m.end()
        before, after = _window(norm, start, end)
        postal = None
        head = norm[max(0, start - 16) : start]
        gap = _GAP.search(head)
        if gap is not None:
            code = _POSTAL.search(head, 0, gap.start())
            if code is not None:
                base = start - len(head)
                # The span holds 〒 when written, but not a 「郵便番号」 label.
                first = code.start("mark") if code.group("mark") else code.start("code")
                postal = (base + first, base + code.end())
        out.append(Address(start, end, _is_private(before, after), postal))
        last_end = end
    text.memo["pii.addresses"] = out
    return out
