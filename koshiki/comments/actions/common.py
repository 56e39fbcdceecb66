"""Helpers shared by the comments actions: locks, guards, the clause a decision cites.

No ``do_*`` function lives here.
"""

from __future__ import annotations

from typing import Any

from koshiki.actors import Person
from koshiki.checker.profiles import load_profile
from koshiki.comments import access
from koshiki.comments.classify import account_policy_clauses
from koshiki.comments.models import Comment, ModerationDecision
from koshiki.comments.procedures import CommentProcedures, load_comment_procedures
from koshiki.errors import ActionError, require
from koshiki.registry.models import Account

MIN_REASON = 5


def procedures_for(account: Account) -> CommentProcedures:
    """The ``[comments]`` procedures of the account's municipality (cached per profile)."""
    return load_comment_procedures(account.municipality.profile_id)


def require_staff(actor: Person, account: Account) -> None:
    require(
        access.can_handle_comments(actor, account),
        "このアカウントのコメントを扱えるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
    )


def require_reason(reason: str, what: str = "理由") -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ActionError(f"{what}を{MIN_REASON}文字以上で書いてください（後から確認する人が分かるように）")
    return reason


def lock_comment(comment: Comment | int) -> Comment:
    pk = comment.pk if isinstance(comment, Comment) else comment
    try:
        return (
            Comment.objects.select_for_update(of=("self",))
            .select_related("account__municipality", "account__owning_unit")
            .get(pk=pk)
        )
    except Comment.DoesNotExist:
        raise ActionError("コメントが見つかりません") from None


def lock_decision(decision: ModerationDecision | int) -> ModerationDecision:
    pk = decision.pk if isinstance(decision, ModerationDecision) else decision
    try:
        return (
            ModerationDecision.objects.select_for_update(of=("self",))
            .select_related("comment__account__municipality", "comment__account__owning_unit")
            .get(pk=pk)
        )
    except ModerationDecision.DoesNotExist:
        raise ActionError("判断が見つかりません") from None


def policy_clause(comment: Comment, rule: str) -> dict[str, Any]:
    """The clause of the account's published policy a hide or delete under ``rule`` cites.

    The comment's stored finding for that rule when there is one (its version is
    the one in force when the comment was posted); else the profile's default
    numbering with the same version; the profile's guideline clause as well.
    """
    profile = load_profile(comment.profile_id or comment.account.municipality.profile_id)
    binding = profile.bindings.get(rule)
    clauses = account_policy_clauses(comment.account, comment.posted_at)
    if rule not in clauses and binding is None:
        raise ActionError("運用ポリシーのどの条項に当たるかを選んでください")
    for f in comment.findings:
        if f.get("rule") == rule and f.get("policy"):
            policy = f["policy"]
            break
    else:
        policy = clauses.get(rule, {"ref": "", "title": "", "version": comment.policy_version})
    return {
        "ref": policy.get("ref", ""),
        "title": policy.get("title", ""),
        "version": policy.get("version")
        if isinstance(policy.get("version"), int)
        else comment.policy_version,
        "guideline": f"{binding.clause.ref} {binding.clause.title}" if binding is not None else "",
    }
