"""Account findings stored per account, so busy pages count and list them without running the rules.

The governance office sees every account of the city; running the account
rules for each of them on every view of the home page cost 110 ms of CPU at
300 accounts (issue 10 item 9). Instead each account's findings live in one
``StoredFindings`` row, written:

- by the registry actions that change an account (``refresh_account`` inside
  their transaction, so the row and the change commit together);
- by the daily duty run (``refresh_stale`` for every account: the rules on
  password age, roster renewal and 運用終了日 change with the date alone);
- lazily by a reader (``refresh_stale`` with ``limit=READER_LIMIT``) when a row
  is missing, older than the account's last save, from another day, or from
  another checker or profile version, e.g. after an upgrade or a profile edit.

A reader recomputes at most ``READER_LIMIT`` rows, missing ones and ones older
than their account first: after an upgrade every row of a 3,000-account city is
stale at once, and each concurrent view of the office's home page recomputing
all of them took 3.2 s of CPU and timed out (load benchmark, 2026-12-07). The
rest are late by a checker version or a day, never by a change to the account
(the actions refresh that row in their own transaction), until the next views,
the daily run or ``refresh_account_findings`` catch up. The rows are a derived copy (like the checker's findings on a
revision), not a decision, so writing them records no audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from koshiki.checker import Clause, Finding, Severity, Suggestion
from koshiki.checker.versions import checker_version
from koshiki.citysettings.effective import effective_profile
from koshiki.org.models import Municipality
from koshiki.registry.attention import account_findings
from koshiki.registry.models import Account, Device, StoredFindings

# Bumped when the registry's own finding (registry.period_ended) or the mapping changes.
REGISTRY_FINDINGS_VERSION = "1"


def findings_version(municipality: Municipality) -> str:
    """The version a stored row must carry to be current for the accounts of ``municipality``.

    It covers the city's settings (``citysettings``) as well as the checker and
    profile: a changed phone number or domain makes the rows stale.
    """
    return f"{checker_version(effective_profile(municipality))}/{REGISTRY_FINDINGS_VERSION}"


def _as_dict(finding: Finding) -> dict[str, Any]:
    return finding.as_dict()


def finding_of(data: dict[str, Any]) -> Finding:
    """A stored finding back as the checker's ``Finding`` (templates read ``severity.label`` etc.)."""
    suggestion = data.get("suggestion")
    return Finding(
        rule=data["rule"],
        severity=Severity(data["severity"]),
        start=data.get("start", 0),
        end=data.get("end", 0),
        message=data["message"],
        clause=Clause(**data["clause"]),
        suggestion=Suggestion(**suggestion) if suggestion else None,
    )


def _row(account: Account, today: date) -> StoredFindings:
    found = account_findings(account, today)
    return StoredFindings(
        account=account,
        version=findings_version(account.municipality),
        computed_on=today,
        account_updated_at=account.updated_at,
        errors=sum(1 for f in found if f.severity == Severity.ERROR),
        warnings=sum(1 for f in found if f.severity == Severity.WARNING),
        findings=[_as_dict(f) for f in found],
    )


def _save(rows: list[StoredFindings]) -> None:
    """Insert or overwrite the rows in one statement (a concurrent writer's row is simply replaced)."""
    if rows:
        StoredFindings.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["account"],
            update_fields=["version", "computed_on", "account_updated_at", "errors", "warnings", "findings"],
            batch_size=500,
        )


def _loaded(accounts: QuerySet[Account]) -> QuerySet[Account]:
    return accounts.select_related("municipality", "current_policy").prefetch_related(
        Prefetch("devices", queryset=Device.objects.all())
    )


def refresh_account(account: Account | int, today: date | None = None) -> StoredFindings:
    """Recompute one account's row now (called by the registry actions after they save the account)."""
    pk = account.pk if isinstance(account, Account) else account
    fresh = _loaded(Account.objects.filter(pk=pk)).get()
    row = _row(fresh, today or timezone.localdate())
    _save([row])
    return row


def _versions(cities: Iterable[Municipality]) -> dict[int, str]:
    """Each city's current findings version (one settings query per city)."""
    return {city.pk: findings_version(city) for city in cities}


def _current_versions(versions: dict[int, str]) -> Q:
    """Rows whose version is current for their city's effective profile."""
    fresh = Q(pk__in=[])
    for city_id, version in versions.items():
        fresh |= Q(municipality_id=city_id, stored_findings__version=version)
    return fresh


def stale(
    accounts: QuerySet[Account],
    today: date,
    cities: Iterable[Municipality] | None = None,
    versions: dict[int, str] | None = None,
) -> QuerySet[Account]:
    """The accounts among ``accounts`` whose stored row is missing or out of date.

    ``cities``: the municipalities ``accounts`` lie in, when the caller knows them
    (a reader: its roles' cities), saving the query that finds them; ``versions``:
    their findings versions, when the caller computed them already.
    """
    if versions is None:
        if cities is None:
            cities = Municipality.objects.filter(
                pk__in=accounts.order_by().values_list("municipality_id", flat=True).distinct()
            )
        versions = _versions(cities)
    current = (
        _current_versions(versions)
        & Q(stored_findings__computed_on=today)
        & Q(stored_findings__account_updated_at=F("updated_at"))
    )
    return accounts.exclude(current)


READER_LIMIT = 50  # rows a page view recomputes at most (about 1 ms each)


# Per process: for a reader's scope, the state of its cities at which nothing was stale.
_clean_marks: dict[Any, tuple[Any, ...]] = {}


def forget_clean_marks() -> None:
    """Drop this process's marks (tests that rebuild the database between them)."""
    _clean_marks.clear()


def _cities_state(versions: dict[int, str], today: date) -> tuple[Any, ...]:
    """What makes a row stale, for the cities of ``versions``: the day, each city's findings
    version, and its accounts' number and last save (one aggregate)."""
    accounts = Account.objects.filter(municipality__in=list(versions)).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return today, tuple(sorted(versions.items())), accounts["n"], accounts["last"]


def refresh_stale(
    accounts: QuerySet[Account],
    today: date | None = None,
    *,
    limit: int | None = None,
    cities: Iterable[Municipality] | None = None,
    mark: Any = None,
) -> int:
    """Recompute the stale rows among ``accounts`` (at most ``limit``, rows behind their account first).

    Returns the number recomputed (one query per city and one for the rows when none is;
    ``cities`` as in ``stale``). ``mark`` (with ``cities``): a key for the reader's scope.
    When this scope was found clean at the same state of its cities (same day, versions,
    number of accounts and last save), the search over every account is skipped: a
    3,000-account city's office home page paid 8-15 ms of PostgreSQL for it on each view.
    A row can only go stale by one of those changing (the actions refresh the row of an
    account they save in the same transaction), so the search runs again when one does.
    """
    today = today or timezone.localdate()
    state = versions = None
    if mark is not None and cities is not None:
        versions = _versions(cities)  # once: for the state and for the search
        state = _cities_state(versions, today)
        if _clean_marks.get(mark) == state:
            return 0
    todo_qs = stale(accounts, today, cities, versions)
    if limit is not None:
        # A missing row or one older than the account's last save first: those may hide a change;
        # a row of another day or checker version is only late.
        behind = Case(
            When(stored_findings__account_updated_at=F("updated_at"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        todo_qs = todo_qs.order_by(behind, "pk")[:limit]
    todo = list(_loaded(todo_qs))
    _save([_row(account, today) for account in todo])
    if state is not None and (limit is None or len(todo) < limit):
        _clean_marks[mark] = state  # everything the scope sees is current now
    return len(todo)


def stored_findings(row: StoredFindings | None, *, with_info: bool = False) -> list[Finding]:
    """The findings of a row (errors first), without the informational ones unless asked."""
    if row is None:
        return []
    found = [finding_of(d) for d in row.findings]
    return found if with_info else [f for f in found if f.severity != Severity.INFO]
