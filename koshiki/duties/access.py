"""Who sees the duty calendar, whose tasks are whose, and who completes or configures them.

The governance office and auditors see every task of their city; everyone
else sees the tasks of the accounts they may see. A task is completed by a
holder of its role for its account (the section head for a review, the
operator for a daily check), never by someone merely able to read it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from koshiki.duties.models import DutyTask
from koshiki.org.access import municipality_of, roles_of
from koshiki.org.models import Municipality
from koshiki.org.roles import Role
from koshiki.registry.access import accounts_visible_to, holds_for, role_names


def sees_whole_city(user: Any, municipality: Municipality | None) -> bool:
    return municipality is not None and any(
        ra.role in (Role.GOVERNANCE_OFFICE, Role.AUDITOR) and ra.municipality_id == municipality.pk
        for ra in roles_of(user)
    )


def tasks_visible_to(user: Any) -> QuerySet[DutyTask]:
    municipality = municipality_of(user)
    if municipality is None:
        return DutyTask.objects.none()
    tasks = DutyTask.objects.filter(municipality=municipality)
    if sees_whole_city(user, municipality):
        return tasks
    return tasks.filter(Q(account__in=accounts_visible_to(user)))


def is_mine(user: Any, task: DutyTask) -> bool:
    """Does the user hold the task's role for its account (whose to-do it is)?"""
    return task.account is not None and holds_for(user, task.role, task.account)


def can_complete(user: Any, task: DutyTask) -> bool:
    return is_mine(user, task)


def can_configure(user: Any, municipality: Municipality | None) -> bool:
    """The governance office chooses what the city records (日常確認)."""
    return municipality is not None and any(
        ra.role == Role.GOVERNANCE_OFFICE and ra.municipality_id == municipality.pk for ra in roles_of(user)
    )


def my_open_tasks(user: Any, today: Any) -> tuple[int, int]:
    """(open, overdue) counts of the tasks that are the user's own (for the home page)."""
    # Only tasks naming a role the user holds can be theirs (is_mine): the office's home page
    # does not load every open task of the city to keep its own few.
    tasks = (
        tasks_visible_to(user)
        .filter(status="open", role__in=sorted(role_names(user)))
        .select_related("account__owning_unit")
    )
    mine = [t for t in tasks if is_mine(user, t)]
    return len(mine), sum(1 for t in mine if t.due_on < today)
