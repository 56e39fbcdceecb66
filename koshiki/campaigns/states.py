"""Statuses of a paid third-party campaign and of the city's pre-check of its drafts."""

from __future__ import annotations

from django.db.models import TextChoices


class PosterKind(TextChoices):
    """Who publishes a paid campaign post (京都市6: 委託事業者等; インフルエンサー)."""

    CONTRACTOR = "contractor", "委託事業者"
    INFLUENCER = "influencer", "インフルエンサー"


class CampaignStatus(TextChoices):
    ACTIVE = "active", "実施中"
    CLOSED = "closed", "終了"


class PrecheckStatus(TextChoices):
    PENDING = "pending", "確認待ち"
    ACCEPTED = "accepted", "確認済み（投稿可）"
    RETURNED = "returned", "修正依頼"


class ThirdPartyStatus(TextChoices):
    """Where a submitted draft stands, in the words the third party reads on its page (issue 9 item 10)."""

    RECEIVED = "received", "受付済・確認中"
    RETURNED = "returned", "差し戻し"
    APPROVED = "approved", "承認済（投稿できます）"
    PUBLISHED = "published", "投稿を確認済み"
    FIX_POST = "fix_post", "投稿の修正が必要"


THIRD_PARTY_STATUS_HELP = {
    ThirdPartyStatus.RECEIVED: "市の担当者が内容を確認しています。確認が終わるまで投稿しないでください。",
    ThirdPartyStatus.RETURNED: "市から修正の依頼があります。コメントに沿って直した本文を提出し直してください。",
    ThirdPartyStatus.APPROVED: "この本文で投稿できます。投稿したら、市の担当者に投稿のURLを知らせてください。",
    ThirdPartyStatus.PUBLISHED: "投稿された内容を市が確認しました。ご協力ありがとうございました。",
    ThirdPartyStatus.FIX_POST: "投稿された本文の明示（「#PR」など）に問題があります。投稿を直して、市の担当者に知らせてください。",
}
