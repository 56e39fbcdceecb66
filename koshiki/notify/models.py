"""Notifications (one row per person and event), the mail outbox with retries, and delivery preferences.

Written only through ``notify.service.notify`` (inside the acting
transaction) and ``notify.actions``; the outbox is drained after commit and
again by ``manage.py run_duties``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from koshiki.org.models import Municipality

USER = settings.AUTH_USER_MODEL


class Delivery(models.TextChoices):
    """How a person wants their notifications mailed (the inbox always shows them)."""

    IMMEDIATE = "immediate", "その都度メールで受け取る"
    DIGEST = "digest", "1日1回まとめてメールで受け取る"


class Preference(models.Model):
    """A person's choice of immediate mails or a daily digest (no row: immediate)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="notify_preference")
    delivery = models.CharField("メールの受け取り方", max_length=20, choices=Delivery.choices)
    updated_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = "通知の受け取り方"
        verbose_name_plural = "通知の受け取り方"

    def __str__(self) -> str:
        return f"{self.user} / {self.get_delivery_display()}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        """Waiting for the person: neither read nor settled by a later step."""
        return self.filter(read_at__isnull=True, settled_at__isnull=True)


class Notification(models.Model):
    """Something one person must act on: a title, a short plain text, and the page to open.

    ``key`` makes a notification idempotent (``run_duties`` may run twice a
    day): one row per recipient and key. The text never carries secrets or
    the full text of another unit's post; the page behind ``url`` checks access.
    """

    recipient = models.ForeignKey(USER, verbose_name="宛先", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("種類", max_length=60)
    title = models.CharField("件名", max_length=200)
    body = models.TextField("本文", blank=True)
    url = models.CharField("対応するページ", max_length=500)
    key = models.CharField("重複防止キー", max_length=200, blank=True, default="")
    # What the notification is about ("account:12", "draft:7", "duty:3"): a later step on the same
    # topic settles the earlier notifications, so the inbox shows only what still waits.
    topic = models.CharField("対象", max_length=100, blank=True, default="", db_index=True)
    settled_at = models.DateTimeField("後の手続で済んだ日時", null=True, blank=True)
    created_at = models.DateTimeField("通知日時", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)
    digested_on = models.DateField("まとめメールに含めた日", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notify_one_per_recipient_and_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MailStatus(models.TextChoices):
    PENDING = "pending", "送信待ち"
    SENDING = "sending", "送信中"
    SENT = "sent", "送信済み"
    FAILED = "failed", "送信失敗（再送を打ち切り）"


class OutboxMail(models.Model):
    """One mail to send: claimed with a conditional UPDATE, retried with back-off, never sent twice."""

    recipient = models.ForeignKey(USER, verbose_name="宛先", on_delete=models.PROTECT, related_name="+")
    to = models.EmailField("宛先メールアドレス")
    subject = models.CharField("件名", max_length=300)
    body = models.TextField("本文")
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="mails"
    )
    digest_on = models.DateField("まとめメールの日付", null=True, blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=MailStatus.choices, default=MailStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField("送信の試行回数", default=0)
    next_attempt_at = models.DateTimeField("次の送信時刻", db_index=True)
    claimed_at = models.DateTimeField("送信を始めた時刻", null=True, blank=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)
    last_error = models.TextField("最後のエラー", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "送信メール"
        verbose_name_plural = "送信メール"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_on"],
                condition=Q(digest_on__isnull=False),
                name="notify_one_digest_per_day",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
