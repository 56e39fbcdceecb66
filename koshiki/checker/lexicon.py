"""Word lists matched with one Aho-Corasick automaton per lexicon.

A lexicon is a TOML file in ``lexicons/`` with a ``[meta]`` table (name,
source, licence) and ``[[entry]]`` rows: ``id`` (permanent), ``term`` and
optional ``variants``, the ``rule`` it feeds, a ``category``, the ``reason``
it is listed, and ``boundary`` — ``word`` (default: the match must start and
end on SudachiPy morpheme boundaries, so バカンス never matches バカ; only the
lines holding such candidates are tokenised) or
``any`` (a substring is enough, for terms that cannot occur inside other
words). Terms are normalised like post text, so ＰＲ, ｶﾀｶﾅ and full-width
digits in a post still match.

The automaton is built once per process (``ahocorasick-rs``, a Rust
automaton): one pass over the post finds every candidate of every term.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick_rs

from koshiki.checker.text import Text

LEXICON_DIR = Path(__file__).with_name("lexicons")
_ENTRY_KEYS = {"id", "term", "variants", "rule", "category", "reason", "boundary", "source", "tags"}


class LexiconError(ValueError):
    """A lexicon file is malformed; names the file, the entry and the problem."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One listed word with why it is listed."""

    id: str
    term: str
    rule: str
    category: str
    reason: str
    boundary: str = "word"
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon entry found at ``[start, end)`` of the normalised text."""

    entry: Entry
    start: int
    end: int
    surface: str


class Lexicon:
    """A compiled word list; ``find`` returns matches in text order."""

    def __init__(self, name: str, entries: list[tuple[str, Entry]]) -> None:
        self.name = name
        self._patterns = [p for p, _ in entries]
        self._entries = [e for _, e in entries]
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns) if self._patterns else None

    def __len__(self) -> int:
        return len(self._patterns)

    def entries(self) -> list[Entry]:
        seen: dict[str, Entry] = {}
        for e in self._entries:
            seen.setdefault(e.id, e)
        return list(seen.values())

    def find(self, text: Text, rule: str | None = None) -> list[Match]:
        """Candidates that pass the boundary check, for one rule or all."""
        if self._automaton is None or not text.norm:
            return []
        out: list[Match] = []
        norm = text.norm
        for idx, start, end in self._automaton.find_matches_as_indexes(norm, overlapping=True):
            entry = self._entries[idx]
            if rule is not None and entry.rule != rule:
                continue
            if entry.boundary == "word" and not text.is_word(start, end):
                continue
            out.append(Match(entry, start, end, norm[start:end]))
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return _drop_nested(out)


def _drop_nested(matches: list[Match]) -> list[Match]:
    """Keep the longest match where one lies inside another of the same rule.

    ``matches`` is sorted by start, longest first, so every kept match starts at
    or before the current one: the current one is nested exactly when it ends at
    or before the furthest end kept so far for its rule. Linear in the matches.
    """
    kept: list[Match] = []
    furthest: dict[str, int] = {}
    for m in matches:
        if furthest.get(m.entry.rule, -1) >= m.end:
            continue
        kept.append(m)
        furthest[m.entry.rule] = max(furthest.get(m.entry.rule, -1), m.end)
    return kept


def fold_term(term: str) -> str:
    """Normalise a listed term the same way post text is normalised."""
    return Text(term).norm


@cache
def load_lexicon(name: str, directory: Path = LEXICON_DIR) -> Lexicon:
    """Load and compile ``lexicons/<name>.toml`` once per process."""
    path = directory / f"{name}.toml"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{path}: 読めません: {exc}") from None
    rows = data.get("entry", [])
    pairs: list[tuple[str, Entry]] = []
    ids: set[str] = set()
    for i, row in enumerate(rows):
        where = f"{path}: entry[{i}]"
        unknown = sorted(set(row) - _ENTRY_KEYS)
        if unknown:
            raise LexiconError(f"{where}: 不明な項目 {unknown[0]}")
        for key in ("id", "term", "rule", "category", "reason"):
            if not isinstance(row.get(key), str) or not row[key]:
                raise LexiconError(f"{where}: {key} は必須の文字列です")
        if row["id"] in ids:
            raise LexiconError(f"{where}: id {row['id']} が重複しています")
        ids.add(row["id"])
        boundary = row.get("boundary", "word")
        if boundary not in ("word", "any"):
            raise LexiconError(f"{where}: boundary は word か any です")
        entry = Entry(
            id=row["id"],
            term=row["term"],
            rule=row["rule"],
            category=row["category"],
            reason=row["reason"],
            boundary=boundary,
            tags=tuple(row.get("tags", ())),
        )
        for surface in [row["term"], *row.get("variants", [])]:
            folded = fold_term(surface)
            if folded:
                pairs.append((folded, entry))
    return Lexicon(name, pairs)
