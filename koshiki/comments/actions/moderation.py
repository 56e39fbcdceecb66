"""Moderation decisions: hide, delete or leave a comment, confirm by a second person, reverse with a reason.

A hide or delete cites the clause of the account's published 運用ポリシー (the
version in force when the comment was posted) and gives a reason; where the
profile asks for it (``[comments] moderation_review = "second_person"``) it
takes effect only when another member of the account's staff confirms it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.comments import access
from koshiki.comments.actions.common import (
    lock_comment,
    lock_decision,
    policy_clause,
    procedures_for,
    require_reason,
    require_staff,
)
from koshiki.comments.models import Comment, ModerationDecision
from koshiki.comments.states import CommentState, DecisionKind, DecisionState
from koshiki.errors import ActionError, require

_REMOVING = (DecisionKind.HIDE, DecisionKind.DELETE)
_STATE_OF = {DecisionKind.HIDE: CommentState.HIDDEN, DecisionKind.DELETE: CommentState.DELETED}
# A comment may be decided on while nothing is decided yet or a reply is being prepared.
DECIDABLE = frozenset({CommentState.OPEN, CommentState.REPLYING})


def do_moderate(
    actor: Person, comment: Comment, *, kind: str, rule: str = "", reason: str = ""
) -> ModerationDecision:
    """Decide on a comment: hide or delete (clause and reason required) or no action (reason required)."""
    require_staff(actor, comment.account)
    if kind not in (DecisionKind.HIDE, DecisionKind.DELETE, DecisionKind.NO_ACTION):
        raise ActionError("判断は「非表示にする」「削除する」「対応不要とする」のいずれかです")
    reason = require_reason(reason)
    clause: dict[str, object] = {}
    if kind in _REMOVING:
        if not rule:
            raise ActionError("非表示・削除には、運用ポリシーのどの条項に当たるかを選んでください")
        clause = policy_clause(comment, rule)
    procedures = procedures_for(comment.account)
    now = timezone.now()
    with transaction.atomic():
        c = lock_comment(comment)
        if c.state not in DECIDABLE:
            raise ActionError(
                f"「{c.get_state_display()}」のコメントには判断できません（先に前の判断を取り消してください）"
            )
        if kind in _REMOVING and procedures.needs_second_person:
            state, new_comment_state = DecisionState.PENDING, CommentState.PENDING
        else:
            state = DecisionState.IN_FORCE
            new_comment_state = _STATE_OF.get(kind, CommentState.NO_ACTION)
        decision = ModerationDecision.objects.create(
            comment=c,
            kind=kind,
            state=state,
            rule=rule if kind in _REMOVING else "",
            clause_ref=str(clause.get("ref", "")),
            clause_title=str(clause.get("title", "")),
            policy_version=clause.get("version") if kind in _REMOVING else None,  # type: ignore[arg-type]
            reason=reason,
            decided_by=actor,
            decided_at=now,
        )
        before = c.state
        c.state = new_comment_state
        c.save(update_fields=["state"])
        record_event(
            actor,
            "comments.moderate",
            decision,
            {"comment_state": before},
            {"comment_state": c.state, "decision_state": state, "kind": kind},
            details={
                "comment": c.pk,
                "rule": rule,
                "clause": clause,
                "reason": reason,
                "second_person": procedures.needs_second_person and kind in _REMOVING,
                # A hide or delete under a clause the checker did not find: the reviewer is told.
                "checker_found_rule": rule in c.categories if rule else None,
            },
        )
    return decision


def do_review_moderation(
    actor: Person, decision: ModerationDecision, *, approve: bool, comment: str = ""
) -> ModerationDecision:
    """The second person confirms (it takes effect) or refuses (the comment is open again, reason required)."""
    account = decision.comment.account
    require(
        access.can_review_moderation(actor, account),
        "非表示・削除を確認できるのは、このアカウントの担当者と所属長です",
    )
    if not approve:
        comment = require_reason(comment, "確認で認めない理由")
    now = timezone.now()
    with transaction.atomic():
        d = lock_decision(decision)
        if d.state != DecisionState.PENDING:
            raise ActionError(f"「{d.get_state_display()}」の判断は確認できません")
        if d.decided_by_id == actor.pk:
            raise ActionError("自分の判断は確認できません。別の職員に確認を依頼してください")
        c = lock_comment(d.comment_id)
        d.state = DecisionState.IN_FORCE if approve else DecisionState.REFUSED
        d.reviewed_by, d.reviewed_at, d.review_comment = actor, now, (comment or "").strip()
        d.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
        c.state = _STATE_OF[d.kind] if approve else CommentState.OPEN
        c.save(update_fields=["state"])
        record_event(
            actor,
            "comments.moderation.review",
            d,
            {"decision_state": DecisionState.PENDING, "comment_state": CommentState.PENDING},
            {"decision_state": d.state, "comment_state": c.state},
            details={"comment": c.pk, "approve": approve, "review_comment": d.review_comment},
        )
    return d


def do_reverse_moderation(actor: Person, decision: ModerationDecision, *, reason: str) -> ModerationDecision:
    """Undo a decision in force with a reason: a new ``reverse`` row; the comment is open again.

    A deleted comment cannot come back on the platform; the reversal records
    that the decision was wrong, and the monthly summary counts it as reversed.
    """
    require_staff(actor, decision.comment.account)
    reason = require_reason(reason, "取り消す理由")
    now = timezone.now()
    with transaction.atomic():
        d = lock_decision(decision)
        if d.kind == DecisionKind.REVERSE:
            raise ActionError("取消しの判断は取り消せません。改めて判断してください")
        if d.state != DecisionState.IN_FORCE:
            raise ActionError(f"「{d.get_state_display()}」の判断は取り消せません")
        c = lock_comment(d.comment_id)
        reversal = ModerationDecision.objects.create(
            comment=c,
            kind=DecisionKind.REVERSE,
            state=DecisionState.IN_FORCE,
            rule=d.rule,
            clause_ref=d.clause_ref,
            clause_title=d.clause_title,
            policy_version=d.policy_version,
            reason=reason,
            decided_by=actor,
            decided_at=now,
            reverses=d,
        )
        d.state = DecisionState.REVERSED
        d.save(update_fields=["state"])
        before = c.state
        c.state = CommentState.OPEN
        c.save(update_fields=["state"])
        record_event(
            actor,
            "comments.moderation.reverse",
            reversal,
            {"comment_state": before, "decision_state": DecisionState.IN_FORCE},
            {"comment_state": c.state, "decision_state": DecisionState.REVERSED},
            details={"comment": c.pk, "reverses": d.pk, "kind": d.kind, "reason": reason},
        )
    return reversal
