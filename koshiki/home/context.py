"""Template context for every page: the user's municipality and which menu entries to show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from koshiki.audit import access as audit_access
from koshiki.org import access as org_access


def site(request: HttpRequest) -> dict[str, Any]:
    """Menu flags come from the apps' ``access`` modules so the menu never offers a refused page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "site_municipality": org_access.municipality_of(user),
        "site_roles": sorted({ra.get_role_display() for ra in org_access.roles_of(user)}),
        "nav_can_apply": org_access.units_for_application(user).exists(),
        "nav_can_audit": audit_access.can_view_audit(user),
        "nav_can_org": org_access.can_view_org(user),
    }
