"""Does a handle imitate an official one? Normalisation, homoglyph skeletons, edit distance.

Pure Python (no Django): the public verify API and the registry both use it.

A handle is compared with each official handle in four forms:

1. identity: ``@`` and surrounding spaces removed, lower-cased (platform
   handles are case-insensitive, so ``Kyoto_City`` *is* ``kyoto_city``);
2. NFKC (full-width ``ｋｙｏｔｏ`` folds to ``kyoto``);
3. without the affixes impersonators add or drop (``_jp``, ``official_``,
   ``_koho``, ...) and without separators (``_ . -``);
4. a homoglyph skeleton: ``0``→o, ``1 i | !``→l, ``5 $``→s, ``rn``→m,
   ``vv``→w, Cyrillic and Greek look-alikes → Latin.

A handle is a look-alike when it is not identical to the official one but
its skeleton is, or when the skeletons are within a small Damerau-Levenshtein
distance that grows with the length of the official handle (short names
differ by one letter far too often: ``nara_city`` / ``naha_city``). Every
look-alike comes with Japanese reasons saying what was changed.

Cost: O(len(a)·len(b)) per pair with both capped at ``MAX_LEN`` code points,
and an early exit once the distance exceeds the bound.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

MAX_LEN = 100
SEPARATORS = "_.-"
_SEP_RE = re.compile(r"[_.\-\s]+")

# Affixes added to an official name to make a plausible fake ("kyoto_city_jp",
# "official_kyoto_city", "kyoto_city_support"); matched with or without a separator.
_PREFIXES = ("official", "offical", "real", "the", "jp", "koho", "kouhou")
_SUFFIXES = (
    "official", "offical", "japan", "jp", "koho", "kouhou", "pr", "info", "news", "support", "staff", "help",
)  # fmt: skip
_PREFIX_RE = re.compile(rf"^(?:{'|'.join(_PREFIXES)})[_.\-]*(?=.)")
_SUFFIX_RE = re.compile(rf"(?<=.)[_.\-]*(?:{'|'.join(_SUFFIXES)})$")

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
class HandleForms:
    """The forms of one handle that comparisons use."""

    raw: str
    ident: str  # identity: no @, lower-cased, not otherwise changed
    wide: str  # NFKC + lower-cased
    prefix: str  # affix removed from the start ("official_"), "" if none
    suffix: str  # affix removed from the end ("_jp"), "" if none
    core: str  # wide without affixes (separators kept)
    bare: str  # core without separators
    skeleton: str  # bare with homoglyphs folded


def skeleton_of(text: str) -> str:
    """The homoglyph skeleton of already NFKC-folded, lower-cased text."""
    out = text.translate(_CONFUSABLE)
    for pair, letter in _PAIRS:
        out = out.replace(pair, letter)
    return out


@lru_cache(maxsize=4096)
def forms(handle: str) -> HandleForms:
    """Split a handle into its comparison forms (cached: official lists are reused)."""
    raw = (handle or "")[: MAX_LEN * 2]
    ident = raw.strip().lstrip("@＠").strip().lower()[:MAX_LEN]
    wide = unicodedata.normalize("NFKC", ident).lower().lstrip("@").strip()[:MAX_LEN]
    core, prefix, suffix = wide, "", ""
    m = _PREFIX_RE.match(core)
    if m and len(_SEP_RE.sub("", core[m.end() :])) >= 3:
        prefix, core = m.group(), core[m.end() :]
    m = _SUFFIX_RE.search(core)
    if m and len(_SEP_RE.sub("", core[: m.start()])) >= 3:
        suffix, core = m.group(), core[: m.start()]
    bare = _SEP_RE.sub("", core)
    return HandleForms(raw, ident, wide, prefix, suffix, core, bare, skeleton_of(bare))


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


def _reasons(c: HandleForms, o: HandleForms) -> list[str]:
    reasons: list[str] = []
    if c.wide != c.ident:
        fullwidth = any("\uff01" <= ch <= "\uff5e" for ch in c.ident)
        reasons.append("全角文字が使われています" if fullwidth else "見た目の似た互換文字が使われています")
    if c.prefix != o.prefix:
        if c.prefix and not o.prefix:
            reasons.append(f"先頭に {c.prefix} が追加されています")
        elif o.prefix and not c.prefix:
            reasons.append(f"先頭の {o.prefix} が省かれています")
        else:
            reasons.append(f"先頭が {o.prefix} から {c.prefix} に変わっています")
    if c.suffix != o.suffix:
        if c.suffix and not o.suffix:
            reasons.append(f"末尾に {c.suffix} が追加されています")
        elif o.suffix and not c.suffix:
            reasons.append(f"末尾の {o.suffix} が省かれています")
        else:
            reasons.append(f"末尾が {o.suffix} から {c.suffix} に変わっています")
    seps_c = [ch for ch in c.core if ch in SEPARATORS]
    seps_o = [ch for ch in o.core if ch in SEPARATORS]
    if seps_c != seps_o:
        if not seps_c:
            reasons.append(f"区切り記号「{''.join(dict.fromkeys(seps_o))}」が省かれています")
        elif not seps_o:
            reasons.append(f"区切り記号「{''.join(dict.fromkeys(seps_c))}」が加えられています")
        else:
            reasons.append("区切り記号の種類や位置が異なります")
    swap = _swapped_pair(c.bare, o.bare)
    if swap is not None:
        reasons.append(
            f"「{o.bare[swap : swap + 2]}」の2文字が入れ替わっています（「{c.bare[swap : swap + 2]}」）"
        )
        return reasons[:6]
    matcher = difflib.SequenceMatcher(None, c.bare, o.bare, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        got, want = c.bare[i1:i2], o.bare[j1:j2]
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


def compare(handle: str, official: str) -> tuple[int, list[str]] | None:
    """``(distance, reasons)`` when ``handle`` imitates ``official``; None when it does not.

    None also for the identical handle (same account) and for empty input.
    """
    c, o = forms(handle), forms(official)
    if not c.ident or not o.ident or c.ident == o.ident:
        return None
    if len(o.skeleton) < 3 or len(c.skeleton) < 3:
        return None
    if c.skeleton == o.skeleton:
        distance = 0
    else:
        bound = _bound(len(o.skeleton))
        distance = damerau_levenshtein(c.skeleton, o.skeleton, bound)
        if distance > bound:
            return None
        # Below ten letters one changed letter is too often another real name
        # (nara_city / naha_city): only insertions, omissions and swaps count.
        if len(o.skeleton) < 10 and _is_plain_substitution(c.skeleton, o.skeleton):
            return None
    return distance, _reasons(c, o) or ["綴りが公式アカウントとわずかに異なります"]


def lookalikes(handle: str, official_handles: Iterable[str]) -> list[tuple[str, str]]:
    """Official handles that ``handle`` imitates, closest first, each with a Japanese reason.

    An official handle itself (any case, with or without ``@``) imitates
    nothing: the result is empty when ``handle`` is one of ``official_handles``.
    """
    officials = [h for h in dict.fromkeys(official_handles) if h and h.strip()]
    if any(same_handle(handle, h) for h in officials):
        return []
    found: list[tuple[int, int, str, str]] = []
    for index, official in enumerate(officials):
        result = compare(handle, official)
        if result is not None:
            distance, reasons = result
            found.append((distance, index, official, "。".join(reasons)))
    found.sort()
    return [(official, reason) for _, _, official, reason in found]
