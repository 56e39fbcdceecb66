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
from koshiki.people.actions import do_assign_role, do_create_person, do_create_unit, do_end_role
from koshiki.people.forms import PersonForm, RoleForm, UnitForm
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


@login_required
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    municipality = org_access.municipality_of(request.user)
    require(
        municipality is not None and org_access.can_manage_units(request.user, municipality),
        "組織を追加できるのは所管課です",
    )
    form = UnitForm(request.POST, units=org_access.units_visible_to(request.user))

    def run(data: dict[str, Any]) -> str:
        do_create_unit(request.user, municipality, data["name"], data["kind"], data["parent"])
        return "組織を追加しました。"

    return _form_post(request, "unit_form", form, run)


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
    return act_and_redirect(
        request, lambda: do_end_role(request.user, assignment), "役割を終了しました。", "org:overview"
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
