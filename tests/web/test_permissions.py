"""The role × page matrix, and attempts to read and change another unit's records by id.

Expected outcomes follow ``koshiki/org/access.py``: 200 allowed; 403 the page
exists for this person but the role does not allow it; 404 the record is of a
unit or account the person may not even see (its existence is not revealed).
"""

from __future__ import annotations

import pytest
from django.test import Client

from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role
from koshiki.registry.models import Account, Device, RosterEntry
from koshiki.registry.states import Status
from tests.personas import account_in, make_city, new_account

ROLES = [
    "operator",
    "head",
    "office",
    "member",
    "chair",
    "security",
    "contractor",
    "designated_manager",
    "auditor",
    "nobody",
]


def _world():
    city = make_city("kyoto", name="権限試験市")
    listed = account_in(city, "listed")
    draft = new_account(city)
    review = account_in(city, "section_review")
    office_review = account_in(city, "under_review")
    zoo = account_in(city, "listed")
    do_assign_role(
        city.people["contractor"],
        Role.CONTRACTOR,
        municipality=city.municipality,
        account=listed,
        company="株式会社テスト",
        bootstrap=True,
        actor=None,
    )
    do_assign_role(
        city.people["designated_manager"],
        Role.DESIGNATED_MANAGER,
        municipality=city.municipality,
        account=zoo,
        company="公益財団法人テスト",
        bootstrap=True,
        actor=None,
    )
    return {"city": city, "listed": listed, "draft": draft, "review": review, "office_review": office_review}


ALL = {r: 200 for r in ROLES}


def expect(default: int, **overrides: int) -> dict[str, int]:
    out = {r: default for r in ROLES}
    out.update(overrides)
    return out


