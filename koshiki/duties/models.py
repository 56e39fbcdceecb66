"""Duty tasks: one row per duty, account and period, unique by ``key`` so ``run_duties`` is idempotent.

Which duties a city has is profile data (``duties.definitions``); the rows
are written only by ``duties.actions`` and ``duties.runner``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from koshiki.org.models import Municipality
from koshiki.registry.models import Account

USER = settings.AUTH_USER_MODEL


class TaskStatus(models.TextChoices):
    OPEN = "open", "未対応"
    DONE = "done", "完了"
    RESOLVED = "resolved", "記録により解消"


class DutyTask(models.Model):
    """One occurrence of a duty: the roster of account X for 令和7年度, a password due on a date, …"""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    duty = models.CharField("職務", max_length=40)
    key = models.CharField("識別キー", max_length=200)
    account = models.ForeignKey(
        Account, verbose_name="アカウント", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("内容", max_length=300)
    clause = models.CharField("根拠", max_length=100, blank=True)
    role = models.CharField("担当する役割", max_length=30)
    url = models.CharField("対応するページ", max_length=500, blank=True)
    due_on = models.DateField("期限", db_index=True)
    status = models.CharField(
        "状態", max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    created_on = models.DateField("発生日")
    done_at = models.DateTimeField("完了日時", null=True, blank=True)
    done_by = models.ForeignKey(
        USER, verbose_name="完了した職員", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("結果", max_length=30, blank=True)
    note = models.TextField("記録", blank=True)

    class Meta:
        verbose_name = "職務"
        verbose_name_plural = "職務"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="duties_one_task_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class DutySettings(models.Model):
    """A city's choices where its guideline leaves them open (記録する日常確認)."""

    municipality = models.OneToOneField(Municipality, on_delete=models.PROTECT, related_name="+")
    record_daily_checks = models.BooleanField("日常確認を記録する", default=False)

    class Meta:
        verbose_name = "職務の暦の設定"
        verbose_name_plural = "職務の暦の設定"

    def __str__(self) -> str:
        return f"{self.municipality} の職務の暦の設定"


class DutyRun(models.Model):
    """One run of ``run_duties`` for a date (what it created, resolved and sent), for the page's footer."""

    run_on = models.DateField("対象日")
    started_at = models.DateTimeField("開始日時")
    created = models.PositiveIntegerField("発生", default=0)
    resolved = models.PositiveIntegerField("解消", default=0)
    notified = models.PositiveIntegerField("通知", default=0)
    mails_sent = models.PositiveIntegerField("送信", default=0)
    mails_failed = models.PositiveIntegerField("送信失敗", default=0)

    class Meta:
        verbose_name = "定期処理の実行"
        verbose_name_plural = "定期処理の実行"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.run_on} の定期処理"
