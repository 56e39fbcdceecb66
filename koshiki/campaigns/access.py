"""Who may see, run and pre-check a paid third-party campaign.

A campaign belongs to an account: whoever may draft that account's posts runs
its campaigns (registers, reissues the link, closes, records publications);
whoever holds a step of the account's approval chain pre-checks the third
party's drafts (京都市6(1) 「発信内容の事前確認」).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from koshiki.campaigns.models import Campaign, CampaignSubmission
from koshiki.errors import require
from koshiki.posts.access import can_approve_post, can_draft_post
from koshiki.posts.procedures import PostProcedures
from koshiki.registry.access import accounts_visible_to
from koshiki.registry.models import Account


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    """The campaigns of the accounts the user may see (another unit's is a 404; no query until evaluated)."""
    return Campaign.objects.filter(account__in=accounts_visible_to(user))


def submissions_visible_to(user: Any) -> QuerySet[CampaignSubmission]:
    """The submitted drafts of the campaigns the user may see."""
    return CampaignSubmission.objects.filter(campaign__account__in=accounts_visible_to(user))


def can_manage_campaign(user: Any, account: Account) -> bool:
    """Register, reissue, close and record publications: the account's operators and section heads."""
    return can_draft_post(user, account)


def can_precheck(user: Any, account: Account, procedures: PostProcedures) -> bool:
    """Pre-check a third party's draft: hold a step of the account's approval chain."""
    return any(can_approve_post(user, account, role) for role in procedures.approval_chain)


def require_manage(user: Any, account: Account) -> None:
    """``PermissionDenied`` unless the user may run the account's campaigns."""
    require(can_manage_campaign(user, account), "このアカウントの投稿案を扱えるのは、担当者と所属長です")


def require_precheck(user: Any, account: Account, procedures: PostProcedures) -> None:
    """``PermissionDenied`` unless the user may pre-check the account's third-party drafts."""
    require(
        can_precheck(user, account, procedures),
        f"第三者の投稿案を確認できるのは{procedures.approver_label}です",
    )
