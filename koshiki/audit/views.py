"""Auditors browse the audit trail and export it as CSV (read-only)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from koshiki.audit import access
from koshiki.audit.labels import action_label, object_names, object_type_label
from koshiki.audit.models import AuditEvent
from koshiki.errors import require
from koshiki.ui.forms import WarekiDateField


class AuditFilterForm(forms.Form):
    """Filters: action (prefix), object type and id, actor, date range (inclusive, Japan time)."""

    action = forms.CharField(label="操作", required=False, help_text="前方一致（例: account.approve）")
    object_type = forms.CharField(label="対象の種類", required=False, help_text="例: registry.account")
    object_id = forms.CharField(label="対象のID", required=False)
    actor = forms.CharField(label="操作者", required=False)
    date_from = WarekiDateField(label="開始日", required=False, help_text="")
    date_to = WarekiDateField(label="終了日", required=False, help_text="")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "終了日は開始日以降の日付にしてください。")
        return data


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    require(access.can_view_audit(request.user), "監査証跡を閲覧できるのは監査担当です")
    form = AuditFilterForm(request.GET or None)
    qs = access.audit_events_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            qs = qs.filter(action__startswith=data["action"])
        if data["object_type"]:
            qs = qs.filter(object_type=data["object_type"])
        if data["object_id"]:
            qs = qs.filter(object_id=data["object_id"])
        if data["actor"]:
            qs = qs.filter(actor_label__icontains=data["actor"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            qs = qs.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            qs = qs.filter(
                created_at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=tz)
            )
    elif form.is_bound:
        qs = qs.none()
    return form, qs


PAGE_SIZE = 100


@dataclass(frozen=True)
class KeysetPage:
    """One page of events, newest first, found by sequence number (no COUNT over the trail).

    ``before``: show events with a smaller ``seq`` (the link to older events
    carries the last one shown); None for the newest page.
    """

    events: list[AuditEvent]
    before: int | None
    has_older: bool

    def __iter__(self) -> Iterator[AuditEvent]:
        return iter(self.events)

    @property
    def older_than(self) -> int | None:
        return self.events[-1].seq if self.events and self.has_older else None


def _page(qs: QuerySet[AuditEvent], before: str | None) -> KeysetPage:
    """At most PAGE_SIZE events below ``before`` by the (municipality, seq) index, plus one to see if more exist."""
    start = int(before) if before and before.isdigit() and len(before) <= 18 else None
    if start is not None:
        qs = qs.filter(seq__lt=start)
    events = list(qs.order_by("-seq")[: PAGE_SIZE + 1])
    return KeysetPage(events[:PAGE_SIZE], start, len(events) > PAGE_SIZE)


@login_required
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Browse events, newest first, 100 a page; older pages by sequence number (constant cost at any depth)."""
    form, qs = _filtered(request)
    page = _page(qs, request.GET.get("before"))
    names = object_names(page)  # one query per object type on the page
    rows = [
        {
            "event": e,
            "action_label": action_label(e.action),
            "type_label": object_type_label(e.object_type),
            "object_name": names.get((e.object_type, e.object_id), ""),
        }
        for e in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("before", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "page_size": PAGE_SIZE},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


COLUMNS = [
    "連番",
    "日時",
    "操作者ID",
    "操作者",
    "操作",
    "対象の種類",
    "対象のID",
    "変更内容",
    "直前のハッシュ",
    "ハッシュ",
    "操作（名称）",  # added last so the earlier columns keep their positions
]


# Cells Excel would run as a formula (CSV injection: a user name typed at the
# login page reaches the trail); such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    yield COLUMNS
    for e in qs.order_by("seq").iterator(chunk_size=2000):
        yield [
            e.seq,
            timezone.localtime(e.created_at).isoformat(timespec="seconds"),
            e.actor_id or "",
            _cell(e.actor_label),
            _cell(e.action),
            _cell(e.object_type),
            _cell(e.object_id),
            json.dumps(e.summary, ensure_ascii=False, sort_keys=True),
            e.prev_hash,
            e.hash,
            _cell(action_label(e.action)),
        ]


@login_required
@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered events as UTF-8 CSV with BOM (opens correctly in Excel), oldest first, streamed."""
    _form, qs = _filtered(request)
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        for row in _rows(qs):
            yield writer.writerow(row)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
