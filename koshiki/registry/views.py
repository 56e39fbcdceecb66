"""Staff pages of the registry. Views parse forms and call actions; they decide nothing.

Every page starts from ``access.accounts_visible_to(user)``: an account of
another unit is a 404, never shown. A refused action is a 403 page with the
Japanese reason; a refused state change re-renders the form with the message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from koshiki.audit.events import actor_label
from koshiki.audit.labels import action_name
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError, require
from koshiki.org import access as org_access
from koshiki.org.models import OrgUnit
from koshiki.registry import access, actions
from koshiki.registry.attention import account_findings
from koshiki.registry.forms import (
    AccountDetailsForm,
    AccountFilterForm,
    AppLinkForm,
    ChangeNoticeForm,
    DeviceForm,
    PolicyForm,
    RosterForm,
    SecurityForm,
    StepForm,
    WaiverForm,
)
from koshiki.registry.lifecycle import KINDS, Procedures, Step, load_procedures
from koshiki.registry.models import (
    Account,
    Device,
    FindingWaiver,
    OperationPolicy,
    RosterEntry,
    ThirdPartyApp,
)
from koshiki.registry.states import EDITABLE_STATES, POLICY_FIELDS, PolicyKind
from koshiki.registry.worklist import worklist
from koshiki.ui.outcome import act_and_redirect

# Steps with a page of their own (the generic step page redirects there).
_OWN_PAGE = {"revise_policy": "registry:policy_edit", "file_change": "registry:change_notice"}


def _posted(request: HttpRequest) -> Any:
    """The POST data (even when empty, so an empty submission is validated), or None on GET."""
    return request.POST if request.method == "POST" else None


def _account(request: HttpRequest, pk: int) -> Account:
    """The account if the user may see it, else 404 (never reveal another unit's records)."""
    qs = access.accounts_visible_to(request.user).select_related(
        "municipality",
        "owning_unit",
        "current_policy",
        "current_internal_rule",
        "responsible_user",
        "redirect_to",
    )
    return get_object_or_404(qs, pk=pk)


def _fail(request: HttpRequest, form: Any, exc: ActionError) -> None:
    form.add_error(None, exc.message)


def _pick_step(
    request: HttpRequest, account: Account, procedures: Procedures, kind: str
) -> tuple[Step | None, str]:
    """The step of ``kind`` this user may take from the account's state, or (None, reason)."""
    steps = [s for s in procedures.steps_of_kind(kind) if account.status in s.from_states]
    if not steps:
        return None, f"現在の状態（{account.get_status_display()}）では「{KINDS[kind]}」はできません。"
    mine = [s for s in steps if access.can_perform_step(request.user, account, s)]
    if not mine:
        raise PermissionDenied(f"「{steps[0].label}」を行うのは{steps[0].role_labels}です")
    return mine[0], ""


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """Accounts the user may see, with filters."""
    visible = access.accounts_visible_to(request.user)
    units = OrgUnit.objects.filter(accounts__in=visible).distinct().order_by("path")
    form = AccountFilterForm(request.GET or None, units=units)
    qs = visible.select_related("owning_unit", "municipality")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(display_name__icontains=data["q"])
                | Q(handle__icontains=data["q"])
                | Q(url__icontains=data["q"])
            )
        for name in ("status", "platform", "genre"):
            if data[name]:
                qs = qs.filter(**{name: data[name]})
        if data["unit"]:
            qs = qs.filter(owning_unit__path__startswith=data["unit"].path)
    page = Paginator(qs.order_by("owning_unit__path", "display_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "registry/account_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _history(account: Account, limit: int = 200) -> list[dict[str, Any]]:
    """The account's history, newest first: each lifecycle decision from its ``StepRecord`` row,
    and the other changes (details, security, roster, devices, apps) from the audit trail.

    Two queries; at most ``limit`` rows.
    """
    rows = [
        {
            "when": r.taken_at,
            "actor": actor_label(r.actor),
            "label": r.label,
            "reasons": r.reasons,
            "documents": r.documents,
            "issued": r.issued,
        }
        for r in account.step_records.select_related("actor")[:limit]
    ]
    steps = [f"account.{kind}" for kind in KINDS]
    others = (
        AuditEvent.objects.filter(object_type="registry.account", object_id=str(account.pk))
        .exclude(action__in=steps)
        .order_by("-seq")[:limit]
    )
    rows += [
        {"when": e.created_at, "actor": e.actor_label, "label": action_name(e.action), "reasons": ""}
        for e in others
    ]
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows[:limit]


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one account: details, policy versions, security, history, next steps."""
    account = _account(request, pk)
    procedures = load_procedures(account.municipality.profile_id)
    next_steps = []
    for step in procedures.steps_from(account.status):
        if not procedures.applies(step, account.platform):
            continue
        next_steps.append((step, access.can_perform_step(request.user, account, step)))
    history = _history(account)
    policy_fields = (
        [(POLICY_FIELDS[f], getattr(account.current_policy, f)) for f in procedures.policy_fields]
        if account.current_policy
        else []
    )
    context = {
        "account": account,
        "procedures": procedures,
        "next_steps": next_steps,
        "application": getattr(account, "application", None),
        "policy_fields": policy_fields,
        "policies": account.policies.order_by("kind", "-version"),
        "roster": account.roster.all(),
        "devices": account.devices.all(),
        "apps": account.third_party_apps.all(),
        "notices": account.change_notices.all()[:50],
        "findings": account_findings(account),
        **_findings_context(request, account, procedures),
        "history": history,
        "can_edit": access.can_edit_account(request.user, account) and account.status in EDITABLE_STATES,
        "can_security": access.can_edit_security(request.user, account)
        or access.can_approve_device(request.user, account, procedures),
        "questions": procedures.questions,
        "list_name": procedures.list_name(account.municipality.name),
        # Offer the policy forms only to whom a revise_policy step is open now.
        "can_revise": any(mine for step, mine in next_steps if step.kind == "revise_policy"),
    }
    return render(request, "registry/account_detail.html", context)


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    """Start an application for a new official account (運用ポリシーの第1版も作られる)."""
    units = org_access.units_for_application(request.user)
    first = units.select_related("municipality").first()
    if first is None:
        raise PermissionDenied("新規申請ができるのは、組織に所属する担当者・所属長です")
    procedures = load_procedures(first.municipality.profile_id)
    form = AccountDetailsForm(_posted(request), units=units, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        try:
            account = actions.do_create_application(
                request.user, form.cleaned_data["owning_unit"], form.details()
            )
        except ActionError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "申請を作成しました。運用ポリシーを確認し、手続を進めてください。")
            return redirect("registry:account_detail", pk=account.pk)
    return render(
        request,
        "registry/account_form.html",
        {"form": form, "title": "公式アカウントの新規申請", "procedures": procedures},
    )


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the application's details while it is still with the section."""
    account = _account(request, pk)
    require(access.can_edit_account(request.user, account), "このアカウントを編集する権限がありません")
    procedures = load_procedures(account.municipality.profile_id)
    if account.status not in EDITABLE_STATES:
        return render(
            request,
            "registry/blocked.html",
            {
                "account": account,
                "message": f"「{account.get_status_display()}」のアカウントは直接編集できません。変更届で届け出てください。",
            },
        )
    form = AccountDetailsForm(_posted(request), instance=account, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_account(request.user, account.pk, form.details())
        except ActionError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "申請内容を保存しました。")
            return redirect("registry:account_detail", pk=account.pk)
    return render(
        request,
        "registry/account_form.html",
        {"form": form, "account": account, "title": f"申請内容の編集: {account.display_name}"},
    )


@login_required
def policy_edit(request: HttpRequest, pk: int, kind: str = PolicyKind.PUBLIC) -> HttpResponse:
    """Write a new version of the operation policy (or the internal rule)."""
    if kind not in PolicyKind.values:
        raise Http404
    account = _account(request, pk)
    procedures = load_procedures(account.municipality.profile_id)
    if kind not in procedures.policy_kinds:
        raise Http404
    step, reason = _pick_step(request, account, procedures, "revise_policy")
    if step is None:
        return render(request, "registry/blocked.html", {"account": account, "message": reason})
    current = account.current_policy if kind == PolicyKind.PUBLIC else account.current_internal_rule
    if current is not None:
        initial = model_to_dict(current)
    else:
        initial = actions.initial_policy_values(account, procedures) if kind == PolicyKind.PUBLIC else {}
    form = PolicyForm(_posted(request), initial=initial, procedures=procedures, kind=kind, step=step)
    if request.method == "POST" and form.is_valid():
        try:
            policy = actions.do_revise_policy(
                account.pk,
                values=form.values(),
                kind=kind,
                reason=form.cleaned_data.get("reason", ""),
                step_id=step.id,
                documents=form.cleaned_data.get("documents", []),
                actor=request.user,
            )
        except ActionError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, f"{policy.get_kind_display()}の第{policy.version}版を作成しました。")
            return redirect("registry:account_detail", pk=account.pk)
    return render(
        request,
        "registry/policy_form.html",
        {
            "form": form,
            "account": account,
            "step": step,
            "kind_label": PolicyKind(kind).label,
            "current": current,
        },
    )


@login_required
def policy_version(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    """One immutable version of a policy."""
    account = _account(request, pk)
    policy = get_object_or_404(OperationPolicy, pk=version_pk, account=account)
    procedures = load_procedures(account.municipality.profile_id)
    fields = [(POLICY_FIELDS[f], getattr(policy, f)) for f in procedures.policy_fields]
    return render(
        request, "registry/policy_detail.html", {"account": account, "policy": policy, "fields": fields}
    )


@login_required
def change_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """File a change notice (変更届) for a registered account."""
    account = _account(request, pk)
    procedures = load_procedures(account.municipality.profile_id)
    step, reason = _pick_step(request, account, procedures, "file_change")
    if step is None:
        return render(request, "registry/blocked.html", {"account": account, "message": reason})
    form = ChangeNoticeForm(_posted(request), instance=account, step=step)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_file_change(
                account.pk,
                changes=form.changes(account),
                step_id=step.id,
                reasons=form.cleaned_data.get("reasons", ""),
                documents=form.cleaned_data.get("documents", []),
                actor=request.user,
            )
        except ActionError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "変更を届け出ました。")
            return redirect("registry:account_detail", pk=account.pk)
    return render(request, "registry/change_form.html", {"form": form, "account": account, "step": step})


@login_required
def step_perform(request: HttpRequest, pk: int, step_id: str) -> HttpResponse:
    """Show and perform one lifecycle step (the action guards state and role again)."""
    account = _account(request, pk)
    procedures = load_procedures(account.municipality.profile_id)
    try:
        step = procedures.step(step_id)
    except KeyError:
        raise Http404 from None
    if step.kind in _OWN_PAGE:
        return redirect(_OWN_PAGE[step.kind], pk=account.pk)
    if not access.can_perform_step(request.user, account, step):
        raise PermissionDenied(f"「{step.label}」を行うのは{step.role_labels}です")
    targets = (
        access.accounts_visible_to(request.user)
        .filter(municipality=account.municipality, is_listed=True)
        .exclude(pk=account.pk)
    )
    form = StepForm(_posted(request), step=step, account=account, redirect_targets=targets)
    blocked = (
        ""
        if account.status in step.from_states
        else (f"現在の状態（{account.get_status_display()}）では「{step.label}」はできません。")
    )
    if request.method == "POST" and form.is_valid():
        try:
            # Files sent with the step (a signed copy of a form) go to the apps that file forms.
            attachments = dict(request.FILES.items())
            actions.KIND_ACTIONS[step.kind](
                account.pk, actor=request.user, attachments=attachments, **form.action_kwargs()
            )
        except ActionError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, f"「{step.label}」を記録しました。")
            return redirect("registry:account_detail", pk=account.pk)
    return render(
        request,
        "registry/step_form.html",
        {
            "form": form,
            "account": account,
            "step": step,
            "blocked": blocked if request.method != "POST" else "",
            **_findings_context(request, account, procedures),
        },
    )


