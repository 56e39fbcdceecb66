"""Running the comment checker on one comment with the account's own reply policy and policy version.

The classifier is ``koshiki.checker.comments.check_comment`` (branch ccheck);
this module only builds its context from the account: the reply policy the
account publishes (when the profile knows it) and the version of the account's
運用ポリシー in force when the comment was posted, which each finding's second
citation carries.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from koshiki.checker.comments import check_comment
from koshiki.checker.profiles import load_profile
from koshiki.posts.checking import checker_version
from koshiki.registry.models import Account, OperationPolicy
from koshiki.registry.states import PolicyKind

_NUMBERED = re.compile(r"^\s*[(（]\s*(\d+)\s*[)）]\s*(.+?)\s*$")
_REF_NUMBER = re.compile(r"[(（]\s*(\d+)\s*[)）]\s*$")


def policy_at(account: Account, when: datetime) -> OperationPolicy | None:
    """The account's public 運用ポリシー version in force at ``when`` (None before the first)."""
    return (
        OperationPolicy.objects.filter(account=account, kind=PolicyKind.PUBLIC, created_at__lte=when)
        .order_by("-version")
        .first()
    )


def published_clauses(notes: str) -> dict[str, str]:
    """「(5) 広告、宣伝…」 lines of a policy's 注意事項, by number: what the account itself published."""
    found = {}
    for line in notes.splitlines():
        match = _NUMBERED.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def account_policy_clauses(account: Account, when: datetime) -> dict[str, dict[str, Any]]:
    """comment.* rule -> ``{"ref", "title", "version"}`` of the account's policy in force at ``when``.

    The numbering is the profile's (``[comments.policy_clauses]``); the title is
    the account's own published wording where its 注意事項 keep that numbering
    (its own city's name, its own words), else the profile's default title.
    """
    profile = load_profile(account.municipality.profile_id)
    policy = policy_at(account, when)
    version = policy.version if policy is not None else None
    own = published_clauses(policy.notes) if policy is not None else {}
    clauses = {}
    for rule, spec in profile.comments.get("policy_clauses", {}).items():
        number = _REF_NUMBER.search(spec["ref"])
        title = own.get(number.group(1), "") if number else ""
        clauses[rule] = {"ref": spec["ref"], "title": title or spec.get("title", ""), "version": version}
    return clauses


def reply_policy_for(account: Account) -> str:
    """The account's published reply policy when the profile's comment data has a table for it, else ``""``."""
    replies = load_profile(account.municipality.profile_id).comments.get("replies", {})
    return account.reply_policy if account.reply_policy in replies else ""


def classify(account: Account, text: str, posted_at: datetime, post_text: str = "") -> dict[str, Any]:
    """The stored classification of one comment: findings, categories, action and the versions used."""
    profile_id = account.municipality.profile_id
    profile = load_profile(profile_id)
    clauses = account_policy_clauses(account, posted_at)
    in_force = policy_at(account, posted_at)
    version = in_force.version if in_force is not None else None
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
