"""The media rules: facts about an attached image or video turn into findings citing the clause.

Cases live in ``tests/checker/media/cases.toml`` (one file's facts, the profile, the
expected findings); the tests below check the API around them.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koshiki.checker import MediaFacts, check_media
from koshiki.checker.profiles import available, load_profile
from koshiki.checker.registry import all_rules
from koshiki.checker.subjects import MEDIA_KINDS, RIGHTS_BASES

CASES_FILE = Path(__file__).with_name("media") / "cases.toml"
CASES = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]
MEDIA_RULES = {"media.location", "media.consent", "media.rights", "media.screen", "media.alt_text"}


def _facts(data: dict) -> MediaFacts:
    data = dict(data)
    if "location_tags" in data:
        data["location_tags"] = tuple(data["location_tags"])
    return MediaFacts(**data)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_media_case(case):
    findings = check_media(_facts(case["facts"]), case.get("profile", "standard"))
    if "only" in case:
        findings = [f for f in findings if f.rule == case["only"]]
    got = [(f.rule, f.severity.value, f.clause.ref) for f in findings]
    want = [(e["rule"], e["severity"], e["ref"]) for e in case["expect"]]
    assert got == want
    for f, e in zip(findings, case["expect"], strict=True):
        assert (f.start, f.end) == (0, 0)
        assert e.get("message", "") in f.message
        assert f.clause.profile == case.get("profile", "standard")


def test_every_media_rule_is_registered_with_the_media_subject():
    rules = {r.id: r for r in all_rules().values() if r.subject == "media"}
    assert set(rules) == MEDIA_RULES
    assert {r.id: r.default_severity.value for r in rules.values()} == {
        "media.location": "error",
        "media.consent": "warning",
        "media.rights": "warning",
        "media.screen": "warning",
        "media.alt_text": "info",
    }


@pytest.mark.parametrize("profile_id", available())
def test_every_profile_binds_every_media_rule_to_a_clause(profile_id):
    profile = load_profile(profile_id)
    for rule_id in MEDIA_RULES:
        binding = profile.bindings[rule_id]
        assert binding.enabled and binding.clause.ref and binding.clause.title


def test_every_case_rule_has_a_finding_and_a_clean_case():
    for rule_id in MEDIA_RULES:
        mine = [c for c in CASES if c.get("only") == rule_id]
        assert any(c["expect"] for c in mine) and any(not c["expect"] for c in mine), rule_id


def test_screen_threshold_is_a_rule_option():
    facts = MediaFacts(screen_score=0.6)
    assert not [f for f in check_media(facts, "kyoto") if f.rule == "media.screen"]
    profile = load_profile("kyoto")
    binding = profile.bindings["media.screen"]
    lowered = dataclasses.replace(binding, options={"threshold": 0.5})
    custom = dataclasses.replace(profile, bindings={**profile.bindings, "media.screen": lowered})
    assert [f.rule for f in check_media(facts, custom) if f.rule == "media.screen"] == ["media.screen"]


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"kind": "audio"}, "kind は image / video"),
        ({"rights_basis": "found_online"}, "rights_basis は"),
        ({"screen_score": 1.5}, "screen_score は 0 から 1"),
        ({"faces_detected": -1}, "faces_detected は 0 以上"),
    ],
)
def test_bad_facts_are_refused_with_a_japanese_message(facts, message):
    with pytest.raises(ValueError, match=message):
        MediaFacts(**facts)


def test_post_check_never_runs_media_rules():
    from koshiki.checker import check

    assert not [f for f in check("運動会の写真です📷", "kyoto") if f.rule.startswith("media.")]


_FACTS = st.builds(
    MediaFacts,
    kind=st.sampled_from(MEDIA_KINDS),
    name=st.one_of(st.text(max_size=12), st.just("写真\n2枚目\u2028.jpg")),
    has_location=st.one_of(st.none(), st.booleans()),
    location_tags=st.lists(st.one_of(st.text(max_size=10), st.just("GPS\r\nLat")), max_size=3).map(tuple),
    metadata_removed=st.booleans(),
    location_intended=st.booleans(),
    faces_detected=st.one_of(st.none(), st.integers(0, 50)),
    people_marked_by_uploader=st.booleans(),
    consent_recorded=st.booleans(),
    public_official_recorded=st.booleans(),
    rights_basis=st.sampled_from(("", *RIGHTS_BASES)),
    rights_note=st.text(max_size=10),
    screen_marked=st.booleans(),
    screen_score=st.one_of(st.none(), st.floats(0, 1)),
    screen_public=st.booleans(),
    alt_text=st.text(max_size=10),
    decorative=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(
    facts=_FACTS,
    profile=st.sampled_from(("standard", "kyoto", "komae", "ishinomaki", "akitakata", "kawasaki")),
)
def test_check_media_never_raises_and_reports_one_line_per_rule(facts, profile):
    findings = check_media(facts, profile)
    assert len({f.rule for f in findings}) == len(findings)
    for f in findings:
        assert f.rule.startswith("media.") and (f.start, f.end) == (0, 0)
        assert f.message and "\n" not in f.message
        assert f.clause.profile == profile and f.clause.ref
