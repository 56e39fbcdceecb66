"""Build-time reading of labelled data into training units (no scikit-learn here).

A spec (``specs/<name>.toml``) lists its sources; each source has a
``format`` that says how a JSON line holds its text and labels:

- ``devset``: ``{"id", "profile", "text", "expected": [{"rule", "start", "end"}]}``
  (``benchmarks/devset/posts.jsonl``);
- ``corpus``: ``{"id", "author", "text", "labels": [{"rule", "span"}], "hard_negative"}``
  (``benchmarks/corpus/w*.jsonl``: the span is an exact substring of the text);
- ``headlines``: ``{"id", "text", "publisher"}``: real texts that break no rule;
- ``comments``: ``{"id", "author", "text", "categories": [...]}``: whole-text labels
  (the comment classifier's data).

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

FORMATS = ("devset", "corpus", "headlines", "comments")


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
    y: np.ndarray
    groups: list[str]
    weights: np.ndarray
    held_out: np.ndarray
    example: list[int]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def to_units(examples: list[Example], labels: list[str], unit: str) -> Units:
    """Split examples into units (sentences or whole texts) with a label matrix."""
    index = {label: j for j, label in enumerate(labels)}
    texts: list[str] = []
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
            y = np.zeros(len(labels), dtype=np.int8)
            for r in present:
                y[index[r]] = -1
            for r in ex.whole:
                if r in index:
                    y[index[r]] = 1
            for r, s, e in ex.spans:
                if r in index and s < ob and oa < e:
                    y[index[r]] = 1
            texts.append(norm[a:b])
            rows.append(y)
            groups.append(ex.group)
            weights.append(ex.weight)
            held.append(ex.held_out)
            owner.append(k)
    y = np.array(rows, dtype=np.int8).reshape(len(rows), len(labels))
    return Units(texts, y, groups, np.array(weights, dtype=np.float64), np.array(held, dtype=bool), owner)
