"""Who may see or change an official account: its records, security facts, roster and lifecycle steps.

Built on the roles of ``org.access``: an assignment reaches an account when it
is city-wide in the account's municipality, held for that very account, or
held for the account's owning unit or a unit above it. A lifecycle step names
the roles that may perform it (procedures data); a step naming ``operator`` is
also open to the contractor or designated manager assigned to that account
(石巻市2: they run their own accounts). Views use ``accounts_visible_to`` as
the base queryset so another unit's records are 404, never shown. No helper
costs more than the one cached roles query, except the querysets, which cost
nothing until evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from koshiki.org.access import roles_of
from koshiki.org.models import OrgUnit, RoleAssignment
from koshiki.org.roles import CITY_ROLES, Role
from koshiki.registry.lifecycle import Procedures, Step
from koshiki.registry.models import Account, AccountRole

# Who counts as the account's operator for a step that names "operator".
_OPERATOR_LIKE = frozenset({Role.OPERATOR, Role.CONTRACTOR, Role.DESIGNATED_MANAGER})


_ACCOUNT_ATTR = "_koshiki_account_id"


def account_roles_of(user: Any) -> list[RoleAssignment]:
    """``org.access.roles_of(user)``, each account-scoped assignment carrying its account's id.

    One query for the ``AccountRole`` rows, only when the user holds a role for
    an account; the ids ride on the cached assignments, so they go when
    ``forget_roles`` drops them.
    """
    roles = roles_of(user)
    missing = [ra for ra in roles if ra.for_account and not hasattr(ra, _ACCOUNT_ATTR)]
    if missing:
        ids = dict(
            AccountRole.objects.filter(assignment__in=missing).values_list("assignment_id", "account_id")
        )
        for ra in missing:
            setattr(ra, _ACCOUNT_ATTR, ids.get(ra.pk))
    return roles


def _account_id(ra: RoleAssignment) -> int | None:
    return getattr(ra, _ACCOUNT_ATTR, None) if ra.for_account else None


def account_of(assignment: RoleAssignment) -> Account | None:
    """The account an assignment is held for, or None for a unit or city-wide role (one query at most)."""
    if not assignment.for_account:
        return None
    link = AccountRole.objects.select_related("account__owning_unit").filter(assignment=assignment).first()
    return link.account if link is not None else None


def _covers(ra: RoleAssignment, account: Account) -> bool:
    """Does this one assignment (from ``account_roles_of``) reach this account?"""
    if ra.municipality_id != account.municipality_id:
        return False
    if ra.role in CITY_ROLES:
        return True
    if ra.for_account:
        return _account_id(ra) == account.pk
    if ra.unit_id is not None:
        return ra.unit.contains(account.owning_unit)
    return False


def assignments_reaching(user: Any, account: Account, roles: Iterable[str]) -> list[RoleAssignment]:
    """The user's assignments of one of ``roles`` that reach ``account`` (operator: or the account's contractor)."""
    wanted = _wanted(roles)
    return [ra for ra in account_roles_of(user) if ra.role in wanted and _covers(ra, account)]


def _wanted(roles: Iterable[str]) -> set[str]:
    """The roles asked for; the operator's includes the contractor and the designated manager."""
    wanted = set(roles)
    return wanted | _OPERATOR_LIKE if Role.OPERATOR in wanted else wanted


def holds_any(user: Any, roles: Iterable[str]) -> bool:
    """True when the user holds one of ``roles`` for some account or unit (no query beyond the cached roles).

    A cheap gate before a list whose every row is kept only for a holder of
    ``roles`` (``holds_for``): a person without any of them is spared the query.
    """
    wanted = _wanted(roles)
    return any(ra.role in wanted for ra in roles_of(user))


def role_names(user: Any) -> set[str]:
    """The roles a task naming them would reach the user by (operator: also through an operator-like role)."""
    held = {ra.role for ra in roles_of(user)}
    return held | {Role.OPERATOR} if held & _OPERATOR_LIKE else held


