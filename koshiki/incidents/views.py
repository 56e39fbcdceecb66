"""Incident pages: the list with one's notifications and the emergency controls, a new incident, its page.

Views parse forms and call ``incidents.actions``; they decide nothing. Pages
start from ``access.incidents_visible_to(user)``: another unit's incident is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from koshiki.errors import ActionError
from koshiki.incidents import access, actions
from koshiki.incidents.forms import EvidenceForm, ImpersonationForm, IncidentForm, ReasonForm
from koshiki.incidents.models import Evidence, FreezeRecord, Impersonation, Incident
from koshiki.incidents.notify import unread_for
from koshiki.incidents.playbooks import load_playbook
from koshiki.incidents.states import IncidentStatus
from koshiki.org import access as org_access
from koshiki.org.roles import Role
from koshiki.registry import access as registry_access
from koshiki.ui.outcome import act_and_redirect, confirmation_missing, confirmed


def _incidents(request: HttpRequest) -> Any:
    return access.incidents_visible_to(request.user).select_related("account", "owner", "municipality")


def _incident(request: HttpRequest, pk: int) -> Incident:
    return get_object_or_404(_incidents(request), pk=pk)


def _role_names(roles: tuple[str, ...]) -> str:
    return "・".join(Role(r).label for r in roles)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """対応中の事案, the user's notifications, frozen accounts and (for the office) the city-wide switch."""
    municipality = org_access.municipality_of(request.user)
    playbook = load_playbook(municipality.profile_id) if municipality else None
    visible = registry_access.accounts_visible_to(request.user)
    frozen = visible.filter(frozen_at__isnull=False).select_related("owning_unit")
    return render(
        request,
        "incidents/index.html",
        {
            "open": _incidents(request).filter(status=IncidentStatus.OPEN),
            "closed": _incidents(request).filter(status=IncidentStatus.CLOSED)[:20],
            "notifications": unread_for(request.user),
            "frozen": [
                (a, playbook is not None and access.can_freeze(request.user, a, playbook)) for a in frozen
            ],
            "playbook": playbook,
            "can_freeze_all": bool(
                municipality and access.can_freeze_all(request.user, municipality, playbook)
            ),
            "can_open": bool(municipality and access.can_open_any(request.user)),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    municipality = org_access.municipality_of(request.user)
    if municipality is None or not access.can_open_any(request.user):
        raise PermissionDenied("事案を起票できるのは、担当者・所属長、所管課、統括情報セキュリティ責任者です")
    accounts = registry_access.accounts_visible_to(request.user).filter(municipality=municipality)
    form = IncidentForm(
        request.POST or None, accounts=accounts, initial={"kind": request.GET.get("kind", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = actions.do_open_incident(
                request.user,
                municipality,
                kind=data["kind"],
                account=data["account"],
                title=data["title"],
                description=data["description"],
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "事案を起票しました。手順の表の上から順に進めてください。")
            return redirect("incidents:detail", incident.pk)
    playbook = load_playbook(municipality.profile_id)
    return render(request, "incidents/new.html", {"form": form, "playbook": playbook})


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    playbook = load_playbook(incident.profile_id)
    book = playbook.kind(incident.kind)
    user = request.user
    states = actions.step_states(incident)
    rows = [
        {
            "state": s,
            "can": access.can_take_step(user, incident, s.step),
            "roles": _role_names(s.step.roles),
            "notify": _role_names(s.step.notify),
        }
        for s in states
    ]
    next_row = next((r for r in rows if r["state"].done is None and not r["state"].blocked), None)
    account = incident.account
    impersonation = Impersonation.objects.filter(incident=incident).first()
    is_open = incident.status == IncidentStatus.OPEN
    can_freeze = account is not None and access.can_freeze(user, account, playbook)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "playbook": playbook,
            "book": book,
            "rows": rows,
            "next_row": next_row,
            "is_open": is_open,
            "evidence": incident.evidence.select_related("added_by").defer("content"),
            "timeline": incident.timeline.select_related("actor"),
            "freezes": FreezeRecord.objects.filter(account=account).select_related("by")[:10]
            if account
            else [],
            "can_work": is_open and access.can_work_on(user, incident),
            "can_close": is_open and access.can_close(user, incident, playbook),
            "can_freeze": can_freeze,
            "second_choices": access.second_person_choices(incident) if is_open else [],
            "impersonation": impersonation,
            "evidence_form": EvidenceForm(),
            "impersonation_form": ImpersonationForm(
                initial={"platform": account.platform if account else ""}
            ),
            "reason_form": ReasonForm(),
            "missing_required": [r for r in rows if not r["state"].step.optional and r["state"].done is None],
        },
    )


@login_required
@require_POST
def incident_step(request: HttpRequest, pk: int, step_id: str) -> HttpResponse:
    incident = _incident(request, pk)
    note = request.POST.get("note", "")
    return act_and_redirect(
        request,
        lambda: actions.do_complete_step(request.user, incident, step_id, note=note),
        "手順を記録しました。",
        "incidents:detail",
        pk,
    )


@login_required
@require_POST
def incident_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, "入力を確認してください: " + " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("incidents:detail", pk)
    data = form.cleaned_data
    upload = data.get("file")
    content = upload.read() if upload else None

    def run() -> object:
        return actions.do_add_evidence(
            request.user,
            incident,
            url=data.get("url") or "",
            text=data.get("text") or "",
            file_name=upload.name if upload else "",
            content=content,
            content_type=getattr(upload, "content_type", "") if upload else "",
            note=data.get("note") or "",
        )

    return act_and_redirect(
        request, run, "記録を保存しました（SHA-256 を監査証跡に記録）。", "incidents:detail", pk
    )


@login_required
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    ev = get_object_or_404(Evidence, pk=evidence_pk, incident=incident, content__isnull=False)
    response = HttpResponse(bytes(ev.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''evidence-{ev.pk}-{ev.sha256[:12]}"
    return response


@login_required
@require_POST
def incident_note(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    text = request.POST.get("text", "")
    return act_and_redirect(
        request,
        lambda: actions.do_add_note(request.user, incident, text=text),
        "経過を記録しました。",
        "incidents:detail",
        pk,
    )


@login_required
@require_POST
def incident_second(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    person = access.second_person_choices(incident).filter(pk=request.POST.get("person") or 0).first()
    return act_and_redirect(
        request,
        lambda: actions.do_add_second_person(request.user, incident, person=person),
        "二人目の職員を加え、通知しました。",
        "incidents:detail",
        pk,
    )


@login_required
@require_POST
def incident_impersonation(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    playbook = load_playbook(incident.profile_id)
    if incident.account is None or not access.can_freeze(request.user, incident.account, playbook):
        raise PermissionDenied("なりすましを確認できるのは所管課とアカウントの所属長です")
    form = ImpersonationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "なりすましの種類とIDを入力してください")
        return redirect("incidents:detail", pk)
    d = form.cleaned_data
    return act_and_redirect(
        request,
        lambda: actions.do_confirm_impersonation(
            request.user, incident, platform=d["platform"], handle=d["handle"], url=d.get("url") or ""
        ),
        "なりすましを確認しました。公式確認（/public/verify）はこのIDに「公式ではない」と答えます。",
        "incidents:detail",
        pk,
    )


@login_required
@require_POST
def incident_notice(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    notice = request.POST.get("notice", "")
    return act_and_redirect(
        request,
        lambda: actions.do_publish_notice(request.user, incident, notice=notice),
        "公式アカウント一覧に注意喚起を掲載しました。",
        "incidents:detail",
        pk,
    )


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    report = request.POST.get("report", "")
    return act_and_redirect(
        request,
        lambda: actions.do_close_incident(request.user, incident, report=report),
        "完了報告を記録し、事案を完了しました。",
        "incidents:detail",
        pk,
        confirm="事案の完了",
    )


def _back(request: HttpRequest, fallback: str = "incidents:index") -> HttpResponse:
    incident_pk = request.POST.get("incident")
    if incident_pk and str(incident_pk).isdigit():
        return redirect("incidents:detail", int(incident_pk))
    return redirect(fallback)


@login_required
@require_POST
def account_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        registry_access.accounts_visible_to(request.user).select_related("municipality"), pk=pk
    )
    incident = None
    if (request.POST.get("incident") or "").isdigit():
        incident = _incident(request, int(request.POST["incident"]))
    try:
        with transaction.atomic():
            actions.do_freeze_account(
                request.user, account, reason=request.POST.get("reason", ""), incident=incident
            )
            # After the action's own checks (role, state), so their refusal comes first; undone if unticked.
            if not confirmed(request):
                raise ActionError(confirmation_missing("緊急停止"))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"「{account.display_name}」を緊急停止しました。投稿の記録・範囲内の投稿・第三者の提出リンクは止まります。",
        )
    return _back(request)


@login_required
@require_POST
def account_unfreeze(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        registry_access.accounts_visible_to(request.user).select_related("municipality"), pk=pk
    )
    try:
        actions.do_unfreeze_account(request.user, account, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{account.display_name}」の緊急停止を解除しました。")
    return _back(request)


@login_required
@require_POST
def freeze_all(request: HttpRequest) -> HttpResponse:
    municipality = org_access.municipality_of(request.user)
    if municipality is None:
        raise PermissionDenied("一斉停止できる役割がありません")
    reason = request.POST.get("reason", "")
    return act_and_redirect(
        request,
        lambda: actions.do_freeze_all(request.user, municipality, reason=reason),
        "全アカウントを緊急停止しました。",
        "incidents:index",
        confirm="全アカウントの一斉停止",
    )


@login_required
@require_POST
def unfreeze_all(request: HttpRequest) -> HttpResponse:
    municipality = org_access.municipality_of(request.user)
    if municipality is None:
        raise PermissionDenied("一斉解除できる役割がありません")
    reason = request.POST.get("reason", "")
    return act_and_redirect(
        request,
        lambda: actions.do_unfreeze_all(request.user, municipality, reason=reason),
        "すべての緊急停止を解除しました。",
        "incidents:index",
    )
