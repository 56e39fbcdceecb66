"""Drafts and their revisions: create, edit, submit for approval, recall, withdraw."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError
from koshiki.posts.actions.approvals import _active_run, _end_run
from koshiki.posts.actions.common import (
    _lock_draft,
    _media_digest_of,
    _new_revision,
    _refuse_errors,
    _refuse_stale,
    _require_correction_words,
    _require_draft,
    _require_postable,
    _revision_summary,
    account_profile,
    check_draft_content,
    post_procedures_for,
)
from koshiki.posts.checking import (
    checker_version,
    content_hash,
)
from koshiki.posts.models import (
    ApprovalRun,
    Draft,
    Revision,
)
from koshiki.posts.notices import approvers_told, author_told_cancelled, draft_settled
from koshiki.posts.states import (
    EDITABLE,
    SUBMITTABLE,
    DraftKind,
    DraftStatus,
    RunStatus,
)
from koshiki.registry.models import Account


def do_create_draft(
    actor: Person,
    account: Account,
    text: str,
    alt_texts: Iterable[str] = (),
    links: Iterable[str] = (),
    *,
    kind: str = DraftKind.POST,
    in_reply_to: str = "",
) -> Draft:
    """Start a post or reply draft for ``account`` with its first revision, checked."""
    _require_draft(actor, account)
    if kind not in (DraftKind.POST, DraftKind.REPLY):
        raise ActionError("投稿案の種類が正しくありません（訂正は投稿済みの投稿から始めてください）")
    _require_postable(account)
    text, alts, urls, findings = check_draft_content(account, text, alt_texts, links)
    with transaction.atomic():
        draft = Draft.objects.create(
            account=account, author=actor, kind=kind, in_reply_to=(in_reply_to or "").strip()[:500]
        )
        revision = _new_revision(draft, 1, actor, text, alts, urls, findings)
        draft.current_revision = revision
        draft.save(update_fields=["current_revision"])
        record_event(
            actor,
            "posts.draft.create",
            draft,
            {},
            {"account": account.pk, "kind": kind, "status": draft.status, **_revision_summary(revision)},
        )
    return draft


def do_edit_draft(
    actor: Person, draft: Draft, text: str, alt_texts: Iterable[str] = (), links: Iterable[str] = ()
) -> Revision:
    """Save an edit as a new immutable revision, checked; an approved draft needs approval again.

    Refused while the draft waits for approval, after publication or
    withdrawal, and when nothing changed (unless the profile changed since
    the last check: then the same content is re-checked as a new revision).
    """
    _require_draft(actor, draft.account)
    text, alts, urls, findings = check_draft_content(
        draft.account, text, alt_texts, links, exclude_draft=draft
    )
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in EDITABLE:
            if d.status == DraftStatus.SUBMITTED:
                raise ActionError(
                    "承認待ちの投稿案は編集できません。承認の依頼を取り消してから編集してください"
                )
            raise ActionError(f"「{d.get_status_display()}」の投稿案は編集できません")
        current = d.current_revision
        same = current is not None and current.sha256 == content_hash(
            text, alts, urls, _media_digest_of(d, current)
        )
        if same and current.checker_version == checker_version(account_profile(d.account)):
            raise ActionError("前の版から変更がありません")
        revision = _new_revision(d, (current.number if current else 0) + 1, actor, text, alts, urls, findings)
        before = {"status": d.status, "revision": current.number if current else None}
        reset = d.status == DraftStatus.APPROVED
        d.current_revision = revision
        if reset:
            # Issue 4.3: any edit after approval needs approval again; the old
            # approval stays tied to the revision it approved.
            d.status = DraftStatus.DRAFT
            d.approved_revision = None
        d.save(update_fields=["current_revision", "status", "approved_revision", "updated_at"])
        record_event(
            actor,
            "posts.draft.edit",
            d,
            before,
            {"status": d.status, **_revision_summary(revision)},
            details={"approval_reset": reset},
        )
    return revision


def do_submit(actor: Person, draft: Draft) -> ApprovalRun:
    """Ask for approval of the current revision along the profile's chain (issue 4.2-4.3).

    Refused while an error-level finding remains (the reasons are in the message).
    """
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in SUBMITTABLE:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は承認を求められません")
        _require_postable(d.account)
        revision = d.current_revision
        _refuse_stale(revision, d.account)
        _refuse_errors(revision, "承認を求めることが")
        _require_correction_words(d, revision)
        procedures = post_procedures_for(d.account)
        now = timezone.now()
        run = ApprovalRun.objects.create(
            draft=d,
            revision=revision,
            chain=list(procedures.approval_chain),
            submitted_by=actor,
            submitted_at=now,
        )
        before = d.status
        d.status = DraftStatus.SUBMITTED
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.submit",
            d,
            {"status": before},
            {"status": d.status, "run": run.pk, **_revision_summary(revision)},
            details={
                "chain": run.chain,
                "clause": procedures.approval_clause,
                "warnings": len(revision.warnings),
            },
        )
        approvers_told(actor, d, run)
    return run


def _cancel_reason(actor: Person, d: Draft, reason: str, what: str) -> str:
    """The reason, required when someone other than the draft's author cancels it (like a return's comment).

    The author may take back their own request silently; a section head or a
    colleague who stops someone else's draft must say why, and the author is told.
    """
    reason = (reason or "").strip()
    if actor.pk != d.author_id and not reason:
        raise ActionError(f"{what}理由を入力してください（作成者に伝わります。差戻しのコメントと同じです）")
    return reason


def do_recall_submission(actor: Person, draft: Draft, reason: str = "") -> Draft:
    """Take back a request for approval before anyone decided it (the draft becomes editable again).

    Anyone but the author (a section head, a colleague) must give a reason; it is
    stored on the run, written to the audit event and sent to the author.
    """
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.SUBMITTED:
            raise ActionError(f"「{d.get_status_display()}」の投稿案には取り消す承認依頼がありません")
        reason = _cancel_reason(actor, d, reason, "承認の依頼を取り消す")
        run = _active_run(d)
        _end_run(run, RunStatus.CANCELLED, cancelled_by=actor, reason=reason)
        d.status = DraftStatus.DRAFT
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.recall",
            d,
            {"status": DraftStatus.SUBMITTED},
            {"status": d.status, "run": run.pk},
            details={"reason": reason},
        )
        draft_settled(d)
        if actor.pk != d.author_id:
            author_told_cancelled(actor, d, "承認の依頼が取り消されました", reason)
    return d


def do_withdraw_draft(actor: Person, draft: Draft, reason: str = "") -> Draft:
    """Abandon a draft that was not published (an approval in progress is cancelled).

    Anyone but the author must give a reason, which the author is told.
    """
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status in (DraftStatus.PUBLISHED, DraftStatus.WITHDRAWN):
            raise ActionError(f"「{d.get_status_display()}」の投稿案は取り下げられません")
        reason = _cancel_reason(actor, d, reason, "取り下げる")
        before = d.status
        if d.status == DraftStatus.SUBMITTED:
            _end_run(_active_run(d), RunStatus.CANCELLED, cancelled_by=actor, reason=reason)
        d.status = DraftStatus.WITHDRAWN
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.withdraw",
            d,
            {"status": before},
            {"status": d.status},
            details={"reason": reason},
        )
        draft_settled(d)
        if actor.pk != d.author_id:
            author_told_cancelled(actor, d, "投稿案が取り下げられました", reason)
    return d