# page name -> (url builder, expected status per role)
PAGES: dict[str, tuple[object, dict[str, int]]] = {
    "home": (lambda w: "/", ALL),
    "account_list": (lambda w: "/accounts/", ALL),
    "attention": (lambda w: "/accounts/attention/", ALL),
    "application_new": (lambda w: "/accounts/new/", expect(403, operator=200, head=200)),
    "account_detail": (
        lambda w: f"/accounts/{w['listed'].pk}/",
        expect(200, designated_manager=404, nobody=404),
    ),
    "account_edit": (
        lambda w: f"/accounts/{w['draft'].pk}/edit/",
        expect(403, operator=200, head=200, contractor=404, designated_manager=404, nobody=404),
    ),
    "policy_edit": (
        lambda w: f"/accounts/{w['listed'].pk}/policy/",
        expect(403, operator=200, head=200, contractor=200, designated_manager=404, nobody=404),
    ),
    "policy_version": (
        lambda w: f"/accounts/{w['listed'].pk}/policies/{w['listed'].current_policy_id}/",
        expect(200, designated_manager=404, nobody=404),
    ),
    "change_notice": (
        lambda w: f"/accounts/{w['listed'].pk}/change/",
        expect(403, operator=200, head=200, contractor=200, designated_manager=404, nobody=404),
    ),
    "security": (
        lambda w: f"/accounts/{w['listed'].pk}/security/",
        expect(403, operator=200, head=200, contractor=200, security=200, designated_manager=404, nobody=404),
    ),
    "step_section_approve": (
        lambda w: f"/accounts/{w['review'].pk}/steps/section_approve/",
        expect(403, head=200, contractor=404, designated_manager=404, nobody=404),
    ),
    "step_office_approve": (
        lambda w: f"/accounts/{w['office_review'].pk}/steps/office_approve/",
        expect(403, office=200, contractor=404, designated_manager=404, nobody=404),
    ),
    "step_suspend": (
        lambda w: f"/accounts/{w['listed'].pk}/steps/suspend/",
        expect(403, head=200, designated_manager=404, nobody=404),
    ),
    "org_overview": (lambda w: "/org/", expect(403, head=200, office=200, auditor=200)),
    "audit_list": (lambda w: "/audit/", expect(403, auditor=200)),
    "audit_export": (lambda w: "/audit/export.csv", expect(403, auditor=200)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_role_page_matrix(page):
    world = _world()
    city = world["city"]
    url_of, expected = PAGES[page]
    url = url_of(world)
    got = {}
    for role in ROLES:
        client = Client()
        client.force_login(city.people[role])
        got[role] = client.get(url).status_code
    assert got == expected, f"{page} {url}"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


# ---- another unit's records by id --------------------------------------------------------------


def test_another_units_records_are_404_to_read(city, client_for):
    theirs = account_in(city, "listed", unit="b")
    client = client_for(city.people["operator"])
    for url in (
        f"/accounts/{theirs.pk}/",
        f"/accounts/{theirs.pk}/policy/",
        f"/accounts/{theirs.pk}/policies/{theirs.current_policy_id}/",
        f"/accounts/{theirs.pk}/change/",
        f"/accounts/{theirs.pk}/security/",
        f"/accounts/{theirs.pk}/steps/suspend/",
    ):
        assert client.get(url).status_code == 404, url
    assert theirs.display_name not in client.get("/accounts/").content.decode()


def test_another_units_records_are_404_to_change_and_stay_unchanged(city, client_for):
    theirs = account_in(city, "section_review", unit="b")
    device = Device.objects.filter(account=theirs).first()
    entry = RosterEntry.objects.filter(account=theirs).first()
    head = client_for(city.people["head"])  # section head of unit a
    base = f"/accounts/{theirs.pk}"
    posts = {
        f"{base}/steps/section_approve/": {"documents": ["unblock_request"]},
        f"{base}/steps/section_return/": {"reasons": "勝手に差戻し"},
        f"{base}/security/update/": {"mfa_enabled": "false"},
        f"{base}/roster/add/": {"name": "侵入 者", "duty": "poster"},
        f"{base}/roster/{entry.pk}/remove/": {},
        f"{base}/devices/add/": {"name": "不審な端末", "ownership": "city"},
        f"{base}/devices/{device.pk}/retire/": {},
        f"{base}/policy/": {"purpose": "書き換え"},
        f"{base}/edit/": {"display_name": "乗っ取り"},
    }
    for url, data in posts.items():
        assert head.post(url, data).status_code == 404, url
    acc = Account.objects.get(pk=theirs.pk)
    assert acc.status == Status.SECTION_REVIEW and acc.mfa_enabled is True
    assert acc.roster.count() == 1 and acc.devices.count() == 1 and acc.policies.count() == 1


def test_a_foreign_child_object_under_ones_own_account_url_is_404(city, client_for):
    mine = new_account(city)
    theirs = new_account(city, unit="b")
    foreign_device = Device.objects.get(account=theirs)
    foreign_entry = RosterEntry.objects.get(account=theirs)
    client = client_for(city.people["head"])
    assert client.post(f"/accounts/{mine.pk}/devices/{foreign_device.pk}/retire/").status_code == 404
    assert client.post(f"/accounts/{mine.pk}/roster/{foreign_entry.pk}/remove/").status_code == 404
    assert client.get(f"/accounts/{mine.pk}/policies/{theirs.current_policy_id}/").status_code == 404
    assert Device.objects.get(pk=foreign_device.pk).retired_on is None


def test_a_contractor_sees_only_the_account_it_operates(city, client_for):
    mine = account_in(city, "listed")
    other = account_in(city, "listed")
    contractor = city.people["contractor"]
    do_assign_role(
        contractor,
        Role.CONTRACTOR,
        municipality=city.municipality,
        account=mine,
        company="株式会社テスト",
        bootstrap=True,
        actor=None,
    )
    client = client_for(contractor)
    assert client.get(f"/accounts/{mine.pk}/").status_code == 200
    assert client.get(f"/accounts/{other.pk}/").status_code == 404
    listed = client.get("/accounts/").context["page"]
    assert [a.pk for a in listed] == [mine.pk]


def test_another_municipalitys_office_sees_nothing(city, client_for):
    account = account_in(city, "listed")
    elsewhere = make_city("komae", name="他市")
    client = client_for(elsewhere.people["office"])
    assert client.get(f"/accounts/{account.pk}/").status_code == 404
    assert client.get("/accounts/").context["page"].paginator.count == 0
