"""Sign-in throttling that slows guessing but cannot keep a real user out (issue 10 item 6).

The review's attacks: ten wrong passwords from many addresses locked any staff
member out; behind a proxy every user shared one address; a forged
``X-Forwarded-For`` must not pick the address that is counted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from koshiki.audit.models import AuditEvent
from koshiki.home.login import ADDRESS_LIMIT, FREE_FAILURES, MAX_DELAY, delay_after
from koshiki.home.models import LoginFailure
from tests.personas import make_city, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Minato-Koho-Haru-2025"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Hundreds of sign-ins: a fast hasher here (Argon2 is slow on purpose and not under test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _try(address, username, password="machigai-pass-123", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def _age(minutes=0, seconds=0):
    """Move every stored failure into the past (the clock went on)."""
    shift = timedelta(minutes=minutes, seconds=seconds)
    for failure in LoginFailure.objects.all():
        failure.created_at -= shift
        failure.save(update_fields=["created_at"])


def test_the_delay_grows_from_two_seconds_and_stops_at_fifteen_minutes():
    assert [delay_after(n).total_seconds() for n in range(FREE_FAILURES)] == [0] * FREE_FAILURES
    assert [delay_after(FREE_FAILURES + i).total_seconds() for i in range(4)] == [2, 4, 8, 16]
    assert delay_after(1000) == MAX_DELAY == timedelta(minutes=15)


def test_ten_failures_from_ten_addresses_hold_the_real_user_back_only_for_the_delay():
    make_user("koho.tanto", password=PASSWORD)
    for n in range(10):
        # Only the free failures and the ones after each wait count; the rest are refused unrecorded.
        _age(minutes=20)
        _try(f"198.51.100.{n + 1}", "koho.tanto")
    assert LoginFailure.objects.filter(username="koho.tanto").count() == 10
    # The real user, at their own desk, arrives during the wait: refused with the time to come back.
    client, refused = _try("10.20.30.40", "koho.tanto", PASSWORD)
    page = refused.content.decode()
    assert refused.status_code == 200 and "少し時間をおいていただいています" in page and "最長15分" in page
    assert "_auth_user_id" not in client.session
    # The refusal did not count and did not extend the wait.
    assert LoginFailure.objects.filter(username="koho.tanto").count() == 10
    # delay_after(10) is 64 s: once it has passed, the right password signs in and clears the account.
    _age(seconds=65)
    client, ok = _try("10.20.30.40", "koho.tanto", PASSWORD)
    assert ok.status_code == 302 and "_auth_user_id" in client.session
    assert not LoginFailure.objects.filter(username="koho.tanto").exists()


def test_an_attacker_with_endless_addresses_never_locks_the_user_for_more_than_fifteen_minutes():
    make_user("koho.kacho", password=PASSWORD)
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        LoginFailure(username="koho.kacho", ip=f"203.0.113.{n % 250}", created_at=now - timedelta(seconds=n))
        for n in range(300)
    )
    # Three hundred failures in five minutes: the next attempt waits 15 minutes from the last, no more.
    assert "少し時間をおいて" in _try("10.20.30.40", "koho.kacho", PASSWORD)[1].content.decode()
    # Attempts during the wait are refused without counting, however many.
    for n in range(20):
        _try(f"192.0.2.{n}", "koho.kacho")
    assert LoginFailure.objects.filter(username="koho.kacho").count() == 300
    _age(minutes=15, seconds=1)
    assert _try("10.20.30.40", "koho.kacho", PASSWORD)[1].status_code == 302


def test_the_wait_answers_the_right_password_like_a_wrong_one():
    make_user("kanko.tanto", password=PASSWORD)
    for _ in range(FREE_FAILURES):
        _try("192.0.2.7", "kanko.tanto")
    right = _try("192.0.2.7", "kanko.tanto", PASSWORD)[1].content.decode()
    wrong = _try("192.0.2.7", "kanko.tanto")[1].content.decode()
    assert "少し時間をおいて" in right and "少し時間をおいて" in wrong


def test_every_spelling_of_a_login_id_counts_toward_the_same_account():
    make_user("koho.tanto", password=PASSWORD)
    for spelling in ["koho.tanto", "KOHO.TANTO", "ｋｏｈｏ．ｔａｎｔｏ", "koho.tanto\u200b", "Koho.Tanto"]:
        _try("192.0.2.8", spelling)
    assert "少し時間をおいて" in _try("192.0.2.9", "koho.tanto", PASSWORD)[1].content.decode()


def test_an_unknown_login_id_is_throttled_and_the_start_of_a_delay_audited_once():
    for n in range(FREE_FAILURES + 1):
        _age(minutes=20)
        _try(f"192.0.2.{20 + n}", "no.such.person")
    event = AuditEvent.objects.get(action="auth.login.lock")
    assert event.details["username"] == "no.such.person"
    assert event.details["failures"] == FREE_FAILURES and event.details["delay_seconds"] == 2
    assert "machigai" not in str(event.summary)


def test_the_delay_is_filed_under_the_users_municipality():
    city = make_city("kyoto", name="ロック試験市")
    user = city.people["operator"]
    user.set_password(PASSWORD)
    user.save()
    for _ in range(FREE_FAILURES):
        _try("192.0.2.12", user.username)
    assert AuditEvent.objects.get(action="auth.login.lock").municipality_id == city.municipality.pk


def test_one_address_spraying_many_login_ids_hits_the_address_limit():
    make_user("koho.tanto", password=PASSWORD)
    for n in range(ADDRESS_LIMIT):
        _try("192.0.2.66", f"guess.{n}")  # one failure per ID: no account delay anywhere
    assert LoginFailure.objects.filter(ip="192.0.2.66").count() == ADDRESS_LIMIT
    client, refused = _try("192.0.2.66", "koho.tanto", PASSWORD)
    assert "この接続元からのログインの失敗が多いため" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login.address_limit")
    assert event.details == {"ip": "192.0.2.66", "failures": ADDRESS_LIMIT, "window_minutes": 15}
    # Other addresses, and the real user, are untouched.
    assert _try("192.0.2.67", "koho.tanto", PASSWORD)[1].status_code == 302
    # After the window the address may try again.
    _age(minutes=15, seconds=1)
    assert _try("192.0.2.66", "koho.tanto", PASSWORD)[1].status_code == 302


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies():
    for n in range(ADDRESS_LIMIT):
        _try("192.0.2.70", f"guess.{n}", HTTP_X_FORWARDED_FOR=f"10.9.{n}.1")
    # Counted against the real address, not the ones the client wrote.
    assert LoginFailure.objects.filter(ip="192.0.2.70").count() == ADDRESS_LIMIT
    assert "この接続元" in _try("192.0.2.70", "x", HTTP_X_FORWARDED_FOR="10.9.99.1")[1].content.decode()


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(settings):
    settings.KOSHIKI_TRUSTED_PROXIES = ["10.0.0.5", "10.1.0.0/24"]
    # The client forged "1.2.3.4"; the outer proxy saw 198.51.100.9, the inner one saw the outer proxy.
    forged = "1.2.3.4, 198.51.100.9, 10.1.0.7"
    _try("10.0.0.5", "guess.proxy", HTTP_X_FORWARDED_FOR=forged)
    assert LoginFailure.objects.get().ip == "198.51.100.9"
    # Two users behind the same proxy are two addresses: one's failures do not limit the other.
    for n in range(ADDRESS_LIMIT):
        _try("10.0.0.5", f"guess.{n}", HTTP_X_FORWARDED_FOR="198.51.100.10")
    make_user("koho.tanto", password=PASSWORD)
    assert (
        _try("10.0.0.5", "koho.tanto", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.11")[1].status_code == 302
    )
    # A request straight from an untrusted address: its header is ignored.
    _try("203.0.113.50", "guess.direct", HTTP_X_FORWARDED_FOR="198.51.100.11")
    assert LoginFailure.objects.filter(username="guess.direct").get().ip == "203.0.113.50"


def test_a_known_device_is_not_held_back_by_a_stranger_failing_slowly_elsewhere():
    """The slow lock-out: one wrong password every quarter of an hour from outside keeps the
    account's delay at its longest; the employee's own PC, which signed in before, keeps its
    own count, and their success there does not give the stranger fresh free attempts."""
    make_user("koho.tanto", password=PASSWORD)
    desk, first = _try("10.20.30.40", "koho.tanto", PASSWORD)
    assert first.status_code == 302
    cookie = first.cookies["koshiki_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 90 * 24 * 3600
    desk.post("/logout/")
    for n in range(FREE_FAILURES + 3):
        _age(minutes=20)
        _try(f"198.51.100.{n + 1}", "koho.tanto")
    # Without the cookie (another browser) the account waits; with it the employee signs in.
    _, elsewhere = _try("10.20.30.41", "koho.tanto", PASSWORD)
    assert elsewhere.status_code == 200 and "少し時間をおいて" in elsewhere.content.decode()
    again = desk.post("/login/", {"username": "koho.tanto", "password": PASSWORD})
    assert again.status_code == 302
    # The stranger's count stands: their next guess still waits.
    _, stranger = _try("198.51.100.99", "koho.tanto", PASSWORD)
    assert stranger.status_code == 200 and "少し時間をおいて" in stranger.content.decode()


def test_a_device_cookie_counts_only_for_its_own_login_id_and_its_own_failures_are_throttled():
    make_user("koho.tanto", password=PASSWORD)
    make_user("koho.kacho", password=PASSWORD)
    desk, _ = _try("10.20.30.40", "koho.tanto", PASSWORD)
    desk.post("/logout/")
    # The cookie of koho.tanto does not open a separate count for koho.kacho.
    for _n in range(FREE_FAILURES):
        desk.post("/login/", {"username": "koho.kacho", "password": "machigai-pass-123"})
    assert LoginFailure.objects.filter(username="koho.kacho").count() == FREE_FAILURES
    # Guessing from the known device itself is throttled on the device's own key.
    for _n in range(FREE_FAILURES):
        desk.post("/login/", {"username": "koho.tanto", "password": "machigai-pass-123"})
    waiting = desk.post("/login/", {"username": "koho.tanto", "password": PASSWORD})
    assert waiting.status_code == 200 and "少し時間をおいて" in waiting.content.decode()
    assert not LoginFailure.objects.filter(username="koho.tanto").exists()
    # The delay is audited on the person, not on the device's internal key.
    lock = AuditEvent.objects.filter(action="auth.login.lock").latest("seq")
    tanto = get_user_model().objects.get(username="koho.tanto")
    assert (lock.object_type, lock.object_id) == ("auth.user", str(tanto.pk))
    assert lock.details["username"] == "koho.tanto" and lock.details["known_device"] is True
    # A forged cookie is ignored: the attempt counts on the login ID.
    forged = Client(REMOTE_ADDR="198.51.100.7")
    forged.cookies["koshiki_device"] = "eyJ1Ijoia29oby50YW50byIsImQiOiJ4In0:forged:sig"
    forged.post("/login/", {"username": "koho.tanto", "password": "machigai-pass-123"})
    assert LoginFailure.objects.filter(username="koho.tanto").count() == 1
