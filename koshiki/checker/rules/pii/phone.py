"""公表されていない電話番号（携帯電話・IP電話の番号は特に）を検出する。

## 何を検出するか
投稿に書かれた電話番号のうち、プロファイルの公表番号（`public_phones`）にも、
アカウントが公表している連絡先（チェック時の `public_contacts`）にもないもの。
表記は問わない: ハイフン・空白・ピリオド・括弧（075(222)3111）・全角数字・
数字の間の長音記号（０９０ー１２３４ー５６７８）・国番号付き（+81 90 …）。
番号が日本の電話番号として成り立つかを `phonenumbers` で確かめ、割り当てのない番号帯
（090-0000-…、03-0000-…）でも日本の電話番号の形（0 と市外局番・携帯の番号帯から
10 桁、0X0 の番号帯は 11 桁、最後の区切りは 4 桁）をしていれば対象にする:
打ち間違えた番号や珍しい番号も、誰かの番号である可能性がある。

- 携帯電話（060・070・080・090）と IP 電話（050）の番号は「エラー」: 職員や
  市民個人の番号である可能性が高い。
- それ以外の公表番号でない番号は「警告」: 公表している番号か確かめてもらう。

公表番号との照合は E.164 形式に正規化して行うので、「075-222-3111」を登録して
おけば「(075)222-3111」「０７５.２２２.３１１１」「+81 75 222 3111」も許可される。

## なぜ問題か
個人の電話番号は個人情報であり、一度ネットワーク上に公開された情報は完全には
削除できない。担当者の携帯電話番号や、問合せをくれた市民の番号を誤って載せると、
本人への迷惑電話やなりすましにつながる。ガイドラインは情報発信に当たって個人情報へ
十分に配慮することを求めている（京都市4(3)ウ、狛江市4(3)エ、石巻市3(3)ア）。

## 例
- NG: 「詳しくは担当の携帯（090-1234-5678）までお気軽にどうぞ！」
- NG: 「受付は 050.1234.5678 へ」
- NG: 「拾った方の携帯 090-0000-4821 まで」（割り当てのない番号帯でも携帯番号の形）
- OK: 「お問い合わせは市役所（075-222-3111）まで。」（プロファイルに登録された市の公表番号）
- OK: 「急な病気やけがで迷ったら #7119 へ。」（短縮番号）
- OK: 「事件・事故は110番、火事・救急は119番へ。」（緊急通報番号）
- OK: 「〒604-8571 京都市中京区…」「2025-04-01」「1,000円」（郵便番号・日付・金額）

## 代わりに
市の代表番号や担当課の公表番号に置き換える。新しく公表する番号であれば、
プロファイルの `public_phones` かアカウントの公表連絡先に登録してからチェックする。

## 参考
- 京都市ソーシャルメディアガイドライン 4(3)ウ
- 狛江市ソーシャルメディア活用ガイドライン 4(3)エ
- 石巻市ソーシャルメディアガイドライン 3(3)ア
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ケ
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Severity, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls

# A run of digits and phone separators that starts like a Japanese number
# (0…, (0…, +81…). After normalisation every dash is "-", full-width digits are
# ASCII, and the long-vowel mark ー survives: authors type it for a hyphen.
# Not after a digit, "#" (#7119), "+" or "-" (the tail of another number),
# nor after "digit." (a decimal).
_RUN = re.compile(r"(?<![\d#+\-])(?<!\d\.)(?:\+81|\(0|0)[\d \-.ー()]*\d(?!\d)")
_SPACES = re.compile(r" +")
_GROUPS = re.compile(r"\d+")
# National numbers that belong to a person rather than an office: mobile
# (060/070/080/090) and IP phone (050), RULES.md pii.phone.
_PERSONAL_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.VOIP)
_PERSONAL_PREFIXES = ("60", "70", "80", "90", "50")
# 0 + area code + subscriber: 10 digits; 11 in the 0X0 blocks (mobile 060-090,
# IP phone 050, toll-free 0800). The digit after the trunk 0 is never 0.
_NATIONAL_SHAPE = re.compile(r"0[1-9]\d{8}|0[5-9]0\d{8}")


def to_e164(raw: str) -> str | None:
    """The E.164 form (``+81752223111``) of a phone number in any notation, or None.

    Accepts what authors and profile files write: full-width digits, any dash,
    the long-vowel mark between digits, brackets, dots, spaces, ``+81``.
    Returns None when the string is not a possible Japanese/international number.
    """
    text = unicodedata.normalize("NFKC", raw).replace("ー", "-").replace("−", "-")
    try:
        number = phonenumbers.parse(text, "JP")
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=256)
def _allowed(entries: tuple[str, ...]) -> frozenset[str]:
    """E.164 forms of an allow-list (cached: profile lists are parsed once)."""
    out = set()
    for entry in entries:
        if "@" in entry:  # public_contacts mixes e-mail addresses in
            continue
        # An entry may carry a label or several numbers ("TEL 075-… / FAX 075-…").
        norm = Text(entry).norm
        numbers = [
            phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
            for _, _, n in find_numbers(norm)
        ]
        if not numbers and (e164 := to_e164(entry)):
            numbers = [e164]
        out.update(numbers)
    return frozenset(out)


def allowed_numbers(public_phones: Iterable[str], public_contacts: Iterable[str]) -> frozenset[str]:
    """The E.164 numbers a post may contain: the profile's plus the account's."""
    return _allowed(tuple(public_phones)) | _allowed(tuple(public_contacts))


def _plausible_shape(candidate: str) -> bool:
    """Digit groups look like a phone number, not a list of decimals or a date.

    Every group but a bracketed trunk "(0)" has >= 2 digits and the last has
    >= 3 (subscriber numbers are 3-4 digits), with at most 4 groups.
    """
    body = candidate.replace("(0)", "")
    groups = _GROUPS.findall(body)
    if not groups or len(groups) > 4:
        return False
    if len(groups) == 1:
        return True
    return len(groups[-1]) >= 3 and all(len(g) >= 2 for g in groups)


def _parse(candidate: str) -> phonenumbers.PhoneNumber | None:
    digits = sum(ch.isdigit() for ch in candidate)
    international = candidate.startswith("+")
    if international:
        if not 11 <= digits <= 13:
            return None
    elif not 10 <= digits <= 11:
        return None
    if not _plausible_shape(candidate):
        return None
    try:
        number = phonenumbers.parse(candidate.replace("ー", "-"), "JP")
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    # Issue 13 item 4: a number in an unallocated block (090-0000-…) is a mistyped
    # or unusual number, and still someone's number to call: its shape is enough.
    if number.country_code == 81 and _japanese_shape(candidate):
        return number
    return None


def _japanese_shape(candidate: str) -> bool:
    """The digit groups have the shape of a Japanese national number, valid or not.

    Written out (area code 0X…, then the local groups) or undivided: 10 digits
    (0 + area code + subscriber), or 11 for the 0X0 mobile, IP and 0800 blocks.
    The last group has 4 digits (3 in the 0120/0800/0570 form 0120-123-456).
    """
    national = candidate.removeprefix("+81").replace("(0)", "")
    groups = _GROUPS.findall(national)
    digits = "".join(groups)
    if candidate.startswith("+81"):
        digits = "0" + digits
        groups = ["0" + groups[0], *groups[1:]]
    if not _NATIONAL_SHAPE.fullmatch(digits):
        return False
    if len(groups) == 1:
        return True
    if not 2 <= len(groups[0]) <= 5 or len(groups) > 3:
        return False
    last = len(groups[-1])
    return last == 4 or (last == 3 and digits.startswith(("0120", "0800", "0570")))


def find_numbers(norm: str) -> Iterator[tuple[int, int, phonenumbers.PhoneNumber]]:
    """Valid phone numbers in normalised text: ``(start, end, number)``.

    A run joined by single spaces may hold two numbers ("〒060-0001 011-231-0111");
    it is split at spaces and the pieces are tried left to right, longest first.
    """
    for run in _RUN.finditer(norm):
        base = run.start()
        raw = run.group()
        # Piece boundaries at spaces, as (start, end) within the run.
        pieces: list[tuple[int, int]] = []
        pos = 0
        for sp in _SPACES.finditer(raw):
            pieces.append((pos, sp.start()))
            pos = sp.end()
        pieces.append((pos, len(raw)))
        i = 0
        while i < len(pieces):
            found = False
            for j in range(min(len(pieces), i + 5), i, -1):
                a, b = pieces[i][0], pieces[j - 1][1]
                cand = raw[a:b].rstrip(".-ー(")
                if cand.startswith("(") and ")" not in cand:
                    a, cand = a + 1, cand[1:]  # "(075-222-3111)": the bracket is the sentence's
                if not cand or not (cand[0] == "0" or cand.startswith(("(0", "+81"))):
                    break
                number = _parse(cand)
                if number is not None:
                    yield base + a, base + a + len(cand), number
                    i = j
                    found = True
                    break
            if not found:
                i += 1


def _is_personal(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return phonenumbers.number_type(number) in _PERSONAL_TYPES or (
        len(national) == 10 and national.startswith(_PERSONAL_PREFIXES)
    )


@rule("pii.phone", title="私人の電話番号", severity="warning")
def check(text: Text, env: Env) -> Iterator[Hit]:
    norm = text.norm
    if "0" not in norm and "+81" not in norm:  # a domestic number starts with the trunk 0
        return
    found = list(find_numbers(norm))
    if not found:
        return
    allowed = allowed_numbers(env.profile.param("public_phones", []) or [], env.context.public_contacts)
    urls = find_urls(text)
    for start, end, number in found:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in allowed:
            continue
        if any(u.start <= start and end <= u.end for u in urls):
            continue  # digits inside a link (page ids), not a number to call
        shown = text.quote(start, end)
        if _is_personal(number):
            yield Hit(
                start,
                end,
                f"携帯電話・IP電話の番号「{shown}」が書かれています（個人の番号の可能性があります）",
                Suggestion("市の代表番号や担当課の番号に置き換えてください"),
                Severity.ERROR,
            )
        else:
            yield Hit(
                start,
                end,
                f"公表番号として登録されていない電話番号「{shown}」が書かれています",
                Suggestion(
                    "市の代表番号や担当課の番号に置き換えるか、公表している番号ならプロファイルに登録してください"
                ),
                Severity.WARNING,
            )
