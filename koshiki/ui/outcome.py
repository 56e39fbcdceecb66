"""Run one action from a button press and report its outcome as a flash message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from koshiki.errors import ActionError


def act_and_redirect(
    request: HttpRequest, run: Callable[[], object], done: str, to: str, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Call ``run`` (a ``do_*`` action); flash ``done`` or the action's refusal, then redirect to ``to``.

    The action itself checks permission, holds the transaction and writes the audit event;
    only its ``ActionError`` becomes a message (``PermissionDenied`` still gives a 403).
    """
    try:
        run()
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(to, *args, **kwargs)
