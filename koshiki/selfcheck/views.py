"""The self-check page: paste a private post, see the findings; nothing is stored or logged.

Any signed-in staff member may use it, whatever their roles (京都市5 applies
to every member of staff). The text goes to the checker and back into the
page: no model is written, no audit event, no session key, and the view is
marked ``sensitive_post_parameters`` so an error report never carries it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from koshiki.org.models import Municipality, RoleAssignment
from koshiki.posts.checking import annotate, counts, findings_json, mark_spans
from koshiki.selfcheck.private import MAX_CHARS, check_private, private_use


def municipality_for(user: Any) -> Municipality | None:
    """The staff member's city: their latest role's (ended roles count), else the only city there is."""
    held = RoleAssignment.objects.filter(user=user).select_related("municipality").order_by("-pk").first()
    if held is not None:
        return held.municipality
    cities = list(Municipality.objects.order_by("pk")[:2])
    return cities[0] if len(cities) == 1 else None


@sensitive_post_parameters("text")
@login_required
@require_http_methods(["GET", "POST"])
def selfcheck(request: HttpRequest) -> HttpResponse:
    city = municipality_for(request.user)
    profile_id = city.profile_id if city else "standard"
    use = private_use(profile_id)
    context: dict[str, Any] = {
        "city": city,
        "use": use,
        "max_chars": MAX_CHARS,
        "text": "",
        "checked": False,
    }
    if request.method == "POST":
        text = request.POST.get("text", "").replace("\r\n", "\n")
        context["text"] = text
        try:
            findings = findings_json(check_private(text, use.profile), "text")
        except ValueError as exc:
            context["check_error"] = str(exc)
        else:
            context.update(
                checked=True,
                findings=annotate(findings),
                counts=counts(findings),
                marked={"text": mark_spans(text, findings)},
            )
    return render(request, "selfcheck/index.html", context)
