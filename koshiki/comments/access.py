"""Who may see, import, moderate and answer an account's comments, register its follows and publish its summary.

Built on ``registry.access``: the comments of the accounts a user may see, so
another unit's comments are a 404 and a contractor sees only the accounts its
role is held for. City-wide roles (所管課, 委員会, 監査担当) see every account of
their city and change nothing here: the account's operators (incl. its
contractor or designated manager) and the section heads above it act.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from koshiki.comments.models import Comment, FollowRecord
from koshiki.org.roles import Role
from koshiki.registry.access import accounts_visible_to, assignments_reaching, can_view_account, holds_for
from koshiki.registry.models import Account

_STAFF = (Role.OPERATOR, Role.SECTION_HEAD)
STAFF_ROLES = _STAFF  # who handles an account's comments (can_handle_comments)


def comments_visible_to(user: Any) -> QuerySet[Comment]:
    """The comments of the accounts the user may see (no query until evaluated)."""
    return Comment.objects.filter(account__in=accounts_visible_to(user))


def follows_visible_to(user: Any) -> QuerySet[FollowRecord]:
    return FollowRecord.objects.filter(account__in=accounts_visible_to(user))


def can_view_comments(user: Any, account: Account) -> bool:
    return can_view_account(user, account)


def can_handle_comments(user: Any, account: Account) -> bool:
    """Import comments, decide on them and write replies: the account's operators and section heads.

    京都市4(1)イ(ア): 利用者の書込みチェック及び返信対応 belong to the account's
    operating staff (委託業者・指定管理者 included for their own accounts).
    """
    return bool(assignments_reaching(user, account, _STAFF))


def can_review_moderation(user: Any, account: Account) -> bool:
    """Be the second person who confirms a hide or delete (someone else of the same staff)."""
    return can_handle_comments(user, account)


def can_register_follow(user: Any, account: Account, approver: str) -> bool:
    """Register a follow: the staff, or only the section head when the profile says so (狛江市第6条(1))."""
    if approver == Role.SECTION_HEAD:
        return holds_for(user, Role.SECTION_HEAD, account)
    return can_handle_comments(user, account)


def can_publish_summary(user: Any, account: Account) -> bool:
    """Publish the monthly moderation summary: the section head responsible for the account."""
    return holds_for(user, Role.SECTION_HEAD, account)
