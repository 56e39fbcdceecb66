"""Sign-in with a lockout: Django itself never slows down password guessing.

Ten failed sign-ins for one user name from one address within 15 minutes lock
that pair for 15 minutes (counted from the tenth failure). While locked, even
the right password is refused with the same Japanese message, so the lock
reveals nothing about the password; the lock itself is recorded in the audit
trail (``auth.login.lock``). Failures are kept in ``home.LoginFailure`` (the
database, shared by every worker process), cleared on a successful sign-in
and dropped after a day. The address is ``REMOTE_ADDR``: behind a reverse
proxy every user shares it and the lock becomes per user name, which is the
safe direction (``X-Forwarded-For`` is not trusted: a client can forge it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from koshiki.audit.events import record_event
from koshiki.home.models import LoginFailure
from koshiki.org.access import municipality_of

LOCK_FAILURES = 10
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
KEEP_FAILURES = timedelta(days=1)


def client_ip(request: HttpRequest | None) -> str:
    """The connecting address (``REMOTE_ADDR``); empty when unknown."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR") or "")[:45]


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_until(username: str, ip: str, now: datetime | None = None) -> datetime | None:
    """When the lock of this user name + address ends, or None when it is not locked (one query)."""
    now = now or timezone.now()
    recent = list(
        LoginFailure.objects.filter(username=_key(username), ip=ip)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:LOCK_FAILURES]
    )
    if len(recent) < LOCK_FAILURES or recent[0] - recent[-1] > LOCK_WINDOW:
        return None
    until = recent[0] + LOCK_DURATION
    return until if until > now else None


def lock_message(until: datetime) -> str:
    local = timezone.localtime(until)
    return (
        "ログインに続けて失敗したため、このログインIDでのログインを一時停止しています。"
        f"{local:%H時%M分}以降にもう一度お試しください。"
        "パスワードが分からない場合は所管課にご連絡ください。"
    )


def record_failure(username: str, ip: str, now: datetime | None = None) -> datetime | None:
    """Store one failure; when it starts a lock, audit the lock and return its end."""
    now = now or timezone.now()
    key = _key(username)
    with transaction.atomic():
        LoginFailure.objects.filter(created_at__lt=now - KEEP_FAILURES).delete()
        LoginFailure.objects.create(username=key, ip=ip, created_at=now)
        until = locked_until(key, ip, now)
        if until is not None:
            user = get_user_model().objects.filter(username__iexact=key).first()
            obj: Any = ("auth.user", user.pk) if user is not None else ("auth.login", key[:64])
            municipality = None
            if user is not None:
                municipality = municipality_of(user)
            # The password typed is never recorded; the user name and address are.
            record_event(
                None,
                "auth.login.lock",
                obj,
                {},
                {"locked_until": until},
                details={"username": key, "ip": ip, "failures": LOCK_FAILURES, "window_minutes": 15},
                municipality=municipality,
            )
    return until


def clear_failures(username: str, ip: str) -> None:
    LoginFailure.objects.filter(username=_key(username), ip=ip).delete()


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing a locked user name + address before checking the password.

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
        until = locked_until(username, ip)
        if until is not None:
            raise ValidationError(lock_message(until), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            until = record_failure(username, ip)
            if until is not None:
                raise ValidationError(lock_message(until), code="locked") from None
            raise
        clear_failures(username, ip)
        return cleaned
