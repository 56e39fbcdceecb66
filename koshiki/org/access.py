"""Who may see or change what: the ONE place that decides.

Roles come from active ``RoleAssignment`` rows:

- operator (担当者): the accounts of their unit and every unit below it, or
  the single accounts they are assigned to;
- section_head (所属長・責任者・管理者): the accounts of their unit subtree;
- contractor / designated_manager (委託業者・指定管理者): only the accounts
  they are assigned to (with their company);
- governance_office, committee_member, committee_chair, security_officer:
  every account of their municipality (they receive applications and notices);
- auditor: every account and the audit trail, read-only; the role grants no
  change at all.

A lifecycle step names the roles that may perform it (procedures data); a
step naming ``operator`` is also open to the contractor or designated manager
assigned to that account (石巻市2: they run their own accounts).
Every helper costs at most one query per request for the user's roles (cached
on the user object); views use ``accounts_visible_to`` as the base queryset so
another unit's records are 404, never shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from koshiki.org.models import Municipality, OrgUnit, RoleAssignment
from koshiki.org.roles import CITY_ROLES, COMPANY_ROLES, Role

if TYPE_CHECKING:
    from koshiki.registry.lifecycle import Procedures, Step
    from koshiki.registry.models import Account

_CACHE_ATTR = "_koshiki_role_assignments"
# Who counts as the account's operator for a step that names "operator".
_OPERATOR_LIKE = frozenset({Role.OPERATOR, Role.CONTRACTOR, Role.DESIGNATED_MANAGER})


def roles_of(user: Any) -> list[RoleAssignment]:
    """The user's active role assignments (one query, cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.active()
            .filter(user=user)
            .select_related("unit", "account", "municipality")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached assignments (after the user's roles changed in this request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def role_values(user: Any) -> set[str]:
    return {ra.role for ra in roles_of(user)}


def has_role(user: Any, role: str) -> bool:
    return role in role_values(user)


def municipality_of(user: Any) -> Municipality | None:
    """The municipality the user works for (their first role's); None without roles."""
    roles = roles_of(user)
    return roles[0].municipality if roles else None


def _covers(ra: RoleAssignment, account: Account) -> bool:
    """Does this one assignment reach this account?"""
    if ra.municipality_id != account.municipality_id:
        return False
    if ra.role in CITY_ROLES:
        return True
    if ra.account_id is not None:
        return ra.account_id == account.pk
    if ra.unit_id is not None:
        return ra.unit.contains(account.owning_unit)
    return False


def _holders(user: Any, account: Account, roles: Iterable[str]) -> list[RoleAssignment]:
    wanted = set(roles)
    if Role.OPERATOR in wanted:
        wanted |= _OPERATOR_LIKE
    return [ra for ra in roles_of(user) if ra.role in wanted and _covers(ra, account)]


def holds_for(user: Any, role: str, account: Account) -> bool:
    """True when the user holds ``role`` (operator: or contractor/designated manager) for ``account``."""
    return bool(_holders(user, account, [role]))


# ---- accounts ---------------------------------------------------------------------------------


def accounts_visible_to(user: Any) -> QuerySet[Account]:
    """The accounts the user may see, as a queryset filter (no query until evaluated)."""
    from koshiki.registry.models import Account

    condition = Q(pk__in=[])
    for ra in roles_of(user):
        if ra.role in CITY_ROLES:
            condition |= Q(municipality_id=ra.municipality_id)
        elif ra.account_id is not None:
            condition |= Q(pk=ra.account_id)
        elif ra.unit_id is not None:
            condition |= Q(municipality_id=ra.municipality_id, owning_unit__path__startswith=ra.unit.path)
    return Account.objects.filter(condition)


def can_view_account(user: Any, account: Account) -> bool:
    return any(_covers(ra, account) for ra in roles_of(user))


def can_edit_account(user: Any, account: Account) -> bool:
    """May change the account's details, security facts, roster, devices and apps.

    The account's operators (incl. its contractor / designated manager) and the
    section heads above it; the action still guards the account's state.
    """
    return bool(_holders(user, account, [Role.OPERATOR, Role.SECTION_HEAD]))


def can_edit_security(user: Any, account: Account) -> bool:
    """Security facts may also be recorded by the information-security officer (狛江市4(3)カ)."""
    return can_edit_account(user, account) or holds_for(user, Role.SECURITY_OFFICER, account)


def can_perform_step(user: Any, account: Account, step: Step) -> bool:
    """May perform this lifecycle step on this account (the step's roles are profile data)."""
    return bool(_holders(user, account, step.roles))


def can_approve_device(user: Any, account: Account, procedures: Procedures) -> bool:
    """The profile names who approves posting devices (川崎市5(10): ICT推進課)."""
    return bool(_holders(user, account, procedures.device_approver_roles))


def units_for_application(user: Any) -> QuerySet[OrgUnit]:
    """Units in whose name the user may apply for a new account (operator / section head of the subtree)."""
    condition = Q(pk__in=[])
    for ra in roles_of(user):
        if ra.role in (Role.OPERATOR, Role.SECTION_HEAD) and ra.unit_id is not None:
            condition |= Q(municipality_id=ra.municipality_id, path__startswith=ra.unit.path)
    return OrgUnit.objects.filter(condition).order_by("path")


def can_apply_for(user: Any, unit: OrgUnit) -> bool:
    return any(
        ra.role in (Role.OPERATOR, Role.SECTION_HEAD) and ra.unit_id is not None and ra.unit.contains(unit)
        for ra in roles_of(user)
    )


# ---- posts (issue 4) ------------------------------------------------------------------------


def can_draft_post(user: Any, account: Account) -> bool:
    """Write drafts, post under a scope, record publications, run campaigns for the account.

    The account's operators (incl. its contractor / designated manager) and the
    section heads above it; the action still guards the draft's state.
    """
    return bool(_holders(user, account, [Role.OPERATOR, Role.SECTION_HEAD]))


def can_second_check_post(user: Any, account: Account) -> bool:
    """Be the second person who checks a post under a scope (京都市4(1)イ(ウ)c: 複数の職員で確認)."""
    return can_draft_post(user, account)


def can_approve_post(user: Any, account: Account, role: str) -> bool:
    """Decide one step of the approval chain: hold that step's role for the account (profile data)."""
    return holds_for(user, role, account)


def can_set_post_scopes(user: Any, account: Account) -> bool:
    """Approve the pre-approved scopes and confirm post-hoc reports: the section head (京都市4(1)イ(ウ)b・d)."""
    return holds_for(user, Role.SECTION_HEAD, account)


# ---- organisation and audit ---------------------------------------------------------------


def can_view_audit(user: Any) -> bool:
    """Auditors browse and export the audit trail (issue 3.6)."""
    return has_role(user, Role.AUDITOR)


def audit_events_visible_to(user: Any) -> QuerySet[Any]:
    """The audit events an auditor may read: their municipality's, and installation-wide ones (NULL).

    Another city's trail is never shown (it names that city's staff and records).
    """
    from koshiki.audit.models import AuditEvent

    ids = {ra.municipality_id for ra in roles_of(user) if ra.role == Role.AUDITOR}
    if not ids:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(Q(municipality_id__in=ids) | Q(municipality__isnull=True))


def can_view_org(user: Any) -> bool:
    return bool(role_values(user) & {Role.GOVERNANCE_OFFICE, Role.AUDITOR, Role.SECTION_HEAD})


def can_manage_units(user: Any, municipality: Municipality) -> bool:
    """The governance office keeps the organisation tree."""
    return any(
        ra.role == Role.GOVERNANCE_OFFICE and ra.municipality_id == municipality.pk for ra in roles_of(user)
    )


def can_assign_roles(user: Any, municipality: Municipality | None) -> bool:
    """May assign some role there at all (the governance office, or a section head of a unit there).

    Views check this before reading a role or person form, so a read-only role
    (auditor, committee member) is refused with a 403 whatever it posts.
    """
    if municipality is None:
        return False
    return any(
        ra.municipality_id == municipality.pk and ra.role in (Role.GOVERNANCE_OFFICE, Role.SECTION_HEAD)
        for ra in roles_of(user)
    )


def can_assign_role(
    user: Any, municipality: Municipality, role: str, unit: OrgUnit | None, account: Account | None
) -> bool:
    """The governance office assigns any role; a section head assigns operators,
    contractors and designated managers inside their own unit subtree."""
    if can_manage_units(user, municipality):
        return True
    if role not in (Role.OPERATOR, *COMPANY_ROLES):
        return False
    target = account.owning_unit if account is not None else unit
    if target is None:
        return False
    return any(
        ra.role == Role.SECTION_HEAD and ra.municipality_id == municipality.pk and ra.unit.contains(target)
        for ra in roles_of(user)
    )


def people_of(municipality: Municipality | None) -> QuerySet[Any]:
    """Active staff of the municipality (for choice lists): everyone who holds or held a role
    there, plus people with no role anywhere yet (e.g. made with ``createsuperuser``).

    Choice lists of people start here, so nobody picks (or even sees the name
    of) another municipality's staff.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if municipality is None:
        return users.none()
    mine = Q(role_assignments__municipality=municipality) | Q(role_assignments__isnull=True)
    return users.filter(mine).distinct().order_by("username")


def works_elsewhere(user: Any, municipality: Municipality) -> bool:
    """True when the user holds or held a role only for other municipalities (one query)."""
    held = set(RoleAssignment.objects.filter(user=user).values_list("municipality_id", flat=True))
    return bool(held) and municipality.pk not in held


def units_visible_to(user: Any) -> QuerySet[OrgUnit]:
    """Units shown on the organisation page: the whole tree for office and auditors, else the subtree."""
    condition = Q(pk__in=[])
    for ra in roles_of(user):
        if ra.role in (Role.GOVERNANCE_OFFICE, Role.AUDITOR):
            condition |= Q(municipality_id=ra.municipality_id)
        elif ra.role == Role.SECTION_HEAD and ra.unit_id is not None:
            condition |= Q(municipality_id=ra.municipality_id, path__startswith=ra.unit.path)
    return OrgUnit.objects.filter(condition).order_by("path")


# ---- API tokens (koshiki.api) -------------------------------------------------------------


def can_manage_api_tokens(user: Any) -> bool:
    """Any signed-in, active user may issue API tokens for themself (never for someone else)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage_api_token(user: Any, token: Any) -> bool:
    """A token is seen and revoked only by the user it belongs to; no role reaches another's."""
    return can_manage_api_tokens(user) and token.user_id == user.pk


def api_tokens_visible_to(user: Any) -> QuerySet[Any]:
    """The user's own API tokens (another user's token is 404, never listed)."""
    from koshiki.api.models import ApiToken

    if not can_manage_api_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def require(allowed: bool, message: str) -> None:
    """Raise ``PermissionDenied`` with a Japanese ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)
