"""The organisation page: unit tree and role assignments; forms for the governance office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from koshiki.errors import ActionError, require
from koshiki.org import access as org_access
from koshiki.org.models import RoleAssignment
from koshiki.people.actions import (
    do_assign_role,
    do_create_person,
    do_create_unit,
    do_end_role,
    do_rename_unit,
)
from koshiki.people.forms import PersonForm, RoleForm, UnitForm, UnitRenameForm
from koshiki.people.transfers import HEADER, do_personnel_change, read_csv, template_csv
from koshiki.registry import access as registry_access
from koshiki.registry.access import role_target
from koshiki.ui.outcome import act_and_redirect


def _context(request: HttpRequest, **forms: object) -> dict[str, object]:
    user = request.user
    municipality = org_access.municipality_of(user)
    units = org_access.units_visible_to(user)
    accounts = registry_access.accounts_visible_to(user).order_by("display_name")
    assignments = list(
        RoleAssignment.objects.active()
        .filter(municipality=municipality)
        .select_related("user", "unit", "account_scope__account__owning_unit")
        .order_by("role", "user__username")
    )
    account = {a.pk: a.account_scope.account for a in assignments if a.for_account}  # loaded above
    if not org_access.can_manage_units(user, municipality):
        paths = [u.path for u in units]
        assignments = [
            a
            for a in assignments
            if (a.unit and any(a.unit.path.startswith(p) for p in paths)) or account.get(a.pk) in accounts
        ]
    # The 終了する button only where do_end_role would allow it (the same access check).
    endable = {
        a.pk
        for a in assignments
        if municipality is not None
        and org_access.can_assign_role(user, municipality, a.role, role_target(a.unit, account.get(a.pk)))
    }
    return {
        "municipality": municipality,
        "units": units,
        "assignments": assignments,
        "endable": endable,
        "can_manage": municipality is not None and org_access.can_manage_units(user, municipality),
        "can_assign": org_access.has_role(user, "section_head")
        or (municipality and org_access.can_manage_units(user, municipality)),
        "unit_form": forms.get("unit_form") or UnitForm(units=units),
        "rename_form": forms.get("rename_form") or UnitRenameForm(units=units),
        "role_form": forms.get("role_form")
        or RoleForm(units=units, accounts=accounts, people=org_access.people_of(municipality)),
        "person_form": forms.get("person_form") or PersonForm(units=units, accounts=accounts),
    }


def _form_post(
    request: HttpRequest, form_name: str, form: Any, run: Callable[[dict[str, Any]], str]
) -> HttpResponse:
    """Run the form's action and return to the overview, or show the page again with the errors.

    ``run`` takes the cleaned data, calls the ``do_*`` action and returns the success message; an
    invalid form or an ``ActionError`` re-renders the overview with this form bound.
    """
    if form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("org:overview")
    return render(request, "org/overview.html", _context(request, **{form_name: form}))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    require(org_access.can_view_org(request.user), "組織と役割を閲覧できるのは所管課・所属長・監査担当です")
    return render(request, "org/overview.html", _context(request))


def _unit_form_post(
    request: HttpRequest,
    form_name: str,
    form_class: Any,
    refusal: str,
    run: Callable[[Any, dict[str, Any]], str],
) -> HttpResponse:
    """The governance office's unit forms: the office of the user's city only, then ``_form_post``."""
    municipality = org_access.municipality_of(request.user)
    require(municipality is not None and org_access.can_manage_units(request.user, municipality), refusal)
    form = form_class(request.POST, units=org_access.units_visible_to(request.user))
    return _form_post(request, form_name, form, lambda data: run(municipality, data))


@login_required
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    def run(municipality: Any, data: dict[str, Any]) -> str:
        do_create_unit(request.user, municipality, data["name"], data["kind"], data["parent"])
        return "組織を追加しました。"

    return _unit_form_post(request, "unit_form", UnitForm, "組織を追加できるのは所管課です", run)


@login_required
@require_POST
def unit_rename(request: HttpRequest) -> HttpResponse:
    def run(_municipality: Any, data: dict[str, Any]) -> str:
        old = data["unit"].name
        do_rename_unit(request.user, data["unit"], data["name"], data["reason"])
        return (
            f"組織の名称を「{old}」から「{data['name'].strip()}」に変更しました。"
            "公開中の運用ポリシーの開設所属も新しい名称にしました。"
        )

    return _unit_form_post(
        request, "rename_form", UnitRenameForm, "組織の名称を変更できるのは所管課です", run
    )


@login_required
@require_POST
def role_assign(request: HttpRequest) -> HttpResponse:
    municipality = org_access.municipality_of(request.user)
    require(org_access.can_assign_roles(request.user, municipality), "役割を付与する権限がありません")
    form = RoleForm(
        request.POST,
        units=org_access.units_visible_to(request.user),
        accounts=registry_access.accounts_visible_to(request.user),
        people=org_access.people_of(municipality),
    )

    def run(data: dict[str, Any]) -> str:
        do_assign_role(
            data["user"],
            data["role"],
            municipality=municipality,
            unit=data["unit"],
            account=data["account"],
            company=data["company"],
            actor=request.user,
        )
        return "役割を付与しました。"

    return _form_post(request, "role_form", form, run)


@login_required
@require_POST
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = org_access.municipality_of(request.user)
    assignment = get_object_or_404(RoleAssignment, pk=pk, municipality=municipality)
    # Ending a role cannot be undone (a new grant is a new assignment, audited as such).
    return act_and_redirect(
        request,
        lambda: do_end_role(request.user, assignment),
        "役割を終了しました。",
        "org:overview",
        confirm="役割の終了",
    )


@login_required
@require_POST
def person_create(request: HttpRequest) -> HttpResponse:
    """Add a staff member with their first role (the action decides who may)."""
    municipality = org_access.municipality_of(request.user)
    require(org_access.can_assign_roles(request.user, municipality), "職員を追加する権限がありません")
    form = PersonForm(
        request.POST,
        units=org_access.units_visible_to(request.user),
        accounts=registry_access.accounts_visible_to(request.user),
    )

    def run(data: dict[str, Any]) -> str:
        person = do_create_person(
            request.user,
            municipality,
            username=data["username"],
            family_name=data["family_name"],
            given_name=data["given_name"],
            email=data["email"],
            password=data["password"],
            role=data["role"],
            unit=data["unit"],
            account=data["account"],
            company=data["company"],
        )
        return f"職員「{person.last_name} {person.first_name}」を追加しました。"

    return _form_post(request, "person_form", form, run)


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    """人事異動: upload the CSV, preview every row's outcome, then apply all rows at once (or none)."""
    municipality = org_access.municipality_of(request.user)
    require(
        municipality is not None and org_access.can_manage_units(request.user, municipality),
        "人事異動の一括処理ができるのは所管課です",
    )
    result = None
    csv_text = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            data: bytes | str = upload.read(1_000_000)
        else:
            data = request.POST.get("csv_text", "")
        parsed = read_csv(data)
        csv_text = (
            ""
            if parsed.error
            else "\n".join(
                ",".join([r.op, r.username, r.role, r.unit, r.account, r.company]) for r in parsed.rows
            )
        )
        apply = request.POST.get("apply") == "1"
        result = do_personnel_change(request.user, municipality, parsed, apply=apply)
        if result.applied:
            messages.success(
                request,
                f"人事異動を反映しました（{len(result.rows)}行）。名簿の確認は職務の暦に表示されます。",
            )
            return redirect("org:overview")
        if apply and not result.ok:
            messages.error(request, "誤りのある行があるため、何も反映していません。")
    return render(
        request,
        "org/transfers.html",
        {
            "result": result,
            "csv_text": ",".join(HEADER) + "\n" + csv_text if csv_text else "",
            "header": ",".join(HEADER),
        },
    )


@login_required
def transfers_template(request: HttpRequest) -> HttpResponse:
    require(org_access.can_view_org(request.user), "組織と役割を閲覧できるのは所管課・所属長・監査担当です")
    response = HttpResponse(
        ("\ufeff" + template_csv()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="jinji-ido.csv"'
    return response
