"""Incidents: the case, its steps done, its evidence, its timeline; freezes; impersonations.

Every write goes through ``incidents.actions``. Decisions are rows that are
never updated (a step done, a freeze or unfreeze, a piece of evidence, a
timeline entry); the incident row holds only its current state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from koshiki.incidents.states import EntryKind, EvidenceKind, IncidentStatus, Kind
from koshiki.org.models import Municipality
from koshiki.registry.models import Account

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


class Incident(models.Model):
    """One incident handled along its profile's playbook, from opening to its closing report."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="incidents")
    account = models.ForeignKey(
        Account,
        verbose_name="対象の公式アカウント",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    kind = models.CharField("事案の種類", max_length=30, choices=Kind.choices)
    title = models.CharField("件名", max_length=200)
    description = models.TextField("概要", blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True
    )
    profile_id = models.CharField("手順のプロファイル", max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="担当者", on_delete=models.PROTECT, related_name="+"
    )
    second_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="二人目の職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起票者", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("起票日時")
    # A later link to a citizen comment (the comments app), kept as a plain id so this app
    # depends on nothing it does not need; evidence rows carry ``source_ref`` the same way.
    related_comment_id = models.PositiveBigIntegerField("関連するコメント", null=True, blank=True)
    closing_report = models.TextField("完了報告", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="完了の確認者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = "事案"
        verbose_name_plural = "事案"
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class StepDone(models.Model):
    """One playbook step recorded as done (insert-only; one row per step)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="steps_done")
    step_id = models.CharField("手順", max_length=50)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="実施者", on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField("実施日時")
    note = models.TextField("内容", blank=True)
    due_at = models.DateTimeField("期限", null=True, blank=True)
    late = models.BooleanField("期限超過", default=False)

    class Meta:
        verbose_name = "事案の手順"
        verbose_name_plural = "事案の手順"
        ordering = ["done_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["incident", "step_id"], name="incidents_step_once")]

    def __str__(self) -> str:
        return f"{self.incident.title} / {self.step_id}"


class Evidence(models.Model):
    """A saved record: a URL, a copied text, or an uploaded screenshot, with its SHA-256."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("種類", max_length=10, choices=EvidenceKind.choices)
    url = models.URLField("URL", max_length=1000, blank=True)
    text = models.TextField("本文の写し", blank=True)
    file_name = models.CharField("ファイル名", max_length=255, blank=True)
    content_type = models.CharField("形式", max_length=100, blank=True)
    content = models.BinaryField("ファイル", null=True, blank=True, editable=False)
    size = models.PositiveIntegerField("大きさ（バイト）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("説明", max_length=300, blank=True)
    # Where it came from in another app ("comments.comment:42"), without a dependency on it.
    source_ref = models.CharField("参照元", max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="保存者", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("保存日時")

    class Meta:
        verbose_name = "事案の記録"
        verbose_name_plural = "事案の記録"
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        what = self.file_name or self.url or self.text[:30]
        return f"{self.get_kind_display()}: {what}"


class TimelineEntry(models.Model):
    """One line of the incident's timeline (insert-only)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField("日時")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="職員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("種類", max_length=20, choices=EntryKind.choices)
    text = models.TextField("内容")

    class Meta:
        verbose_name = "事案の経過"
        verbose_name_plural = "事案の経過"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class FreezeRecord(models.Model):
    """One freeze or unfreeze of an account, with its reason (insert-only)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="freeze_records")
    frozen = models.BooleanField("停止（偽は解除）")
    city_wide = models.BooleanField("全アカウント一斉", default=False)
    reason = models.CharField("理由", max_length=300)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="freezes"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="実施者", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("日時")

    class Meta:
        verbose_name = "緊急停止の記録"
        verbose_name_plural = "緊急停止の記録"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account.display_name} {'停止' if self.frozen else '解除'}"


class Impersonation(models.Model):
    """A confirmed impersonating handle linked to the real account (``/public/verify`` answers false)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="impersonations")
    real_account = models.ForeignKey(
        Account, verbose_name="本物のアカウント", on_delete=models.PROTECT, related_name="impersonations"
    )
    platform = models.CharField("ソーシャルメディアの種類", max_length=20)
    handle = models.CharField("なりすましのID", max_length=100, db_index=True)
    url = models.URLField("なりすましのURL", max_length=500, blank=True)
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="impersonation")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="確認者", on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("確認日時")
    notice = models.TextField("注意喚起の文面", blank=True)
    notice_published_at = models.DateTimeField("注意喚起の掲載日時", null=True, blank=True)

    class Meta:
        verbose_name = "なりすまし"
        verbose_name_plural = "なりすまし"
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self) -> str:
        return f"@{self.handle}（{self.real_account.display_name}のなりすまし）"
