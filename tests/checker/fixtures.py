"""Rule fixtures: ``tests/checker/rules/<rule-id>.toml`` with inline span marks.

A fixture file holds ``[[invalid]]`` cases, whose expected finding spans are
marked in ``text`` with ⟦ and ⟧, and ``[[valid]]`` cases, on which the rule
must report nothing. A case may set ``profile`` (default ``standard``),
``context`` (the JSON context object), ``severity`` (expected severity of
every marked finding) and ``note`` (why the case is there).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURE_DIR = Path(__file__).with_name("rules")
OPEN, CLOSE = "⟦", "⟧"


@dataclass(frozen=True)
class Case:
    rule: str
    kind: str  # "valid" or "invalid"
    text: str
    spans: tuple[tuple[int, int], ...]
    profile: str = "standard"
    context: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None
    note: str = ""

    @property
    def label(self) -> str:
        short = self.text.replace("\n", "⏎")[:40]
        return f"{self.rule}:{self.kind}:{self.profile}:{short}"


def strip_marks(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove ⟦ ⟧ marks; return the plain text and the marked spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    pos = 0
    for ch in marked:
        if ch == OPEN:
            if start is not None:
                raise ValueError(f"nested {OPEN} in {marked!r}")
            start = pos
        elif ch == CLOSE:
            if start is None:
                raise ValueError(f"{CLOSE} without {OPEN} in {marked!r}")
            spans.append((start, pos))
            start = None
        else:
            out.append(ch)
            pos += 1
    if start is not None:
        raise ValueError(f"unclosed {OPEN} in {marked!r}")
    return "".join(out), tuple(spans)


def load_cases(path: Path) -> list[Case]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    rule = path.stem
    cases: list[Case] = []
    for kind in ("invalid", "valid"):
        for row in data.get(kind, []):
            text, spans = strip_marks(row["text"])
            if kind == "invalid" and not spans:
                raise ValueError(f"{path}: invalid case without ⟦ ⟧ span: {row['text']!r}")
            if kind == "valid" and spans:
                raise ValueError(f"{path}: valid case with a span: {row['text']!r}")
            cases.append(
                Case(
                    rule=rule,
                    kind=kind,
                    text=text,
                    spans=spans,
                    profile=row.get("profile", "standard"),
                    context=row.get("context", {}),
                    severity=row.get("severity"),
                    note=row.get("note", ""),
                )
            )
    return cases


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(FIXTURE_DIR.glob("*.toml")):
        cases.extend(load_cases(path))
    return cases


def rule_spans(text: str, rule_id: str, profile: str = "standard") -> list[str]:
    """What the rule alone (the semantic screen off) marks in ``text``, as substrings."""
    from koshiki.checker import check
    from koshiki.checker.semantic import disabled

    with disabled():
        return [text[f.start : f.end] for f in check(text, profile) if f.rule == rule_id]
