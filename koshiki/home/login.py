"""Sign-in throttling that slows guessing without letting anyone lock a real user out (issue 10 item 6).

Django itself never slows down password guessing. Two limits, both kept in
``home.LoginFailure`` (the database, shared by every worker process):

- **per account, whatever the address**: the first ``FREE_FAILURES`` failures
  cost nothing; after them each further attempt must wait ``2**n`` seconds
  (n = failures beyond the free ones, from 2 s up to ``MAX_DELAY``, 15 minutes)
  counted from the last failure. An attempt refused during the wait is not
  a failure and does not extend it, and the right password after the wait
  signs in: an attacker guessing from any number of addresses gets about four
  guesses an hour, and holds the real user back at most one wait at a time.
  (The old lock counted per login ID *and* address: each new address added
  ten guesses, and behind a proxy ten requests locked anyone out.)
- **per address, across all accounts**: ``ADDRESS_LIMIT`` failures from one
  address within ``ADDRESS_WINDOW`` refuse further attempts from it until the
  window has moved on (password spraying over many login IDs).

- **a known device keeps its own count**: a successful sign-in leaves a signed,
  HttpOnly cookie naming the login ID and a random device id (``DEVICE_COOKIE``,
  ``DEVICE_DAYS``). An attempt carrying it for that ID is throttled on its own
  key (the login ID + the device), so someone who keeps the account waiting by
  failing once every quarter of an hour from elsewhere (a slow lock-out) no
  longer holds back the employee at their own PC; and that employee's
  success clears only the device's count, not the stranger's.

While waiting, even the right password is refused with the same Japanese
message, so the wait reveals nothing about the password. An unknown login ID
is throttled like a real one. The start of an account's delay and an address
reaching its limit are audited (``auth.login.lock``, ``auth.login.address_limit``);
the password typed never is. A successful sign-in clears the account's failures.

The address is ``koshiki.ui.throttle.client_ip``: ``REMOTE_ADDR``, unless it is one
of ``settings.KOSHIKI_TRUSTED_PROXIES`` (the city's reverse proxies); then the
rightmost ``X-Forwarded-For`` hop that is not itself a trusted proxy. Without the
setting the header is ignored — a client can write anything in it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from koshiki.audit.events import record_event
from koshiki.home.models import LoginFailure
from koshiki.identifiers import skeleton
from koshiki.org.access import municipality_of
from koshiki.ui.throttle import client_ip

FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
ADDRESS_LIMIT = 50
ADDRESS_WINDOW = timedelta(minutes=15)
KEEP_FAILURES = timedelta(days=1)
DEVICE_COOKIE = "koshiki_device"
DEVICE_DAYS = 90
_DEVICE_SALT = "koshiki.home.login.device"


def _key(username: str) -> str:
    """One key for every spelling of a login ID (case, width, invisible characters)."""
    return skeleton((username or "").strip())[:150]


def device_key(request: HttpRequest | None, username: str) -> str | None:
    """The throttle key of this login ID on this device, when the request carries a valid device cookie for it."""
    raw = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT, max_age=timedelta(days=DEVICE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != _key(username) or not value.get("d"):
        return None
    # LoginFailure.username holds 150 characters: the ID's key, then the device id.
    return f"{_key(username)[:120]}#{str(value['d'])[:24]}"


def device_cookie(username: str) -> str:
    """A new signed device cookie value for ``username``."""
    return signing.dumps({"u": _key(username), "d": secrets.token_urlsafe(12)}, salt=_DEVICE_SALT)


def delay_after(failures: int) -> timedelta:
    """How long an account waits after ``failures`` failures: none for the free ones, then 2, 4, 8 … s, at most 15 min."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - FREE_FAILURES + 1, 20)
    return min(timedelta(seconds=2**exponent), MAX_DELAY)


def account_wait_until(
    username: str, now: datetime | None = None, *, key: str | None = None
) -> datetime | None:
    """When the account's next attempt is allowed, or None when it may try now (one query).

    ``key``: a known device's own key (``device_key``) instead of the login ID's.
    """
    now = now or timezone.now()
    found = LoginFailure.objects.filter(
        username=key or _key(username), created_at__gte=now - KEEP_FAILURES
    ).aggregate(n=Count("id"), last=Max("created_at"))
    if not found["n"]:
        return None
    until = found["last"] + delay_after(found["n"])
    return until if until > now else None


