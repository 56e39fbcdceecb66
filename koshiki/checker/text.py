"""Text normalisation with an offset map back to the original text.

Rules match on a normalised copy of the post (NFKC: full-width ASCII and
digits to half-width, half-width katakana to full-width, compatibility
characters expanded; ASCII lower-cased; line breaks unified) and report spans
in that copy. ``Text.to_original`` maps such a span back to code-point offsets
of the text the caller gave, so a marker always lands on what the author
typed, whatever emoji, combining marks, CRLF or full-width digits it holds.

Cost: one pass over the text in C when it is already normal; otherwise one
NFKC call per grapheme-like segment (a base character plus the combining marks
after it), which is linear in the text length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from koshiki.checker.tokens import Tokens

# A segment is one character plus any combining marks, variation selectors or
# half-width (semi-)voiced sound marks that NFKC may fold into it (ｶﾞ -> ガ).
_SEGMENT = re.compile(
    r"\r\n|.[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a"
    r"\uff9e\uff9f\ufe00-\ufe0f\ufe20-\ufe2f]*",
    re.DOTALL,
)
# Characters NFKC leaves alone but that we still fold: wave dash and friends
# (〜 is typed for ~ and ー alike), and CR/CRLF line breaks.
_FOLDS: dict[str | int, str | int | None] = {
    "\u301c": "~",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\uff70": "ー",
    "\r": "\n",
}
# Lone surrogates (possible in a Python str decoded from JSON "\ud800") become
# U+FFFD one-for-one, so no library downstream sees an unencodable string.
_FOLDS.update({c: 0xFFFD for c in range(0xD800, 0xE000)})
_EXTRA = str.maketrans(_FOLDS)


# Characters whose folding depends on their neighbours: combining marks,
# half-width sound marks, variation selectors and conjoining Hangul jamo.
_NEEDS_SEGMENTS = re.compile(
    r"[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0dff"
    r"\u1100-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\uff9e\uff9f"
    r"\ufe00-\ufe0f\ufe20-\ufe2f]"
)
# Per-process cache: character -> its folded form, for characters that change.
# Bounded so that adversarial input (every code point once) cannot grow it
# without limit; beyond the bound characters are folded but not remembered.
_TABLE: dict[int, str] = {}
_SEEN: set[str] = set()
_SEEN_LIMIT = 100_000


def _char_table(text: str) -> dict[int, str]:
    """The fold table, extended with the characters of ``text`` not seen yet.

    Cost: one C-level set difference per post; NFKC runs once per distinct
    character per process, not once per character per post.
    """
    new = set(text).difference(_SEEN)
    if not new:
        return _TABLE
    if len(_SEEN) + len(new) > _SEEN_LIMIT:
        table = dict(_TABLE)
        for c in new:
            out = _fold(c)
            if out != c:
                table[ord(c)] = out
        return table
    for c in new:
        out = _fold(c)
        if out != c:
            _TABLE[ord(c)] = out
        _SEEN.add(c)
    return _TABLE


def _fold(segment: str) -> str:
    if segment == "\r\n":
        return "\n"
    return unicodedata.normalize("NFKC", segment.translate(_EXTRA)).translate(_EXTRA).lower()


@dataclass
class Text:
    """A post's original text, its normalised form and the map between them.

    ``starts[i]`` / ``ends[i]`` give the original span of normalised code point
    ``i``; a normalised span ``[a, b)`` maps to ``[starts[a], ends[b-1])``.
    """

    original: str
    norm: str = field(init=False)
    starts: list[int] | None = field(init=False, default=None)
    ends: list[int] | None = field(init=False, default=None)
    # Per-text cache for derived scans shared by several rules (e.g. URLs).
    memo: dict[str, object] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        text = self.original
        table = _char_table(text)
        norm = text.translate(table)
        if "\r" not in text and len(norm) == len(text) and unicodedata.is_normalized("NFKC", norm):
            # Every character folded to exactly one: positions are unchanged.
            self.norm = norm
            return
        if unicodedata.is_normalized("NFKC", norm) and not _NEEDS_SEGMENTS.search(text):
            self._map_per_char(text, table)
        else:
            self._map_per_segment(text)

    def _map_per_char(self, text: str, table: dict[int, str]) -> None:
        """Map where some characters expand (… -> ...) or CRLF shrinks to one."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                parts.append("\n")
                starts.append(i)
                ends.append(i + 2)
                i += 2
                continue
            out = table.get(ord(c), c)
            parts.append(out)
            starts.extend([i] * len(out))
            ends.extend([i + 1] * len(out))
            i += 1
        self.norm = "".join(parts)
        self.starts, self.ends = starts, ends

    def _map_per_segment(self, text: str) -> None:
        """Map for texts whose characters compose under NFKC (ｶﾞ -> ガ, e + ´ -> é)."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for match in _SEGMENT.finditer(text):
            seg = match.group()
            out = _fold(seg)
            a, b = match.span()
            parts.append(out)
            if len(out) == len(seg) and seg != "\r\n":
                # Same length: keep a per-code-point map (finer markers).
                starts.extend(range(a, b))
                ends.extend(range(a + 1, b + 1))
            else:
                starts.extend([a] * len(out))
                ends.extend([b] * len(out))
        self.norm = "".join(parts)
        self.starts, self.ends = starts, ends

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span to a half-open span of the original text."""
        n = len(self.norm)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            pos = self.starts[start] if start < n else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    @cached_property
    def tokens(self) -> Tokens:
        """SudachiPy word boundaries of the normalised text (computed once)."""
        from koshiki.checker.tokens import tokenize

        return tokenize(self.norm)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based column of an ORIGINAL offset (for display)."""
        before = self.original[:offset]
        line = before.count("\n") + 1
        col = offset - (before.rfind("\n") + 1)
        return line, col
