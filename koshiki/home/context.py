"""Template context for every page: the user's municipality and which menu entries to show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from koshiki.audit import access as audit_access
from koshiki.committees import access as committee_access
from koshiki.notify.service import unread_count
from koshiki.org import access as org_access


def site(request: HttpRequest) -> dict[str, Any]:
    """Menu flags come from the apps' ``access`` modules so the menu never offers a refused page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "koshiki_second_factor_pending", False):
        # Signed in with the password only (koshiki.security.middleware): no menu to pages
        # that would only send the person back to the code page.
        return {"nav_second_factor_pending": True}
    municipality = org_access.municipality_of(user)
    return {
        "site_municipality": municipality,
        "nav_unread": unread_count(user),
        "nav_can_committee": committee_access.can_view_meetings(user, municipality)
        and bool(municipality and committee_access.has_committee(municipality)),
        "site_roles": sorted({ra.get_role_display() for ra in org_access.roles_of(user)}),
        "nav_can_apply": org_access.units_for_application(user).exists(),
        "nav_can_audit": audit_access.can_view_audit(user),
        "nav_can_verify_audit": audit_access.can_verify_chain(user),
        "nav_can_org": org_access.can_view_org(user),
    }
