"""The check loop: span mapping, profile switches and the de-duplication of findings."""

from __future__ import annotations

import dataclasses

from koshiki.checker import Clause, Finding, Severity, check, load_profile
from koshiki.checker.engine import sort_findings

CLAUSE = Clause("standard", "1", "t")


def _finding(rule: str, severity: Severity, start: int = 0, end: int = 3, message: str = "m") -> Finding:
    return Finding(rule, severity, start, end, message, CLAUSE)


def test_same_rule_and_span_keeps_the_most_severe_finding() -> None:
    # Review fix: the last duplicate used to win, so a rule reporting one place twice
    # could lower its own severity there.
    found = sort_findings(
        [
            _finding("pii.phone", Severity.ERROR, message="first"),
            _finding("pii.phone", Severity.WARNING, message="second"),
        ]
    )
    assert [(f.severity, f.message) for f in found] == [(Severity.ERROR, "first")]
    again = sort_findings(
        [_finding("x.y", Severity.INFO, message="a"), _finding("x.y", Severity.INFO, message="b")]
    )
    assert [f.message for f in again] == ["a"]


def test_findings_are_ordered_by_position_then_severity_then_rule() -> None:
    found = sort_findings(
        [
            _finding("b.rule", Severity.INFO, 0, 3),
            _finding("a.rule", Severity.INFO, 0, 3),
            _finding("c.rule", Severity.ERROR, 0, 3),
            _finding("a.rule", Severity.ERROR, 5, 6),
        ]
    )
    assert [f.rule for f in found] == ["c.rule", "a.rule", "b.rule", "a.rule"]


def test_spans_on_crlf_text_point_at_the_original() -> None:
    text = "お知らせ\r\n担当：０９０−１２３４−５６７８\r\n以上"
    (phone,) = [f for f in check(text) if f.rule == "pii.phone"]
    assert text[phone.start : phone.end] == "０９０−１２３４−５６７８"


def test_a_rule_switched_off_by_the_profile_reports_nothing() -> None:
    text = "担当の携帯（090-1234-5678）までどうぞ"
    standard = load_profile("standard")
    assert any(f.rule == "pii.phone" for f in check(text, standard))
    binding = dataclasses.replace(standard.bindings["pii.phone"], enabled=False)
    off = dataclasses.replace(standard, bindings={**standard.bindings, "pii.phone": binding})
    assert not any(f.rule == "pii.phone" for f in check(text, off))


def test_empty_and_blank_texts_have_no_findings() -> None:
    for text in ("", "\r\n", " \u3000 ", "\u2028"):
        assert check(text) == []
