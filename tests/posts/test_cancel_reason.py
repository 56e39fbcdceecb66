"""Stopping someone else's draft needs a reason, like a return (issue 9 item 10): recalling a request for
approval or withdrawing a draft by a section head or colleague; the author is told why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.notify.models import Notification
from koshiki.posts import actions
from koshiki.posts.models import ApprovalRun
from koshiki.posts.states import DraftStatus, RunStatus

pytestmark = pytest.mark.django_db

TEXT = "市民プールは7月1日から8月31日まで開場します。開場時間は9時から17時です。"


def _submitted(city):
    draft = actions.do_create_draft(city.operator, city.account, TEXT)
    actions.do_submit(city.operator, draft)
    return draft


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_section_head_cannot_recall_a_submission_without_a_reason(kyoto):
    draft = _submitted(kyoto)
    for blank in ("", "   \n"):
        with pytest.raises(ActionError, match="承認の依頼を取り消す理由を入力してください"):
            actions.do_recall_submission(kyoto.head, draft, blank)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    assert ApprovalRun.objects.get(draft=draft).status == RunStatus.IN_PROGRESS


def test_a_recall_by_the_section_head_keeps_the_reason_audits_it_and_tells_the_author(kyoto):
    draft = _submitted(kyoto)
    reason = "開場日が7月5日に変更になったため、日付を直してから出し直してください"
    actions.do_recall_submission(kyoto.head, draft, reason)
    draft.refresh_from_db()
    run = ApprovalRun.objects.get(draft=draft)
    assert draft.status == DraftStatus.DRAFT
    assert (
        run.status == RunStatus.CANCELLED and run.cancelled_by == kyoto.head and run.cancel_reason == reason
    )
    event = AuditEvent.objects.filter(action="posts.draft.recall").get()
    assert event.details["reason"] == reason and event.actor_id == kyoto.head.pk
    told = Notification.objects.filter(recipient=kyoto.operator, kind="posts.cancel").get()
    assert "承認の依頼が取り消されました" in told.title and reason in told.body
    page = login(kyoto.operator).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert "田中 一郎が取消し（理由: 開場日が7月5日に変更" in page


def test_the_author_recalls_their_own_request_without_a_reason(kyoto):
    draft = _submitted(kyoto)
    actions.do_recall_submission(kyoto.operator, draft)
    assert ApprovalRun.objects.get(draft=draft).cancel_reason == ""
    assert not Notification.objects.filter(kind="posts.cancel").exists()


def test_a_colleague_cannot_withdraw_someone_elses_draft_without_a_reason(kyoto):
    draft = _submitted(kyoto)
    for person in (kyoto.operator2, kyoto.head):
        with pytest.raises(ActionError, match="取り下げる理由を入力してください"):
            actions.do_withdraw_draft(person, draft, "")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    actions.do_withdraw_draft(kyoto.head, draft, "同じ内容を観光課が投稿済みのため")
    draft.refresh_from_db()
    run = ApprovalRun.objects.get(draft=draft)
    assert draft.status == DraftStatus.WITHDRAWN and run.cancel_reason == "同じ内容を観光課が投稿済みのため"
    event = AuditEvent.objects.filter(action="posts.draft.withdraw").get()
    assert event.details["reason"] == "同じ内容を観光課が投稿済みのため"
    assert Notification.objects.filter(recipient=kyoto.operator, kind="posts.cancel").exists()


def test_another_units_section_head_still_cannot_recall(kyoto):
    draft = _submitted(kyoto)
    with pytest.raises(PermissionDenied):
        actions.do_recall_submission(kyoto.other_head, draft, "理由はあります")


def test_the_recall_form_asks_the_section_head_for_a_reason_and_refuses_an_empty_one(kyoto):
    draft = _submitted(kyoto)
    client = login(kyoto.head)
    page = client.get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert 'id="recall-reason"' in page and "承認の依頼を取り消す理由" in page
    response = client.post(reverse("posts:recall", args=[draft.pk]), {"reason": ""}, follow=True)
    assert "承認の依頼を取り消す理由を入力してください" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    own = login(kyoto.operator).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert 'id="recall-reason"' not in own
