"""Who must use a second factor, who sees the staff's enrolment, and who may reset it.

ASVS 6.3.2 and issue 10 item 3: the roles that approve, govern, audit or
judge (所属長, 所管課, 統括情報セキュリティ責任者, 委員会委員・委員長, 監査担当)
must sign in with a TOTP code; operators, contractors and designated
managers may (once they enrol, their sign-in asks for it too). Only the
governance office resets a factor, only for people of its own city, and
never its own: a taken-over office login could otherwise swap its own
factor.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from koshiki.org.access import municipality_of, role_values, roles_of
from koshiki.org.models import Municipality, RoleAssignment
from koshiki.org.roles import Role

REQUIRED_ROLES = frozenset(
    {
        Role.SECTION_HEAD,
        Role.GOVERNANCE_OFFICE,
        Role.SECURITY_OFFICER,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_CHAIR,
        Role.AUDITOR,
    }
)


def second_factor_required(user: Any) -> bool:
    """True when one of the user's active roles requires a second factor."""
    return bool(role_values(user) & REQUIRED_ROLES)


def totp_device_of(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device (one per person), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _office_municipalities(user: Any) -> set[int]:
    return {ra.municipality_id for ra in roles_of(user) if ra.role == Role.GOVERNANCE_OFFICE}


def can_view_second_factors(user: Any) -> bool:
    """The office, the security officer and the auditor see who has enrolled in their city."""
    return bool(role_values(user) & {Role.GOVERNANCE_OFFICE, Role.SECURITY_OFFICER, Role.AUDITOR})


def can_reset_second_factors(user: Any) -> bool:
    """May reset someone's factor at all (the governance office)."""
    return bool(_office_municipalities(user))


def staff_of(municipality: Municipality | None) -> QuerySet[Any]:
    """People who hold or held a role in the municipality (the people its office answers for)."""
    if municipality is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(role_assignments__municipality=municipality)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def people_visible_to(user: Any) -> QuerySet[Any]:
    """The staff whose enrolment the user may see (their own city's; none for other roles)."""
    if not can_view_second_factors(user):
        return get_user_model().objects.none()
    return staff_of(municipality_of(user))


def required_in(municipality: Municipality | None) -> set[int]:
    """Ids of the people whose active role in the municipality requires a second factor (one query)."""
    if municipality is None:
        return set()
    return set(
        RoleAssignment.objects.active()
        .filter(municipality=municipality, role__in=REQUIRED_ROLES)
        .values_list("user_id", flat=True)
    )


def can_reset_second_factor(actor: Any, person: Any) -> bool:
    """The governance office of a city the person works in; nobody resets their own factor."""
    if person is None or actor is None or actor.pk == person.pk:
        return False
    offices = _office_municipalities(actor)
    return bool(offices) and person.role_assignments.filter(municipality_id__in=offices).exists()


def resettable_by(actor: Any) -> QuerySet[Any]:
    """People whose factor ``actor`` may reset (their own city's staff, never themself)."""
    offices = _office_municipalities(actor)
    if not offices:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(role_assignments__municipality_id__in=offices)
        .exclude(pk=actor.pk)
        .distinct()
    )
