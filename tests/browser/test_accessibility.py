"""axe-core on the main pages, for every role's home: no serious or critical violation
(WCAG 2.1 AA, the level JIS X 8341-3:2016 asks of a city's web pages)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.states import PosterKind
from koshiki.posts import actions
from tests.browser.conftest import PHONE, axe_violations, describe

TEXT = "夏休み親子工作教室の申込みは担当の携帯090-1234-5678まで。詳しくは bit.ly/3kQx7Rz をご覧ください。"


def _scan(page, path: str, found: dict[str, str]) -> None:  # noqa: ANN001
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    expect(page.locator("main")).to_be_visible()
    violations = axe_violations(page)
    if violations:
        found[path] = describe(violations)


def _report(found: dict[str, str]) -> str:
    return "\n".join(f"{path}:\n{text}" for path, text in found.items())


def test_the_scan_sees_a_broken_page(kyoto, open_page):
    """The scan runs on the real pages under their CSP: a login field without its label is caught."""
    page = open_page()
    page.goto("/login/")
    assert axe_violations(page) == []
    page.evaluate("document.querySelector('label[for=id_username]').remove()")
    assert [v["id"] for v in axe_violations(page)] == ["label"]


def test_login_and_public_pages(kyoto, open_page):
    found: dict[str, str] = {}
    page = open_page()
    for path in ("/login/", "/public/accounts/", f"/public/accounts/{kyoto.account.pk}/"):
        _scan(page, path, found)
    _campaign, token = campaign_actions.do_create_campaign(
        kyoto.operator,
        kyoto.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )
    phone = open_page(viewport=PHONE, is_mobile=True)
    _scan(phone, "/public/accounts/", found)
    _scan(phone, f"/posts/submit/{token}/", found)
    assert not found, _report(found)


# Each role's home page and the page that role works on most.
ROLE_PAGES = {
    "operator": ["/", "/inbox/", "/duties/", "/accounts/new/"],
    "head": ["/", "/posts/approvals/", "/accounts/attention/"],
    "office": ["/", "/org/", "/accounts/attention/"],
    "security": ["/", "/incidents/"],
    "auditor": ["/", "/audit/"],
    "agency": ["/", "/comments/", "/selfcheck/"],
}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_roles_home_and_main_pages(kyoto, signed_in, role):
    found: dict[str, str] = {}
    page = signed_in(kyoto.people[role])
    for path in ROLE_PAGES[role]:
        _scan(page, path, found)
    assert not found, _report(found)


def test_the_operators_pages(kyoto, signed_in):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    found: dict[str, str] = {}
    page = signed_in(kyoto.operator)
    for path in (
        "/accounts/",
        f"/accounts/{kyoto.account.pk}/",
        f"/posts/account/{kyoto.account.pk}/new/",
        f"/posts/{draft.pk}/",
        "/posts/",
    ):
        _scan(page, path, found)
    # The editor once the live check has marked what the operator typed.
    page.goto(f"/posts/account/{kyoto.account.pk}/new/")
    page.get_by_role("textbox", name="本文").press_sequentially(TEXT[:40], delay=1)
    expect(page.locator("#findings mark.finding.error")).to_have_count(1)
    violations = axe_violations(page)
    if violations:
        found["editor after typing"] = describe(violations)
    assert not found, _report(found)
