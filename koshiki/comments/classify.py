"""Running the comment checker on one comment with the account's own reply policy and policy version.

The classifier is ``koshiki.checker.comments.check_comment`` (branch ccheck);
this module only builds its context from the account: the reply policy the
account publishes (when the profile knows it) and the version of the account's
運用ポリシー in force when the comment was posted, which each finding's second
citation carries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from koshiki.checker.comments import check_comment
from koshiki.checker.profiles import load_profile
from koshiki.posts.checking import checker_version
from koshiki.registry.models import Account, OperationPolicy
from koshiki.registry.states import PolicyKind


def policy_version_at(account: Account, when: datetime) -> int | None:
    """The version of the account's public 運用ポリシー in force at ``when`` (None before the first)."""
    return (
        OperationPolicy.objects.filter(account=account, kind=PolicyKind.PUBLIC, created_at__lte=when)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )


def reply_policy_for(account: Account) -> str:
    """The account's published reply policy when the profile's comment data has a table for it, else ``""``."""
    replies = load_profile(account.municipality.profile_id).comments.get("replies", {})
    return account.reply_policy if account.reply_policy in replies else ""


def classify(account: Account, text: str, posted_at: datetime, post_text: str = "") -> dict[str, Any]:
    """The stored classification of one comment: findings, categories, action and the versions used."""
    profile_id = account.municipality.profile_id
    profile = load_profile(profile_id)
    version = policy_version_at(account, posted_at)
    clauses = {
        rule: {"ref": spec["ref"], "title": spec.get("title", ""), "version": version}
        for rule, spec in profile.comments.get("policy_clauses", {}).items()
    }
    reply_policy = reply_policy_for(account)
    result = check_comment(
        text,
        profile,
        {
            "post_text": post_text,
            "platform": account.platform,
            "reply_policy": reply_policy,
            "policy_clauses": clauses,
            "posted_at": posted_at.isoformat(),
        },
    )
    return {
        "findings": [f.as_dict() for f in result.findings],
        "categories": list(result.judgement.categories),
        "category_codes": f" {' '.join(result.judgement.categories)} " if result.judgement.categories else "",
        "suggested_action": result.action,
        "action_basis": result.action_basis.as_dict() if result.action_basis else None,
        "profile_id": profile_id,
        "checker_version": checker_version(profile_id),
        "policy_version": version,
        "reply_policy": reply_policy or profile.comments.get("reply_policy", ""),
    }
