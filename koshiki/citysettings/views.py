"""The settings page of the governance office: the values in force, the form and the versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from koshiki.checker.profiles import load_profile
from koshiki.checker.settings import display_value, setting
from koshiki.citysettings import access
from koshiki.citysettings.actions import SettingsError, do_change_city_settings
from koshiki.citysettings.effective import effective_profile
from koshiki.citysettings.forms import CitySettingsForm
from koshiki.citysettings.models import CitySettings
from koshiki.errors import ActionError
from koshiki.org import access as org_access


@login_required
def city_settings(request: HttpRequest) -> HttpResponse:
    """GET: the city's settings and their versions; POST (the office): save a new version."""
    municipality = org_access.municipality_of(request.user)
    if municipality is None or not access.can_view_settings(request.user, municipality):
        raise PermissionDenied("市の設定を見る権限がありません")
    can_change = access.can_change_settings(request.user, municipality)
    base = load_profile(municipality.profile_id)
    profile = effective_profile(municipality)
    form = CitySettingsForm(profile=profile, base=base)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("市の設定を変更できるのは、その市の所管課です")
        form = CitySettingsForm(request.POST, profile=profile, base=base)
        if form.is_valid():
            # A field the request did not send is left as it is (not emptied).
            data = {k: v for k, v in form.cleaned_data.items() if k != "reason" and k in request.POST}
            try:
                row = do_change_city_settings(
                    request.user, municipality, data, reason=form.cleaned_data["reason"]
                )
            except SettingsError as exc:
                for key, problem in exc.errors.items():
                    form.add_error(key if key in form.fields else None, problem)
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"市の設定を保存しました（第{row.version}版）")
                return redirect("citysettings:settings")
    versions = [
        (
            row,
            [
                (setting(k).label if setting(k) else k, display_value(v))
                for k, v in sorted(row.values.items())
            ],
        )
        for row in CitySettings.objects.filter(municipality=municipality)
        .select_related("created_by")
        .order_by("-version")[:50]
    ]
    return render(
        request,
        "citysettings/settings.html",
        {
            "municipality": municipality,
            "profile": base,
            "form": form,
            "can_change": can_change,
            "versions": versions,
        },
        status=400 if request.method == "POST" else 200,
    )
