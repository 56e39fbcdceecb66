"""Who may open, see and work on an incident, freeze an account, or confirm an impersonation.

Built on ``registry.access`` (roles reaching an account) and ``org.access``
(roles held in a municipality). An incident about an account is seen by
everyone the account is visible to; one without an account (an important
mention of the city found by staff, 狛江市4(3)オ) by everyone holding a role
in the city (every section head may be told of it). Who may take a step, freeze or close is profile data (the
playbook's ``roles``, ``freeze_roles``, ``close_roles``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from koshiki.incidents.models import Incident
from koshiki.incidents.playbooks import Playbook, PlaybookStep
from koshiki.org.access import roles_of
from koshiki.org.models import Municipality, RoleAssignment
from koshiki.org.roles import CITY_ROLES, Role
from koshiki.registry import access as registry_access
from koshiki.registry.models import Account, AccountRole

_STAFF_ROLES = frozenset(
    {
        Role.OPERATOR,
        Role.SECTION_HEAD,
        Role.GOVERNANCE_OFFICE,
        Role.SECURITY_OFFICER,
        Role.CONTRACTOR,
        Role.DESIGNATED_MANAGER,
    }
)


def _holds_in_city(user: Any, municipality_id: int, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    if Role.OPERATOR in wanted:
        wanted |= {Role.CONTRACTOR, Role.DESIGNATED_MANAGER}
    return any(ra.role in wanted and ra.municipality_id == municipality_id for ra in roles_of(user))


def holds(user: Any, municipality_id: int, account: Account | None, roles: Iterable[str]) -> bool:
    """Holds one of ``roles`` for the account (operator: or its contractor), or in the city when there is none."""
    if account is not None:
        return bool(registry_access.assignments_reaching(user, account, roles))
    return _holds_in_city(user, municipality_id, roles)


def can_open_incident(user: Any, municipality: Municipality, account: Account | None) -> bool:
    """Anyone who works on the account (or, without one, any staff member of the city but the auditor)."""
    return holds(user, municipality.pk, account, _STAFF_ROLES)


def can_open_any(user: Any) -> bool:
    """Holds a role that may open incidents somewhere (the views refuse others before reading a form)."""
    return any(ra.role in _STAFF_ROLES for ra in roles_of(user))


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    """Incidents on accounts the user sees, plus the account-less ones of their city, plus their own."""
    condition = Q(account__in=registry_access.accounts_visible_to(user))
    for ra in roles_of(user):
        # A mention of the city concerns the whole city: every section head may be told of it.
        condition |= Q(municipality_id=ra.municipality_id, account__isnull=True)
    if getattr(user, "pk", None):
        condition |= Q(owner=user) | Q(second_person=user) | Q(opened_by=user)
    return Incident.objects.filter(condition)


def can_view_incident(user: Any, incident: Incident) -> bool:
    return incidents_visible_to(user).filter(pk=incident.pk).exists()


def can_take_step(user: Any, incident: Incident, step: PlaybookStep) -> bool:
    return holds(user, incident.municipality_id, incident.account, step.roles)


def can_work_on(user: Any, incident: Incident) -> bool:
    """May add evidence and notes, or join as the second person: staff who reach the account (not auditors)."""
    return incident.owner_id == getattr(user, "pk", None) or holds(
        user, incident.municipality_id, incident.account, _STAFF_ROLES
    )


def can_close(user: Any, incident: Incident, playbook: Playbook) -> bool:
    return incident.owner_id == getattr(user, "pk", None) or holds(
        user, incident.municipality_id, incident.account, playbook.close_roles
    )


def can_freeze(user: Any, account: Account, playbook: Playbook) -> bool:
    """The governance office or the account's section head (profile data: ``freeze_roles``)."""
    return bool(registry_access.assignments_reaching(user, account, playbook.freeze_roles))


def can_freeze_all(user: Any, municipality: Municipality, playbook: Playbook) -> bool:
    """A city-wide emergency: the governance office (``freeze_all_roles``)."""
    return _holds_in_city(user, municipality.pk, playbook.freeze_all_roles)


def holders_for(municipality_id: int, account: Account | None, role: str) -> list[Any]:
    """The people told when a step names ``role``: who holds it for the account (two queries).

    For the section head, the heads of the account's own unit (the nearest unit
    above it that has one), not every head up the tree: 「管理者は所属長に」.
    """
    wanted = {role}
    if role == Role.OPERATOR:
        wanted |= {Role.CONTRACTOR, Role.DESIGNATED_MANAGER}
    rows = list(
        RoleAssignment.objects.active()
        .filter(municipality_id=municipality_id, role__in=wanted, user__is_active=True)
        .select_related("unit", "user")
    )
    if account is None:
        covering = rows
    else:
        linked = dict(
            AccountRole.objects.filter(assignment__in=[r for r in rows if r.for_account]).values_list(
                "assignment_id", "account_id"
            )
        )
        covering = []
        for ra in rows:
            if ra.role in CITY_ROLES:
                covering.append(ra)
            elif ra.for_account:
                if linked.get(ra.pk) == account.pk:
                    covering.append(ra)
            elif ra.unit_id is not None and ra.unit.contains(account.owning_unit):
                covering.append(ra)
        if role == Role.SECTION_HEAD:
            deepest = max((ra.unit.depth for ra in covering if ra.unit_id), default=None)
            covering = [ra for ra in covering if ra.unit_id and ra.unit.depth == deepest]
    seen: dict[int, Any] = {}
    for ra in covering:
        seen.setdefault(ra.user_id, ra.user)
    return sorted(seen.values(), key=lambda u: u.pk)


def second_person_choices(incident: Incident) -> QuerySet[Any]:
    """Staff who could join the incident: working on the account or city-wide (not auditors)."""
    ids = set()
    for role in (Role.OPERATOR, Role.SECTION_HEAD, Role.GOVERNANCE_OFFICE, Role.SECURITY_OFFICER):
        ids |= {u.pk for u in holders_for(incident.municipality_id, incident.account, role)}
    if incident.account is not None:
        # Every head above the account counts too (上司や周囲に相談する).
        for ra in (
            RoleAssignment.objects.active()
            .filter(municipality_id=incident.municipality_id, role=Role.SECTION_HEAD)
            .select_related("unit")
        ):
            if ra.unit.contains(incident.account.owning_unit):
                ids.add(ra.user_id)
    ids.discard(incident.owner_id)
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")
