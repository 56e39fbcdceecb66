"""The staff's second factor (issue 10 item 3, ASVS 6.3.2): who must use it, enrolment, codes, reset.

Tests marked ``password_only`` sign in with Django's plain force_login (a session
that passed the password and nothing else), which is what a stolen password gets.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from koshiki.api.actions import do_create_api_token
from koshiki.api.models import ApiToken
from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.org.models import OrgUnit
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role
from koshiki.security.actions import do_reset_second_factor, do_verify_second_factor
from koshiki.security.models import RecoveryCode, RecoveryCodeDevice
from tests.personas import login_with_second_factor, make_city, make_user, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "Minato-Koho-2025!"
REQUIRED = ["head", "office", "security", "member", "chair", "auditor"]


def _text(response) -> str:  # noqa: ANN001
    return response.content.decode()


def _password_only(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def _with_password(user):  # noqa: ANN001, ANN202
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _events(action: str):  # noqa: ANN202
    return AuditEvent.objects.filter(action=action).order_by("seq")


def _codes(response) -> list[str]:  # noqa: ANN001
    return re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", _text(response))


def _key_from_session(client: Client) -> str:
    return client.session["koshiki_pending_totp_key"]


def _code_for_key(key: str) -> str:
    from binascii import unhexlify

    return f"{TOTP(unhexlify(key)).token():06d}"


# ---- who must use it -------------------------------------------------------------------------


@pytest.mark.password_only
@pytest.mark.parametrize("person", REQUIRED)
def test_each_required_role_without_a_device_is_sent_to_enrolment_everywhere(city, person):
    user = city.people[person]
    TOTPDevice.objects.filter(user=user).delete()
    client = _password_only(user)
    for url in ("/", "/accounts/", "/posts/", "/audit/", "/org/", "/api/tokens/", "/password/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/security/enrol/?next="), url
    # A POST straight to an action URL is stopped before the view runs.
    for url in ("/api/tokens/new/", "/org/units/add/", "/security/recovery-codes/", "/password/"):
        response = client.post(url, {"name": "CMS連携", "kind": "section"})
        assert response.status_code == 302 and response["Location"] == "/security/enrol/", url
    assert not ApiToken.objects.exists() and not OrgUnit.objects.filter(name="CMS連携").exists()
    assert not AuditEvent.objects.filter(actor_id=user.pk).exists()
    page = client.get("/security/enrol/")
    assert page.status_code == 200 and "2段階認証の設定" in _text(page)
    # The menu is not offered before the factor: it would only lead back here.
    assert "メインメニュー" not in _text(page) and "ログアウト" in _text(page)


@pytest.mark.password_only
@pytest.mark.parametrize("person", REQUIRED)
def test_each_required_role_with_a_device_must_type_a_code_first(city, person):
    client = _password_only(city.people[person])
    response = client.get("/accounts/")
    assert response.status_code == 302 and response["Location"] == "/security/verify/?next=%2Faccounts%2F"
    assert client.get("/security/enrol/").status_code == 302  # already enrolled: no second device


@pytest.mark.password_only
def test_a_post_to_an_action_url_without_the_factor_changes_nothing(city):
    office, head = city.people["office"], city.people["head"]
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    units = OrgUnit.objects.count()
    office_client = _password_only(office)
    response = office_client.post("/org/units/add/", {"name": "デジタル推進課", "kind": "section"})
    assert response.status_code == 302 and response["Location"] == "/security/verify/"
    head_client = _password_only(head)
    token = head_client.post("/api/tokens/new/", {"name": "CMS連携"})
    assert token.status_code == 302 and token["Location"] == "/security/verify/"
    assert OrgUnit.objects.count() == units and not ApiToken.objects.exists()
    assert AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() == seq
    # The same request after the code goes through.
    code = office_client.post("/security/verify/", {"code": totp_code(office)})
    assert code.status_code == 302
    office_client.post("/org/units/add/", {"name": "デジタル推進課", "kind": "section"})
    assert OrgUnit.objects.filter(name="デジタル推進課").exists()


@pytest.mark.password_only
def test_an_operator_without_a_device_works_normally(city):
    client = _password_only(city.people["operator"])
    for url in ("/", "/accounts/", "/posts/", "/selfcheck/", "/security/"):
        assert client.get(url).status_code == 200, url
    assert "2段階認証は設定していません" in _text(client.get("/security/"))
    assert client.post("/api/tokens/new/", {"name": "ブラウザ拡張"}).status_code == 200
    assert ApiToken.objects.filter(user=city.people["operator"]).count() == 1


def test_api_tokens_are_their_own_credential_and_need_no_second_factor(city):
    head = city.people["head"]
    TOTPDevice.objects.filter(user=head).delete()
    issued = do_create_api_token(head, "庁内CMS")
    response = Client().post(
        "/api/check",
        '{"text": "本日の市民マラソンは予定どおり9時にスタートします。"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 200 and "findings" in response.json()


# ---- enrolment and sign-in through the pages -------------------------------------------------


def test_a_new_section_head_enrols_signs_in_and_uses_a_recovery_code_once(city):
    head = _with_password(make_user("minato_kacho", "佐藤", "一郎"))
    do_assign_role(
        head,
        Role.SECTION_HEAD,
        municipality=city.municipality,
        unit=city.units["b"],
        actor=None,
        bootstrap=True,
    )
    client = Client()
    assert client.post("/login/", {"username": "minato_kacho", "password": PASSWORD}).status_code == 302
    first = client.get("/")
    assert first["Location"] == "/security/enrol/?next=%2F"
    page = client.get(first["Location"])
    body = _text(page)
    assert 'src="data:image/svg+xml' in body and "セットアップキー" in body
    assert not TOTPDevice.objects.filter(user=head).exists()  # showing the page stores nothing
    key = _key_from_session(client)
    wrong = client.post(
        "/security/enrol/", {"code": "000000" if _code_for_key(key) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "確認コードが正しくありません" in _text(wrong)
    done = client.post("/security/enrol/", {"code": _code_for_key(key), "next": "/"})
    body = _text(done)
    assert done.status_code == 200 and "予備コードが表示されるのは今回だけです" in body
    codes = _codes(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Stored hashed only: no code appears in the database.
    stored = set(RecoveryCode.objects.filter(device__user=head).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(c.replace("-", "") in h or c in h for c in codes for h in stored)
    assert client.get("/").status_code == 200
    enrolled = _events("security.second_factor.enrol").get()
    assert enrolled.actor_id == head.pk and key not in str(enrolled.summary)

    # Next day: password, then the app's code.
    client.post("/logout/")
    assert login_with_second_factor(client, "minato_kacho", PASSWORD)["Location"] == "/"
    assert client.get("/posts/").status_code == 200
    client.post("/logout/")

    # Phone left at home: a recovery code works once.
    used = login_with_second_factor(client, "minato_kacho", PASSWORD, code=codes[3].lower())
    assert used.status_code == 302 and client.get("/").status_code == 200
    assert _events("security.recovery_code.use").get().summary["after"]["recovery_codes_left"] == 9
    client.post("/logout/")
    again = login_with_second_factor(Client(), "minato_kacho", PASSWORD, code=codes[3])
    assert again.status_code == 400 and "既に使われています" in _text(again)
    assert verify_chain().ok


@pytest.mark.password_only
def test_a_wrong_code_is_refused_audited_and_throttled(city, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first failure: no race with the clock
    office = city.people["office"]
    client = _password_only(office)
    right = totp_code(office)
    wrong = "123456" if right != "123456" else "654321"
    refused = client.post("/security/verify/", {"code": wrong})
    assert refused.status_code == 400 and "確認コードが正しくありません" in _text(refused)
    failure = _events("security.second_factor.fail").get()
    assert failure.actor_id == office.pk and wrong not in str(failure.summary)
    assert failure.municipality_id == city.municipality.pk
    # Within the back-off even the right code is refused, so guessing cannot go on at speed.
    throttled = client.post("/security/verify/", {"code": right})
    assert throttled.status_code == 400 and "しばらく受け付けません" in _text(throttled)
    assert client.get("/").status_code == 302
    # After the back-off the right code is accepted and the count starts again.
    TOTPDevice.objects.filter(user=office).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=2)
    )
    assert client.post("/security/verify/", {"code": right}).status_code == 302
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=office).throttling_failure_count == 0


def test_a_code_cannot_be_replayed(city):
    head = city.people["head"]
    code = totp_code(head)
    assert do_verify_second_factor(head, code) is not None
    with pytest.raises(ActionError):
        do_verify_second_factor(head, code)


@pytest.mark.password_only
def test_the_code_page_goes_back_only_to_this_site(city):
    client = _password_only(city.people["auditor"])
    response = client.post(
        "/security/verify/", {"code": totp_code(city.people["auditor"]), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_recovery_codes_are_regenerated_and_the_old_ones_stop_working(city):
    head = _with_password(make_user("kanko_kacho", "田中", "健"))
    do_assign_role(
        head,
        Role.SECTION_HEAD,
        municipality=city.municipality,
        unit=city.units["b"],
        actor=None,
        bootstrap=True,
    )
    client = Client()
    client.post("/login/", {"username": "kanko_kacho", "password": PASSWORD})
    client.get("/security/enrol/")
    old = _codes(client.post("/security/enrol/", {"code": _code_for_key(_key_from_session(client))}))
    response = client.post("/security/recovery-codes/")
    renewed, new = _text(response), _codes(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert "以前の予備コードは使えなくなりました" in renewed
    assert _events("security.recovery_code.regenerate").get().actor_id == head.pk
    with pytest.raises(ActionError, match="正しくないか、既に使われています"):
        do_verify_second_factor(head, old[0])
    # The failure's back-off (a second) has passed.
    RecoveryCodeDevice.objects.filter(user=head).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert isinstance(do_verify_second_factor(head, new[0]), RecoveryCodeDevice)


def test_an_operator_may_enrol_and_then_needs_the_code(city):
    operator = _with_password(city.people["operator"])
    client = Client()
    client.post("/login/", {"username": operator.username, "password": PASSWORD})
    assert "認証アプリを設定する" in _text(client.get("/security/"))
    client.get("/security/enrol/")
    client.post("/security/enrol/", {"code": _code_for_key(_key_from_session(client))})
    client.post("/logout/")
    client.post("/login/", {"username": operator.username, "password": PASSWORD})
    assert client.get("/posts/")["Location"].startswith("/security/verify/")
    # Without recovery codes left to spend an operator cannot regenerate for someone else: only own.
    assert client.post("/security/verify/", {"code": totp_code(operator)}).status_code == 302
    assert client.get("/posts/").status_code == 200


# ---- reset by the governance office ----------------------------------------------------------


def test_the_office_resets_a_persons_factor_with_a_reason_and_they_enrol_again(city, client_for):
    office, head = city.people["office"], city.people["head"]
    head_client = client_for(head)
    assert head_client.get("/").status_code == 200
    office_client = client_for(office)
    listing = _text(office_client.get("/security/people/"))
    assert "田中 一郎" in listing and "必須" in listing and "設定済み" in listing
    form = office_client.get(f"/security/people/reset/?person={head.pk}")
    assert form.status_code == 200 and "田中 一郎" in _text(form)
    reason = "機種変更で認証アプリが使えなくなったと本人から電話。内線2345へ折り返して本人確認。"
    done = office_client.post("/security/people/reset/", {"person": head.pk, "reason": reason})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists()
    assert not RecoveryCodeDevice.objects.filter(user=head).exists()
    event = _events("security.second_factor.reset").get()
    assert event.actor_id == office.pk and event.object_id == str(head.pk)
    assert event.summary["details"]["reason"] == reason
    assert event.municipality_id == city.municipality.pk
    # The head's open session is verified by a device that no longer exists: enrol again.
    assert head_client.get("/posts/")["Location"].startswith("/security/enrol/")


def test_nobody_resets_their_own_factor_and_no_other_city_or_role_does(city):
    office, head = city.people["office"], city.people["head"]
    elsewhere = make_city("komae")
    reason = "端末紛失の申出"
    with pytest.raises(PermissionDenied):
        do_reset_second_factor(office, office, reason)
    with pytest.raises(PermissionDenied):
        do_reset_second_factor(elsewhere.people["office"], head, reason)
    for person in ("security", "head2", "auditor"):
        with pytest.raises(PermissionDenied):
            do_reset_second_factor(city.people[person], head, reason)
    with pytest.raises(ActionError, match="理由"):
        do_reset_second_factor(office, head, "  ")
    assert TOTPDevice.objects.filter(user__in=[office, head]).count() == 2
    assert not _events("security.second_factor.reset").exists()


def test_the_reset_page_refuses_other_roles_and_other_cities(city, client_for):
    head = city.people["head"]
    elsewhere = make_city("komae")
    outsider = client_for(elsewhere.people["office"])
    refused = outsider.post("/security/people/reset/", {"person": head.pk, "reason": "なりすましの依頼"})
    assert refused.status_code == 400 and "リセットできません" in _text(refused)
    own = client_for(city.people["office"]).post(
        "/security/people/reset/", {"person": city.people["office"].pk, "reason": "自分で"}
    )
    assert own.status_code == 400
    for person in ("head2", "security", "auditor", "operator"):
        response = client_for(city.people[person]).post(
            "/security/people/reset/", {"person": head.pk, "reason": "代わりに"}
        )
        assert response.status_code == 403, person
    assert client_for(city.people["operator"]).get("/security/people/").status_code == 403
    assert TOTPDevice.objects.filter(user=head).exists()
    # Another city's office sees only its own staff.
    listing = _text(outsider.get("/security/people/"))
    assert elsewhere.people["head"].username in listing and head.username not in listing


def test_a_reset_of_someone_not_enrolled_is_refused(city):
    operator = city.people["operator"]
    with pytest.raises(ActionError, match="設定していません"):
        do_reset_second_factor(city.people["office"], operator, "念のため")


# ---- the demo --------------------------------------------------------------------------------


def test_demo_staff_sign_in_with_the_code_demo_totp_prints(capsys):
    from io import StringIO

    from django.core.management import call_command

    from koshiki.home.management.commands.load_demo import DEMO_PASSWORD

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "demo_totp" in out.getvalue()
    code = StringIO()
    call_command("demo_totp", "koho.kacho", stdout=code)
    client = Client()
    client.post("/login/", {"username": "koho.kacho", "password": DEMO_PASSWORD})
    assert client.get("/")["Location"].startswith("/security/verify/")
    assert client.post("/security/verify/", {"code": code.getvalue().strip()}).status_code == 302
    assert client.get("/").status_code == 200
    # An operator's login has no demo device and the command shows no real person's code.
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        call_command("demo_totp", "koho.tanto")
    assert refused.value.returncode == 2
    assert get_user_model().objects.get(username="koho.tanto").totpdevice_set.count() == 0
