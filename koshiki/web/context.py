"""Template context for every page: the user's municipality and which menu entries to show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from koshiki.org import access


def site(request: HttpRequest) -> dict[str, Any]:
    """Menu flags come from ``org.access`` so the menu never offers a refused page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "site_municipality": access.municipality_of(user),
        "site_roles": sorted({ra.get_role_display() for ra in access.roles_of(user)}),
        "nav_can_apply": access.units_for_application(user).exists(),
        "nav_can_audit": access.can_view_audit(user),
        "nav_can_org": access.can_view_org(user),
    }
