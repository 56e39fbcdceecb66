"""Comments, the decisions taken on them, reply links, follow records and published monthly summaries.

Every change is a row: a moderation decision is never edited into another one
(a reversal is a new ``ModerationDecision`` that points at the one it undoes),
and a comment's ``state`` only mirrors the latest row, for filtering.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from koshiki.comments.states import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    CommentState,
    DecisionKind,
    DecisionState,
    FollowKind,
    ReplyKind,
    Source,
)
from koshiki.fiscal import to_wareki
from koshiki.posts.models import Draft, Publication
from koshiki.registry.models import Account

USER = settings.AUTH_USER_MODEL


class Comment(models.Model):
    """One citizen's comment on an official account, as imported, with its stored classification."""

    account = models.ForeignKey(
        Account, verbose_name="アカウント", on_delete=models.PROTECT, related_name="comments"
    )
    source = models.CharField("取込み方法", max_length=20, choices=Source.choices)
    source_format = models.CharField("取込み形式", max_length=30, blank=True)
    external_id = models.CharField("コメントID（ソーシャルメディア側）", max_length=200, blank=True)
    url = models.URLField("コメントのURL", max_length=500, blank=True)
    author_handle = models.CharField("投稿者", max_length=200)
    text = models.TextField("本文")
    posted_at = models.DateTimeField("投稿日時", db_index=True)
    in_reply_to_url = models.URLField("返信先の投稿のURL", max_length=500, blank=True)
    publication = models.ForeignKey(
        Publication,
        verbose_name="返信先の投稿（投稿の記録）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    # Recognises a re-import: the platform's id, else the URL, else handle + time + text (sha256).
    dedup_key = models.CharField("重複判定キー", max_length=300)
    imported_by = models.ForeignKey(USER, verbose_name="取込み者", on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("取込み日時")
    state = models.CharField(
        "状態", max_length=20, choices=CommentState.choices, default=CommentState.OPEN, db_index=True
    )
    # The checker's result as stored at import (koshiki.checker.comments.check_comment).
    findings = models.JSONField("指摘", default=list, blank=True)
    categories = models.JSONField("区分", default=list, blank=True)
    # " comment.defamation comment.privacy " (or ""): the inbox filters on it on any database.
    category_codes = models.CharField("区分（検索用）", max_length=500, blank=True, db_index=True)
    suggested_action = models.CharField("推奨される対応", max_length=40, blank=True)
    action_basis = models.JSONField("対応の根拠", null=True, blank=True)
    profile_id = models.CharField("プロファイル", max_length=50)
    checker_version = models.CharField("チェッカーの版", max_length=100)
    policy_version = models.PositiveIntegerField("運用ポリシーの版（投稿日時に有効）", null=True, blank=True)
    reply_policy = models.CharField("返信の方針（判定時）", max_length=30, blank=True)

    class Meta:
        verbose_name = "コメント"
        verbose_name_plural = "コメント"
        ordering = ["-posted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "dedup_key"], name="comment_unique_per_account")
        ]
        indexes = [models.Index(fields=["account", "state", "posted_at"])]

    def __str__(self) -> str:
        return f"コメント #{self.pk}（{self.author_handle}）"

    @property
    def state_class(self) -> str:
        """The badge class of the state: waiting for someone, removed, or settled."""
        if self.state in (CommentState.OPEN, CommentState.PENDING):
            return "returned"
        if self.state in (CommentState.HIDDEN, CommentState.DELETED):
            return "closed"
        return "listed"

    @property
    def suggested_action_label(self) -> str:
        return ACTION_LABELS.get(self.suggested_action, self.suggested_action)

    @property
    def category_labels(self) -> list[str]:
        return [CATEGORY_LABELS.get(c, c) for c in self.categories]

    def summary(self, length: int = 60) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= length else text[: length - 1] + "…"


class ModerationDecision(models.Model):
    """Hide, delete, no action, or the reversal of an earlier decision, with its clause and reason."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("判断", max_length=20, choices=DecisionKind.choices)
    state = models.CharField("状態", max_length=20, choices=DecisionState.choices)
    rule = models.CharField("区分（comment.*）", max_length=50, blank=True)
    clause_ref = models.CharField("運用ポリシーの条項", max_length=100, blank=True)
    clause_title = models.CharField("条項の見出し", max_length=300, blank=True)
    policy_version = models.PositiveIntegerField("運用ポリシーの版", null=True, blank=True)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(
        USER, verbose_name="判断した職員", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("判断日時")
    reviewed_by = models.ForeignKey(
        USER, verbose_name="確認した職員", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("確認日時", null=True, blank=True)
    review_comment = models.TextField("確認のコメント", blank=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name="取り消す判断",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )

    class Meta:
        verbose_name = "コメントへの判断"
        verbose_name_plural = "コメントへの判断"
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.comment} の判断「{self.get_kind_display()}」"

    @property
    def clause_label(self) -> str:
        version = f"（第{self.policy_version}版）" if self.policy_version else ""
        return f"{self.clause_ref} {self.clause_title}{version}".strip()


class ReplyLink(models.Model):
    """A reply draft (posts.Draft, kind reply) written to answer a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="replies")
    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="comment_link")
    kind = models.CharField("返信の種類", max_length=20, choices=ReplyKind.choices)
    exception_id = models.CharField("返信しない方針の例外", max_length=50, blank=True)
    exception_label = models.CharField("例外の内容", max_length=300, blank=True)
    answer_due = models.DateField("正式な回答の期限（一次回答）", null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="作成者", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("作成日時")

    class Meta:
        verbose_name = "コメントへの返信"
        verbose_name_plural = "コメントへの返信"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.comment} への{self.get_kind_display()}"