def address_wait_until(ip: str, now: datetime | None = None) -> datetime | None:
    """When the address may try again after ``ADDRESS_LIMIT`` failures in the window, or None (one query)."""
    if not ip:
        return None
    now = now or timezone.now()
    times = list(
        LoginFailure.objects.filter(ip=ip, created_at__gte=now - ADDRESS_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:ADDRESS_LIMIT]
    )
    if len(times) < ADDRESS_LIMIT:
        return None
    # The window has to move past the oldest of the last ADDRESS_LIMIT failures.
    until = times[-1] + ADDRESS_WINDOW
    return until if until > now else None


def _at(until: datetime) -> str:
    return f"{timezone.localtime(until):%H時%M分%S秒}"


def account_message(until: datetime) -> str:
    return (
        "このログインIDでのログインに続けて失敗したため、少し時間をおいていただいています。"
        f"{_at(until)}以降にもう一度お試しください（最長15分）。"
        "パスワードが分からない場合は所管課にご連絡ください。"
    )


def address_message(until: datetime) -> str:
    return (
        "この接続元からのログインの失敗が多いため、ログインを一時的に受け付けていません。"
        f"{_at(until)}以降にもう一度お試しください。"
    )


def _audit(action: str, key: str, details: dict[str, Any], after: dict[str, Any]) -> None:
    user = get_user_model().objects.filter(username__iexact=key).first() if key else None
    obj: Any = (
        ("auth.user", user.pk) if user is not None else ("auth.login", (key or details.get("ip", ""))[:64])
    )
    record_event(
        None, action, obj, {}, after, details=details, municipality=municipality_of(user) if user else None
    )


def record_failure(
    username: str, ip: str, now: datetime | None = None, *, device: str | None = None
) -> datetime | None:
    """Store one failure; audit the start of the account's delay and an address reaching its limit.

    Returns when the account may try again (None when it still has free attempts).
    ``device``: the known device's key, counted apart from the login ID's.
    """
    now = now or timezone.now()
    key = device or _key(username)
    with transaction.atomic():
        LoginFailure.objects.filter(created_at__lt=now - KEEP_FAILURES).delete()
        LoginFailure.objects.create(username=key, ip=ip, created_at=now)
        failures = LoginFailure.objects.filter(username=key, created_at__gte=now - KEEP_FAILURES).count()
        until = now + delay_after(failures) if failures >= FREE_FAILURES else None
        if failures == FREE_FAILURES and until is not None:
            # The password typed is never recorded; the login ID and address are.
            # Audited under the login ID (the person), whichever count reached its delay.
            _audit(
                "auth.login.lock",
                _key(username),
                {
                    "username": _key(username),
                    **({"known_device": True} if device else {}),
                    "ip": ip,
                    "failures": failures,
                    "delay_seconds": int(delay_after(failures).total_seconds()),
                },
                {"locked_until": until},
            )
        if (
            ip
            and LoginFailure.objects.filter(ip=ip, created_at__gte=now - ADDRESS_WINDOW).count()
            == ADDRESS_LIMIT
        ):
            _audit(
                "auth.login.address_limit",
                "",
                {
                    "ip": ip,
                    "failures": ADDRESS_LIMIT,
                    "window_minutes": int(ADDRESS_WINDOW.total_seconds() // 60),
                },
                {"refused_until": now + ADDRESS_WINDOW},
            )
    return until


def clear_failures(username: str, *, device: str | None = None) -> None:
    """A successful sign-in: its count starts afresh (failures from that address on other IDs stay).

    From a known device only the device's count is cleared: the real user signing in
    does not hand a stranger guessing from elsewhere a new set of free attempts.
    """
    LoginFailure.objects.filter(username=device or _key(username)).delete()


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing a waiting account or address before checking the password.

    The field is called ログインID, as on the person form and the demo printout (Django would
    name it after the user model's ユーザー名).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ログインID"

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"username": "ログインID"}
        )

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        ip = client_ip(self.request)
        now = timezone.now()
        until = address_wait_until(ip, now)
        if until is not None:
            raise ValidationError(address_message(until), code="address_limit")
        device = device_key(self.request, username)
        until = account_wait_until(username, now, key=device)
        if until is not None:
            raise ValidationError(account_message(until), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            until = record_failure(username, ip, now, device=device)
            if until is not None:
                raise ValidationError([*exc.error_list, ValidationError(account_message(until))]) from None
            raise
        clear_failures(username, device=device)
        return cleaned


class LoginView(auth_views.LoginView):
    """Django's login view with the throttled form; a successful sign-in marks the device as known."""

    authentication_form = LockoutAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        username = form.cleaned_data.get("username") or ""
        response.set_cookie(
            DEVICE_COOKIE,
            device_cookie(username),
            max_age=DEVICE_DAYS * 24 * 3600,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )
        return response
