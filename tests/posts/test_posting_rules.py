"""Issue 9 items 2, 3 and 8 on posts: posting only in the states the profile allows, a publication
before its approval flagged and audited, and the contractor's 業務の責任者 approving where the profile says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.attention import publications_before_approval
from koshiki.posts.procedures import load_post_procedures
from koshiki.posts.states import DraftStatus
from koshiki.registry import actions as registry_actions
from koshiki.registry.models import RosterEntry
from koshiki.registry.states import Status
from tests.personas import account_in, make_city

pytestmark = pytest.mark.django_db

TEXT = "市民プールは7月1日にオープンします。開場は9時です。"


def test_akitakata_refuses_posts_before_the_registration_of_7_5():
    city = make_city("akitakata")
    account = account_in(city, "acquired")
    with pytest.raises(ActionError, match="投稿できません（投稿できる状態: 公式登録済み・運用中"):
        actions.do_create_draft(city.people["operator"], account, TEXT)
    registered = registry_actions.do_register_official(account, actor=city.people["office"])
    assert registered.status == Status.REGISTERED
    draft = actions.do_create_draft(city.people["operator"], registered, TEXT)
    assert draft.status == DraftStatus.DRAFT


def test_kawasaki_refuses_posts_before_the_start_report():
    city = make_city("kawasaki")
    account = account_in(city, "acquired")
    with pytest.raises(ActionError, match="開設済み（登録前）」のアカウントには投稿できません"):
        actions.do_create_draft(city.people["operator"], account, TEXT)


def test_kyoto_posts_once_opened_as_its_profile_says():
    city = make_city("kyoto")
    account = account_in(city, "acquired")
    assert actions.is_postable(account)
    assert "acquired" in load_post_procedures("kyoto").posting_states


def test_approval_is_refused_once_the_account_left_the_posting_states(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    actions.do_submit(kyoto.operator, draft)
    registry_actions.do_suspend(kyoto.account, actor=kyoto.head, reasons="乗っ取りの疑いがあるため一時休止")
    with pytest.raises(ActionError, match="休止中」のアカウントには投稿できません"):
        actions.do_approve(kyoto.head2, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED


# ---- publication before approval (item 3) ----


def _approved(city):
    draft = actions.do_create_draft(city.operator, city.account, TEXT)
    actions.do_submit(city.operator, draft)
    actions.do_approve(city.head, draft)
    return draft


def test_a_publication_timed_before_its_approval_is_recorded_with_an_error_and_audited(kyoto):
    draft = _approved(kyoto)
    earlier = timezone.now() - timedelta(hours=2)
    publication = actions.do_record_publication(
        kyoto.operator,
        draft,
        url="https://x.com/kyoto_koho/status/1",
        published_at=earlier,
        recorded_text=TEXT,
    )
    assert publication.before_approval and publication.approved_at > publication.published_at
    event = AuditEvent.objects.get(action="posts.publication.before_approval")
    assert event.details["finding"]["severity"] == "error"
    assert event.details["finding"]["message"].startswith("承認前の投稿")
    publish = AuditEvent.objects.filter(action="posts.draft.publish").latest("pk")
    assert publish.details["before_approval"] is True
    # Visible to the section head and the office, not to another unit's head.
    assert publication in publications_before_approval(kyoto.head)
    assert publication in publications_before_approval(kyoto.office)
    assert publication not in publications_before_approval(kyoto.other_head)


def test_a_publication_after_its_approval_is_not_flagged(kyoto):
    draft = _approved(kyoto)
    publication = actions.do_record_publication(
        kyoto.operator, draft, url="https://x.com/kyoto_koho/status/2", recorded_text=TEXT
    )
    assert not publication.before_approval
    assert not AuditEvent.objects.filter(action="posts.publication.before_approval").exists()


def test_a_post_under_a_scope_timed_before_the_scope_was_approved_is_flagged(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["published"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    report = actions.do_post_under_scope(
        kyoto.operator,
        draft,
        "published",
        url="https://x.com/kyoto_koho/status/3",
        published_at=timezone.now() - timedelta(days=1),
        recorded_text=TEXT,
        no_second_check_reason="担当者1名の日のため",
    )
    assert report.draft.publication.before_approval
    assert AuditEvent.objects.filter(action="posts.publication.before_approval").count() == 1


# ---- the contractor's 業務の責任者 (石巻市3(1)イ(ウ)a) ----


def _contractor_draft(city):
    draft = actions.do_create_draft(city.other_operator, city.other_account, "秋の特別展のお知らせです。")
    actions.do_submit(city.other_operator, draft)
    return draft


def _make_manager(city):
    registry_actions.do_add_roster_entry(
        city.other_account,
        actor=city.other_head,
        name="木村 舞",
        duty=RosterEntry.Duty.MANAGER,
        affiliation="株式会社まちプロモ",
        user=city.agency,
    )


def test_ishinomaki_contractor_manager_approves_posts_of_the_account_it_runs(make_city):
    city = make_city("ishinomaki")
    draft = _contractor_draft(city)
    with pytest.raises(PermissionDenied):  # on the roster only as the company, not as its manager
        actions.do_approve(city.agency, draft)
    _make_manager(city)
    decision = actions.do_approve(city.agency, draft)
    assert decision.approver == city.agency
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    # Not for the city's own account.
    own = actions.do_create_draft(city.operator, city.account, TEXT)
    actions.do_submit(city.operator, own)
    with pytest.raises(PermissionDenied):
        actions.do_approve(city.agency, own)


def test_ishinomaki_contractor_manager_cannot_approve_their_own_draft(make_city):
    city = make_city("ishinomaki")
    _make_manager(city)
    draft = actions.do_create_draft(city.agency, city.other_account, "秋の特別展のお知らせです。")
    actions.do_submit(city.agency, draft)
    with pytest.raises(ActionError, match="自分が作成した"):
        actions.do_approve(city.agency, draft)


def test_kyoto_contractor_manager_does_not_approve(kyoto):
    _make_manager(kyoto)
    draft = _contractor_draft(kyoto)
    with pytest.raises(PermissionDenied, match="所属長"):
        actions.do_approve(kyoto.agency, draft)