def holds_for(user: Any, role: str, account: Account) -> bool:
    """True when the user holds ``role`` (operator: or contractor/designated manager) for ``account``."""
    return bool(assignments_reaching(user, account, [role]))


def accounts_visible_to(user: Any) -> QuerySet[Account]:
    """The accounts the user may see, as a queryset filter (no query until evaluated)."""
    return _reached_by(account_roles_of(user))


def accounts_reached_by(user: Any, roles: Iterable[str]) -> QuerySet[Account]:
    """The accounts for which the user holds one of ``roles`` (as ``assignments_reaching``), as a filter.

    The queryset form of asking ``assignments_reaching`` account by account: a
    city-wide page costs one query, not one check per account of the city.
    """
    wanted = _wanted(roles)
    return _reached_by([ra for ra in account_roles_of(user) if ra.role in wanted])


def _reached_by(assignments: Iterable[RoleAssignment]) -> QuerySet[Account]:
    condition = Q(pk__in=[])
    for ra in assignments:
        if ra.role in CITY_ROLES:
            condition |= Q(municipality_id=ra.municipality_id)
        elif ra.for_account:
            condition |= Q(pk=_account_id(ra))
        elif ra.unit_id is not None:
            condition |= Q(municipality_id=ra.municipality_id, owning_unit__path__startswith=ra.unit.path)
    return Account.objects.filter(condition)


def can_view_account(user: Any, account: Account) -> bool:
    return any(_covers(ra, account) for ra in account_roles_of(user))


def can_edit_account(user: Any, account: Account) -> bool:
    """May change the account's details, security facts, roster, devices and apps.

    The account's operators (incl. its contractor / designated manager) and the
    section heads above it; the action still guards the account's state.
    """
    return bool(assignments_reaching(user, account, [Role.OPERATOR, Role.SECTION_HEAD]))


def can_edit_security(user: Any, account: Account) -> bool:
    """Security facts may also be recorded by the information-security officer (狛江市4(3)カ)."""
    return can_edit_account(user, account) or holds_for(user, Role.SECURITY_OFFICER, account)


def can_perform_step(user: Any, account: Account, step: Step) -> bool:
    """May perform this lifecycle step on this account (the step's roles are profile data)."""
    return bool(assignments_reaching(user, account, step.roles))


def can_approve_device(user: Any, account: Account, procedures: Procedures) -> bool:
    """The profile names who approves posting devices (川崎市5(10): ICT推進課)."""
    return bool(assignments_reaching(user, account, procedures.device_approver_roles))


def people_holding(account: Account, roles: Iterable[str]) -> list[Any]:
    """The active people who hold one of ``roles`` for ``account`` (whom to tell that a step waits).

    The reverse of ``assignments_reaching``: city-wide holders, holders for a unit
    at or above the owning unit, and holders for the account itself (operator:
    or its contractor / designated manager). Two queries.
    """
    wanted = set(roles)
    if Role.OPERATOR in wanted:
        wanted |= _OPERATOR_LIKE
    for_this = set(AccountRole.objects.filter(account=account).values_list("assignment_id", flat=True))
    rows = (
        RoleAssignment.objects.active()
        .filter(municipality_id=account.municipality_id, role__in=sorted(wanted), user__is_active=True)
        .select_related("user", "unit")
        .order_by("user_id")
    )
    out: dict[int, Any] = {}
    for ra in rows:
        if (
            ra.role in CITY_ROLES
            or (ra.for_account and ra.pk in for_this)
            or (not ra.for_account and ra.unit_id is not None and ra.unit.contains(account.owning_unit))
        ):
            out.setdefault(ra.user_id, ra.user)
    return list(out.values())


def role_target(unit: OrgUnit | None, account: Account | None) -> OrgUnit | None:
    """The unit a role assignment lands on: the account's owning unit, else the unit itself."""
    return account.owning_unit if account is not None else unit
