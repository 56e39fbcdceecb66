"""Does a handle imitate an official one? Normalisation, homoglyph skeletons, edit distance.

Pure Python (no Django): the public verify API and the check page use it.

Every handle has **views**, each a way to read it: the handle as it is, and
(for a candidate) the handle without the affixes impersonators add or drop
(``_jp``, ``official_``, ``_koho``, ``_pr`` ...). An official handle is read
as it is and, when it ends or starts with such an affix at a separator
(``minato_city_koho`` -> ``minato_city``), without it; a candidate may shed
an affix with or without a separator and more than one (``…_koho_jp``).
Each view is compared as a homoglyph **skeleton**: NFKC (full-width
``ｋｙｏｔｏ`` folds to ``kyoto``), lower case, separators (``_ . -``) removed,
``0``→o, ``1 i | !``→l, ``5 $``→s, ``rn``→m, ``vv``→w, Cyrillic and Greek
look-alikes → Latin.

A candidate imitates an official handle when some view of the one is the
same skeleton as some view of the other, or lies within a small
Damerau-Levenshtein distance that grows with the official view's length, and
the difference is not one that names another real account:

- a short name changed by one letter is too often another city
  (``nara_city`` / ``naha_city``): below ten letters a plain substitution
  does not count;
- every distinctive part of the official handle (a separator-delimited part
  that is not a generic word such as ``city``, ``koho``, ``pr``) must be
  found in the candidate as it is, with one letter doubled or two swapped;
  only a part of seven or more letters may also be one edit away. So
  ``ota_city_koho`` does not imitate ``oita_city_koho`` (大田区と大分市) nor
  ``toyama_city_koho`` ``toyota_city_koho``, while ``oitta_city_koho`` does;
- numbers are names, not decoration: ``chuo_city_27`` is not ``chuo_city_13``
  (prefecture codes, ward numbers) unless the skeletons are the same.

Comparing the official handle as it is matters: with its affix stripped,
``minato_city_koho`` could not be told from ``minato_city_koho_jp`` (four
letters away from ``minatocity``) and ``theatre_kyoto`` read as ``atre_kyoto``.

Every look-alike comes with Japanese reasons saying what was changed.

Cost: an official handle's views (``official_forms``) are computed once and
kept by the caller per registry version; a comparison is O(len(a)·len(b))
per view pair with both capped at ``MAX_LEN`` code points, with an early exit
once the distance exceeds its bound.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_LEN = 100
SEPARATORS = "_.-"
_SEP_RE = re.compile(r"[_.\-\s]+")

# Affixes added to an official name to make a plausible fake ("kyoto_city_jp",
# "official_kyoto_city", "kyoto_city_support"), or that real accounts carry and
# a fake drops or swaps ("minato_city_koho" -> "minato_city_pr").
_PREFIXES = ("official", "offical", "real", "the", "jp", "koho", "kouhou")
_SUFFIXES = (
    "official", "offical", "japan", "jp", "koho", "kouhou", "pr", "info", "news", "support", "staff", "help",
)  # fmt: skip
_SEP = "[_.\\-]"
# A candidate may shed an affix written with or without a separator (kyotocityjp).
_PREFIX_RE = re.compile(rf"^(?:{'|'.join(_PREFIXES)}){_SEP}*(?=.)")
_SUFFIX_RE = re.compile(rf"(?<=.){_SEP}*(?:{'|'.join(_SUFFIXES)})$")
# An official handle sheds one only at a separator: "theatre_kyoto" is not "the" + "atre_kyoto".
_OFFICIAL_PREFIX_RE = re.compile(rf"^(?:{'|'.join(_PREFIXES)}){_SEP}+(?=.)")
_OFFICIAL_SUFFIX_RE = re.compile(rf"(?<=.){_SEP}+(?:{'|'.join(_SUFFIXES)})$")
# Parts of a handle that name no one: affixes and the words for kinds of local government
# and their offices. Every other part of an official handle must survive in an imitation.
GENERIC_PARTS = frozenset(
    {*_PREFIXES, *_SUFFIXES, "city", "shi", "ku", "ward", "town", "machi", "cho", "village", "mura", "son",
     "pref", "ken", "gov", "lg", "kanko", "kankou", "bosai", "bousai", "kouhoushitsu", "koho", "press"}
)  # fmt: skip
# A distinctive part this long may also be one letter away in an imitation (yokohama -> yokohana).
LONG_PART = 7

# Single characters folded to the Latin letter they are mistaken for.
_CONFUSABLE = str.maketrans(
    {
        "0": "o", "1": "l", "i": "l", "|": "l", "!": "l", "5": "s", "$": "s", "3": "e", "4": "a",
        "8": "b", "9": "g", "7": "t",
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "l", "ї": "l", "ј": "j", "ѕ": "s", "һ": "h",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y",
    }
)  # fmt: skip
# Letter pairs read as one letter at a glance; applied after the single characters.
_PAIRS = (("rn", "m"), ("vv", "w"))


@dataclass(frozen=True, slots=True)
class View:
    """One reading of a handle: with some affixes removed, and its skeleton."""

    prefix: str  # affixes removed from the start ("official_"), "" if none
    suffix: str  # affixes removed from the end ("_koho_jp"), "" if none
    text: str  # what is left, separators kept
    bare: str  # text without separators
    skeleton: str  # bare with homoglyphs folded


@dataclass(frozen=True, slots=True)
class HandleForms:
    """The forms of one handle that comparisons use: identity, NFKC, and its views (the first as it is)."""

    raw: str
    ident: str  # identity: no @, lower-cased, not otherwise changed
    wide: str  # NFKC + lower-cased
    views: tuple[View, ...]
    parts: tuple[str, ...]  # skeletons of the distinctive parts (official handles only)
    digits: str  # the digits of ``wide``, in order

    @property
    def full(self) -> View:
        return self.views[0]


def skeleton_of(text: str) -> str:
    """The homoglyph skeleton of already NFKC-folded, lower-cased text."""
    out = text.translate(_CONFUSABLE)
    for pair, letter in _PAIRS:
        out = out.replace(pair, letter)
    return out


def _view(prefix: str, suffix: str, text: str) -> View:
    bare = _SEP_RE.sub("", text)
    return View(prefix, suffix, text, bare, skeleton_of(bare))


def _long_enough(text: str) -> bool:
    return len(_SEP_RE.sub("", text)) >= 3


def _views(wide: str, *, official: bool) -> tuple[View, ...]:
    """The handle as it is, then without its affixes (official: one each side, at a separator)."""
    prefix_re = _OFFICIAL_PREFIX_RE if official else _PREFIX_RE
    suffix_re = _OFFICIAL_SUFFIX_RE if official else _SUFFIX_RE
    views = [_view("", "", wide)]
    text, prefix, suffix = wide, "", ""
    for _ in range(1 if official else 2):
        m = prefix_re.match(text)
        if m and _long_enough(text[m.end() :]):
            prefix, text = prefix + m.group(), text[m.end() :]
            views.append(_view(prefix, suffix, text))
        m = suffix_re.search(text)
        if m and _long_enough(text[: m.start()]):
            suffix, text = m.group() + suffix, text[: m.start()]
            views.append(_view(prefix, suffix, text))
    unique: dict[str, View] = {}
    for view in views:
        unique.setdefault(view.skeleton, view)
    return tuple(unique.values())


def _forms(handle: str, *, official: bool) -> HandleForms:
    raw = (handle or "")[: MAX_LEN * 2]
    ident = raw.strip().lstrip("@＠").strip().lower()[:MAX_LEN]
    wide = unicodedata.normalize("NFKC", ident).lower().lstrip("@").strip()[:MAX_LEN]
    parts: tuple[str, ...] = ()
    if official:
        parts = tuple(
            skeleton_of(part)
            for part in _SEP_RE.split(wide)
            if part and part not in GENERIC_PARTS and not part.isdigit()
        )
    digits = "".join(ch for ch in wide if ch.isdigit())
    return HandleForms(raw, ident, wide, _views(wide, official=official), parts, digits)


@lru_cache(maxsize=4096)
def forms(handle: str) -> HandleForms:
    """A candidate handle's forms (cached for repeated look-ups of the same handle)."""
    return _forms(handle, official=False)


