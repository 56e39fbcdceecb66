"""Typed results of a check: severity, clause, suggestion and finding.

Everything here is immutable and JSON-serialisable through ``as_dict`` so the
CLI, the batch mode and the web application print the same shape.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Severity(enum.StrEnum):
    """How strongly a finding blocks a draft (RULES.md, "Severity effects")."""

    ERROR = "error"  # the draft cannot be submitted until fixed
    WARNING = "warning"  # the approver must acknowledge it with a reason
    INFO = "info"  # advice shown to the author

    @property
    def rank(self) -> int:
        """Order for sorting: errors first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def label(self) -> str:
        """Japanese label shown to users."""
        return {"error": "エラー", "warning": "警告", "info": "情報"}[self.value]


@dataclass(frozen=True, slots=True)
class Clause:
    """The guideline clause a finding rests on, as bound by a profile."""

    profile: str
    ref: str
    title: str

    def as_dict(self) -> dict[str, str]:
        return {"profile": self.profile, "ref": self.ref, "title": self.title}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed replacement for the span, with a one-line title."""

    title: str
    replacement: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "replacement": self.replacement}


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where the subject breaks a rule of the active profile.

    ``start``/``end`` are half-open code-point offsets into the ORIGINAL text
    the caller passed (not the normalised text); ``0 <= start <= end <= len``.
    """

    rule: str
    severity: Severity
    start: int
    end: int
    message: str
    clause: Clause
    suggestion: Suggestion | None = None
    # Comment findings only: the clause of the account's published 運用ポリシー
    # (``koshiki.checker.comments.PolicyClause``), the finding's second citation.
    policy: Any = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "clause": self.clause.as_dict(),
            "suggestion": self.suggestion.as_dict() if self.suggestion else None,
        }
        if self.policy is not None:
            out["policy"] = self.policy.as_dict()
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports before the engine applies the profile.

    Spans are in the NORMALISED text; the engine maps them back. ``severity`` is
    set only by rules with graded severities (e.g. ``pii.phone``: mobile numbers
    are errors, other unlisted numbers warnings); it replaces the rule's default,
    and a ``severity`` set in the profile's binding replaces both.
    """

    start: int
    end: int
    message: str
    suggestion: Suggestion | None = None
    severity: Severity | None = None


def report_dict(profile_id: str, findings: list[Finding]) -> dict[str, object]:
    """The JSON report shared by ``koshiki check --format json`` and ``POST /api/check``."""
    return {"profile": profile_id, "findings": [f.as_dict() for f in findings]}
