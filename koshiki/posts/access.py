"""Who may write, check, approve and publish a post of an account, and set its pre-approved scopes.

Built on the account rules of ``registry.access``; the approval chain's roles
are profile data (``posts.procedures``). Views start from
``drafts_visible_to(user)``, so another unit's draft is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from koshiki.org.roles import Role
from koshiki.posts.models import Draft
from koshiki.posts.procedures import load_post_procedures
from koshiki.registry.access import accounts_visible_to, assignments_reaching, holds_for
from koshiki.registry.models import Account, RosterEntry
from koshiki.registry.states import OperatorKind


def drafts_visible_to(user: Any) -> QuerySet[Draft]:
    """The drafts of the accounts the user may see (no query until evaluated)."""
    return Draft.objects.filter(account__in=accounts_visible_to(user))


def can_draft_post(user: Any, account: Account) -> bool:
    """Write drafts, post under a scope, record publications, run campaigns for the account.

    The account's operators (incl. its contractor / designated manager) and the
    section heads above it; the action still guards the draft's state.
    """
    return bool(assignments_reaching(user, account, [Role.OPERATOR, Role.SECTION_HEAD]))


def can_second_check_post(user: Any, account: Account) -> bool:
    """Be the second person who checks a post under a scope (京都市4(1)イ(ウ)c: 複数の職員で確認)."""
    return can_draft_post(user, account)


def is_company_manager(user: Any, account: Account) -> bool:
    """The contractor's or designated manager's 業務の責任者 for this account.

    They hold the company role for this very account and stand on its roster
    as 運用管理者 (石巻市3(1)イ(ウ)a「委託業者、指定管理者の場合は業務の責任者等」).
    """
    if account.operator_kind == OperatorKind.CITY or not user.is_authenticated:
        return False
    company = [
        ra
        for ra in assignments_reaching(user, account, [Role.CONTRACTOR, Role.DESIGNATED_MANAGER])
        if ra.role in (Role.CONTRACTOR, Role.DESIGNATED_MANAGER)
    ]
    if not company:
        return False
    return RosterEntry.objects.filter(
        account=account, user=user, duty=RosterEntry.Duty.MANAGER, removed_on__isnull=True
    ).exists()


def can_approve_post(user: Any, account: Account, role: str) -> bool:
    """Decide one step of the approval chain: hold that step's role for the account (profile data).

    Where the profile says so (``company_manager_approves``), the section head's
    step may also be decided by the company's 業務の責任者 for that account.
    """
    if holds_for(user, role, account):
        return True
    if (
        role == Role.SECTION_HEAD
        and load_post_procedures(account.municipality.profile_id).company_manager_approves
    ):
        return is_company_manager(user, account)
    return False


def can_set_post_scopes(user: Any, account: Account) -> bool:
    """Approve the pre-approved scopes and confirm post-hoc reports: the section head (京都市4(1)イ(ウ)b・d)."""
    return holds_for(user, Role.SECTION_HEAD, account)