def official_forms(handle: str) -> HandleForms:
    """An official handle's forms; callers keep them per registry version (``lookalikes`` accepts them)."""
    return _forms(handle, official=True)


def same_handle(a: str, b: str) -> bool:
    """True when two handles name the same account (``@`` and case ignored)."""
    return forms(a).ident == forms(b).ident and bool(forms(a).ident)


def damerau_levenshtein(a: str, b: str, bound: int) -> int:
    """Optimal-string-alignment distance, or ``bound + 1`` as soon as it must exceed ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[-1]


def _bound(n: int) -> int:
    """How many edits a look-alike of an n-letter skeleton may have (precision first)."""
    if n < 6:
        return 0
    if n < 10:
        return 1
    return 2


def _is_plain_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _within_one_edit(part: str, text: str) -> bool:
    """Whether some substring of ``text`` is at most one edit from ``part`` (Sellers' algorithm)."""
    prev = [0] * (len(text) + 1)
    for i in range(1, len(part) + 1):
        cur = [i] + [0] * len(text)
        for j in range(1, len(text) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (part[i - 1] != text[j - 1]))
        prev = cur
    return min(prev) <= 1


def _part_survives(part: str, text: str) -> bool:
    """A distinctive part is in ``text`` as it is, with a letter doubled or two letters swapped."""
    if part in text:
        return True
    # One edit, doubling or swap leaves one half of the part intact unless it swaps the two
    # letters where the halves meet: a quick no for most official handles, before the loops.
    h = len(part) // 2
    boundary_swap = part[: h - 1] + part[h] + part[h - 1] + part[h + 1 :] if h else part
    if h and part[:h] not in text and part[h:] not in text and boundary_swap not in text:
        return False
    for k in range(len(part)):
        if part[: k + 1] + part[k:] in text:  # doubled letter
            return True
        if k + 1 < len(part) and part[:k] + part[k + 1] + part[k] + part[k + 2 :] in text:  # swap
            return True
    return len(part) >= LONG_PART and _within_one_edit(part, text)


def _distance(c: View, o: View) -> int | None:
    """Edit distance of two views' skeletons when within the bound for the official view, else None."""
    if c.skeleton == o.skeleton:
        return 0
    if len(o.skeleton) < 3 or len(c.skeleton) < 3:
        return None
    bound = _bound(len(o.skeleton))
    distance = damerau_levenshtein(c.skeleton, o.skeleton, bound)
    if distance > bound:
        return None
    # Below ten letters one changed letter is too often another real name
    # (nara_city / naha_city): only insertions, omissions and swaps count.
    if len(o.skeleton) < 10 and _is_plain_substitution(c.skeleton, o.skeleton):
        return None
    return distance


def _match(c: HandleForms, o: HandleForms) -> tuple[int, View, View] | None:
    """The closest pair of views (distance, candidate view, official view), or None.

    Cheapest tests first, since a public check runs this against every official
    handle: numbers and distinctive parts (substring tests), view lengths (the
    edit distance is at least their difference), and only then the edit distance.
    """
    full_c, full_o = c.full.skeleton, o.full.skeleton
    if full_c != full_o:
        if c.digits and o.digits and c.digits != o.digits:
            return None  # chuo_city_27 is another ward than chuo_city_13
        if not all(_part_survives(part, full_c) for part in o.parts):
            return None  # ota_city_koho is 大田区, not an imitation of oita_city_koho (大分市)
    pairs = []
    for oi, ov in enumerate(o.views):
        # A name stripped to under five letters says too little to call a handle a copy of it.
        if oi and len(ov.skeleton) < 5:
            continue
        bound = _bound(len(ov.skeleton))
        for ci, cv in enumerate(c.views):
            if cv.skeleton == ov.skeleton or abs(len(cv.skeleton) - len(ov.skeleton)) <= bound:
                pairs.append((oi + ci, cv, ov))
    best: tuple[int, int, View, View] | None = None
    for order, cv, ov in pairs:
        distance = _distance(cv, ov)
        if distance is None:
            continue
        key = (distance, order)  # prefer the reading with the fewest affixes moved
        if best is None or key < best[:2]:
            best = (distance, order, cv, ov)
    return None if best is None else (best[0], best[2], best[3])


def _script(ch: str) -> str:
    if ch.isdigit():
        return "数字"
    if ch.isascii() and ch.isalpha():
        return "英字"
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        return "キリル文字"
    if name.startswith("GREEK"):
        return "ギリシャ文字"
    if ch.isalpha():
        return "文字"
    return "記号"


def _describe(a: str) -> str:
    kinds = {_script(ch) for ch in a}
    return f"{kinds.pop() if len(kinds) == 1 else '文字'}の「{a}」"


def _swapped_pair(a: str, b: str) -> int | None:
    """Index ``k`` when ``a`` is ``b`` with letters ``k`` and ``k+1`` swapped, else None."""
    if len(a) != len(b) or a == b:
        return None
    diff = [k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return diff[0]
    return None


def _affix_reasons(where: str, got: str, want: str) -> list[str]:
    if got == want:
        return []
    if got and not want:
        return [f"{where}に {got} が追加されています"]
    if want and not got:
        return [f"{where}の {want} が省かれています"]
    return [f"{where}が {want} から {got} に変わっています"]


def _reasons(c: HandleForms, cv: View, ov: View) -> list[str]:
    reasons: list[str] = []
    if c.wide != c.ident:
        fullwidth = any("\uff01" <= ch <= "\uff5e" for ch in c.ident)
        reasons.append("全角文字が使われています" if fullwidth else "見た目の似た互換文字が使われています")
    reasons += _affix_reasons("先頭", cv.prefix, ov.prefix)
    reasons += _affix_reasons("末尾", cv.suffix, ov.suffix)
    seps_c = [ch for ch in cv.text if ch in SEPARATORS]
    seps_o = [ch for ch in ov.text if ch in SEPARATORS]
    if seps_c != seps_o:
        if not seps_c:
            reasons.append(f"区切り記号「{''.join(dict.fromkeys(seps_o))}」が省かれています")
        elif not seps_o:
            reasons.append(f"区切り記号「{''.join(dict.fromkeys(seps_c))}」が加えられています")
        else:
            reasons.append("区切り記号の種類や位置が異なります")
    swap = _swapped_pair(cv.bare, ov.bare)
    if swap is not None:
        reasons.append(
            f"「{ov.bare[swap : swap + 2]}」の2文字が入れ替わっています（「{cv.bare[swap : swap + 2]}」）"
        )
        return reasons[:6]
    matcher = difflib.SequenceMatcher(None, cv.bare, ov.bare, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        got, want = cv.bare[i1:i2], ov.bare[j1:j2]
        if tag == "replace":
            if skeleton_of(got) == skeleton_of(want):
                reasons.append(f"{_describe(got)}が{_describe(want)}の代わりに使われています")
            else:
                reasons.append(f"「{want}」が「{got}」に変わっています")
        elif tag == "delete":
            reasons.append(f"「{got}」が余分に入っています")
        elif tag == "insert":
            reasons.append(f"「{want}」が抜けています")
    return reasons[:6]


def compare(handle: str, official: str | HandleForms) -> tuple[int, list[str]] | None:
    """``(distance, reasons)`` when ``handle`` imitates ``official``; None when it does not.

    None also for the identical handle (same account) and for empty input.
    """
    c = forms(handle)
    o = official if isinstance(official, HandleForms) else official_forms(official)
    if not c.ident or not o.ident or c.ident == o.ident:
        return None
    found = _match(c, o)
    if found is None:
        return None
    distance, cv, ov = found
    return distance, _reasons(c, cv, ov) or ["綴りが公式アカウントとわずかに異なります"]


def lookalikes(handle: str, officials: Iterable[str] | Sequence[HandleForms]) -> list[tuple[str, str]]:
    """Official handles that ``handle`` imitates, closest first, each with a Japanese reason.

    ``officials`` are handles or their ``official_forms`` (computed once per
    registry version by the caller). An official handle itself (any case, with
    or without ``@``) imitates nothing: the result is empty when ``handle`` is
    one of them.
    """
    prepared: dict[str, HandleForms] = {}
    for official in officials:
        f = official if isinstance(official, HandleForms) else official_forms(official)
        if f.ident:
            prepared.setdefault(f.raw, f)
    c = forms(handle)
    if not c.ident or any(f.ident == c.ident for f in prepared.values()):
        return []
    found: list[tuple[int, int, str, str]] = []
    for index, (raw, official) in enumerate(prepared.items()):
        match = _match(c, official)
        if match is not None:
            distance, cv, ov = match
            reasons = _reasons(c, cv, ov) or ["綴りが公式アカウントとわずかに異なります"]
            found.append((distance, index, raw, "。".join(reasons)))
    found.sort()
    return [(raw, reason) for _, _, raw, reason in found]
