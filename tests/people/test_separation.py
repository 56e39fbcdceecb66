"""Separation of duties that cannot be sidestepped (issue 10 item 4), each attack of the review replayed.

- a section head made a second login for an operator (a look-alike ID, the same
  name, a password of the head's choosing) and approved "the operator's" draft;
- the governance office granted itself a section head's and an auditor's role.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.org.models import RoleAssignment
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_change_own_password, do_create_person
from koshiki.people.models import InitialPassword
from koshiki.people.transfers import do_personnel_change, read_csv
from koshiki.registry import actions as registry
from tests.personas import account_in, make_user, new_account

pytestmark = pytest.mark.django_db
User = get_user_model()
INITIAL = "kacho-ga-kimeta-2025"
OWN = "yamada-no-jibun-no-pass"


def _second_login(city, username, password=INITIAL):
    """The head adds "山田 花子" again, as an operator of their own unit."""
    return do_create_person(
        city.people["head"],
        city.municipality,
        username=username,
        family_name="山田",
        given_name="花子",
        password=password,
        role=Role.OPERATOR,
        unit=city.units["a"],
    )


def _sign_in(username, password):
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


# ---- (d) look-alike login IDs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        ("\u200b", "見えない文字"),  # the review's zero-width space
        ("\u2060", "見えない文字"),
        (" ", "空白"),
        ("\u3000", "空白"),
    ],
)
def test_a_head_cannot_create_a_look_alike_of_an_operators_login(city, suffix, message):
    real = city.people["operator"].username  # kyo_operator
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ActionError, match=message):
        _second_login(city, real[:4] + suffix + real[4:])
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_look_alikes_by_case_width_or_foreign_letters_are_refused(city):
    with pytest.raises(ActionError, match="既に使われています"):
        _second_login(city, "KYO_OPERATOR")
    with pytest.raises(ActionError, match="既に使われています"):
        _second_login(city, "ｋｙｏ＿ｏｐｅｒａｔｏｒ")  # full-width: NFKC makes it the same ID
    with pytest.raises(ActionError, match="複数の文字体系"):
        _second_login(city, "kyo_оperator")  # Cyrillic о
    make_user("ceo")
    with pytest.raises(ActionError, match="既存のログインID「ceo」と見分けがつきません"):
        _second_login(city, "сео")  # all Cyrillic: one script, but it looks exactly like the Latin ID


def test_the_person_form_shows_the_login_id_problem_in_japanese(city, client_for):
    page = client_for(city.people["office"]).post(
        reverse("org:person_create"),
        {
            "person-username": "koho.suzuki\u200b",
            "person-family_name": "大野",
            "person-password": INITIAL,
            "person-role": "operator",
            "person-unit": city.units["a"].pk,
        },
    )
    assert page.status_code == 200
    assert "ログインIDに空白・制御文字・見えない文字（ZERO WIDTH SPACE）は使えません" in page.content.decode()
    assert not User.objects.filter(last_name="大野").exists()


# ---- (a) the initial password is single-use --------------------------------------------------


def test_the_heads_second_login_cannot_be_used_without_a_visible_password_change(city):
    """The review's attack with a new ID: the head knows the initial password, and that is all it opens."""
    second = _second_login(city, "koho.yamada")
    assert InitialPassword.objects.get(user=second).set_by == city.people["head"]
    client, response = _sign_in("koho.yamada", INITIAL)
    assert response.status_code == 302
    # Every page, and every action, waits for the person's own password.
    for path in ("/", "/posts/", "/accounts/", reverse("org:overview")):
        assert client.get(path)["Location"] == "/password/", path
    refused = client.post("/posts/new/", {"body": "【お知らせ】"})
    assert refused.status_code == 403 and "初期パスワードを変更するまで" in refused.content.decode()
    page = client.get("/password/").content.decode()
    assert "ほかの人が決めた初期パスワードのままでは使えません" in page
    # The head can change it (they know the initial one) — but that is now in the trail, under the new login.
    changed = client.post("/password/", {"old_password": INITIAL, "new_password1": OWN, "new_password2": OWN})
    assert changed.status_code == 302
    event = AuditEvent.objects.get(action="auth.password.initial_change")
    assert event.object_id == str(second.pk)
    assert event.summary["details"]["initial_set_by"] == city.people["head"].pk
    assert INITIAL not in str(event.summary) and OWN not in str(event.summary)
    assert not InitialPassword.objects.filter(user=second).exists()
    assert client.get("/").status_code == 200
    # Single use: the initial password opens nothing any more.
    assert _sign_in("koho.yamada", INITIAL)[1].status_code == 200