def _findings_context(request: HttpRequest, account: Account, procedures: Procedures) -> dict[str, Any]:
    """The account's findings, which of them block, the waivers, and whether this user may waive."""
    findings = account_findings(account)
    waivers = {w.rule: w for w in FindingWaiver.objects.filter(account=account).select_related("waived_by")}
    rows = [
        {
            "finding": f,
            "waiver": waivers.get(f.rule) if f.rule in procedures.finding_waivable else None,
            "waivable": f.rule in procedures.finding_waivable and f.severity.value == "error",
        }
        for f in findings
    ]
    can_waive = bool(procedures.finding_waiver_roles) and bool(
        access.assignments_reaching(request.user, account, procedures.finding_waiver_roles)
    )
    return {
        "finding_rows": rows,
        "can_waive": can_waive,
        "waiver_form": WaiverForm(),
        "policy": account.current_policy,
    }


@login_required
@require_POST
def finding_waive(request: HttpRequest, pk: int) -> HttpResponse:
    """The office lets one error finding stand with a reason (the action checks role and rule)."""
    account = _account(request, pk)
    procedures = load_procedures(account.municipality.profile_id)
    require(
        _findings_context(request, account, procedures)["can_waive"],
        "アカウントの指摘を容認できるのは所管課です",
    )
    form = WaiverForm(request.POST)
    back = request.POST.get("next", "")
    target = (
        back
        if back.startswith("/") and not back.startswith("//")
        else reverse("registry:account_detail", args=[account.pk])
    )
    if not form.is_valid():
        messages.error(request, "容認する理由を入力してください。")
        return redirect(target)
    try:
        actions.do_waive_finding(
            account, actor=request.user, rule=form.cleaned_data["rule"], reason=form.cleaned_data["reason"]
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"「{form.cleaned_data['rule']}」の指摘を容認しました（理由を記録しました）。"
        )
    return redirect(target)


