"""Auditors browse the audit trail and export it as CSV (read-only; large exports in the background)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from koshiki.audit import access, exports
from koshiki.audit.changes import change_rows, detail_rows
from koshiki.audit.events import configured_anchors, verify_chain
from koshiki.audit.labels import PSEUDO_TYPES, action_label, action_labels, object_names, object_type_label
from koshiki.audit.models import AuditChainHead, AuditEvent, AuditExport
from koshiki.errors import require
from koshiki.fiscal import fiscal_year, fiscal_year_label
from koshiki.ui.forms import WarekiDateField
from koshiki.ui.outcome import act_and_redirect


def _action_choices() -> list[tuple[str, Any]]:
    """Every named action as a Japanese choice, grouped by the app that records it (codes never shown)."""
    groups = []
    for config in apps.get_app_configs():
        own = getattr(config, "audit_actions", None) or {}
        if own:
            options = sorted(own.items(), key=lambda item: item[0])
            groups.append((str(config.verbose_name), options))
    return [("", "すべての操作"), *sorted(groups, key=lambda group: group[0])]


def _object_type_choices() -> list[tuple[str, Any]]:
    """Every kind of recorded object by its Japanese name, grouped by app."""
    groups = []
    for config in apps.get_app_configs():
        if not config.name.startswith("koshiki.") or config.label == "audit":
            continue
        options = sorted(
            ((m._meta.label_lower, str(m._meta.verbose_name)) for m in config.get_models()),
            key=lambda o: o[1],
        )
        if options:
            groups.append((str(config.verbose_name), options))
    others = [("auth.user", "利用者"), *PSEUDO_TYPES.items()]
    return [("", "すべての対象"), *sorted(groups, key=lambda group: group[0]), ("その他", others)]


class ActionField(forms.ChoiceField):
    """A choice of action; a code's dotted prefix (``org.role``) is accepted too, for links and exports."""

    def valid_value(self, value: Any) -> bool:
        text = str(value).rstrip(".")
        codes = action_labels()
        return super().valid_value(value) or any(
            code == text or code.startswith(text + ".") for code in codes
        )


def _fiscal_year_choices() -> list[tuple[str, str]]:
    """年度 from the trail's earliest event to this one, newest first (one query on the created_at index)."""
    first = AuditEvent.objects.order_by("created_at").values_list("created_at", flat=True).first()
    this_year = fiscal_year(timezone.localdate())
    start = fiscal_year(timezone.localtime(first).date()) if first else this_year
    return [("", "すべての年度")] + [
        (str(fy), f"{fiscal_year_label(fy)}（{fy}年4月〜{fy + 1}年3月）")
        for fy in range(this_year, start - 1, -1)
    ]


