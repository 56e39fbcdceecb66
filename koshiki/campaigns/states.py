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
