"""The demo city: every kyoto state, a person in every role, idempotent, a valid audit chain."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from koshiki.audit.events import verify_chain
from koshiki.home.management.commands.load_demo import DEMO_PASSWORD
from koshiki.org.models import Municipality, RoleAssignment
from koshiki.org.roles import Role
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account, RosterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """The demo city loaded once for this module (about 14 s), rolled back after its last test.

    Each test runs in its own savepoint inside this transaction (pytest-django's
    ``django_db``), so what one test changes is gone before the next; yields
    what ``load_demo`` printed when it created the city.
    """
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_load_demo_builds_the_city_and_is_idempotent(demo):
    text = demo
    assert "みなと市" in text and DEMO_PASSWORD in text and "koho.kacho" in text
    city = Municipality.objects.get(name="みなと市")
    assert city.profile_id == "kyoto"
    states = set(Account.objects.filter(municipality=city).values_list("status", flat=True))
    assert states == set(load_procedures("kyoto").used_states)
    roles = set(RoleAssignment.objects.filter(municipality=city).values_list("role", flat=True))
    assert roles == set(Role.values)
    assert city.units.count() >= 6
    # Japanese names, family name first, on the operator roster too (様式2号).
    assert RosterEntry.objects.filter(name="佐藤 一郎").exists()
    assert not RosterEntry.objects.filter(name="一郎 佐藤").exists()
    counts = (Account.objects.count(), get_user_model().objects.count(), RoleAssignment.objects.count())
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "作成済み" in again.getvalue()
    assert (
        Account.objects.count(),
        get_user_model().objects.count(),
        RoleAssignment.objects.count(),
    ) == counts
    assert verify_chain().ok


def test_demo_logins_work_with_the_printed_password(demo):
    client = Client()
    response = client.post("/login/", {"username": "johoka", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    # The governance office needs the second factor: the code `demo_totp` prints.
    code = StringIO()
    call_command("demo_totp", "johoka", stdout=code)
    assert client.post("/security/verify/", {"code": code.getvalue().strip()}).status_code == 302
    home = client.get("/")
    assert "みなと市" in home.content.decode()


def test_demo_accounts_operating_period_starts_on_or_before_opening(demo):
    opened = Account.objects.filter(municipality__name="みなと市", acquired_at__isnull=False)
    assert opened.filter(display_name="みなと市広報課").exists()
    for account in opened:
        assert account.period_start is not None
        assert account.period_start <= account.acquired_at, account.display_name


def test_demo_has_a_post_awaiting_the_section_heads_approval_and_a_campaign_link(demo):
    text = demo
    link = next(line for line in text.splitlines() if "第三者（インフルエンサー）の提出ページ" in line)
    path = link.split("http://127.0.0.1:8000", 1)[1]
    page = Client().get(path)
    assert page.status_code == 200 and "みなと市" in page.content.decode()
    head = Client()
    head.post("/login/", {"username": "koho.kacho", "password": DEMO_PASSWORD})
    code = StringIO()
    call_command("demo_totp", "koho.kacho", stdout=code)
    assert head.post("/security/verify/", {"code": code.getvalue().strip()}).status_code == 302
    home = head.get("/").content.decode()
    assert "あなたの承認を待っている投稿案 1件" in home
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "作成時にだけ表示されます" in again.getvalue() and "/submit/" not in again.getvalue()


def test_the_duty_calendar_speaks_plain_japanese(demo):
    client = Client()
    client.post("/login/", {"username": "koho.tanto", "password": DEMO_PASSWORD})
    html = client.get("/duties/").content.decode()
    assert "run_duties" not in html and "manage.py" not in html
    assert 'class="task-complete"' in html and "確認した" in html