def _security_context(request: HttpRequest, account: Account, **forms: Any) -> dict[str, Any]:
    procedures = load_procedures(account.municipality.profile_id)
    return {
        "account": account,
        "procedures": procedures,
        "security_form": forms.get("security_form") or SecurityForm(instance=account),
        "roster_form": forms.get("roster_form") or RosterForm(),
        "device_form": forms.get("device_form") or DeviceForm(),
        "app_form": forms.get("app_form") or AppLinkForm(),
        "roster": account.roster.all(),
        "devices": account.devices.all(),
        "apps": account.third_party_apps.all(),
        "can_edit": access.can_edit_account(request.user, account),
        "can_security": access.can_edit_security(request.user, account),
        "can_approve": access.can_approve_device(request.user, account, procedures),
    }


@login_required
def security(request: HttpRequest, pk: int) -> HttpResponse:
    """Security facts, roster, devices and third-party apps of one account."""
    account = _account(request, pk)
    procedures = load_procedures(account.municipality.profile_id)
    require(
        access.can_edit_security(request.user, account)
        or access.can_approve_device(request.user, account, procedures),
        "このアカウントのセキュリティ情報を記録する権限がありません",
    )
    return render(request, "registry/security.html", _security_context(request, account))


def _security_post(
    request: HttpRequest, account: Account, form_name: str, form: Any, run: Any, done: str, *, allowed: bool
) -> HttpResponse:
    # Refuse before reading the form: a role without the right gets a 403, never the page.
    require(allowed, "このアカウントのセキュリティ情報を記録する権限がありません")
    if form.is_valid():
        try:
            run(form)
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("registry:security", pk=account.pk)
    return render(request, "registry/security.html", _security_context(request, account, **{form_name: form}))


