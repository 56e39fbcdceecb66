"""Every rule against its fixture file: exact spans on invalid cases, silence on valid ones.

The fixtures pin each rule's own logic, so they run with the semantic screen off;
``tests/checker/test_semantic.py`` measures the screen on the same fixtures.
"""

from __future__ import annotations

import pytest

from koshiki.checker import check
from koshiki.checker.registry import all_rules
from koshiki.checker.semantic import disabled
from tests.checker.fixtures import FIXTURE_DIR, all_cases

CASES = all_cases()

MINIMUM = {"pii": 8, "promo": 8, "link": 8, "style": 8, "harm": 15, "confidential": 15, "neutrality": 8}


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_fixture_case(case):
    with disabled():
        findings = [f for f in check(case.text, case.profile, case.context) if f.rule == case.rule]
    got = sorted((f.start, f.end) for f in findings)
    assert got == sorted(case.spans), (
        f"{case.note}\n text: {case.text!r}\n expected: {[case.text[a:b] for a, b in case.spans]}\n"
        f" got: {[case.text[a:b] for a, b in got]}"
    )
    if case.severity:
        assert {f.severity.value for f in findings} == {case.severity}


@pytest.mark.parametrize("rule_id", [r.id for r in all_rules().values() if r.subject == "post"])
def test_every_post_rule_has_enough_fixtures(rule_id):
    path = FIXTURE_DIR / f"{rule_id}.toml"
    assert path.exists(), f"no fixture file for {rule_id}"
    cases = [c for c in CASES if c.rule == rule_id]
    need = MINIMUM[rule_id.split(".")[0]]
    assert sum(c.kind == "valid" for c in cases) >= need
    assert sum(c.kind == "invalid" for c in cases) >= need
