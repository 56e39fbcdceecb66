"""Role resolution: which roles a person holds, where, and who may manage the organisation.

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

This module knows people, units and roles only; who may see or change an
object lives beside the object, built on these helpers: accounts in
``registry.access``, drafts in ``posts.access``, campaigns in
``campaigns.access``, API tokens in ``api.access``, the trail in
``audit.access``. Every helper costs at most one query per request for the
user's roles (cached on the user object).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from koshiki.org.models import Municipality, OrgUnit, RoleAssignment
from koshiki.org.roles import COMPANY_ROLES, Role

_CACHE_ATTR = "_koshiki_role_assignments"


def roles_of(user: Any) -> list[RoleAssignment]:
    """The user's active role assignments (one query, cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.active().filter(user=user).select_related("unit", "municipality")
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


# ---- organisation ---------------------------------------------------------------------------


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


def can_assign_role(user: Any, municipality: Municipality, role: str, target: OrgUnit | None) -> bool:
    """The governance office assigns any role; a section head assigns operators,
    contractors and designated managers inside their own unit subtree.

    ``target`` is the unit the role lands on: the unit itself, or the owning
    unit of the account a role is held for (``registry.access.role_target``).
    """
    if can_manage_units(user, municipality):
        return True
    if role not in (Role.OPERATOR, *COMPANY_ROLES):
        return False
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
