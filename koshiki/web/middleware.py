"""Response headers Django 5.2 does not set itself: the Content-Security-Policy, no-store for staff.

Every page is server-rendered with scripts and styles from /static/ only, so
the policy forbids inline code, other origins and framing. A template that
needs an inline ``<script>``/``<style>`` or a ``style=""`` attribute breaks
under it on purpose: move the code into a static file instead
(tests/web/test_security.py scans the templates for both).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

DEFAULT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Add ``Content-Security-Policy`` (settings.CONTENT_SECURITY_POLICY) to every response.

    A view that sets its own header keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store`` on every page served to a signed-in person.

    Staff pages name people and hold unpublished drafts; on a shared office PC
    the browser must not keep them after logout (the Back button would show
    them again). Static files and responses that set their own
    ``Cache-Control`` are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
            and not request.path.startswith(settings.STATIC_URL)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
