"""Who keeps a committee's meetings, who votes and who declares the decision.

The office (事務局) or the chair records a meeting; only members marked
present vote; the chair, present, declares the decision. Auditors and
members read the meetings of their own city.
"""

from __future__ import annotations

import math
from typing import Any

from koshiki.committees.models import Attendance, Meeting
from koshiki.org.access import roles_of
from koshiki.org.models import Municipality, RoleAssignment
from koshiki.org.roles import Role
from koshiki.registry.lifecycle import load_procedures

_MEMBER_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR)


def _holds(user: Any, municipality: Municipality | None, roles: tuple[str, ...]) -> bool:
    return municipality is not None and any(
        ra.role in roles and ra.municipality_id == municipality.pk for ra in roles_of(user)
    )


def members_of(municipality: Municipality) -> list[tuple[Any, bool]]:
    """The committee's current members as (user, is_chair), chair first (one query)."""
    rows = (
        RoleAssignment.objects.active()
        .filter(municipality=municipality, role__in=_MEMBER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    chairs: dict[int, bool] = {}
    users: dict[int, Any] = {}
    for ra in rows:
        users[ra.user_id] = ra.user
        chairs[ra.user_id] = chairs.get(ra.user_id, False) or ra.role == Role.COMMITTEE_CHAIR
    return sorted(((u, chairs[pk]) for pk, u in users.items()), key=lambda p: (not p[1], p[0].username))


def quorum_for(rule: str | int, member_count: int) -> int:
    """The number of members who must be present: 半数以上 (half), 過半数 (majority) or a fixed number."""
    if rule == "half":
        return max(1, math.ceil(member_count / 2))
    if rule == "majority":
        return member_count // 2 + 1
    return int(rule)


def has_committee(municipality: Municipality) -> bool:
    """Does the city's profile name a committee that decides (``[committee]`` in its procedures)?"""
    return bool(load_procedures(municipality.profile_id).committee_name)


def can_view_meetings(user: Any, municipality: Municipality | None) -> bool:
    return _holds(user, municipality, (*_MEMBER_ROLES, Role.GOVERNANCE_OFFICE, Role.AUDITOR))


def can_keep_meetings(user: Any, municipality: Municipality | None) -> bool:
    """Record a meeting, its attendance and its minutes: the office (委員会事務局) or the chair."""
    return _holds(user, municipality, (Role.GOVERNANCE_OFFICE, Role.COMMITTEE_CHAIR))


def attendance_of(user: Any, meeting: Meeting) -> Attendance | None:
    return Attendance.objects.filter(meeting=meeting, member=user).first()


def can_vote(user: Any, meeting: Meeting) -> bool:
    """A member marked present at this meeting who still holds a committee role."""
    seat = attendance_of(user, meeting)
    return seat is not None and seat.present and _holds(user, meeting.municipality, _MEMBER_ROLES)


def can_decide(user: Any, meeting: Meeting) -> bool:
    """The chair, present, declares the committee's decision."""
    seat = attendance_of(user, meeting)
    return seat is not None and seat.present and _holds(user, meeting.municipality, (Role.COMMITTEE_CHAIR,))
