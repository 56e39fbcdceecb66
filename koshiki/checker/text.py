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
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from koshiki.checker.tokens import Token, Tokens

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
# Characters that normalisation leaves unchanged and that make up most of a
# Japanese post: lower-case ASCII letters and digits, hiragana, katakana, the
# unified CJK ideographs, 、。「」, space and line feed (tests/checker/test_text.py
# checks each of them folds to itself).
PLAIN_CLASS = "a-z0-9\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\u3001\u3002\u300c\u300d\n "
_NOT_PLAIN = re.compile(f"[^{PLAIN_CLASS}]+")


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
_FOLDED: dict[str, str] = {}
_CHANGING: set[str] = set()  # the keys of _FOLDED, as a set for C-level intersections
_SEEN: set[str] = set()
_SEEN_LIMIT = 100_000


def _changes(chars: set[str]) -> dict[str, str]:
    """The characters among ``chars`` that normalisation changes, with their folded forms.

    Cost: C-level set operations per post; NFKC runs once per distinct character
    per process, not once per character per post.
    """
    new = chars.difference(_SEEN)
    if new and len(_SEEN) + len(new) > _SEEN_LIMIT:
        changes = {c: _FOLDED[c] for c in chars & _CHANGING}
        for c in new:
            out = _fold(c)
            if out != c:
                changes[c] = out
        return changes
    for c in new:
        out = _fold(c)
        if out != c:
            _FOLDED[c] = out
            _CHANGING.add(c)
        _SEEN.add(c)
    return {c: _FOLDED[c] for c in chars & _CHANGING}


def _apply(text: str, changes: dict[str, str]) -> str:
    """``text`` with every changed character replaced by its folded form.

    One ``str.replace`` per distinct changed character (a C-level scan each)
    rather than ``str.translate``, which pays a failed dictionary look-up for
    every unchanged character. Sequential replacement equals simultaneous
    translation unless a folded form holds a character that is itself
    replaced; that rare case falls back to ``translate``.
    """
    if not changes:
        return text
    if set("".join(changes.values())) & changes.keys():
        return text.translate({ord(c): out for c, out in changes.items()})
    for c, out in changes.items():
        text = text.replace(c, out)
    return text


def _fold(segment: str) -> str:
    if segment == "\r\n":
        return "\n"
    return unicodedata.normalize("NFKC", segment.translate(_EXTRA)).translate(_EXTRA).lower()


# What ends a sentence in normalised text (！？ are folded to !?).
SENTENCE_ENDS = ("。", "!", "?", "\n")


def sentence_bounds(norm: str, start: int, end: int, reach: int = 200) -> tuple[int, int]:
    """The sentence around ``[start, end)`` of normalised text, as ``(left, right)``.

    It runs from just after the last 。!? or line break before ``start`` to just
    before the first one at or after ``end``, and at most ``reach`` characters
    beyond the span on each side (so a check per candidate stays linear).
    """
    lo = max(0, start - reach)
    hi = min(len(norm), end + reach)
    left = max(norm.rfind(stop, lo, start) + 1 for stop in SENTENCE_ENDS)
    rights = [i for i in (norm.find(stop, end, hi) for stop in SENTENCE_ENDS) if i >= 0]
    return max(lo, left), min(rights, default=hi)


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
        # Only characters outside the plain classes can change; collecting them with
        # one regex pass is much cheaper than a set of every character of the post.
        changes = _changes(set("".join(_NOT_PLAIN.findall(text))))
        if "\r" not in changes:
            norm = _apply(text, changes)
            if len(norm) == len(text) and unicodedata.is_normalized("NFKC", norm):
                # Every character folded to exactly one: positions are unchanged.
                self.norm = norm
                return
        else:
            norm = _apply(text.replace("\r\n", "\n"), changes)
        if unicodedata.is_normalized("NFKC", norm) and not _NEEDS_SEGMENTS.search(text):
            self._map_per_char(text, changes)
        else:
            self._map_per_segment(text)

    def _map_per_char(self, text: str, changes: dict[str, str]) -> None:
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
            out = changes.get(c, c)
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

    def quote(self, start: int, end: int) -> str:
        """What the author typed for a normalised span (for finding messages)."""
        a, b = self.to_original(start, end)
        return self.original[a:b]

    @cached_property
    def tokens(self) -> Tokens:
        """SudachiPy word boundaries of the normalised text (computed once)."""
        from koshiki.checker.tokens import tokenize

        return tokenize(self.norm)

    def line_tokens(self, start: int, end: int) -> list[Token]:
        """The morphemes of the lines overlapping ``[start, end)``, in text order.

        The same morphemes as ``tokens`` on those lines (whitespace runs at a line's
        edges aside), for a fraction of the cost when a rule needs word information
        around a few candidates of a long post: only those lines are tokenised,
        each once per text. A line is tokenised with the line breaks around it as
        context, so SudachiPy's lattice is cut where the whole text's is.
        """
        out: list[Token] = []
        for line in self._lines(start, end):
            out.extend(line.items)
        return out

    def line_of(self, pos: int) -> Tokens:
        """The morphemes of the line holding ``pos`` (see ``line_tokens``)."""
        return self._lines(pos, pos)[0]

    def is_word(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` begins and ends on morpheme boundaries.

        Tokenises only the line of the span unless the whole text already is.
        """
        if "tokens" not in self.__dict__ and "\n" not in self.norm[start:end]:
            return self.line_of(start).is_word(start, end)
        return self.tokens.is_word(start, end)

    def _lines(self, start: int, end: int) -> list[Tokens]:
        from koshiki.checker.tokens import Tokens, tokenize

        norm = self.norm
        n = len(norm)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        full: Tokens | None = self.__dict__.get("tokens")
        cache = self.memo.setdefault("tokens.lines", {})
        assert isinstance(cache, dict)
        out: list[Tokens] = []
        a = norm.rfind("\n", 0, start) + 1
        last = norm.find("\n", max(start, end - 1))
        last = n if last < 0 else last
        while True:
            b = norm.find("\n", a, last)
            b = last if b < 0 else b
            line = cache.get(a)
            if line is None:
                if full is not None:
                    i = bisect_left(full.items, a, key=attrgetter("start"))
                    j = bisect_left(full.items, b, key=attrgetter("start"))
                    items = [t for t in full.items[i:j] if t.end <= b]
                else:
                    lo = a - 1 if a > 0 else a
                    hi = b + 1 if b < n else b
                    items = [t for t in tokenize(norm[lo:hi], lo).items if t.start >= a and t.end <= b]
                line = cache[a] = Tokens(items)
            out.append(line)
            if b >= last:
                return out
            a = b + 1

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based column of an ORIGINAL offset (for display)."""
        before = self.original[:offset]
        line = before.count("\n") + 1
        col = offset - (before.rfind("\n") + 1)
        return line, col
