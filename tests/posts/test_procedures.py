"""The [posts] procedures of every profile load; a broken table names file, key and problem."""

from __future__ import annotations

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from koshiki.checker.profiles import ProfileError, available
from koshiki.posts.hours import outside_reason, parse_operating_hours
from koshiki.posts.procedures import load_post_procedures, parse_post_procedures
from koshiki.workdays import in_year_end_break

JST = ZoneInfo("Asia/Tokyo")

VALID = {
    "approval_chain": ["section_head"],
    "approval_clause": "4(1)イ(ウ)a",
    "office_hours": "月曜日から金曜日までの8時45分から17時30分まで",
    "year_end_break": ["12-29", "01-03"],
    "scope_clause": "4(1)イ(ウ)b",
    "scopes": [{"id": "facts", "label": "既成の事実", "clause": "b(b)"}],
    "second_check": {"mode": "when_possible", "clause": "c"},
    "report": {"deadline_days": 3, "clause": "d"},
    "correction": {"handlings": ["correct"], "clause": "4(4)ア(イ)"},
    "campaign": {
        "enabled": True,
        "clause": "6",
        "rules": ["#PR #{subject}"],
        "correct_examples": ["#PR #{subject}"],
    },
}


@pytest.mark.parametrize("profile", available())
def test_every_profile_has_valid_post_procedures(profile):
    procedures = load_post_procedures(profile)
    assert procedures.approval_chain == ("section_head",)
    assert procedures.correction_handlings and procedures.approval_clause
    # 狛江市 sets no operating hours (no out-of-hours warning); the others are city settings that parse.
    if profile == "komae":
        assert procedures.office_hours == ""
    else:
        assert parse_operating_hours(procedures.office_hours) is not None


@pytest.mark.parametrize(
    ("profile", "scopes", "second", "handling", "campaign"),
    [
        ("kyoto", ["published", "facts", "statutory", "call_centre"], "when_possible", "correct", True),
        ("ishinomaki", ["published", "facts", "statutory"], "when_possible", "correct", True),
        ("akitakata", ["published"], "none", "fix_and_apologise", False),
        ("komae", ["no_approval"], "none", "delete_and_repost", False),
        ("kawasaki", [], "none", "correct", False),
        ("standard", ["published", "facts", "statutory", "call_centre"], "required", "correct", True),
    ],
)
def test_profiles_say_what_their_guidelines_say(profile, scopes, second, handling, campaign):
    p = load_post_procedures(profile)
    assert [s.id for s in p.scopes] == scopes
    assert p.second_check_mode == second and p.default_handling == handling and p.campaign.enabled is campaign


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ({"approval_chain": []}, "posts.approval_chain", "1つ以上"),
        ({"approval_chain": ["operator"]}, "posts.approval_chain", "承認者の役割に使えません"),
        ({"approval_chain": ["section_head", "section_head"]}, "posts.approval_chain", "重複"),
        ({"year_end_break": ["12/29", "01-03"]}, "posts.year_end_break", "MM-DD"),
        ({"office_hours": "開庁時間内"}, "posts.office_hours", "運用時間として読めません"),
        ({"scopes": [{"id": "Facts", "label": "x"}]}, "posts.scopes[0].id", "英小文字"),
        ({"scopes": [{"id": "a", "label": "x"}, {"id": "a", "label": "y"}]}, "posts.scopes[1].id", "重複"),
        ({"scopes": [{"id": "a", "label": "x", "note": "?"}]}, "posts.scopes[0].note", "不明な項目"),
        (
            {"second_check": {"mode": "sometimes"}},
            "posts.second_check.mode",
            "required / when_possible / none",
        ),
        ({"report": {"deadline_days": 0}}, "posts.report.deadline_days", "1から60"),
        ({"correction": {"handlings": ["hide"], "clause": "x"}}, "posts.correction.handlings", "使えません"),
        ({"correction": {"handlings": ["correct"]}}, "posts.correction.clause", "必須"),
        ({"campaign": {"enabled": True, "clause": "6"}}, "posts.campaign.rules", "rules"),
        ({"colour": "red"}, "posts.colour", "不明な項目"),
    ],
)
def test_broken_post_procedures_name_file_key_and_problem(change, key, problem):
    data = copy.deepcopy(VALID)
    data.update(change)
    with pytest.raises(ProfileError) as info:
        parse_post_procedures(data, profile_id="kyoto", path="procedures/kyoto.toml")
    assert (
        info.value.path == "procedures/kyoto.toml" and info.value.key == key and problem in info.value.problem
    )


def test_second_check_without_scopes_is_refused():
    data = copy.deepcopy(VALID)
    data["scopes"] = []
    data.pop("scope_clause")
    with pytest.raises(ProfileError, match="事前承認の範囲"):
        parse_post_procedures(data, profile_id="x", path="x.toml")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "月曜日から金曜日までの8時45分から17時30分までとします（祝日及び年末年始を除く）。",
            "月曜日から金曜日 08:45〜17:30",
        ),
        ("平日 8:30～17:15", "月曜日から金曜日 08:30〜17:15"),
        ("月曜日から金曜日までの８時半から１７時まで", "月曜日から金曜日 08:30〜17:00"),
        ("毎日9時から21時", "月曜日から日曜日 09:00〜21:00"),
    ],
)
def test_operating_hours_are_read_from_the_policy_sentence(text, label):
    assert parse_operating_hours(text).label() == label


@pytest.mark.parametrize(
    "text", ["", "原則として開庁日の開庁時間内に発信します。", "月曜日から金曜日 17時から9時"]
)
def test_unreadable_hours_are_none(text):
    assert parse_operating_hours(text) is None


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (datetime(2026, 1, 2, 10, tzinfo=JST), "年末年始（1月2日）"),
        (datetime(2025, 12, 29, 10, tzinfo=JST), "年末年始（12月29日）"),
        (datetime(2025, 9, 15, 10, tzinfo=JST), "祝日（敬老の日）"),
        (datetime(2025, 6, 15, 10, tzinfo=JST), "日曜日"),
        (datetime(2025, 6, 11, 8, 44, tzinfo=JST), "時間外（08:44）"),
        (datetime(2025, 6, 11, 17, 30, tzinfo=JST), "時間外（17:30）"),
        (datetime(2025, 6, 11, 8, 45, tzinfo=JST), None),
        (datetime(2025, 12, 26, 17, 0, tzinfo=JST), None),
    ],
)
def test_outside_reason(moment, reason):
    hours = parse_operating_hours("月曜日から金曜日までの8時45分から17時30分まで")
    assert outside_reason(moment, hours) == reason


def test_year_end_break_spans_the_new_year():
    window = ((12, 29), (1, 3))
    assert in_year_end_break(datetime(2025, 12, 31).date(), window)
    assert in_year_end_break(datetime(2026, 1, 3).date(), window)
    assert not in_year_end_break(datetime(2026, 1, 4).date(), window)
    assert not in_year_end_break(datetime(2025, 12, 28).date(), window)
