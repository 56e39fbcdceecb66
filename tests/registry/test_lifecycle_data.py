"""The procedures files: every shipped profile loads, and a broken file names file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from koshiki.checker.profiles import ProfileError, available
from koshiki.registry.lifecycle import KINDS, load_procedures, load_procedures_file, procedures_path
from koshiki.registry.states import Status

SHIPPED = ["standard", "kyoto", "komae", "ishinomaki", "akitakata", "kawasaki"]


def test_every_shipped_profile_has_procedures():
    assert set(SHIPPED) <= set(available())
    for profile in SHIPPED:
        assert procedures_path(profile).exists(), profile


@pytest.mark.parametrize("profile", SHIPPED)
def test_procedures_load_and_every_state_is_reachable(profile):
    procedures = load_procedures(profile)
    assert procedures.initial == Status.DRAFT
    assert procedures.office.name
    states = procedures.used_states
    assert Status.APPROVED in states and Status.LISTED in states
    # Each profile has a closure and a way to list the account publicly.
    kinds = {s.kind for s in procedures.steps}
    assert {"submit", "approve", "return", "acquire", "list", "close"} <= kinds
    assert kinds <= set(KINDS)
    # The boilerplate of 様式1 is prefilled.
    for key in ("notes", "ip_rights", "disclaimer"):
        # Only forms that print the boilerplate carry it (安芸高田市's 運用指針 is 任意様式).
        if key in procedures.policy_fields:
            assert "{municipality}" in procedures.policy_text[key]


@pytest.mark.parametrize(
    ("profile", "office", "mode"),
    [
        ("kyoto", "総合企画局情報化推進室", "delete"),
        ("ishinomaki", "総務部秘書広報課", "delete"),
        ("komae", "行政情報化推進委員会事務局", "retain"),
        ("akitakata", "総務部情報管理課", "delete"),
        ("kawasaki", "総務企画局シティプロモーション推進室", "delete"),
    ],
)
def test_each_city_names_its_office_and_closure_mode(profile, office, mode):
    procedures = load_procedures(profile)
    assert procedures.office.name == office
    assert procedures.closure_mode == mode


def test_city_specific_rows_are_data():
    assert load_procedures("komae").committee_name == "行政情報化推進委員会"
    waive = load_procedures("komae").step("chair_waive")
    assert waive.roles == ("committee_chair",) and "waive" in waive.effects and waive.reasons == "required"
    assert load_procedures("akitakata").roster_renewal_month == 4
    assert load_procedures("kawasaki").device_approver_roles == ("security_officer",)
    assert "internal_rule" in load_procedures("kawasaki").policy_kinds
    kyoto_forms = {d.number for s in load_procedures("kyoto").steps for d in (*s.documents, *s.issues)}
    assert {"様式1", "様式2", "様式3", "様式4", "様式5"} <= kyoto_forms


MINIMAL = """
[office]
name = "所管課"
[documents]
policy = { number = "様式1", name = "運用ポリシー" }
[lifecycle]
initial = "draft"
[[lifecycle.steps]]
id = "submit"
kind = "submit"
label = "提出する"
from = ["draft"]
to = "approved"
roles = ["operator"]
[[lifecycle.steps]]
id = "close"
kind = "close"
label = "削除する"
from = ["approved"]
to = "closed"
roles = ["section_head"]
effects = ["delete_account"]
[closure]
mode = "delete"
[policy]
fields = ["content", "notes"]
[policy_text]
notes = "注意"
ip_rights = "権利"
disclaimer = "免責"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_file_is_valid(tmp_path):
    procedures = load_procedures_file(_write(tmp_path, MINIMAL))
    assert [s.id for s in procedures.steps] == ["submit", "close"]


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('kind = "submit"', 'kind = "teleport"', "lifecycle.steps[0].kind", "手順の種類にありません"),
        ('from = ["draft"]', 'from = ["limbo"]', "lifecycle.steps[0].from", "「limbo」は使えません"),
        ('roles = ["operator"]', 'roles = ["mayor"]', "lifecycle.steps[0].roles", "「mayor」は使えません"),
        ('roles = ["operator"]', "roles = []", "lifecycle.steps[0].roles", "役割を1つ以上"),
        ('to = "approved"', 'to = "listed"', "lifecycle.steps[1].from", "到達できません"),
        ('mode = "delete"', 'mode = "retain"', "closure.check_interval_days", "定期確認の間隔"),
        ('mode = "delete"', 'mode = "burn"', "closure.mode", "delete（削除）か retain"),
        (
            'effects = ["delete_account"]',
            "effects = []",
            "closure.mode",
            "delete_account を持つ手順がありません",
        ),
        ('notes = "注意"', "", "policy_text.notes", "定型文"),
        ('name = "所管課"', "", "office.name", "必須の項目がありません"),
        ('fields = ["content", "notes"]', 'fields = ["colour"]', "policy.fields", "「colour」は使えません"),
        (
            'label = "提出する"',
            'label = "提出する"\ndocuments = ["form9"]',
            "lifecycle.steps[0].documents",
            "「form9」は使えません",
        ),
        ('label = "提出する"', 'label = "提出する"\nspeed = 3', "lifecycle.steps[0].speed", "不明な項目です"),
        ('id = "close"', 'id = "submit"', "lifecycle.steps[1].id", "重複しています"),
    ],
)
def test_a_broken_file_names_the_file_the_key_and_the_problem(tmp_path, old, new, key, problem):
    assert old in MINIMAL
    path = _write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ProfileError) as info:
        load_procedures_file(path)
    assert info.value.path == str(path)
    assert info.value.key == key
    assert problem in info.value.problem
    assert str(path) in str(info.value)


def test_a_return_step_without_required_reasons_is_refused(tmp_path):
    text = (
        MINIMAL
        + """
[[lifecycle.steps]]
id = "send_back"
kind = "return"
label = "差し戻す"
from = ["approved"]
to = "draft"
roles = ["section_head"]
"""
    )
    # Appended after [policy_text]: TOML puts it back into lifecycle.steps.
    with pytest.raises(ProfileError, match=r"lifecycle.steps\[2\].reasons: .*理由を必須"):
        load_procedures_file(_write(tmp_path, text))


def test_unreadable_toml_is_reported_as_syntax(tmp_path):
    with pytest.raises(ProfileError, match=r"\(syntax\): TOML として読めません"):
        load_procedures_file(_write(tmp_path, "[office\nname="))


def test_unknown_top_level_table_is_refused(tmp_path):
    with pytest.raises(ProfileError, match="forms: 不明な項目です"):
        load_procedures_file(_write(tmp_path, MINIMAL + "\n[forms]\nx = 1\n"))


def test_akitakata_guideline_is_free_form_without_kyoto_boilerplate():
    """安芸高田市7(2)・(3)イ: 運用指針（任意様式）: no 注意事項/知的財産権/免責事項 text of 京都市様式1."""
    procedures = load_procedures("akitakata")
    assert "other" in procedures.policy_fields
    for key in ("notes", "ip_rights", "disclaimer", "operating_hours"):
        assert key not in procedures.policy_fields
        assert key not in procedures.policy_text
