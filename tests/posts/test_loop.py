"""The daily loop as the people in it live it: draft, checker flags, fix, approve with a waiver, publish."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.models import Waiver, finding_key
from koshiki.posts.states import DraftStatus, RunStatus
from tests.personas import WORKDAY_NOON

pytestmark = pytest.mark.django_db

FIRST_TEXT = (
    "【交通安全ポスター展】\n"
    "交通安全ポスターコンクールの入賞作品を、6月21日（土）まで市役所1階ロビーで展示しています。\n"
    "お問い合わせは担当の携帯090-1234-5678まで。"
)
FIXED_TEXT = (
    "【交通安全ポスター展】\n"
    "交通安全ポスターコンクールの入賞作品を、6月21日（土）まで市役所1階ロビーで展示しています。\n"
    "最優秀賞に輝いた山本陽菜さん（小学3年）の作品もご覧いただけます。\n"
    "お問い合わせは市役所代表（075-222-3111）まで。"
)


def test_the_whole_loop_from_draft_to_publication(kyoto):
    city = kyoto
    # 山田 drafts a post and the checker flags the mobile number as an error.
    draft = actions.do_create_draft(city.operator, city.account, FIRST_TEXT)
    first = draft.current_revision
    assert [f["rule"] for f in first.errors] == ["pii.phone"]
    phone = first.errors[0]
    assert FIRST_TEXT[phone["start"] : phone["end"]] == "090-1234-5678"
    assert phone["clause"]["ref"] == "4(3)ウ" and phone["part"] == "text"
    assert first.profile_id == "kyoto" and first.checker_version.startswith("0.")

    # Submitting is refused, with the reason.
    with pytest.raises(ActionError, match="エラーの指摘が1件残っているため.*090-1234-5678"):
        actions.do_submit(city.operator, draft)

    # 山田 fixes it with the city's number and names the prize winner (a warning: consent).
    second = actions.do_edit_draft(city.operator, draft, FIXED_TEXT)
    assert second.number == 2 and not second.errors
    assert [f["rule"] for f in second.warnings] == ["pii.person_name"]
    run = actions.do_submit(city.operator, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and run.revision == second

    # 田中 (section head) must acknowledge the warning with a reason.
    with pytest.raises(ActionError, match="警告1件について、了承する理由"):
        actions.do_approve(city.head, draft)
    key = finding_key(second.warnings[0])
    decision = actions.do_approve(
        city.head, draft, waivers={key: "保護者から氏名・学年の掲載の同意書を得ています"}, revision=second
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED and draft.approved_revision == second
    assert decision.run.status == RunStatus.APPROVED
    waiver = Waiver.objects.get(decision=decision)
    assert waiver.rule == "pii.person_name" and "同意書" in waiver.reason
    approve_event = AuditEvent.objects.filter(action="posts.draft.approve").get()
    assert approve_event.details["waivers"][0]["reason"].startswith("保護者から")

    # 山田 posts it on X and records the publication with the text as it went out.
    publication = actions.do_record_publication(
        city.operator,
        draft,
        url="https://x.com/kyoto_koho/status/1",
        published_at=WORKDAY_NOON,
        recorded_text=FIXED_TEXT,
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED
    assert publication.matches and publication.hours_warning == ""
    city.account.refresh_from_db()
    assert city.account.last_posted_at == WORKDAY_NOON.date()
    assert verify_chain().ok
    assert list(AuditEvent.objects.filter(object_type="posts.draft").values_list("action", flat=True)) == [
        "posts.draft.create",
        "posts.draft.edit",
        "posts.draft.submit",
        "posts.draft.approve",
        "posts.draft.publish",
    ]


def test_recorded_text_that_differs_from_the_approved_text_is_flagged(kyoto):
    draft = _approved(
        kyoto, FIXED_TEXT.replace("最優秀賞に輝いた山本陽菜さん（小学3年）の作品もご覧いただけます。\n", "")
    )
    publication = actions.do_record_publication(
        kyoto.operator,
        draft,
        url="https://x.com/kyoto_koho/status/2",
        published_at=WORKDAY_NOON,
        recorded_text="【交通安全ポスター展】入賞作品を6月22日（日）まで展示しています。",
    )
    assert publication.matches is False
    event = AuditEvent.objects.get(action="posts.draft.publish")
    assert event.details["matches"] is False


def test_trailing_blanks_and_line_ends_do_not_count_as_a_mismatch(kyoto):
    text = "本日の市役所本庁舎の窓口は17時30分までです。"
    draft = _approved(kyoto, text)
    publication = actions.do_record_publication(
        kyoto.operator,
        draft,
        url="https://x.com/kyoto_koho/status/3",
        published_at=WORKDAY_NOON,
        recorded_text=text + "\r\n  ",
    )
    assert publication.matches


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("2025-05-05T10:00:00+09:00", "祝日（こどもの日）"),
        ("2025-12-30T10:00:00+09:00", "年末年始"),
        ("2025-06-14T10:00:00+09:00", "土曜日"),
        ("2025-06-11T20:15:00+09:00", "時間外（20:15）"),
    ],
)
def test_posting_outside_the_operating_hours_gets_a_warning(kyoto, when, reason):
    from datetime import datetime

    draft = _approved(kyoto, "市民プールは7月1日にオープンします。")
    publication = actions.do_record_publication(
        kyoto.operator,
        draft,
        url="https://x.com/kyoto_koho/status/4",
        published_at=datetime.fromisoformat(when),
    )
    assert reason in publication.hours_warning
    assert "月曜日から金曜日 08:45〜17:30" in publication.hours_warning


def test_an_edit_after_approval_needs_approval_again(kyoto):
    draft = _approved(kyoto, "市民プールは7月1日にオープンします。")
    actions.do_edit_draft(kyoto.operator, draft, "市民プールは7月5日にオープンします。")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and draft.approved_revision is None
    with pytest.raises(ActionError, match="先に承認を受けてください"):
        actions.do_record_publication(kyoto.operator, draft, url="https://x.com/kyoto_koho/status/5")
    actions.do_submit(kyoto.operator, draft)
    actions.do_approve(kyoto.head, draft)
    draft.refresh_from_db()
    assert draft.approved_revision.number == 2


def test_nobody_approves_their_own_draft(kyoto):
    draft = actions.do_create_draft(
        kyoto.head, kyoto.account, "市役所の駐車場は本日工事のため一部使えません。"
    )
    actions.do_submit(kyoto.head, draft)
    with pytest.raises(ActionError, match="自分が作成した投稿案は承認"):
        actions.do_approve(kyoto.head, draft)
    # The bureau head above the section approves it instead.
    actions.do_approve(kyoto.bureau_head, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED


def test_an_operator_cannot_approve(kyoto):
    draft = actions.do_create_draft(
        kyoto.operator, kyoto.account, "市役所の駐車場は本日工事のため一部使えません。"
    )
    actions.do_submit(kyoto.operator, draft)
    with pytest.raises(PermissionDenied, match="所属長"):
        actions.do_approve(kyoto.operator2, draft)


def test_return_with_comments_then_resubmit(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    actions.do_submit(kyoto.operator, draft)
    with pytest.raises(ActionError, match="差し戻す理由"):
        actions.do_return(kyoto.head, draft, "")
    actions.do_return(kyoto.head, draft, "開場時間も書いてください")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    actions.do_edit_draft(kyoto.operator, draft, "市民プールは7月1日にオープンします。開場は9時です。")
    run = actions.do_submit(kyoto.operator, draft)
    assert run.revision.number == 2


def _approved(city, text):
    draft = actions.do_create_draft(city.operator, city.account, text)
    actions.do_submit(city.operator, draft)
    actions.do_approve(city.head, draft)
    draft.refresh_from_db()
    return draft


def test_a_two_step_chain_is_decided_in_order(kyoto, monkeypatch):
    """A profile may chain several roles (data); each step is decided by its own role, in order."""
    import dataclasses

    procedures = dataclasses.replace(
        actions.post_procedures_for(kyoto.account), approval_chain=("section_head", "governance_office")
    )
    for module in (actions.common, actions.drafts, actions.approvals):  # each module that reads them
        monkeypatch.setattr(module, "post_procedures_for", lambda account: procedures)
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    run = actions.do_submit(kyoto.operator, draft)
    assert run.chain == ["section_head", "governance_office"]
    with pytest.raises(PermissionDenied, match="所属長"):
        actions.do_approve(kyoto.office, draft)
    actions.do_approve(kyoto.head, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    with pytest.raises(PermissionDenied, match="所管課"):
        actions.do_approve(kyoto.bureau_head, draft)
    actions.do_approve(kyoto.office, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
