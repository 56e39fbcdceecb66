"""The campaigns tables: a paid third party's campaign, its submitted drafts and their publications.

Born in the posts app; the tables keep their names (``posts_campaign`` ...), so
moving the models here moved no data. Every write goes through
``campaigns.actions``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from koshiki.campaigns.states import (
    THIRD_PARTY_STATUS_HELP,
    CampaignStatus,
    PosterKind,
    PrecheckStatus,
    ThirdPartyStatus,
)
from koshiki.registry.models import Account

USER = settings.AUTH_USER_MODEL


class Campaign(models.Model):
    """A paid or commissioned third-party promotion (京都市6, 石巻市5) managed by an account's unit.

    The third party submits drafts through a link carrying ``token``; only its
    SHA-256 is stored (``token_hash``). ``subject`` is the marketing subject
    tag without ``#`` (「京都市」, or 「○○実行委員会」 when the committee is the
    requester: 京都市6(2)); ``relation_tags`` copy the profile's at creation.
    """

    account = models.ForeignKey(
        Account, verbose_name="担当アカウント", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("事業名", max_length=200)
    poster_name = models.CharField("発信者（委託事業者・インフルエンサー）", max_length=200)
    poster_kind = models.CharField("発信者の区分", max_length=20, choices=PosterKind.choices)
    poster_account = models.CharField("発信者のアカウント", max_length=300, blank=True)
    subject = models.CharField("マーケティング主体", max_length=100)
    relation_tags = models.JSONField("関係タグ", default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField("提出リンクの有効期限")
    status = models.CharField(
        "状態", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    created_by = models.ForeignKey(USER, verbose_name="登録者", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "第三者への発信依頼"
        verbose_name_plural = "第三者への発信依頼"
        db_table = "posts_campaign"  # born in the posts app; the table keeps its name
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.poster_name}）"

    @property
    def link_active(self) -> bool:
        return self.status == CampaignStatus.ACTIVE and self.expires_at > timezone.now()


class CampaignSubmission(models.Model):
    """A draft the third party submitted through the link, checked with ``paid_third_party`` on.

    Insert-only for the content; the city's pre-check fills the ``precheck_*``
    columns through ``do_precheck_campaign_submission``.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField("提出番号")
    text = models.TextField("本文")
    submitter_name = models.CharField("提出者", max_length=200)
    submitted_at = models.DateTimeField("提出日時")
    sha256 = models.CharField("本文のハッシュ", max_length=64)
    profile_id = models.CharField("プロファイル", max_length=50)
    checker_version = models.CharField("チェッカーの版", max_length=100)
    findings = models.JSONField("指摘", default=list, blank=True)
    precheck_status = models.CharField(
        "事前確認", max_length=20, choices=PrecheckStatus.choices, default=PrecheckStatus.PENDING
    )
    prechecked_by = models.ForeignKey(
        USER, verbose_name="確認者", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prechecked_at = models.DateTimeField("確認日時", null=True, blank=True)
    precheck_comment = models.TextField("確認のコメント", blank=True)
    precheck_waivers = models.JSONField("警告の了承", default=dict, blank=True)

    class Meta:
        verbose_name = "第三者からの投稿案"
        verbose_name_plural = "第三者からの投稿案"
        db_table = "posts_campaignsubmission"
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="posts_submission_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name} 提出{self.number}"

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("severity") == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("severity") == "warning"]

    @property
    def third_party_status(self) -> ThirdPartyStatus:
        """The status the third party sees (reads ``publication``: select it with the submission)."""
        if self.precheck_status == PrecheckStatus.PENDING:
            return ThirdPartyStatus.RECEIVED
        if self.precheck_status == PrecheckStatus.RETURNED:
            return ThirdPartyStatus.RETURNED
        publication = getattr(self, "publication", None)
        if publication is None:
            return ThirdPartyStatus.APPROVED
        return ThirdPartyStatus.PUBLISHED if publication.disclosure_ok else ThirdPartyStatus.FIX_POST

    @property
    def third_party_help(self) -> str:
        return THIRD_PARTY_STATUS_HELP[self.third_party_status]


class CampaignPublication(models.Model):
    """The third party's post as published, entered after publication and re-checked for disclosure."""

    submission = models.OneToOneField(
        CampaignSubmission, on_delete=models.PROTECT, related_name="publication"
    )
    url = models.URLField("投稿のURL", max_length=500)
    published_at = models.DateTimeField("投稿日時")
    text = models.TextField("投稿された本文")
    sha256 = models.CharField("本文のハッシュ", max_length=64)
    matches = models.BooleanField("確認した本文と一致")
    findings = models.JSONField("再チェックの指摘", default=list, blank=True)
    disclosure_ok = models.BooleanField("明示が適切")
    # Issue 9 item 3: a time earlier than the city's pre-check is kept, flagged as an error
    # (as a post published before its approval is: ``posts.Publication.before_approval``).
    prechecked_at = models.DateTimeField("事前確認の日時", null=True, blank=True)
    before_precheck = models.BooleanField("承認前の投稿", default=False)
    recorded_by = models.ForeignKey(USER, verbose_name="記録者", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("記録日時")

    class Meta:
        verbose_name = "第三者の投稿の記録"
        verbose_name_plural = "第三者の投稿の記録"
        db_table = "posts_campaignpublication"
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission} の投稿記録"


class SubmissionFile(models.Model):
    """An image or video sent with a third party's submission, checked like a draft's files (issue 11.4)."""

    submission = models.ForeignKey(CampaignSubmission, on_delete=models.PROTECT, related_name="files")
    position = models.PositiveSmallIntegerField("順番")
    file = models.ForeignKey("attachments.MediaFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("ファイル名", max_length=200)

    class Meta:
        verbose_name = "提出された画像・動画"
        verbose_name_plural = "提出された画像・動画"
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "position"], name="campaigns_file_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} 添付{self.position + 1}「{self.name}」"
