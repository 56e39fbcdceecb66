"""The post editor as an operator types: live marks on the right spans, the clause and the
suggestion beside them, and submission refused while an error stands (京都市 4(3)ウ, 4(4))."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from koshiki.posts.models import Draft
from koshiki.posts.states import DraftStatus
from tests.browser.conftest import assert_no_sideways_scroll

PHONE = "090-1234-5678"
SHORT_URL = "bit.ly/3kQx7Rz"
# What 山田 types first: a mobile number (error) and a shortened link (the profile's warning or error).
TYPED = f"夏休み親子工作教室の申込みは担当の携帯{PHONE}まで。詳しくは {SHORT_URL} をご覧ください。"
FIXED = "夏休み親子工作教室の申込みは広報課（075-222-3111）まで。詳しくは市ホームページをご覧ください。"


def _editor(page, account) -> None:  # noqa: ANN001
    """From the home page to a new draft the way the home page tells a new operator to go."""
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="投稿", exact=True).click()
    row = page.get_by_role("row").filter(has_text=account.display_name)
    row.get_by_role("link", name="新しい投稿案").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"新しい投稿案 — {account.display_name}")
    expect(page.locator("#draft-editor")).to_contain_text("承認を求めます")


def test_marks_appear_on_the_right_spans_as_the_operator_types(kyoto, signed_in):
    page = signed_in(kyoto.operator)
    _editor(page, kyoto.account)
    findings = page.locator("#findings")
    expect(findings).to_contain_text("本文を入力すると")

    # Typed key by key: the check runs once the typing pauses (debounced), without a click.
    page.get_by_role("textbox", name="本文").press_sequentially(TYPED, delay=5)
    phone_mark = findings.locator("mark.finding.error", has_text=PHONE)
    expect(phone_mark).to_have_count(1)
    # The mark covers exactly the number, not the words around it.
    assert phone_mark.inner_text() == PHONE
    link_mark = findings.locator("mark.finding", has_text="bit.ly")
    expect(link_mark).to_have_count(1)
    assert link_mark.inner_text() == SHORT_URL
    # The numbered finding shows its message, the guideline clause and a suggestion.
    item = findings.locator("li.finding-item.error", has_text="携帯電話")
    expect(item).to_contain_text("根拠: 4(3)ウ")
    expect(item).to_contain_text("提案:")
    expect(item).to_contain_text("市の代表番号や担当課の番号")
    expect(findings.locator("li.finding-item", has_text="URL短縮サービス")).to_contain_text("根拠:")
    expect(findings).to_contain_text("保存していません")
    # The mark's tooltip names the finding it belongs to.
    assert re.match(r"\d+\. 携帯電話", phone_mark.get_attribute("title") or "")
    assert not Draft.objects.exists()  # checking as one types stores nothing

    # Replacing the text with the city's number clears the marks, again without a click.
    page.get_by_role("textbox", name="本文").fill("")
    page.get_by_role("textbox", name="本文").press_sequentially(FIXED, delay=2)
    expect(findings.locator("mark.finding.error")).to_have_count(0)
    expect(findings.locator("li.finding-item", has_text="携帯電話")).to_have_count(0)


def test_submission_is_refused_while_an_error_stands(kyoto, signed_in):
    page = signed_in(kyoto.operator)
    _editor(page, kyoto.account)
    page.get_by_role("textbox", name="本文").fill(TYPED)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("投稿案を保存しました（第1版）")
    draft = Draft.objects.get()
    expect(page.locator("#findings mark.finding.error", has_text=PHONE)).to_have_count(1)

    page.get_by_role("button", name=re.compile("承認を求める")).click()
    expect(page.locator(".messages")).to_contain_text("エラーの指摘")
    expect(page.locator(".messages")).to_contain_text(PHONE)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT

    # Fixed and saved as the second revision, the same button now sends it to the section head.
    page.get_by_role("textbox", name="本文").fill(FIXED)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("第2版を保存しました")
    page.get_by_role("button", name=re.compile("承認を求める")).click()
    expect(page.locator(".messages")).to_contain_text("承認を求めました")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    assert draft.current_revision.number == 2


@pytest.mark.parametrize("width", [390])
def test_the_operators_pages_and_editor_fit_a_phone(kyoto, signed_in, width):
    page = signed_in(kyoto.operator, viewport={"width": width, "height": 844})
    for path in (
        "/",
        "/posts/",
        "/accounts/",
        f"/accounts/{kyoto.account.pk}/",
        "/inbox/",
        "/duties/",
        "/selfcheck/",
    ):
        page.goto(path)
        assert_no_sideways_scroll(page)
    _editor(page, kyoto.account)
    page.get_by_role("textbox", name="本文").fill(TYPED + " https://www.city.kyoto.lg.jp/" + "a" * 80)
    expect(page.locator("#findings mark.finding.error", has_text=PHONE)).to_have_count(1)
    assert_no_sideways_scroll(page)
