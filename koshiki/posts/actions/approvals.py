"""The approval chain: each step's decision on the exact revision, or a return with a comment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.org.roles import Role
from koshiki.posts import access
from koshiki.posts.actions.common import (
    _lock_draft,
    _quote,
    _refuse_errors,
    _require_postable,
    post_procedures_for,
)
from koshiki.posts.models import (
    ApprovalDecision,
    ApprovalRun,
    Draft,
    Revision,
    Waiver,
    finding_key,
    finding_where,
)
from koshiki.posts.notices import approvers_told, author_told_approved, author_told_returned
from koshiki.posts.states import (
    Decision,
    DraftStatus,
    RunStatus,
)


def _active_run(d: Draft) -> ApprovalRun:
    run = (
        ApprovalRun.objects.select_for_update()
        .filter(draft=d, status=RunStatus.IN_PROGRESS)
        .select_related("revision")
        .first()
    )
    if run is None:
        raise ActionError("進行中の承認手続がありません")
    return run


def _end_run(
    run: ApprovalRun,
    status: RunStatus,
    when: datetime | None = None,
    *,
    cancelled_by: Person | None = None,
    reason: str = "",
) -> None:
    """Close an approval run as returned or cancelled (the caller holds its lock)."""
    run.status = status
    run.finished_at = when or timezone.now()
    run.cancelled_by, run.cancel_reason = cancelled_by, reason
    run.save(update_fields=["status", "finished_at", "cancelled_by", "cancel_reason"])


def _guard_decider(actor: Person, d: Draft, run: ApprovalRun, revision: Revision | int | None) -> str:
    """The role the actor decides as; refuses the wrong role, self-approval and a stale page."""
    role = run.current_role
    procedures = post_procedures_for(d.account)
    require(
        role is not None and access.can_approve_post(actor, d.account, role),
        f"この投稿案を承認・差戻しできるのは{Role(role).label if role else procedures.approver_label}です",
    )
    if actor.pk in {d.author_id, run.revision.author_id, run.submitted_by_id}:
        raise ActionError("自分が作成した投稿案は承認・差戻しできません")
    if run.decisions.filter(approver=actor).exists():
        raise ActionError(
            "この承認手続では既に判断しています（同じ人が二つの段階を承認することはできません）"
        )
    if revision is not None:
        rev_pk = revision.pk if isinstance(revision, Revision) else int(revision)
        if rev_pk != run.revision_id:
            raise ActionError("確認した版と承認を求められている版が違います。画面を開き直してください")
    return role


def do_approve(
    actor: Person,
    draft: Draft,
    *,
    waivers: Mapping[str, str] | None = None,
    comment: str = "",
    revision: Revision | int | None = None,
) -> ApprovalDecision:
    """Approve the revision under approval as the chain's current role (京都市4(1)イ(ウ)a).

    Each warning finding must be acknowledged with a reason (``waivers``: the
    finding's key -> reason); the waivers are stored and written to the audit
    trail. The approval is tied to the exact revision; the last step of the
    chain makes the draft approved.
    """
    waivers = {k: (v or "").strip() for k, v in (waivers or {}).items()}
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.SUBMITTED:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は承認できません")
        run = _active_run(d)
        role = _guard_decider(actor, d, run, revision)
        _require_postable(d.account)
        rev = run.revision
        _refuse_errors(rev, "承認")
        missing = [f for f in rev.warnings if not waivers.get(finding_key(f))]
        if missing:
            listed = "／".join(_quote(f) for f in missing[:3])
            raise ActionError(f"警告{len(missing)}件について、了承する理由を入力してください: {listed}")
        now = timezone.now()
        decision = ApprovalDecision.objects.create(
            run=run,
            step=run.step,
            role=role,
            approver=actor,
            decision=Decision.APPROVE,
            comment=(comment or "").strip(),
            decided_at=now,
        )
        waived = []
        for f in rev.warnings:
            key = finding_key(f)
            Waiver.objects.create(
                decision=decision,
                finding_key=key,
                rule=f["rule"],
                part=f.get("part", "text"),
                message=f["message"],
                reason=waivers[key],
            )
            waived.append(
                {
                    "rule": f["rule"],
                    "where": finding_where(f),
                    "message": f["message"],
                    "reason": waivers[key],
                }
            )
        run.step += 1
        before = {"status": d.status, "step": run.step - 1}
        if run.step >= len(run.chain):
            run.status = RunStatus.APPROVED
            run.finished_at = now
            d.status = DraftStatus.APPROVED
            d.approved_revision = rev
            d.save(update_fields=["status", "approved_revision", "updated_at"])
        run.save(update_fields=["step", "status", "finished_at"])
        record_event(
            actor,
            "posts.draft.approve",
            d,
            before,
            {
                "status": d.status,
                "step": run.step,
                "run": run.pk,
                "revision": rev.number,
                "sha256": rev.sha256,
            },
            details={"role": role, "comment": decision.comment, "waivers": waived},
        )
        if d.status == DraftStatus.APPROVED:
            author_told_approved(actor, d)
        else:
            approvers_told(actor, d, run)
    return decision


def do_return(
    actor: Person, draft: Draft, comment: str, *, revision: Revision | int | None = None
) -> ApprovalDecision:
    """Return the draft to its author with comments (the run ends; the author edits and submits again)."""
    comment = (comment or "").strip()
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.SUBMITTED:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は差し戻せません")
        run = _active_run(d)
        role = _guard_decider(actor, d, run, revision)
        if not comment:
            raise ActionError("差し戻す理由（コメント）を入力してください")
        now = timezone.now()
        decision = ApprovalDecision.objects.create(
            run=run,
            step=run.step,
            role=role,
            approver=actor,
            decision=Decision.RETURN,
            comment=comment,
            decided_at=now,
        )
        _end_run(run, RunStatus.RETURNED, now)
        d.status = DraftStatus.RETURNED
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.return",
            d,
            {"status": DraftStatus.SUBMITTED},
            {"status": d.status, "run": run.pk, "revision": run.revision.number},
            details={"role": role, "comment": comment},
        )
        author_told_returned(actor, d, comment)
    return decision
