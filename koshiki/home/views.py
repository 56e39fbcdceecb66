"""The home page: what needs the signed-in user's attention."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from koshiki.campaigns.attention import publications_before_precheck
from koshiki.comments.attention import comments_attention
from koshiki.duties.access import my_open_tasks
from koshiki.org import access as org_access
from koshiki.posts.attention import posts_attention
from koshiki.registry import access as registry_access
from koshiki.registry.worklist import HOME_FLAGGED, worklist


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Steps waiting for the user, stopped accounts due a check, accounts with rule findings, posts to handle."""
    work = worklist(request.user, per_page=HOME_FLAGGED)
    # Accounts with findings: those waiting for a step first, then the worst of the rest (the full
    # list is the attention page); the count covers every visible account (stored findings).
    flagged = ([item for item in work.pending if item.findings] + list(work.flagged))[:HOME_FLAGGED]
    return render(
        request,
        "home.html",
        {
            "waiting": work.waiting,
            "checks": work.checks,
            "flagged": flagged,
            "flagged_more": max(work.flagged_count - len(flagged), 0),
            "flagged_count": work.flagged_count,
            "error_count": work.error_count,
            "has_roles": bool(org_access.roles_of(request.user)),
            "visible_count": registry_access.accounts_visible_to(request.user).count(),
            "posts": posts_attention(request.user),
            "duties": my_open_tasks(request.user, timezone.localdate()),
            "comments": comments_attention(request.user),
            "campaign_before_precheck": publications_before_precheck(request.user),
        },
    )
