"""Run one action from a button press and report its outcome as a flash message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from koshiki.errors import ActionError

# The name of the box an irreversible action's form must carry ticked (``_confirm.html``).
CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """Whether the form's confirmation box (``_confirm.html``) was ticked."""
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_missing(what: str) -> str:
    """The refusal shown when an irreversible action's confirmation box was left unticked."""
    return f"{what}は取り消せません。確認の欄にチェックを入れてから、もう一度押してください"


def act_and_redirect(
    request: HttpRequest,
    run: Callable[[], object],
    done: str,
    to: str,
    *args: Any,
    confirm: str = "",
    **kwargs: Any,
) -> HttpResponse:
    """Call ``run`` (a ``do_*`` action); flash ``done`` or the action's refusal, then redirect to ``to``.

    The action itself checks permission, holds the transaction and writes the audit event;
    only its ``ActionError`` becomes a message (``PermissionDenied`` still gives a 403).
    With ``confirm`` (what is being done, e.g. 「取下げ」), an irreversible action runs only
    when the form's confirmation box was ticked (issue 9 item 10; it works without
    JavaScript, which the CSP keeps to static files).
    """
    try:
        if confirm:
            # The action runs first, inside a savepoint, so that a refusal by role or state
            # (403 / its own message) takes precedence; an unticked box then undoes it all,
            # audit event and notifications included.
            with transaction.atomic():
                run()
                if not confirmed(request):
                    raise ActionError(confirmation_missing(confirm))
        else:
            run()
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(to, *args, **kwargs)
