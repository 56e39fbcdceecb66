"""The section head's approval in the browser: from the home page to the draft, each warning
acknowledged with a reason (a waiver in the audit trail), then approved (京都市 4(4))."""

from __future__ import annotations

from playwright.sync_api import expect

from koshiki.audit.models import AuditEvent
from koshiki.posts import actions
from koshiki.posts.models import Draft, Waiver
from koshiki.posts.states import DraftStatus

# A prize winner named in the post: a warning (consent of the person named), not an error.
TEXT = (
    "【交通安全ポスター展】\n"
    "交通安全ポスターコンクールの入賞作品を、6月21日（土）まで市役所1階ロビーで展示しています。\n"
    "最優秀賞に輝いた山本陽菜さん（小学3年）の作品もご覧いただけます。\n"
    "お問い合わせは市役所代表（075-222-3111）まで。"
)
REASON = "保護者から氏名・学年の掲載の同意書を得ています（広報課で保管）"


def _submitted(city) -> Draft:  # noqa: ANN001
    draft = actions.do_create_draft(city.operator, city.account, TEXT)
    assert [f["rule"] for f in draft.current_revision.warnings] == ["pii.person_name"]
    actions.do_submit(city.operator, draft)
    return draft


def test_the_section_head_gives_a_reason_for_the_warning_and_approves(kyoto, signed_in):
    draft = _submitted(kyoto)
    page = signed_in(kyoto.head)
    # The home page says what waits for the head and leads to it.
    page.get_by_role("link", name="あなたの承認を待っている投稿案 1件").click()
    page.get_by_role("link", name=f"投稿案 #{draft.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("承認・差戻し")
    # The exact revision with its marked warning, the clause and the reason field.
    findings = page.locator("#findings")
    expect(findings.locator("mark.finding", has_text="山本陽菜")).to_have_count(1)
    expect(findings.locator("li.finding-item.warning")).to_contain_text("根拠:")
    reason = page.get_by_role("textbox", name="了承の理由")

    # Approving without a reason is refused, and nothing is decided.
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_role("alert").first).to_contain_text("理由")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and not Waiver.objects.exists()

    reason.fill(REASON)
    page.get_by_role("button", name="承認する").click()
    expect(page.locator(".messages")).to_contain_text("承認しました")
    expect(page.locator("table.kv")).to_contain_text("承認済み")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    waiver = Waiver.objects.get()
    assert waiver.rule == "pii.person_name" and waiver.reason == REASON
    event = AuditEvent.objects.get(action="posts.draft.approve")
    assert event.actor == kyoto.head and event.details["waivers"][0]["reason"] == REASON


def test_the_author_is_not_offered_the_decision(kyoto, signed_in):
    draft = _submitted(kyoto)
    page = signed_in(kyoto.operator)
    page.goto(f"/posts/{draft.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("承認待ち")
    expect(page.get_by_role("link", name="承認・差戻し")).to_have_count(0)
    expect(page.get_by_role("button", name="承認する")).to_have_count(0)
