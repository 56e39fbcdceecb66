"""Adding staff (職員の追加) and choosing people: never across municipalities, nothing half-written."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.org.models import RoleAssignment
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_create_person
from tests.personas import account_in, make_city

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "kouhou-2025-haru"


def _person(city, **overrides):
    data = {
        "person-username": "koho.suzuki",
        "person-family_name": "鈴木",
        "person-given_name": "花子",
        "person-email": "koho.suzuki@city.test.lg.jp",
        "person-password": PASSWORD,
        "person-role": "operator",
        "person-unit": city.units["a"].pk,
    }
    data.update(overrides)
    return data


def test_the_office_adds_a_person_with_a_login_and_a_first_role(city, client_for):
    response = client_for(city.people["office"]).post("/org/people/add/", _person(city))
    assert response.status_code == 302
    user = User.objects.get(username="koho.suzuki")
    assert (user.last_name, user.first_name) == ("鈴木", "花子")
    assert user.password.startswith("argon2$") and user.check_password(PASSWORD)
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.unit, assignment.municipality) == (
        Role.OPERATOR,
        city.units["a"],
        city.municipality,
    )
    created = AuditEvent.objects.get(action="org.person.create")
    assert created.municipality_id == city.municipality.pk
    assert PASSWORD not in str(created.summary) and "password" not in str(created.summary)
    assert AuditEvent.objects.filter(action="org.role.assign", object_id=str(assignment.pk)).exists()
    # The new person signs in but must set their own password before any page (issue 10 item 4).
    client = client_for(user)
    assert client.get("/accounts/")["Location"] == "/password/"
    changed = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "haru-no-kouhou-77",
            "new_password2": "haru-no-kouhou-77",
        },
    )
    assert changed.status_code == 302
    assert client.get("/accounts/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"person-password": "short"}, "パスワード"),
        ({"person-username": "kyo_operator"}, "既に使われています"),
        ({"person-family_name": ""}, "必須"),
        ({"person-role": "contractor", "person-unit": ""}, "担当するアカウントと会社・団体名が必要です"),
        ({"person-role": "auditor"}, "自治体全体の役割です"),
    ],
)
def test_bad_person_input_gets_a_japanese_message_and_stores_nothing(city, client_for, overrides, message):
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = client_for(city.people["office"]).post("/org/people/add/", _person(city, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_a_section_head_adds_operators_only_in_their_own_unit(city, client_for):
    head = client_for(city.people["head"])
    assert head.post("/org/people/add/", _person(city)).status_code == 302
    users = User.objects.count()
    other_unit = _person(city, **{"person-username": "kanko.new", "person-unit": city.units["b"].pk})
    # Unit b is not in the head's tree: the form does not even offer it.
    assert "正しく選択してください" in head.post("/org/people/add/", other_unit).content.decode()
    with pytest.raises(PermissionDenied):
        do_create_person(
            city.people["head"],
            city.municipality,
            username="kanko.new",
            family_name="観光",
            given_name="",
            password=PASSWORD,
            role=Role.OPERATOR,
            unit=city.units["b"],
        )
    with pytest.raises(PermissionDenied):
        do_create_person(
            city.people["head"],
            city.municipality,
            username="new.office",
            family_name="所管",
            given_name="",
            password=PASSWORD,
            role=Role.GOVERNANCE_OFFICE,
        )
    assert User.objects.count() == users
    assert client_for(city.people["operator"]).post("/org/people/add/", _person(city)).status_code == 403


def test_choice_lists_never_offer_another_municipalitys_staff(city, client_for):
    other = make_city("komae", name="隣の市")
    stranger = other.people["operator"]
    page = client_for(city.people["office"]).get("/org/").content.decode()
    assert stranger.username not in page
    assert city.people["operator"].username in page
    account = account_in(city, "listed")
    form = client_for(city.people["head"]).get(f"/accounts/{account.pk}/steps/change_responsible/")
    assert form.status_code == 200
    assert stranger.username not in form.content.decode()
    assert "田中 一郎（kyo_head）" in form.content.decode()  # family name first, then the login
    # Even posted by id, the other city's person is refused.
    response = client_for(city.people["office"]).post(
        "/org/roles/add/", {"user": stranger.pk, "role": "operator", "unit": city.units["a"].pk}
    )
    assert response.status_code == 200 and "正しく選択してください" in response.content.decode()
    with pytest.raises(ActionError, match="別の自治体の職員"):
        do_assign_role(
            stranger,
            Role.OPERATOR,
            municipality=city.municipality,
            unit=city.units["a"],
            actor=city.people["office"],
        )
    assert not RoleAssignment.objects.filter(user=stranger, municipality=city.municipality).exists()


def test_the_unit_tree_is_indented_by_depth(city, client_for):
    page = client_for(city.people["office"]).get("/org/").content.decode()
    assert f'depth-0">{city.units["bureau_a"].name}' in page
    assert f'depth-1">{city.units["a"].name}' in page


def test_create_municipality_starts_a_real_city_with_its_first_office_person(monkeypatch, client_for):
    monkeypatch.setenv("KOSHIKI_INITIAL_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command(
        "create_municipality",
        "石巻市",
        "ishinomaki",
        "--office-user",
        "hisho",
        "--family",
        "秘書",
        stdout=out,
    )
    assert "「石巻市」（ishinomaki プロファイル）を作成しました" in out.getvalue()
    office = User.objects.get(username="hisho")
    assert office.check_password(PASSWORD)
    assert RoleAssignment.objects.get(user=office).role == Role.GOVERNANCE_OFFICE
    assert "最初のログインで本人が新しいパスワードを設定します" in out.getvalue()
    client = client_for(office)
    # The password typed at the terminal is an initial one: nothing happens until the person replaces it.
    refused = client.post("/org/units/add/", {"name": "秘書広報課", "kind": "section"})
    assert refused.status_code == 403 and "初期パスワードを変更するまで" in refused.content.decode()
    new = "ishinomaki-hisho-2025"
    client.post("/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    response = client.post("/org/units/add/", {"name": "秘書広報課", "kind": "section"})
    assert response.status_code == 302
    with pytest.raises(CommandError, match="既に登録されています"):
        call_command("create_municipality", "石巻市", "ishinomaki", "--office-user", "x2", "--family", "二")
    monkeypatch.setenv("KOSHIKI_INITIAL_PASSWORD", "123")
    with pytest.raises(CommandError, match="パスワード"):
        call_command("create_municipality", "女川町", "standard", "--office-user", "x3", "--family", "三")
    assert not User.objects.filter(username__in=["x2", "x3"]).exists()


def test_ending_a_role_keeps_it_for_history_and_takes_the_access_away(city, client_for):
    operator = city.people["operator"]
    assignment = RoleAssignment.objects.get(user=operator, role=Role.OPERATOR)
    account = account_in(city, "listed")
    assert client_for(operator).get(f"/accounts/{account.pk}/").status_code == 200
    # Another unit's section head may not end it; their own section head may.
    assert client_for(city.people["head_b"]).post(f"/org/roles/{assignment.pk}/end/").status_code == 403
    response = client_for(city.people["head"]).post(f"/org/roles/{assignment.pk}/end/", {"confirm": "yes"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert AuditEvent.objects.filter(action="org.role.end", object_id=str(assignment.pk)).exists()
    assert client_for(operator).get(f"/accounts/{account.pk}/").status_code == 404
    again = client_for(city.people["head"]).post(
        f"/org/roles/{assignment.pk}/end/", {"confirm": "yes"}, follow=True
    )
    assert "既に終了しています" in again.content.decode()


def test_org_page_shows_end_buttons_only_where_the_action_allows(city, client_for):
    def end_forms(person):
        page = client_for(city.people[person]).get("/org/").content.decode()
        return {a.pk for a in RoleAssignment.objects.active() if f"/org/roles/{a.pk}/end/" in page}

    operator_role = RoleAssignment.objects.get(user=city.people["operator"], role=Role.OPERATOR)
    head_role = RoleAssignment.objects.get(user=city.people["head"], role=Role.SECTION_HEAD)
    head2_role = RoleAssignment.objects.get(user=city.people["head2"], role=Role.SECTION_HEAD)
    # A section head ends operators of their own unit, but not section heads (the action says 403).
    head_sees = end_forms("head")
    assert operator_role.pk in head_sees
    assert head_role.pk not in head_sees and head2_role.pk not in head_sees
    assert client_for(city.people["head"]).post(f"/org/roles/{head2_role.pk}/end/").status_code == 403
    # The governance office ends any role.
    assert {operator_role.pk, head_role.pk, head2_role.pk} <= end_forms("office")
    assert end_forms("auditor") == set()
