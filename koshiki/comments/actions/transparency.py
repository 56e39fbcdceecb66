"""The monthly transparency summary: how many comments were hidden or deleted under which clause.

Published per account and month on the public directory page of the account
(none of the big platforms' tools shows this). Only a month that has ended can
be published, once; the counts are a snapshot taken when it is published.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.comments import access
from koshiki.comments.models import ModerationDecision, TransparencySummary
from koshiki.comments.states import DecisionKind, DecisionState
from koshiki.errors import ActionError, require
from koshiki.registry.models import Account

JST = ZoneInfo("Asia/Tokyo")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return datetime.combine(start, time(), JST), datetime.combine(end, time(), JST)


def month_counts(account: Account, month: date) -> dict[str, Any]:
    """Hidden and deleted comments decided in ``month``, per clause, and how many were reversed."""
    start, end = month_bounds(month)
    decisions = ModerationDecision.objects.filter(
        comment__account=account,
        kind__in=[DecisionKind.HIDE, DecisionKind.DELETE],
        state__in=[DecisionState.IN_FORCE, DecisionState.REVERSED],
        decided_at__gte=start,
        decided_at__lt=end,
    ).order_by("clause_ref", "pk")
    rows: dict[str, dict[str, Any]] = {}
    hidden = deleted = reversed_count = 0
    for d in decisions:
        if d.state == DecisionState.REVERSED:
            reversed_count += 1
            continue
        row = rows.setdefault(
            d.clause_ref, {"ref": d.clause_ref, "title": d.clause_title, "hidden": 0, "deleted": 0}
        )
        if d.kind == DecisionKind.HIDE:
            row["hidden"] += 1
            hidden += 1
        else:
            row["deleted"] += 1
            deleted += 1
    return {
        "rows": list(rows.values()),
        "hidden": hidden,
        "deleted": deleted,
        "reversed_count": reversed_count,
    }


def do_publish_summary(actor: Person, account: Account, *, month: date) -> TransparencySummary:
    """Publish one ended month's summary of the account (section head; once per month)."""
    require(
        access.can_publish_summary(actor, account),
        "コメント対応の月次公表ができるのは、このアカウントの所属長です",
    )
    month = month.replace(day=1)
    this_month = timezone.localdate().replace(day=1)
    if month >= this_month:
        raise ActionError("公表できるのは終わった月だけです（今月の分は来月に公表してください）")
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()
        if TransparencySummary.objects.filter(account=account, month=month).exists():
            raise ActionError(f"{month.year}年{month.month}月の分は公表済みです")
        counts = month_counts(account, month)
        summary = TransparencySummary.objects.create(
            account=account, month=month, published_by=actor, published_at=timezone.now(), **counts
        )
        record_event(
            actor,
            "comments.transparency.publish",
            summary,
            {},
            {"month": month, "hidden": counts["hidden"], "deleted": counts["deleted"]},
            details={"rows": counts["rows"], "reversed": counts["reversed_count"]},
        )
    return summary
