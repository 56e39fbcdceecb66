"""The signed-in person's own password: the change page, and the gate while an initial password is in use.

Issue 10 item 4: a password someone else chose is single-use. While the
person's ``InitialPassword`` row exists, ``InitialPasswordMiddleware`` lets
them reach only the password page, sign-out and static files; every other
page redirects there (JSON and non-GET requests get a 403 in Japanese). The
row is removed only by ``do_change_own_password``, which audits the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from koshiki.errors import ActionError
from koshiki.people.actions import do_change_own_password
from koshiki.people.models import InitialPassword

NOTICE = "最初のログインです。ほかの人が決めた初期パスワードのままでは使えません。ご自分で新しいパスワードを設定してください。"


class OwnPasswordChangeView(PasswordChangeView):
    """Django's password page, with the change made (and audited) by ``do_change_own_password``."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["initial_notice"] = (
            NOTICE if InitialPassword.objects.filter(user_id=self.request.user.pk).exists() else ""
        )
        return context

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        try:
            do_change_own_password(
                self.request.user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        # Keep this session signed in; the person's other sessions end with the old hash.
        update_session_auth_hash(self.request, self.request.user)
        return redirect(self.get_success_url())


def _exempt_paths() -> tuple[str, ...]:
    # The second factor comes first (koshiki.security.middleware runs before this one): its code
    # and enrolment pages, and the recovery codes enrolment shows, must open for a person who still
    # has an initial password, or the two middlewares would send each other's pages back and forth.
    return (
        reverse("password_change"),
        reverse("password_change_done"),
        reverse("logout"),
        reverse("security:verify"),
        reverse("security:enrol"),
        reverse("security:recovery_codes"),
        settings.STATIC_URL,
    )


class InitialPasswordMiddleware:
    """Send a person still on an initial password to the password page before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_exempt_paths())
            # One indexed lookup per signed-in request; a session note would need a write or a signal.
            and InitialPassword.objects.filter(user_id=user.pk).exists()
        ):
            message = "初期パスワードを変更するまで、この操作はできません。パスワード変更の画面で新しいパスワードを設定してください。"
            wants_json = "json" in request.headers.get("Accept", "") or "json" in request.content_type
            if request.method not in ("GET", "HEAD") or wants_json:
                if wants_json:
                    return JsonResponse(
                        {"error": message}, status=403, json_dumps_params={"ensure_ascii": False}
                    )
                return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
            return redirect(reverse("password_change"))
        return self.get_response(request)
