"""Refusals for every wrong role and every wrong state, each with a Japanese reason; nothing half-written."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.models import ApprovalRun, Draft, Revision
from koshiki.posts.states import DraftStatus, RunStatus
from koshiki.registry.models import Account
from koshiki.registry.states import Status
from tests.personas import WORKDAY_NOON, make_city

pytestmark = pytest.mark.django_db

TEXT = "市民プールは7月1日にオープンします。"
URL = "https://x.com/kyoto_koho/status/9"


def _submitted(city):
    draft = actions.do_create_draft(city.operator, city.account, TEXT)
    actions.do_submit(city.operator, draft)
    return draft


@pytest.mark.parametrize("who", ["other_operator", "other_head", "auditor", "office", "contractor"])
def test_people_outside_the_account_cannot_draft_edit_or_submit(kyoto, who):
    user = getattr(kyoto, who)
    with pytest.raises(PermissionDenied, match="担当者と所属長"):
        actions.do_create_draft(user, kyoto.account, TEXT)
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    with pytest.raises(PermissionDenied):
        actions.do_edit_draft(user, draft, TEXT + "！")
    with pytest.raises(PermissionDenied):
        actions.do_submit(user, draft)
    with pytest.raises(PermissionDenied):
        actions.do_withdraw_draft(user, draft)
    with pytest.raises(PermissionDenied):
        actions.do_record_second_check(user, draft, "confirmed")


def test_the_contractor_drafts_only_for_the_account_it_operates(kyoto):
    draft = actions.do_create_draft(kyoto.agency, kyoto.other_account, "秋の特別展のお知らせです。")
    assert draft.account == kyoto.other_account


@pytest.mark.parametrize(
    "who", ["operator2", "other_head", "auditor", "office", "contractor", "other_operator"]
)
def test_only_the_section_head_approves_or_returns(kyoto, who):
    draft = _submitted(kyoto)
    user = getattr(kyoto, who)
    with pytest.raises(PermissionDenied, match="所属長"):
        actions.do_approve(user, draft)
    with pytest.raises(PermissionDenied):
        actions.do_return(user, draft, "だめです")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED


def test_the_submitter_cannot_decide_even_as_section_head(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    actions.do_submit(kyoto.head, draft)  # the head submitted 山田's draft
    with pytest.raises(ActionError, match="自分が作成した"):
        actions.do_approve(kyoto.head, draft)
    with pytest.raises(ActionError, match="自分が作成した"):
        actions.do_return(kyoto.head, draft, "x")


def test_a_head_who_edited_the_revision_cannot_approve_it(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    actions.do_edit_draft(kyoto.head, draft, TEXT + "開場は9時です。")
    actions.do_submit(kyoto.operator, draft)
    with pytest.raises(ActionError, match="自分が作成した"):
        actions.do_approve(kyoto.head, draft)
    actions.do_approve(kyoto.bureau_head, draft)


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        ("draft", "approve", "「作成中」の投稿案は承認できません"),
        ("draft", "return", "「作成中」の投稿案は差し戻せません"),
        ("draft", "publish", "先に承認を受けてください"),
        ("draft", "recall", "取り消す承認依頼がありません"),
        ("submitted", "edit", "承認待ちの投稿案は編集できません"),
        ("submitted", "submit", "「承認待ち」の投稿案は承認を求められません"),
        ("submitted", "publish", "先に承認を受けてください"),
        ("approved", "approve", "「承認済み（投稿可）」の投稿案は承認できません"),
        ("approved", "submit", "承認を求められません"),
        ("published", "edit", "「投稿済み」の投稿案は編集できません"),
        ("published", "publish", "既に記録されています"),
        ("published", "withdraw", "取り下げられません"),
        ("published", "submit", "承認を求められません"),
        ("withdrawn", "edit", "「取下げ」の投稿案は編集できません"),
        ("withdrawn", "submit", "承認を求められません"),
        ("withdrawn", "withdraw", "取り下げられません"),
    ],
)
def test_wrong_state_is_refused_with_the_state_named(kyoto, status, action, message):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    if status in ("submitted", "approved", "published"):
        actions.do_submit(kyoto.operator, draft)
    if status in ("approved", "published"):
        actions.do_approve(kyoto.head, draft)
    if status == "published":
        actions.do_record_publication(kyoto.operator, draft, url=URL, published_at=WORKDAY_NOON)
    if status == "withdrawn":
        actions.do_withdraw_draft(kyoto.operator, draft)
    draft.refresh_from_db()
    events = AuditEvent.objects.count()
    revisions = Revision.objects.count()
    run = {
        "approve": lambda: actions.do_approve(kyoto.head, draft),
        "return": lambda: actions.do_return(kyoto.head, draft, "理由"),
        "publish": lambda: actions.do_record_publication(
            kyoto.operator, draft, url=URL, published_at=WORKDAY_NOON
        ),
        "recall": lambda: actions.do_recall_submission(kyoto.operator, draft),
        "edit": lambda: actions.do_edit_draft(kyoto.operator, draft, TEXT + "開場は9時です。"),
        "submit": lambda: actions.do_submit(kyoto.operator, draft),
        "withdraw": lambda: actions.do_withdraw_draft(kyoto.operator, draft),
    }[action]
    with pytest.raises(ActionError, match=message):
        run()
    assert AuditEvent.objects.count() == events and Revision.objects.count() == revisions


def test_an_unchanged_edit_is_refused(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    with pytest.raises(ActionError, match="変更がありません"):
        actions.do_edit_draft(kyoto.operator2, draft, TEXT)


def test_recall_then_withdraw_cancel_the_run(kyoto):
    draft = _submitted(kyoto)
    actions.do_recall_submission(kyoto.operator, draft)
    assert ApprovalRun.objects.get().status == RunStatus.CANCELLED
    actions.do_submit(kyoto.operator, draft)
    actions.do_withdraw_draft(kyoto.operator, draft, "イベント中止のため")
    assert ApprovalRun.objects.filter(status=RunStatus.CANCELLED).count() == 2


def test_a_stale_approval_page_is_refused(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    old = draft.current_revision
    actions.do_edit_draft(kyoto.operator, draft, TEXT + "開場は9時です。")
    actions.do_submit(kyoto.operator, draft)
    with pytest.raises(ActionError, match="確認した版と承認を求められている版が違います"):
        actions.do_approve(kyoto.head, draft, revision=old)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"url": ""}, "URLを入力"),
        ({"url": "javascript:alert(1)"}, "URLが正しくありません"),
        ({"url": "x.com/kyoto"}, "URLが正しくありません"),
        ({"published_at": "future"}, "未来"),
    ],
)
def test_publication_input_is_validated(kyoto, kw, message):
    from datetime import timedelta

    from django.utils import timezone

    draft = _submitted(kyoto)
    actions.do_approve(kyoto.head, draft)
    values = {"url": URL, "published_at": WORKDAY_NOON}
    values.update(kw)
    if values["published_at"] == "future":
        values["published_at"] = timezone.now() + timedelta(days=1)
    with pytest.raises(ActionError, match=message):
        actions.do_record_publication(kyoto.operator, draft, **values)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED


@pytest.mark.parametrize(
    ("text", "alts", "links", "message"),
    [
        ("   ", [], [], "本文を入力"),
        ("あ" * 65_001, [], [], "本文が長すぎます"),
        (TEXT, ["画像"] * 11, [], "代替テキストは10件まで"),
        (TEXT, [], ["https://www.city.kyoto.lg.jp/ a"], "空白を含まない"),
    ],
)
def test_bad_content_is_refused_and_nothing_is_stored(kyoto, text, alts, links, message):
    with pytest.raises(ActionError, match=message):
        actions.do_create_draft(kyoto.operator, kyoto.account, text, alts, links)
    assert not Draft.objects.exists()


def test_accounts_not_in_use_take_no_drafts(kyoto):
    Account.objects.filter(pk=kyoto.account.pk).update(status=Status.SUSPENDED)
    kyoto.account.refresh_from_db()
    with pytest.raises(ActionError, match="「休止中」のアカウントには投稿できません"):
        actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)


def test_corrections_are_started_only_from_published_posts(kyoto):
    with pytest.raises(ActionError, match="訂正は投稿済みの投稿から"):
        actions.do_create_draft(kyoto.operator, kyoto.account, TEXT, kind="correction")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks need PostgreSQL (SQLite has none)"
)
@pytest.mark.django_db(transaction=True)
def test_two_section_heads_approving_at_once_exactly_one_wins():
    city = make_city("kyoto", posting_accounts=True)
    draft = actions.do_create_draft(city.operator, city.account, TEXT)
    actions.do_submit(city.operator, draft)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user):
        try:
            barrier.wait()
            actions.do_approve(user, Draft.objects.get(pk=draft.pk))
            outcomes.append("ok")
        except ActionError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (city.head, city.bureau_head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "ok" and outcomes.count("ok") == 1
    assert any("承認できません" in o for o in outcomes)
    assert AuditEvent.objects.filter(action="posts.draft.approve").count() == 1
