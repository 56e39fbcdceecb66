"""Japanese word boundaries and parts of speech from SudachiPy.

The dictionary (``sudachidict-core``, shipped on PyPI with its data) is
loaded once per process on first use, never per post. Split mode A (the
finest) is used so that a lexicon word matches at any morpheme boundary of a
compound (部外秘|資料) but never inside a word (バカンス is not バカ, 東京都 is not
京都).

Cost: about 1.2 µs per character (206 µs for the 165-character mean post of
``benchmarks/speed.py``), so rules tokenise only the lines around a cue;
loading the dictionary takes ~50 ms once.

Threads: a SudachiPy tokenizer may not be used by two threads at once (it
raises ``Tokenizer is already in use``), so each thread gets its own tokenizer
(``threading.local``) over the one dictionary of the process, which is loaded
under a lock. A new thread's first post pays ~0.1 ms to create its tokenizer.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

# SudachiPy refuses inputs above ~49,000 bytes; long texts are cut into
# chunks at line breaks (or, failing that, at a fixed width).
_CHUNK = 4000
# Part-of-speech tuples by SudachiPy POS id (one dictionary per process).
_POS: dict[int, tuple[str, ...]] = {}


@dataclass(slots=True)
class Token:
    """One morpheme: half-open span in the normalised text and its POS.

    Read-only by convention. Not a frozen dataclass: one is built per morpheme,
    and a frozen one costs four times as much to construct.
    """

    start: int
    end: int
    surface: str
    pos: tuple[str, ...]

    @property
    def is_person_name(self) -> bool:
        return len(self.pos) > 2 and self.pos[2] == "人名"

    @property
    def is_place_name(self) -> bool:
        return len(self.pos) > 2 and self.pos[2] == "地名"


class Tokens:
    """The morphemes of one text, with O(1) boundary look-ups.

    The look-up tables are built on first use: many rules only iterate ``items``.
    """

    __slots__ = ("items", "_by_start", "_by_end")

    def __init__(self, items: list[Token]) -> None:
        self.items = items
        self._by_start: dict[int, int] | None = None
        self._by_end: dict[int, int] | None = None

    def _index(self) -> tuple[dict[int, int], dict[int, int]]:
        if self._by_start is None or self._by_end is None:
            self._by_start = {t.start: i for i, t in enumerate(self.items)}
            self._by_end = {t.end: i for i, t in enumerate(self.items)}
        return self._by_start, self._by_end

    @property
    def starts(self) -> Collection[int]:
        """Offsets where a morpheme begins."""
        return self._index()[0].keys()

    @property
    def ends(self) -> Collection[int]:
        """Offsets where a morpheme ends."""
        return self._index()[1].keys()

    def is_word(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` begins and ends on morpheme boundaries."""
        by_start, by_end = self._index()
        return start in by_start and end in by_end

    def index_at(self, start: int) -> int | None:
        """Index of the token that begins at ``start``, if any."""
        return self._index()[0].get(start)

    def ending_at(self, end: int) -> Token | None:
        """The token that ends exactly at ``end``, if any."""
        i = self._index()[1].get(end)
        return None if i is None else self.items[i]

    def covering(self, start: int, end: int) -> list[Token]:
        """Tokens overlapping ``[start, end)``, in order."""
        return [t for t in self.items if t.end > start and t.start < end]


_DICTIONARY: Any = None
_DICTIONARY_LOCK = threading.Lock()
_LOCAL = threading.local()


def _dictionary() -> Any:
    """The process's SudachiPy dictionary, loaded once (thread-safe)."""
    global _DICTIONARY
    if _DICTIONARY is None:
        with _DICTIONARY_LOCK:
            if _DICTIONARY is None:
                from sudachipy import Dictionary

                _DICTIONARY = Dictionary(dict="core")
    return _DICTIONARY


def _tokenizer() -> Any:
    """This thread's tokenizer (split mode A), created on the thread's first use."""
    tok = getattr(_LOCAL, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode

        tok = _LOCAL.tokenizer = _dictionary().tokenizer(mode=SplitMode.A, fields={"surface", "pos"})
    return tok


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= _CHUNK:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(pos + _CHUNK, len(text))
        if end < len(text):
            cut = text.rfind("\n", pos, end)
            if cut > pos:
                end = cut + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out


def tokenize(text: str, offset: int = 0) -> Tokens:
    """Tokenise normalised text; never raises on any Unicode input.

    ``offset`` is added to every span (for a slice of a longer text).

    Cost: SudachiPy's own analysis plus one small object per morpheme; the
    part-of-speech tuple is shared by every morpheme with the same POS id.
    """
    tok = _tokenizer()
    items: list[Token] = []
    append = items.append
    pos_of = _POS
    for base, chunk in _chunks(text):
        if not chunk:
            continue
        base += offset
        for m in tok.tokenize(chunk):
            b, e = m.begin(), m.end()
            pid = m.part_of_speech_id()
            pos = pos_of.get(pid)
            if pos is None:
                pos = pos_of[pid] = tuple(m.part_of_speech())
            append(Token(base + b, base + e, chunk[b:e], pos))
    return Tokens(items)


def warm_up() -> None:
    """Load the dictionary and this thread's tokenizer now (for servers and batch runs)."""
    _tokenizer()


def reading(text: str) -> str:
    """The katakana reading of ``text`` (SudachiPy's reading form): 京都市 -> キョウトシ.

    A tokenizer of its own per call (the shared ones load no readings, for speed);
    for short names such as a municipality's, not for post bodies.
    """
    from sudachipy import SplitMode

    tok = _dictionary().tokenizer(mode=SplitMode.C)
    return "".join(m.reading_form() for m in tok.tokenize(text or ""))