class AuditFilterForm(forms.Form):
    """Filters: action and object type as Japanese choices, 年度, object id, actor, date range (Japan time)."""

    action = ActionField(label="操作", required=False)
    object_type = forms.ChoiceField(label="対象の種類", required=False)
    object_id = forms.CharField(label="対象の番号", required=False)
    actor = forms.CharField(label="操作者", required=False, help_text="氏名またはログインIDの一部")
    fiscal_year = forms.ChoiceField(label="年度", required=False)
    date_from = WarekiDateField(label="開始日", required=False, help_text="")
    date_to = WarekiDateField(label="終了日", required=False, help_text="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _action_choices()
        # A prefix from a link or a redirected export (``account.``) stays selected as a choice of its
        # own, so the form posted again (the background export) keeps the same filter.
        given = str(self.data.get("action") or "") if self.is_bound else ""
        listed = any(given == code for _, group in choices[1:] for code, _ in group)
        if given and not listed and self.fields["action"].valid_value(given):
            choices.insert(1, (given, f"「{given.rstrip('.')}」で始まるすべての操作"))
        self.fields["action"].choices = choices
        self.fields["object_type"].choices = _object_type_choices()
        self.fields["fiscal_year"].choices = _fiscal_year_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "終了日は開始日以降の日付にしてください。")
        return data


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in Japan time (the project's time zone)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    require(access.can_view_audit(request.user), "監査証跡を閲覧できるのは監査担当です")
    form = AuditFilterForm(request.GET or None)
    qs = access.audit_events_visible_to(request.user)
    if form.is_valid():
        qs = exports.apply_filters(qs, form.cleaned_data)
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
    rows = []
    for e in page:
        changes = change_rows(e.object_type, e.before, e.after)
        details = detail_rows(e.object_type, {k: v for k, v in e.details.items() if k != "label"})
        rows.append(
            {
                "event": e,
                "action_label": action_label(e.action),
                "type_label": object_type_label(e.object_type),
                "object_name": names.get((e.object_type, e.object_id), ""),
                "changes": changes,
                "details": details,
                "change_count": len(changes) + len(details),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("before", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "page_size": PAGE_SIZE,
            "can_verify": access.can_verify_chain(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """「連鎖を検証」: recompute the keyed chain as ``manage.py verify_audit`` does and say the result in Japanese.

    A POST runs it (it reads the whole trail once, so a link or a prefetch never starts it);
    against the anchors of ``KOSHIKI_ANCHOR_FILE`` when set, as the daily run does. Writes nothing.
    """
    require(access.can_verify_chain(request.user), "監査証跡の検証ができるのは監査担当と所管課です")
    context: dict[str, Any] = {"can_browse": access.can_view_audit(request.user)}
    if request.method == "POST":
        try:
            anchors = configured_anchors()
        except ValueError as exc:
            context["anchor_error"] = str(exc)
            anchors = []
        started = timezone.now()
        report = verify_chain(anchors=anchors)
        context.update(
            report=report,
            anchors=len(anchors),
            head=AuditChainHead.objects.filter(pk=1).first() if report.ok else None,
            verified_at=started,
        )
    return render(request, "audit/verify.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered events as UTF-8 CSV with BOM (opens correctly in Excel), oldest first, streamed.

    At most ``exports.DIRECT_LIMIT`` events: a larger export is written in the
    background (``export_list``) so that it never holds a web worker for long.
    """
    form, qs = _filtered(request)
    if exports.is_large(qs):
        messages.error(
            request,
            f"{exports.DIRECT_LIMIT:,}件を超えるため、その場では書き出せません。期間で絞り込むか、"
            "「バックグラウンドで書き出す」で依頼してください（できあがるとここからダウンロードできます）。",
        )
        query = request.GET.urlencode()
        return redirect(reverse("audit:exports") + (f"?{query}" if query else ""))
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        for row in exports.rows(qs):
            yield writer.writerow(row)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    """Background exports: request one with the list's filters (POST); see and download your city's."""
    require(access.can_view_audit(request.user), "監査証跡を書き出せるのは監査担当です")
    form = AuditFilterForm(request.POST if request.method == "POST" else (request.GET or None))
    if request.method == "POST" and form.is_valid():
        return act_and_redirect(
            request,
            lambda: exports.do_request_export(request.user, form.cleaned_data),
            "書き出しを依頼しました。できあがるとこの一覧からダウンロードできます。",
            "audit:exports",
        )
    mine = [
        e
        for e in AuditExport.objects.order_by("-requested_at")[:200]
        if exports.can_download(request.user, e)
    ]
    return render(
        request,
        "audit/exports.html",
        {"form": form, "exports": mine[:50], "direct_limit": f"{exports.DIRECT_LIMIT:,}"},
    )


@login_required
@require_POST
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished export's file, read from disk in blocks (constant memory).

    A POST (a button with the CSRF token): taking the trail out of the system is
    recorded in the trail itself, and a GET never changes anything.
    """
    export = get_object_or_404(AuditExport, pk=pk)
    require(exports.can_download(request.user, export), "この書き出しをダウンロードする権限がありません")
    if export.status != AuditExport.Status.DONE:
        raise Http404("まだできあがっていません")
    path = exports.export_path(export)
    if not path.is_file():
        raise Http404("ファイルが見つかりません（削除された可能性があります）")
    exports.do_record_download(request.user, export)
    stamp = timezone.localtime(export.requested_at).strftime("%Y%m%d-%H%M%S")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"audit-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )
