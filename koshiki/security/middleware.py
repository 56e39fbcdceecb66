"""Two gates every staff request passes: the idle timeout, then the second factor.

``IdleTimeoutMiddleware`` (issue 10 item 6) ends a signed-in session after
``settings.KOSHIKI_IDLE_MINUTES`` without a request (default 30) and sends
the person to the login page with a Japanese message: a shared office PC left
signed in must not stay usable by the next person. The last request's time is
written at most once a minute, so staying active costs no write per request.

``SecondFactorMiddleware`` (issue 10 item 3, ASVS 6.3.2) stops a person who
signed in with a password only: someone enrolled is sent to the code page,
someone whose role requires a factor and who has none to enrolment. Nothing
else of the site answers them (a POST to an action URL is redirected before
the view runs). Requests without a session user, such as the token API, pass
untouched: API tokens are their own credential.
Both sit after django-otp's ``OTPMiddleware`` in ``settings.MIDDLEWARE``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import urlencode

from koshiki.security import access

LAST_SEEN = "koshiki_last_seen"
IDLE_MESSAGE = (
    "一定時間（{minutes}分）操作がなかったため、安全のためログアウトしました。もう一度ログインしてください。"
)
# Pages a signed-in person reaches before the second factor: the factor's own pages, signing
# out, and what is open to everyone anyway (citizens' pages, the token API, the health probe).
OPEN_VIEWS = frozenset(
    {
        "login",
        "logout",
        "security:verify",
        "security:enrol",
        "api:check",
        "api:openapi",
        "api_comments",
        "campaigns:third_party",
    }
)
OPEN_NAMESPACES = frozenset({"directory", "ops"})


def idle_limit_seconds() -> int:
    return int(getattr(settings, "KOSHIKI_IDLE_MINUTES", 30)) * 60


def start_idle_clock(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """At login, the idle clock starts (so the first page after it writes no session)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Sign out a session idle for longer than ``KOSHIKI_IDLE_MINUTES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            limit = idle_limit_seconds()
            if isinstance(last, int) and now - last > limit:
                logout(request)
                messages.warning(request, IDLE_MESSAGE.format(minutes=limit // 60))
                back = request.get_full_path() if request.method in ("GET", "HEAD") else None
                return redirect_to_login(back or resolve_url(settings.LOGIN_REDIRECT_URL))
            if not isinstance(last, int) or now - last >= 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Send a password-only session to the code page or to enrolment before any staff view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or verified(request):
            return None
        if access.totp_device_of(user) is not None:
            target = "security:verify"
        elif access.second_factor_required(user):
            target = "security:enrol"
        else:
            return None  # an operator who has not enrolled: the factor is optional for them
        # The menu hides itself on the pages reached before the factor (home.context).
        request.koshiki_second_factor_pending = True  # type: ignore[attr-defined]
        match = request.resolver_match
        if match is not None and (match.view_name in OPEN_VIEWS or match.namespace in OPEN_NAMESPACES):
            return None
        url = resolve_url(target)
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)


def verified(request: HttpRequest) -> bool:
    """True when this session passed the second factor (django-otp's ``OTPMiddleware`` says so)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())
