"""The second factor's pages: the code page, enrolment, one's own status, and the office's list and reset."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from koshiki.errors import ActionError
from koshiki.org.access import municipality_of
from koshiki.security import access
from koshiki.security.actions import (
    do_enrol_second_factor,
    do_regenerate_recovery_codes,
    do_reset_second_factor,
    do_verify_second_factor,
    new_totp_key,
)
from koshiki.security.forms import CodeForm, EnrolForm, ResetForm
from koshiki.security.middleware import verified
from koshiki.security.models import RecoveryCodeDevice

PENDING_KEY = "koshiki_pending_totp_key"


def _next_url(request: HttpRequest) -> str:
    """The page the person was going to (same site only), else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _sign_in_device(request: HttpRequest, device: Any) -> None:
    """Mark the session as verified by ``device`` under a new session key (no fixation)."""
    request.session.cycle_key()
    otp_login(request, device)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the 6-digit code from the app, or one recovery code."""
    if verified(request):
        return redirect(_next_url(request))
    if access.totp_device_of(request.user) is None:
        if access.second_factor_required(request.user):
            return redirect("security:enrol")
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = do_verify_second_factor(request.user, form.cleaned_data["code"])
        except ActionError as exc:
            form.add_error("code", exc.message)
        else:
            _sign_in_device(request, device)
            if isinstance(device, RecoveryCodeDevice):
                left = device.remaining()
                messages.warning(
                    request,
                    f"予備コードでログインしました（残り{left}個）。"
                    "認証アプリが使えなくなったときは所管課にリセットを依頼し、予備コードを再発行してください。",
                )
            return redirect(_next_url(request))
    status = 400 if request.method == "POST" else 200
    return render(request, "security/verify.html", {"form": form, "next": _next_url(request)}, status=status)


def _pending_key(request: HttpRequest) -> str:
    """The secret offered on the enrolment page, kept in the session until it is confirmed.

    Kept out of the database until then, so that opening the page changes nothing.
    """
    key = request.session.get(PENDING_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = new_totp_key()
        request.session[PENDING_KEY] = key
    return key


def _qr_data_uri(request: HttpRequest, key: str) -> str:
    """The otpauth:// URL as an SVG data URI (made here; no script, no request elsewhere)."""
    device = TOTPDevice(user=request.user, key=key)
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code; a code from the app confirms it and shows the recovery codes once."""
    if access.totp_device_of(request.user) is not None:
        messages.info(request, "2段階認証は設定済みです。")
        return redirect("security:index")
    key = _pending_key(request)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = do_enrol_second_factor(request.user, key, form.cleaned_data["code"])
        except ActionError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(PENDING_KEY, None)
            _sign_in_device(request, enrolment.device)
            return render(
                request,
                "security/recovery_codes.html",
                {"codes": enrolment.recovery_codes, "enrolled": True, "next": _next_url(request)},
            )
    context = {
        "form": form,
        "qr": _qr_data_uri(request, key),
        "secret": " ".join(_grouped(b32encode(unhexlify(key)).decode("ascii"))),
        "required": access.second_factor_required(request.user),
        "next": _next_url(request),
    }
    return render(request, "security/enrol.html", context, status=400 if request.method == "POST" else 200)


def _grouped(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """One's own second factor: enrolled or not, recovery codes left, and what to do."""
    device = access.totp_device_of(request.user)
    recovery = RecoveryCodeDevice.objects.filter(user=request.user).first()
    context = {
        "device": device,
        "recovery_left": recovery.remaining() if recovery else 0,
        "required": access.second_factor_required(request.user),
        "can_view_people": access.can_view_second_factors(request.user),
    }
    return render(request, "security/index.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Issue ten new recovery codes and show them on this response only."""
    try:
        codes = do_regenerate_recovery_codes(request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("security:index")
    return render(request, "security/recovery_codes.html", {"codes": codes, "enrolled": False})


@login_required
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    """The city's staff with whether their role requires a factor and whether they enrolled."""
    if not access.can_view_second_factors(request.user):
        raise PermissionDenied(
            "2段階認証の設定状況を見られるのは所管課・統括情報セキュリティ責任者・監査担当です"
        )
    staff = list(access.people_visible_to(request.user))
    required = access.required_in(municipality_of(request.user))
    enrolled = set(
        TOTPDevice.objects.filter(user__in=staff, confirmed=True).values_list("user_id", flat=True)
    )
    can_reset = access.can_reset_second_factors(request.user)
    rows = [
        {
            "person": person,
            "required": person.pk in required,
            "enrolled": person.pk in enrolled,
            "can_reset": can_reset and person.pk in enrolled and person.pk != request.user.pk,
        }
        for person in staff
    ]
    return render(request, "security/people.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    """The governance office resets a person's factor, with the reason, after confirming who asked."""
    if not access.can_reset_second_factors(request.user):
        raise PermissionDenied("2段階認証をリセットできるのは所管課です")
    if request.method == "POST":
        form = ResetForm(request.POST, actor=request.user)
    else:
        form = ResetForm(initial={"person": request.GET.get("person")}, actor=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            do_reset_second_factor(request.user, person, form.cleaned_data["reason"])
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"{person.last_name} {person.first_name}さんの2段階認証をリセットしました。"
                "次のログインで認証アプリを設定し直すよう本人に伝えてください。",
            )
            return redirect("security:people")
    return render(request, "security/reset.html", {"form": form}, status=400 if form.errors else 200)
