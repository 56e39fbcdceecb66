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
from koshiki.checker.profiles import Profile
from koshiki.citysettings.effective import effective_profile
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


def clauses_of(profile: Profile, policy: OperationPolicy | None) -> dict[str, dict[str, Any]]:
    """comment.* rule -> ``{"ref", "title", "version"}`` of one version of the account's policy.

    The numbering is the profile's (``[comments.policy_clauses]``); the title is
    the account's own published wording where its 注意事項 keep that numbering
    (its own city's name, its own words), else the profile's default title.
    """
    version = policy.version if policy is not None else None
    own = published_clauses(policy.notes) if policy is not None else {}
    clauses = {}
    for rule, spec in profile.comments.get("policy_clauses", {}).items():
        number = _REF_NUMBER.search(spec["ref"])
        title = own.get(number.group(1), "") if number else ""
        clauses[rule] = {"ref": spec["ref"], "title": title or spec.get("title", ""), "version": version}
    return clauses


def account_policy_clauses(account: Account, when: datetime) -> dict[str, dict[str, Any]]:
    """The clauses of the account's policy in force at ``when`` (one query)."""
    return clauses_of(effective_profile(account.municipality), policy_at(account, when))


def reply_policy_for(account: Account) -> str:
    """The account's published reply policy when the profile's comment data has a table for it, else ``""``."""
    replies = effective_profile(account.municipality).comments.get("replies", {})
    return account.reply_policy if account.reply_policy in replies else ""


class Classifier:
    """Classifies the comments of one account: its policy versions, profile and reply policy read once.

    An import of a thousand comments costs one query for the policies, not two per comment.
    """

    def __init__(self, account: Account) -> None:
        self.account = account
        self.profile_id = account.municipality.profile_id
        self.profile = effective_profile(account.municipality)
        self.version = checker_version(self.profile)
        self.reply_policy = reply_policy_for(account)
        # Oldest first: the version in force at a time is the last one created at or before it.
        self.policies = list(
            OperationPolicy.objects.filter(account=account, kind=PolicyKind.PUBLIC).order_by(
                "created_at", "version"
            )
        )
        self._clauses: dict[int | None, dict[str, dict[str, Any]]] = {}

    def policy_at(self, when: datetime) -> OperationPolicy | None:
        in_force = None
        for policy in self.policies:
            if policy.created_at <= when:
                in_force = policy
        return in_force

    def __call__(self, text: str, posted_at: datetime, post_text: str = "") -> dict[str, Any]:
        """The stored classification of one comment: findings, categories, action and the versions used."""
        policy = self.policy_at(posted_at)
        key = policy.pk if policy is not None else None
        if key not in self._clauses:
            self._clauses[key] = clauses_of(self.profile, policy)
        result = check_comment(
            text,
            self.profile,
            {
                "post_text": post_text,
                "platform": self.account.platform,
                "reply_policy": self.reply_policy,
                "policy_clauses": self._clauses[key],
                "posted_at": posted_at.isoformat(),
            },
        )
        categories = list(result.judgement.categories)
        return {
            "findings": [f.as_dict() for f in result.findings],
            "categories": categories,
            "category_codes": f" {' '.join(categories)} " if categories else "",
            "suggested_action": result.action,
            "action_basis": result.action_basis.as_dict() if result.action_basis else None,
            "profile_id": self.profile_id,
            "checker_version": self.version,
            "policy_version": policy.version if policy is not None else None,
            "reply_policy": self.reply_policy or self.profile.comments.get("reply_policy", ""),
        }


def classify(account: Account, text: str, posted_at: datetime, post_text: str = "") -> dict[str, Any]:
    """Classify one comment of ``account`` (``Classifier`` for many)."""
    return Classifier(account)(text, posted_at, post_text)
