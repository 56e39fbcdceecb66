"""The posts tables: drafts and their immutable revisions, approval runs, scopes, reports,
publications and corrections (paid third-party campaigns: ``koshiki.campaigns``).

Every write goes through ``posts.actions``; models hold data and read-only
helpers only. Revisions are insert-only: approvals, second checks, reports and
publications point at the exact revision they concern (Wagtail: approvals
tied to a revision).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from koshiki.posts.states import (
    CorrectionHandling,
    Decision,
    DraftKind,
    DraftStatus,
    RunStatus,
    SecondCheckRequestStatus,
    SecondCheckResult,
    part_label,
)
from koshiki.registry.models import Account

USER = settings.AUTH_USER_MODEL


class ImmutableRevisionError(RuntimeError):
    """A revision or a submission was about to be changed or deleted."""

    def __init__(self) -> None:
        super().__init__("投稿案の版は変更・削除できません。編集すると新しい版が作られます。")


class PreApprovedScope(models.Model):
    """A kind of content the section head lets operators post without prior approval (京都市4(1)イ(ウ)b).

    One row per account and scope id; ``active`` is switched by
    ``do_set_scopes``. ``label`` and ``clause`` copy the profile's words at
    the time of approval.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="post_scopes")
    scope_id = models.CharField("範囲", max_length=50)
    label = models.CharField("範囲の内容", max_length=300)
    clause = models.CharField("条項", max_length=100, blank=True)
    active = models.BooleanField("有効", default=True)
    note = models.TextField("範囲の補足（具体的な内容）", blank=True)
    approved_by = models.ForeignKey(USER, verbose_name="承認者", on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("承認日時")
    revoked_by = models.ForeignKey(
        USER, verbose_name="取消者", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField("取消日時", null=True, blank=True)

    class Meta:
        verbose_name = "事前承認の範囲"
        verbose_name_plural = "事前承認の範囲"
        ordering = ["account", "scope_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "scope_id"], name="posts_scope_unique_per_account"),
        ]

    def __str__(self) -> str:
        return self.label


class Draft(models.Model):
    """A post, reply or correction being prepared for one account (投稿案)."""

    account = models.ForeignKey(
        Account, verbose_name="アカウント", on_delete=models.PROTECT, related_name="drafts"
    )
    author = models.ForeignKey(USER, verbose_name="作成者", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("種類", max_length=20, choices=DraftKind.choices, default=DraftKind.POST)
    in_reply_to = models.CharField("返信先（投稿のURLなど）", max_length=500, blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT, db_index=True
    )
    current_revision = models.ForeignKey(
        "Revision", verbose_name="最新の版", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_revision = models.ForeignKey(
        "Revision",
        verbose_name="承認された版",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.ForeignKey(
        PreApprovedScope,
        verbose_name="事前承認の範囲",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name="訂正する投稿",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_handling = models.CharField(
        "誤りへの対応", max_length=30, choices=CorrectionHandling.choices, blank=True
    )
    correction_reason = models.TextField("誤りの内容", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "投稿案"
        verbose_name_plural = "投稿案"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DraftKind.CORRECTION)
                | (Q(corrects__isnull=False) & ~Q(correction_handling="")),
                name="posts_correction_links_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}案 #{self.pk}"

    @property
    def summary(self) -> str:
        """The first 40 characters of the latest text (for lists)."""
        text = self.current_revision.text if self.current_revision else ""
        line = " ".join(text.split())
        return line[:40] + ("…" if len(line) > 40 else "")


class RevisionQuerySet(models.QuerySet):
    """Bulk writes are refused too: a revision is never rewritten."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableRevisionError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRevisionError()


class Revision(models.Model):
    """One immutable version of a draft's content and what the checker found in it.

    ``sha256`` covers the canonical content (text, alt texts, links);
    ``text_sha256`` the text alone, which a publication record is compared
    with. ``findings`` are the checker's findings as JSON, each with the
    ``part`` it points into (``text``, ``alt:0``, ``link:1``).
    """

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField("版")
    text = models.TextField("本文")
    alt_texts = models.JSONField("画像の代替テキスト", default=list, blank=True)
    links = models.JSONField("リンク", default=list, blank=True)
    author = models.ForeignKey(USER, verbose_name="作成者", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    sha256 = models.CharField("内容のハッシュ", max_length=64)
    text_sha256 = models.CharField("本文のハッシュ", max_length=64)
    profile_id = models.CharField("プロファイル", max_length=50)
    checker_version = models.CharField("チェッカーの版", max_length=100)
    findings = models.JSONField("指摘", default=list, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "投稿案の版"
        verbose_name_plural = "投稿案の版"
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="posts_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} 第{self.number}版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a revision is never rewritten."""
        if not self._state.adding:
            raise ImmutableRevisionError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRevisionError()

    def findings_of(self, severity: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("severity") == severity]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.findings_of("error")

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return self.findings_of("warning")

    @property
    def infos(self) -> list[dict[str, Any]]:
        return self.findings_of("info")


def finding_key(finding: dict[str, Any]) -> str:
    """A stable key for one finding of a revision: ``rule@part:start-end``."""
    return f"{finding['rule']}@{finding.get('part', 'text')}:{finding['start']}-{finding['end']}"


def finding_where(finding: dict[str, Any]) -> str:
    return part_label(finding.get("part", "text"))


class ApprovalRun(models.Model):
    """One run of the profile's approval chain for one revision (Wagtail: WorkflowState).

    ``chain`` copies the roles of the chain when the run starts, so a profile
    change never alters a run in progress; ``step`` is the index of the role
    whose decision is awaited. At most one run per draft is in progress.
    """

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="approval_runs")
    revision = models.ForeignKey(
        Revision, verbose_name="対象の版", on_delete=models.PROTECT, related_name="approval_runs"
    )
    chain = models.JSONField("承認の順序（役割）", default=list)
    step = models.PositiveSmallIntegerField("現在の段階", default=0)
    status = models.CharField(
        "状態", max_length=20, choices=RunStatus.choices, default=RunStatus.IN_PROGRESS, db_index=True
    )
    submitted_by = models.ForeignKey(USER, verbose_name="申請者", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("申請日時")
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    # Issue 9 item 10: a request cancelled by someone other than its author carries the reason,
    # shown to the author like a return's comment.
    cancelled_by = models.ForeignKey(
        USER, verbose_name="取り消した職員", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField("取り消した理由", blank=True)

    class Meta:
        verbose_name = "承認手続"
        verbose_name_plural = "承認手続"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft"],
                condition=Q(status=RunStatus.IN_PROGRESS),
                name="posts_one_active_run_per_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft} 第{self.revision.number}版の承認手続"

    @property
    def current_role(self) -> str | None:
        if self.status != RunStatus.IN_PROGRESS or self.step >= len(self.chain):
            return None
        return self.chain[self.step]


class ApprovalDecision(models.Model):
    """One approver's decision in a run: approve (with waivers) or return (with a comment)."""

    run = models.ForeignKey(ApprovalRun, on_delete=models.PROTECT, related_name="decisions")
    step = models.PositiveSmallIntegerField("段階")
    role = models.CharField("役割", max_length=30)
    approver = models.ForeignKey(USER, verbose_name="承認者", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("判断", max_length=20, choices=Decision.choices)
    comment = models.TextField("コメント", blank=True)
    decided_at = models.DateTimeField("日時")

    class Meta:
        verbose_name = "承認・差戻し"
        verbose_name_plural = "承認・差戻し"
        ordering = ["run", "step", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "step"], name="posts_one_decision_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}（{self.approver}）"


class Waiver(models.Model):
    """The approver's acknowledgement of one warning finding, with the reason (RULES.md: warning)."""

    decision = models.ForeignKey(ApprovalDecision, on_delete=models.PROTECT, related_name="waivers")
    finding_key = models.CharField("指摘", max_length=200)
    rule = models.CharField("規則", max_length=100)
    part = models.CharField("箇所", max_length=20, default="text")
    message = models.TextField("指摘の内容")
    reason = models.TextField("了承の理由")

    class Meta:
        verbose_name = "警告の了承"
        verbose_name_plural = "警告の了承"
        ordering = ["decision", "pk"]

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


class SecondCheck(models.Model):
    """A second person's check of the exact revision posted under a scope (京都市4(1)イ(ウ)c)."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="second_checks")
    revision = models.ForeignKey(
        Revision, verbose_name="確認した版", on_delete=models.PROTECT, related_name="+"
    )
    checker = models.ForeignKey(USER, verbose_name="確認者", on_delete=models.PROTECT, related_name="+")
    result = models.CharField("結果", max_length=20, choices=SecondCheckResult.choices)
    comment = models.TextField("コメント", blank=True)
    checked_at = models.DateTimeField("確認日時")

    class Meta:
        verbose_name = "複数の職員による確認"
        verbose_name_plural = "複数の職員による確認"
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.draft} 第{self.revision.number}版の確認（{self.get_result_display()}）"


class SecondCheckRequest(models.Model):
    """The author's request that a named colleague (or, unnamed, anyone eligible) do the second check.

    京都市4(1)イ(ウ)c 「複数の職員で確認」: while a request naming a person is open,
    only that person may record the check of the draft (issue 9 item 10). At
    most one open request per draft; a new one replaces it.
    """

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="second_check_requests")
    revision = models.ForeignKey(
        Revision, verbose_name="依頼した時点の版", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(USER, verbose_name="依頼者", on_delete=models.PROTECT, related_name="+")
    requested_of = models.ForeignKey(
        USER,
        verbose_name="確認を依頼された職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField("依頼日時")
    status = models.CharField(
        "状態",
        max_length=20,
        choices=SecondCheckRequestStatus.choices,
        default=SecondCheckRequestStatus.OPEN,
        db_index=True,
    )
    closed_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "複数確認の依頼"
        verbose_name_plural = "複数確認の依頼"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft"],
                condition=Q(status=SecondCheckRequestStatus.OPEN),
                name="posts_one_open_second_check_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft} の複数確認の依頼"


class PostHocReportQuerySet(models.QuerySet):
    def unconfirmed(self) -> PostHocReportQuerySet:
        return self.filter(confirmed_at__isnull=True)

    def overdue(self, now: Any = None) -> PostHocReportQuerySet:
        """Unconfirmed reports whose deadline has passed."""
        return self.unconfirmed().filter(due_at__lt=now or timezone.now())


class PostHocReport(models.Model):
    """The report to the section head of a post made under a scope, and its confirmation (京都市4(1)イ(ウ)d)."""

    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="report")
    revision = models.ForeignKey(
        Revision, verbose_name="報告した版", on_delete=models.PROTECT, related_name="+"
    )
    scope = models.ForeignKey(
        PreApprovedScope, verbose_name="範囲", on_delete=models.PROTECT, related_name="reports"
    )
    second_check = models.ForeignKey(
        SecondCheck,
        verbose_name="複数確認",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    no_second_check_reason = models.TextField("複数で確認できなかった理由", blank=True)
    reported_by = models.ForeignKey(USER, verbose_name="報告者", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("報告日時")
    due_at = models.DateTimeField("確認期限")
    confirmed_by = models.ForeignKey(
        USER, verbose_name="確認者", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    comment = models.TextField("確認のコメント", blank=True)

    objects = PostHocReportQuerySet.as_manager()

    class Meta:
        verbose_name = "事後の報告"
        verbose_name_plural = "事後の報告"
        ordering = ["confirmed_at", "due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.draft} の報告"

    @property
    def is_overdue(self) -> bool:
        return self.confirmed_at is None and self.due_at < timezone.now()


class Publication(models.Model):
    """The record that an approved revision was published: where, when, and what text went out.

    ``matches`` is False when the recorded text's hash differs from the
    approved revision's (issue 4.5): the row is kept and flagged.
    """

    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="publication")
    revision = models.ForeignKey(
        Revision, verbose_name="承認された版", on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField("投稿のURL", max_length=500)
    published_at = models.DateTimeField("投稿日時", db_index=True)
    recorded_text = models.TextField("投稿された本文")
    recorded_sha256 = models.CharField("投稿された本文のハッシュ", max_length=64)
    matches = models.BooleanField("承認された本文と一致")
    hours_warning = models.CharField("運用時間外の警告", max_length=300, blank=True)
    # Issue 9 item 3: a time earlier than the approval (or the scope's approval) is kept, flagged as an error.
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    before_approval = models.BooleanField("承認前の投稿", default=False)
    recorded_by = models.ForeignKey(USER, verbose_name="記録者", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("記録日時")
    deleted_at = models.DateTimeField("削除日時（訂正のため）", null=True, blank=True)
    deleted_by = models.ForeignKey(
        USER,
        verbose_name="削除を記録した職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "投稿の記録"
        verbose_name_plural = "投稿の記録"
        ordering = ["-published_at", "-pk"]
        # The home page asks for the few flagged records among tens of thousands on every
        # view (posts.attention): partial indexes hold only those rows (10 ms -> <1 ms at 50,000).
        indexes = [
            models.Index(fields=["-recorded_at"], condition=Q(matches=False), name="publication_mismatch"),
            models.Index(
                fields=["-recorded_at"], condition=Q(before_approval=True), name="publication_early"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft} の投稿記録"


__all__ = [
    "ApprovalDecision",
    "ApprovalRun",
    "Draft",
    "PostHocReport",
    "PreApprovedScope",
    "Publication",
    "Revision",
    "SecondCheck",
    "SecondCheckRequest",
    "Waiver",
    "finding_key",
    "finding_where",
]
