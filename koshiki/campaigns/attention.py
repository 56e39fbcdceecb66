"""What in campaigns waits for a person: third parties' posts published before the city's pre-check.

Read by the home page and the campaigns list (issue 9 item 3, 京都市6(1)); one query
filtered by ``registry_access.accounts_visible_to``.
"""

from __future__ import annotations

from typing import Any

from koshiki.campaigns.models import CampaignPublication
from koshiki.org.roles import Role
from koshiki.posts import access as posts_access
from koshiki.registry import access as registry_access
from koshiki.ui.rows import rows_if_any

_WATCHERS = (Role.SECTION_HEAD, Role.GOVERNANCE_OFFICE)  # can_set_post_scopes, or the office


def publications_before_precheck(user: Any) -> list[CampaignPublication]:
    """Third parties' posts published before their pre-check, for the section head and the office."""
    if not registry_access.holds_any(user, _WATCHERS):
        return []  # nobody else could keep a row: no query
    qs = CampaignPublication.objects.filter(
        before_precheck=True,
        submission__campaign__account__in=registry_access.accounts_reached_by(user, _WATCHERS),
    ).order_by("-recorded_at")
    return [
        p
        for p in rows_if_any(qs, 50, "submission__campaign__account__owning_unit", "recorded_by")
        if posts_access.can_set_post_scopes(user, p.submission.campaign.account)
        or registry_access.holds_for(user, Role.GOVERNANCE_OFFICE, p.submission.campaign.account)
    ]
