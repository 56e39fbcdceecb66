"""The public directory as a citizen uses it: the list, one account's page with its policy, and
the verify answer for the real handle and a look-alike (no login)."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_no_sideways_scroll


def test_a_citizen_finds_the_account_reads_its_policy_and_verifies_it(kyoto, open_page):
    page = open_page()
    page.goto("/public/accounts/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="京都市広報")
    expect(row).to_contain_text("@kyoto_koho")
    expect(row).to_contain_text("X")
    row.get_by_role("link", name="運用ポリシー").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("京都市広報")
    expect(page.locator("main")).to_contain_text("kyoto_koho")

    # verify: the city's own handle is official; a look-alike is not, and names the real one.
    page.goto("/public/verify?handle=kyoto_koho")
    answer = json.loads(page.locator("body").inner_text())
    assert answer["official"] is True and answer["account"]["handle"] == "kyoto_koho"
    page.goto("/public/verify?url=https://x.com/kyot0_koho")
    answer = json.loads(page.locator("body").inner_text())
    assert answer["official"] is False
    assert answer["lookalike_of"] and answer["lookalike_of"][0]["handle"] == "kyoto_koho"


def test_the_public_list_fits_a_phone(kyoto, open_page):
    page = open_page(viewport=PHONE, is_mobile=True)
    page.goto("/public/accounts/")
    expect(page.get_by_text("@kyoto_kanko")).to_be_visible()
    assert_no_sideways_scroll(page)