class FollowRecord(models.Model):
    """An account the official account follows, checked against the profile's follow policy when registered."""

    account = models.ForeignKey(
        Account, verbose_name="アカウント", on_delete=models.PROTECT, related_name="follows"
    )
    target_handle = models.CharField("フォロー先のID", max_length=200)
    target_name = models.CharField("フォロー先の名称", max_length=200)
    target_url = models.URLField("フォロー先のURL", max_length=500, blank=True)
    kind = models.CharField("フォロー先の種類", max_length=20, choices=FollowKind.choices)
    reason = models.TextField("フォローする理由")
    no_prohibited_content = models.BooleanField("禁止される内容を発信していないことを確認した", default=False)
    registered_by = models.ForeignKey(USER, verbose_name="登録者", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("登録日時")
    ended_by = models.ForeignKey(
        USER,
        verbose_name="解除を記録した職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField("解除日時", null=True, blank=True)
    end_reason = models.TextField("解除の理由", blank=True)

    class Meta:
        verbose_name = "フォローの記録"
        verbose_name_plural = "フォローの記録"
        ordering = ["-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account} → {self.target_name}（@{self.target_handle}）"


class TransparencySummary(models.Model):
    """A month's count of hidden and deleted comments per clause, published on the public directory."""

    account = models.ForeignKey(
        Account, verbose_name="アカウント", on_delete=models.PROTECT, related_name="transparency_summaries"
    )
    month = models.DateField("対象月（1日）")
    # [{"ref", "title", "hidden", "deleted"}], in clause order; totals below.
    rows = models.JSONField("条項ごとの件数", default=list)
    hidden = models.PositiveIntegerField("非表示の件数")
    deleted = models.PositiveIntegerField("削除の件数")
    reversed_count = models.PositiveIntegerField("取り消した件数")
    published_by = models.ForeignKey(
        USER, verbose_name="公表した職員", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("公表日時")

    class Meta:
        verbose_name = "コメント対応の月次公表"
        verbose_name_plural = "コメント対応の月次公表"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="transparency_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.month_label} のコメント対応"

    @property
    def month_label(self) -> str:
        return month_label(self.month)


def month_label(month: Any) -> str:
    """「令和8年11月」: the 和暦 month of a date."""
    return to_wareki(month.replace(day=1)).removesuffix("1日")


__all__: list[Any] = ["Comment", "FollowRecord", "ModerationDecision", "ReplyLink", "TransparencySummary"]