def test_only_the_persons_own_change_clears_the_initial_password(city):
    second = _second_login(city, "koho.yamada")
    # A wrong current password, the same password again, or a weak one: refused, the row stays.
    with pytest.raises(ActionError, match="現在のパスワードが正しくありません"):
        do_change_own_password(second, "nani-ka-chigau-pass", OWN)
    with pytest.raises(ActionError, match="別のもの"):
        do_change_own_password(second, INITIAL, INITIAL)
    with pytest.raises(ActionError, match="パスワード"):
        do_change_own_password(second, INITIAL, "short")
    assert InitialPassword.objects.filter(user=second).exists()
    assert not AuditEvent.objects.filter(action__startswith="auth.password").exists()
    # The office adding a role to the person does not clear it either.
    do_assign_role(
        second,
        Role.OPERATOR,
        actor=city.people["office"],
        municipality=city.municipality,
        unit=city.units["b"],
    )
    assert InitialPassword.objects.filter(user=second).exists()


def test_a_json_request_on_an_initial_password_gets_a_japanese_json_403(city):
    _second_login(city, "koho.yamada")
    client, _ = _sign_in("koho.yamada", INITIAL)
    response = client.post(
        "/posts/check-live/", data={"text": "本日の市政だより"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "初期パスワードを変更するまで" in response.json()["error"]


def test_a_later_change_of_ones_own_password_is_audited_as_an_ordinary_change(city):
    person = make_user("koho.kimura", password=INITIAL)
    client, _ = _sign_in("koho.kimura", INITIAL)
    assert client.get("/").status_code == 200  # no initial-password row: not redirected
    client.post("/password/", {"old_password": INITIAL, "new_password1": OWN, "new_password2": OWN})
    assert AuditEvent.objects.filter(action="auth.password.change", object_id=str(person.pk)).exists()
    assert not AuditEvent.objects.filter(action="auth.password.initial_change").exists()


# ---- (b) nobody grants a role to themselves ---------------------------------------------------


@pytest.mark.parametrize("role", [Role.SECTION_HEAD, Role.AUDITOR, Role.OPERATOR, Role.COMMITTEE_MEMBER])
def test_the_office_cannot_grant_itself_a_role(city, role):
    office = city.people["office"]
    unit = city.units["a"] if role in (Role.SECTION_HEAD, Role.OPERATOR) else None
    before = RoleAssignment.objects.filter(user=office).count()
    with pytest.raises(ActionError, match="自分自身に役割を付与することはできません"):
        do_assign_role(office, role, actor=office, municipality=city.municipality, unit=unit)
    assert RoleAssignment.objects.filter(user=office).count() == before


def test_a_self_grant_through_the_role_form_is_refused_in_japanese(city, client_for):
    office = city.people["office"]
    page = client_for(office).post(
        reverse("org:role_assign"), {"user": office.pk, "role": "section_head", "unit": city.units["a"].pk}
    )
    assert "自分自身に役割を付与することはできません" in page.content.decode()
    assert not RoleAssignment.objects.filter(user=office, role=Role.SECTION_HEAD).exists()


def test_a_head_cannot_make_themselves_an_operator_to_draft_and_approve(city):
    head = city.people["head"]
    with pytest.raises(ActionError, match="自分自身"):
        do_assign_role(head, Role.OPERATOR, actor=head, municipality=city.municipality, unit=city.units["a"])


def test_a_self_grant_hidden_in_the_transfers_csv_fails_the_whole_file(city):
    office = city.people["office"]
    csv = (
        "操作,ログインID,役割,組織,アカウント,会社・団体名\n"
        f"付与,{city.people['operator2'].username},担当者,広報課,,\n"
        f"付与,{office.username},所属長,総務局 広報課,,\n"
    )
    result = do_personnel_change(office, city.municipality, read_csv(csv), apply=True)
    assert not result.applied
    assert "自分自身に役割を付与することはできません" in result.rows[1].error
    assert not RoleAssignment.objects.filter(user=office, role=Role.SECTION_HEAD).exists()


# ---- (c) the auditor stands apart -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.GOVERNANCE_OFFICE, None),
        (Role.SECTION_HEAD, "a"),
        (Role.OPERATOR, "a"),
        (Role.SECURITY_OFFICER, None),
        (Role.COMMITTEE_MEMBER, None),
        (Role.COMMITTEE_CHAIR, None),
    ],
)
def test_an_auditor_cannot_also_hold_an_administrative_role(city, role, unit):
    auditor = city.people["auditor"]
    with pytest.raises(ActionError, match="監査担当の職員に"):
        do_assign_role(
            auditor,
            role,
            actor=city.people["office"],
            municipality=city.municipality,
            unit=city.units.get(unit or ""),
            bootstrap=True,  # even set-up commands keep them apart
        )
    assert set(RoleAssignment.objects.active().filter(user=auditor).values_list("role", flat=True)) == {
        Role.AUDITOR
    }


