"""The duty calendar (職務の暦): this 年度's duties of the city, what is overdue, and what is yours; its Excel export."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from koshiki.documents.excel import XLSX_TYPE, workbook_bytes
from koshiki.duties import access
from koshiki.duties.actions import do_complete_task, do_set_daily_checks
from koshiki.duties.definitions import duties_for, offers_daily_checks
from koshiki.duties.export import duty_sheet
from koshiki.duties.models import DutyRun, DutyTask, TaskStatus
from koshiki.duties.runner import daily_checks_on
from koshiki.errors import require
from koshiki.fiscal import fiscal_year, fiscal_year_label, to_wareki
from koshiki.org.access import municipality_of
from koshiki.org.roles import Role
from koshiki.ui.outcome import act_and_redirect


class CompleteForm(forms.Form):
    outcome = forms.CharField()
    note = forms.CharField(required=False)


def _selected_fy(request: HttpRequest, today: date) -> int:
    """The 年度 of ``?fy=2026``; this 年度 when absent or not a number."""
    try:
        return int(request.GET.get("fy", fiscal_year(today)))
    except ValueError:
        return fiscal_year(today)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = request.user
    municipality = municipality_of(user)
    require(municipality is not None, "職務の暦を見られるのは自治体の職員です")
    today = timezone.localdate()
    fy = _selected_fy(request, today)
    mine_only = request.GET.get("mine") == "1"
    tasks = list(
        access.tasks_visible_to(user)
        .filter(fiscal_year=fy)
        .select_related("account__owning_unit", "account__municipality", "done_by")
        .order_by("due_on", "pk")
    )
    daily = daily_checks_on(municipality)
    duties = duties_for(municipality, daily_checks=daily)
    rows = []
    for t in tasks:
        mine = access.is_mine(user, t)
        if mine_only and not mine:
            continue
        duty = duties.get(t.duty)
        rows.append(
            {
                "task": t,
                "duty": duty,
                "mine": mine,
                "overdue": t.status == TaskStatus.OPEN and t.due_on < today,
                "can_complete": t.status == TaskStatus.OPEN and bool(duty and duty.manual) and mine,
            }
        )
    overdue = [r for r in rows if r["overdue"]]
    open_rows = [r for r in rows if r["task"].status == TaskStatus.OPEN and not r["overdue"]]
    closed = [r for r in rows if r["task"].status != TaskStatus.OPEN]
    years = sorted(
        set(DutyTask.objects.filter(municipality=municipality).values_list("fiscal_year", flat=True))
        | {fiscal_year(today)}
    )
    return render(
        request,
        "duties/calendar.html",
        {
            "fy": fy,
            "fy_label": fiscal_year_label(fy),
            "years": [(y, fiscal_year_label(y)) for y in years],
            "overdue": overdue,
            "open_rows": open_rows,
            "closed": closed,
            "duties": list(duties.values()),
            "mine_only": mine_only,
            "today": today,
            "last_run": DutyRun.objects.order_by("-started_at").first(),
            "offers_daily": offers_daily_checks(municipality),
            "daily_on": daily,
            "can_configure": access.can_configure(user, municipality),
            "whole_city": access.sees_whole_city(user, municipality),
            "role_labels": dict(Role.choices),
        },
    )


@login_required
def calendar_xlsx(request: HttpRequest) -> HttpResponse:
    """The duty status of the selected 年度 as .xlsx: the tasks the calendar shows the user, closed ones too."""
    user = request.user
    municipality = municipality_of(user)
    require(municipality is not None, "職務の暦を見られるのは自治体の職員です")
    today = timezone.localdate()
    fy = _selected_fy(request, today)
    duties = duties_for(municipality, daily_checks=daily_checks_on(municipality))
    sheet = duty_sheet(access.tasks_visible_to(user), municipality, fy, duties, today)
    response = HttpResponse(workbook_bytes([sheet]), content_type=XLSX_TYPE)
    filename = f"職務の状況_{fiscal_year_label(fy)}_{to_wareki(today)}現在.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(access.tasks_visible_to(request.user), pk=pk)
    form = CompleteForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return act_and_redirect(
        request,
        lambda: do_complete_task(
            request.user, task, outcome=data.get("outcome", ""), note=data.get("note", "")
        ),
        f"「{task.title}」を完了として記録しました",
        "duties:calendar",
    )


@login_required
@require_POST
def settings_update(request: HttpRequest) -> HttpResponse:
    municipality = municipality_of(request.user)
    enabled = request.POST.get("record_daily_checks") == "1"
    return act_and_redirect(
        request,
        lambda: do_set_daily_checks(request.user, municipality, enabled=enabled),
        "日常確認を記録するよう設定しました" if enabled else "日常確認を記録しない設定にしました",
        "duties:calendar",
    )
