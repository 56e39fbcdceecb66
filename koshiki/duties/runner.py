"""``run_duties``: turn what is due into tasks, resolve what the records show done, notify, send mails.

Idempotent by construction, so cron may run it twice or two servers at once:

- a task is unique per (municipality, key); a racing insert loses to the
  database constraint and is skipped;
- a notification is unique per (recipient, key): ``duty:<task>`` when the
  task appears, ``duty:<task>:overdue`` once it is overdue;
- a mail is claimed with a conditional UPDATE before it is sent
  (``notify.service.deliver``), and a digest is unique per person and day.

So a second run on the same date creates, notifies and sends nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from koshiki.audit.events import record_event, snapshot
from koshiki.audit.exports import run_pending
from koshiki.duties.definitions import DueItem, due_items, duties_for
from koshiki.duties.models import DutyRun, DutySettings, DutyTask, TaskStatus
from koshiki.fiscal import fiscal_year, to_wareki
from koshiki.notify.models import MailStatus, OutboxMail
from koshiki.notify.service import deliver, notify, queue_digests
from koshiki.org.models import Municipality
from koshiki.registry.access import people_holding
from koshiki.registry.models import Account
from koshiki.registry.stored_findings import refresh_stale

_TASK_FIELDS = ["fiscal_year", "duty", "key", "account", "title", "clause", "role", "due_on", "status"]


@dataclass
class RunReport:
    """What one run did (or, with ``dry_run``, would do)."""

    day: date
    dry_run: bool
    created: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    notified: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0
    findings_refreshed: int = 0
    exports_written: int = 0


def daily_checks_on(municipality: Municipality) -> bool:
    return DutySettings.objects.filter(municipality=municipality, record_daily_checks=True).exists()


def create_task(item: DueItem, municipality: Municipality, today: date) -> DutyTask | None:
    """Insert the task for ``item`` with its audit event; None when another run inserted it first."""
    try:
        with transaction.atomic():
            task = DutyTask.objects.create(
                municipality=municipality,
                fiscal_year=fiscal_year(today),
                duty=item.duty.code,
                key=item.key,
                account=item.account,
                title=item.title[:300],
                clause=item.duty.clause,
                role=item.duty.role,
                url=item.url,
                due_on=item.due_on,
                created_on=today,
            )
            record_event(
                None, "duty.task.create", task, {}, snapshot(task, _TASK_FIELDS), municipality=municipality
            )
    except IntegrityError:
        return None
    return task


def _recipients(task: DutyTask) -> list[Any]:
    return people_holding(task.account, [task.role]) if task.account is not None else []


def notify_task(task: DutyTask, today: date) -> int:
    """Tell the task's people it is due (once) and, when overdue, that it is overdue (once)."""
    people = _recipients(task)
    if not people:
        return 0
    url = task.url or reverse("duties:calendar")
    body = f"期限: {to_wareki(task.due_on)}" + (f"（根拠: {task.clause}）" if task.clause else "")
    sent = len(
        notify(
            people,
            kind=f"duty.{task.duty}",
            title=task.title,
            body=body,
            url=url,
            municipality=task.municipality,
            key=f"duty:{task.pk}",
            topic=f"duty:{task.pk}",
        )
    )
    if task.due_on < today:
        sent += len(
            notify(
                people,
                kind=f"duty.{task.duty}.overdue",
                title=f"【期限切れ】{task.title}",
                body=body,
                url=url,
                municipality=task.municipality,
                key=f"duty:{task.pk}:overdue",
                topic=f"duty:{task.pk}",
            )
        )
    return sent


def _notify_daily(tasks: list[DutyTask], today: date) -> int:
    """One notification per person a day for the routine daily checks, not one per account."""
    per_person: dict[int, tuple[Any, list[DutyTask]]] = {}
    for task in tasks:
        for user in _recipients(task):
            per_person.setdefault(user.pk, (user, []))[1].append(task)
    count = 0
    for user, mine in per_person.values():
        count += len(
            notify(
                [user],
                kind="duty.daily_check",
                title=f"本日の日常確認 {len(mine)}件（{to_wareki(today)}）",
                body="、".join(t.account.display_name for t in mine if t.account)[:500],
                url=reverse("duties:calendar") + "?mine=1",
                municipality=mine[0].municipality,
                key=f"daily_check:{today}",
            )
        )
    return count


def run_city(municipality: Municipality, today: date, report: RunReport) -> None:
    daily = daily_checks_on(municipality)
    duties = duties_for(municipality, daily_checks=daily)
    items = list(due_items(municipality, today, daily_checks=daily))
    keys = {i.key for i in items}
    existing = set(
        DutyTask.objects.filter(municipality=municipality, key__in=keys).values_list("key", flat=True)
    )
    derived = [code for code, d in duties.items() if not d.manual]
    stale = DutyTask.objects.filter(
        municipality=municipality, status=TaskStatus.OPEN, duty__in=derived
    ).exclude(key__in=keys)
    if report.dry_run:
        report.created += [f"{municipality.name}: {i.title}" for i in items if i.key not in existing]
        report.resolved += [f"{municipality.name}: {t.title}" for t in stale]
        return
    for item in items:
        if item.key not in existing and create_task(item, municipality, today) is not None:
            report.created.append(f"{municipality.name}: {item.title}")
    for task in stale:
        with transaction.atomic():
            # Conditional UPDATE: a person completing it at this moment wins, and nothing is written twice.
            if DutyTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
                status=TaskStatus.RESOLVED, done_at=timezone.now(), note="記録により対応済みを確認"
            ):
                record_event(
                    None,
                    "duty.task.resolve",
                    task,
                    {"status": TaskStatus.OPEN},
                    {"status": TaskStatus.RESOLVED},
                    municipality=municipality,
                )
                report.resolved.append(f"{municipality.name}: {task.title}")
    open_tasks = list(
        DutyTask.objects.filter(
            municipality=municipality, status=TaskStatus.OPEN, due_on__lte=today + timedelta(days=31)
        )
        .select_related("account__owning_unit", "account__municipality", "municipality")
        .order_by("pk")
    )
    daily_tasks = [t for t in open_tasks if t.duty == "daily_check" and t.due_on == today]
    with transaction.atomic():
        for task in open_tasks:
            if task.duty != "daily_check":
                report.notified += notify_task(task, today)
        report.notified += _notify_daily(daily_tasks, today)


def run(today: date, *, dry_run: bool = False, send: bool = True) -> RunReport:
    """Run every city's duties for ``today``, then queue digests and send (or retry) mails.

    ``send=False`` (the demo loader) leaves the outbox for the next run.
    """
    report = RunReport(today, dry_run)
    started = timezone.now()
    for municipality in Municipality.objects.order_by("pk"):
        run_city(municipality, today, report)
    if dry_run:
        return report
    # A new day changes the time-based account rules (password age, roster renewal, 運用終了日):
    # recompute the stored findings now, so no one's first page view of the day pays for it.
    report.findings_refreshed = refresh_stale(Account.objects.all(), today)
    report.exports_written = len(run_pending())  # audit exports still waiting (cron may run it more often)
    if send:
        report.digests = queue_digests(today)
        _, report.failed = deliver()
        # Mails also leave right after each commit (notify's on_commit); count every one sent in this run.
        report.sent = OutboxMail.objects.filter(status=MailStatus.SENT, sent_at__gte=started).count()
    DutyRun.objects.create(
        run_on=today,
        started_at=started,
        created=len(report.created),
        resolved=len(report.resolved),
        notified=report.notified,
        mails_sent=report.sent,
        mails_failed=report.failed,
    )
    return report


def group_by_city(lines: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        city, _, text = line.partition(": ")
        out[city].append(text)
    return out
