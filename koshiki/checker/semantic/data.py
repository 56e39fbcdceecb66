"""Build-time reading of labelled data into training units (no scikit-learn here).

A spec (``specs/<name>.toml``) lists its sources; each source has a
``format`` that says how a JSON line holds its text and labels:

- ``devset``: ``{"id", "profile", "text", "expected": [{"rule", "start", "end"}]}``
  (``benchmarks/devset/posts.jsonl``);
- ``corpus``: ``{"id", "author", "text", "labels": [{"rule", "span"}], "hard_negative"}``
  (``benchmarks/corpus/w*.jsonl``: the span is an exact substring of the text);
- ``headlines``: ``{"id", "text", "publisher"}``: real texts that break no rule;
- ``comments``: ``{"id", "author", "text", "categories": [...]}``: whole-text labels
  (the comment classifier's data);
- ``fixtures``: a directory of rule fixture files (``tests/checker/rules/<rule>.toml``,
  ``[[invalid]]`` cases with ⟦span⟧ marks, ``[[valid]]`` cases): each case says
  something about its own rule only, so it is a positive or a negative of that label
  and unknown for the others.

``group_by`` names the field whose value is the cross-validation group (the
writer, the publisher): thresholds are chosen on groups the model did not see,
as a new writer's posts would be. ``hold_out`` lists group values that are
never trained on and only reported (e.g. some publishers of the headlines).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from koshiki.checker.semantic.features import split_sentences
from koshiki.checker.text import Text

FORMATS = ("devset", "corpus", "headlines", "comments", "fixtures")


@dataclass
class Example:
    """One labelled text: spans of rules in original offsets, and whole-text labels."""

    id: str
    group: str
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    whole: set[str] = field(default_factory=set)
    weight: float = 1.0
    held_out: bool = False
    only: str | None = None  # the one label this example speaks for (fixtures)

    @property
    def rules(self) -> set[str]:
        return {r for r, _, _ in self.spans} | self.whole


@dataclass
class Units:
    """Training units: their texts, label matrix, groups and weights.

    ``y[i, j]`` is 1 when unit ``i`` breaks label ``j``, 0 when it does not, and -1
    when unknown (a sentence of a post labelled ``j`` elsewhere: the label may rest
    on this sentence's context, so it is neither a positive nor a negative).
    """

    texts: list[str]
    contexts: list[str]
    y: np.ndarray
    groups: list[str]
    weights: np.ndarray
    held_out: np.ndarray
    example: list[int]


def sha256(path: Path, pattern: str = "*.toml") -> str:
    """Hex SHA-256 of a file's bytes (of a directory: of its ``pattern`` files' names and bytes, sorted)."""
    if not path.is_dir():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    digest = hashlib.sha256()
    for f in sorted(path.glob(pattern)):
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def read_fixtures(path: Path, labels: list[str]) -> list[Example]:
    """The rule fixture cases of the labels' fixture files, as examples of their own label only."""
    import tomllib

    out: list[Example] = []
    for f in sorted(path.glob("*.toml")):
        if f.stem not in labels:
            continue
        with f.open("rb") as fh:
            data = tomllib.load(fh)
        for kind in ("invalid", "valid"):
            for n, row in enumerate(data.get(kind, []), 1):
                text, spans = _strip_marks(row["text"])
                ex = Example(f"{f.stem}:{kind}:{n:03d}", "fixtures", text, only=f.stem)
                ex.spans = [(f.stem, a, b) for a, b in spans]
                out.append(ex)
    return out


def _strip_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove ⟦ ⟧ marks; the plain text and the marked spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start = pos = 0
    for ch in marked:
        if ch == "⟦":
            start = pos
        elif ch == "⟧":
            spans.append((start, pos))
        else:
            out.append(ch)
            pos += 1
    return "".join(out), spans


def read_source(path: Path, fmt: str, group_by: str | None, group: str | None, hold_out: list[str],
                hard_negative_weight: float = 1.0,
                derive: dict[str, dict[str, Any]] | None = None) -> list[Example]:  # fmt: skip
    """The examples of one JSON Lines source, sorted by id.

    ``derive`` (``comments`` format; the source's ``[sources.derive]`` table) adds
    whole-text labels from other fields: ``{"intent.pending": {"action": "interim_reply"}}``
    labels every row whose ``action`` is ``interim_reply``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"{path}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    out: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row: dict[str, Any] = json.loads(line)
            text = row["text"]
            gval = str(row.get(group_by, "")) if group_by else (group or path.stem)
            ex = Example(str(row.get("id", f"{path.stem}-{n}")), gval, text)
            if fmt == "devset":
                ex.spans = [(lab["rule"], lab["start"], lab["end"]) for lab in row.get("expected", [])]
            elif fmt == "corpus":
                for lab in row.get("labels", []):
                    start = text.find(lab["span"])
                    if start < 0:
                        raise ValueError(f"{path}:{n}: span not in text: {lab['span']!r}")
                    ex.spans.append((lab["rule"], start, start + len(lab["span"])))
                if row.get("hard_negative") and not ex.spans:
                    ex.weight = hard_negative_weight
            elif fmt == "comments":
                ex.whole = set(row.get("categories", []))
                # --- hook added for the comment classifier (branch ccheck): derived labels ---
                for label, match in (derive or {}).items():
                    if all(row.get(k) == v for k, v in match.items()):
                        ex.whole.add(label)
            ex.held_out = gval in hold_out
            out.append(ex)
    out.sort(key=lambda e: e.id)
    return out


def to_units(examples: list[Example], labels: list[str], unit: str, context: str = "ignore") -> Units:
    """Split examples into units (sentences or whole texts) with a label matrix.

    ``context`` says what the other sentences of a post labelled ``j`` are for ``j``:
    ``ignore`` (-1, left out of training ``j``) or ``negative`` (0: the label's span
    is the shortest text carrying the problem, so the rest of the post does not).
    """
    other = -1 if context == "ignore" else 0
    index = {label: j for j, label in enumerate(labels)}
    texts: list[str] = []
    contexts: list[str] = []
    rows: list[np.ndarray] = []
    groups: list[str] = []
    weights: list[float] = []
    held: list[bool] = []
    owner: list[int] = []
    for k, ex in enumerate(examples):
        subject = Text(ex.text)
        norm = subject.norm
        spans = split_sentences(norm) if unit == "sentence" else [(0, len(norm))]
        present = {r for r in ex.rules if r in index}
        for a, b in spans:
            oa, ob = subject.to_original(a, b)
            y = (
                np.zeros(len(labels), dtype=np.int8)
                if ex.only is None
                else np.full(len(labels), -1, dtype=np.int8)
            )
            if ex.only in index:
                y[index[ex.only]] = 0
            for r in present:
                y[index[r]] = other
            for r in ex.whole:
                if r in index:
                    y[index[r]] = 1
            for r, s, e in ex.spans:
                if r in index and s < ob and oa < e:
                    y[index[r]] = 1
            texts.append(norm[a:b])
            contexts.append(norm)
            rows.append(y)
            groups.append(ex.group)
            weights.append(ex.weight)
            held.append(ex.held_out)
            owner.append(k)
    y = np.array(rows, dtype=np.int8).reshape(len(rows), len(labels))
    return Units(
        texts, contexts, y, groups, np.array(weights, dtype=np.float64), np.array(held, dtype=bool), owner
    )