@login_required
@require_POST
def security_update(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    form = SecurityForm(request.POST, instance=account)
    return _security_post(
        request,
        account,
        "security_form",
        form,
        lambda f: actions.do_update_security(request.user, account.pk, f.changes(account)),
        "セキュリティ情報を記録しました。",
        allowed=access.can_edit_security(request.user, account),
    )


@login_required
@require_POST
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    return _security_post(
        request,
        account,
        "roster_form",
        RosterForm(request.POST),
        lambda f: actions.do_add_roster_entry(account.pk, actor=request.user, **f.cleaned_data),
        "名簿に追加しました。",
        allowed=access.can_edit_account(request.user, account),
    )


@login_required
@require_POST
def roster_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    account = _account(request, pk)
    entry = get_object_or_404(RosterEntry, pk=entry_pk, account=account)
    return act_and_redirect(
        request,
        lambda: actions.do_remove_roster_entry(request.user, entry),
        "名簿から外しました。",
        "registry:security",
        confirm="名簿から外すこと",
        pk=account.pk,
    )


@login_required
@require_POST
def device_add(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    return _security_post(
        request,
        account,
        "device_form",
        DeviceForm(request.POST),
        lambda f: actions.do_register_device(request.user, account.pk, **f.cleaned_data),
        "端末を登録しました。承認を受けてから使用してください。",
        allowed=access.can_edit_account(request.user, account),
    )


@login_required
@require_POST
def device_approve(request: HttpRequest, pk: int, device_pk: int) -> HttpResponse:
    account = _account(request, pk)
    device = get_object_or_404(Device, pk=device_pk, account=account)
    return act_and_redirect(
        request,
        lambda: actions.do_approve_device(request.user, device),
        "端末を承認しました。",
        "registry:security",
        pk=account.pk,
    )


@login_required
@require_POST
def device_retire(request: HttpRequest, pk: int, device_pk: int) -> HttpResponse:
    account = _account(request, pk)
    device = get_object_or_404(Device, pk=device_pk, account=account)
    return act_and_redirect(
        request,
        lambda: actions.do_retire_device(request.user, device),
        "端末の使用を終了しました。",
        "registry:security",
        confirm="端末の使用の終了",
        pk=account.pk,
    )


@login_required
@require_POST
def app_add(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    return _security_post(
        request,
        account,
        "app_form",
        AppLinkForm(request.POST),
        lambda f: actions.do_link_app(request.user, account.pk, **f.cleaned_data),
        "連携アプリを記録しました。",
        allowed=access.can_edit_account(request.user, account),
    )


@login_required
@require_POST
def app_revoke(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    account = _account(request, pk)
    app = get_object_or_404(ThirdPartyApp, pk=app_pk, account=account)
    return act_and_redirect(
        request,
        lambda: actions.do_revoke_app(request.user, app),
        "連携を解除しました。",
        "registry:security",
        confirm="連携の解除",
        pk=account.pk,
    )


@login_required
def attention(request: HttpRequest) -> HttpResponse:
    """Accounts needing attention: rule findings, steps waiting for this user, checks due."""
    work = worklist(request.user, page=request.GET.get("page", 1))
    return render(request, "registry/attention.html", {"work": work, "page": work.flagged})
