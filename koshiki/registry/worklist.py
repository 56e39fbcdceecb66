"""What needs someone's attention, at a cost that does not grow with the city (issue 10 item 9).

The home page and the attention list read the stored account findings
(``registry.stored_findings``) as counts plus a page, and look for steps
waiting for the user only among the accounts that can have one: those in a
state a forward step starts from, closing, past their 運用終了日, or with a
status check due within ``CHECK_NOTICE_DAYS``. A city of 3,000 listed
accounts costs the same few queries as one of 30.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from koshiki.org.access import roles_of
from koshiki.org.models import Municipality
from koshiki.registry import access
from koshiki.registry.attention import _FORWARD_KINDS, CHECK_NOTICE_DAYS, AttentionItem, is_waiting
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account, Device, StoredFindings
from koshiki.registry.states import FINAL_STATES, Status
from koshiki.registry.stored_findings import READER_LIMIT, refresh_stale, stored_findings

FLAGGED_PAGE = 50
HOME_FLAGGED = 10


@lru_cache(maxsize=64)
def _forward_states(profile_id: str) -> frozenset[str]:
    """States from which a forward step (consult, approve, list, ...) starts under the profile."""
    procedures = load_procedures(profile_id)
    return frozenset(
        s.value for s in Status if any(x.kind in _FORWARD_KINDS for x in procedures.steps_from(s))
    )


def _open(user: Any) -> QuerySet[Account]:
    return access.accounts_visible_to(user).exclude(status__in=FINAL_STATES)


def _may_wait(accounts: QuerySet[Account], today: date, cities: list[Municipality]) -> QuerySet[Account]:
    """A superset of the accounts with a step waiting or a check due (exact test in Python)."""
    forward: set[str] = set()
    for profile_id in {city.profile_id for city in cities}:
        forward |= _forward_states(profile_id)
    return accounts.filter(
        Q(status__in=forward)
        | Q(status=Status.CLOSING)
        | Q(period_end__lt=today)
        | Q(next_check_due__lte=today + timedelta(days=CHECK_NOTICE_DAYS))
    )


def _flagged(accounts: QuerySet[Account]) -> QuerySet[Account]:
    return accounts.filter(Q(stored_findings__errors__gt=0) | Q(stored_findings__warnings__gt=0))


def _is_flagged(account: Account) -> bool:
    """``_flagged``'s test on an account loaded with its stored row."""
    row = account.stored_findings if _has_row(account) else None
    return row is not None and (row.errors > 0 or row.warnings > 0)


class _CountedPaginator(Paginator):
    """A paginator told its count (the caller counted already): no COUNT query."""

    def __init__(self, object_list: QuerySet[Account], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _item(account: Account) -> AttentionItem:
    row = getattr(account, "stored_findings", None) if _has_row(account) else None
    return AttentionItem(account, findings=stored_findings(row))


def _has_row(account: Account) -> bool:
    try:
        account.stored_findings  # noqa: B018 - loaded by select_related
    except StoredFindings.DoesNotExist:
        return False
    return True


@dataclass
class Worklist:
    """Steps waiting for the user, checks due, and the accounts with findings (counted, one page listed)."""

    waiting: list[tuple[Account, Any]]
    checks: list[AttentionItem]
    pending: list[AttentionItem]  # accounts with a waiting step or a check due, with their findings
    flagged: Page  # accounts with findings not already in ``pending``
    flagged_count: int  # every visible account with an error or a warning
    error_count: int  # of which with at least one error


def worklist(
    user: Any, today: date | None = None, *, page: int | str = 1, per_page: int = FLAGGED_PAGE
) -> Worklist:
    """The user's worklist; refreshes stale stored findings among the visible accounts first (a bounded batch)."""
    today = today or timezone.localdate()
    visible = _open(user)
    # Every visible account lies in a city of one of the user's roles (registry.access), and
    # roles_of loaded those cities with the roles: no query to find them.
    cities = [ra.municipality for ra in roles_of(user)]
    # The scope is the user's roles: whatever they see was found current at that state.
    scope = ("worklist", user.pk, tuple(sorted(ra.pk for ra in roles_of(user))))
    refresh_stale(visible, today, limit=READER_LIMIT, cities=cities, mark=scope)
    pending: list[AttentionItem] = []
    waiting: list[tuple[Account, Any]] = []
    candidates = (
        _may_wait(visible, today, cities)
        .select_related("municipality", "owning_unit", "stored_findings")
        .prefetch_related(Prefetch("devices", queryset=Device.objects.all()))
    )
    for account in candidates:
        procedures = load_procedures(account.municipality.profile_id)
        item = _item(account)
        item.waiting_steps = [
            s
            for s in procedures.steps_from(account.status)
            if procedures.applies(s, account.platform)
            and is_waiting(account, s, today)
            and access.can_perform_step(user, account, s)
        ]
        if account.next_check_due and account.next_check_due <= today:
            item.check_due = account.next_check_due
        if item.waiting_steps or item.check_due:
            pending.append(item)
            waiting.extend((account, step) for step in item.waiting_steps)
    counts = _flagged(visible).aggregate(
        n=Count("pk"), errors=Count("pk", filter=Q(stored_findings__errors__gt=0))
    )
    rest = (
        _flagged(visible)
        .exclude(pk__in=[item.account.pk for item in pending])
        .select_related("owning_unit", "stored_findings")
        .order_by(
            "-stored_findings__errors",
            "-stored_findings__warnings",
            "owning_unit__path",
            "display_name",
            "pk",
        )
    )
    # The rest's size is known without a query: every flagged account less the pending ones that are.
    in_pending = sum(1 for item in pending if _is_flagged(item.account))
    flagged = _CountedPaginator(rest, per_page, counts["n"] - in_pending).get_page(page)
    flagged.object_list = [_item(account) for account in flagged.object_list]
    return Worklist(
        waiting=waiting,
        checks=[item for item in pending if item.check_due],
        pending=pending,
        flagged=flagged,
        flagged_count=counts["n"],
        error_count=counts["errors"],
    )