@pytest.mark.parametrize("key", ["office", "head", "operator", "security", "member", "chair"])
def test_an_administrator_cannot_also_become_auditor(city, key):
    person = city.people[key]
    granter = city.people["office"] if key != "office" else make_user("second.office")
    if key == "office":
        do_assign_role(
            granter, Role.GOVERNANCE_OFFICE, actor=None, municipality=city.municipality, bootstrap=True
        )
    with pytest.raises(ActionError, match="監査担当を兼ねられません"):
        do_assign_role(person, Role.AUDITOR, actor=granter, municipality=city.municipality)
    assert not RoleAssignment.objects.filter(user=person, role=Role.AUDITOR).exists()


def test_an_auditor_whose_audit_role_ended_may_take_another_role(city):
    from koshiki.people.actions import do_end_role

    auditor = city.people["auditor"]
    assignment = RoleAssignment.objects.get(user=auditor, role=Role.AUDITOR)
    do_end_role(city.people["office"], assignment)
    do_assign_role(
        auditor,
        Role.OPERATOR,
        actor=city.people["office"],
        municipality=city.municipality,
        unit=city.units["a"],
    )
    assert RoleAssignment.objects.active().filter(user=auditor, role=Role.OPERATOR).exists()


# ---- (d) account handles in the registry ---------------------------------------------------------


def test_an_application_with_an_impostors_handle_is_refused(city):
    from tests.personas import application_details

    operator = city.people["operator"]
    for handle, message in [
        ("kyoto_koho\u200b", "見えない文字"),
        ("kyotо_koho", "複数の文字体系"),  # Cyrillic о
        ("kyoto_city_kouhou_ka", "15文字まで"),
        ("kyoto koho", "空白"),
    ]:
        details = application_details(city, handle=handle)
        with pytest.raises(ActionError, match=message):
            registry.do_create_application(operator, city.units["a"], details)
    account = registry.do_create_application(
        operator, city.units["a"], application_details(city, handle="@kyoto_koho")
    )
    assert account.handle == "kyoto_koho"


def test_recording_the_acquired_handle_checks_it(city):
    account = account_in(city, "approved") if "approved" in city.procedures().used_states else None
    if account is None:
        pytest.skip("the profile has no approved state")
    with pytest.raises(ActionError, match="15文字まで"):
        registry.do_record_acquisition(
            account, actor=city.people["operator"], handle="kyoto_koho_official_2025"
        )


def test_an_old_odd_handle_does_not_block_other_edits(city):
    account = new_account(city)
    type(account).objects.filter(pk=account.pk).update(handle="kyoto.koho")  # stored before the check
    edited = registry.do_update_account(city.people["operator"], account, {"audience": "市民と観光客"})
    assert edited.handle == "kyoto.koho"
    with pytest.raises(ActionError, match="15文字まで"):
        registry.do_update_account(city.people["operator"], account, {"handle": "kyoto.koho2"})
