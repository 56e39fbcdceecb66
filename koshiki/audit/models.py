"""The audit trail's two tables: the append-only events and the chain head.

An ``AuditEvent`` is never changed or deleted through the model API: ``save()``
on an existing row, ``delete()`` and the bulk query methods raise
``AppendOnlyError``. Appends go through ``koshiki.audit.events.record_event``,
which locks the single ``AuditChainHead`` row so that two concurrent
transactions cannot both extend the same link (the unique ``prev_hash`` is the
database's own guard against a fork).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete an audit event."""

    def __init__(self) -> None:
        super().__init__("監査証跡は追記のみです。記録を変更・削除することはできません。")


class AuditEventQuerySet(models.QuerySet):
    """A queryset that refuses every bulk write (the trail is append-only)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError()

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise AppendOnlyError()

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError()


class AuditEvent(models.Model):
    """One recorded state change: who did what to which object, before and after.

    ``hash`` is SHA-256 over the canonical JSON of every other column including
    ``prev_hash`` (see ``events.event_hash``); the first event's ``prev_hash``
    is ``GENESIS_HASH``.
    """

    seq = models.PositiveBigIntegerField("連番", unique=True)
    created_at = models.DateTimeField("日時")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        blank=True,
        # PROTECT: a user who acted can be deactivated but never deleted, so the
        # row keeps pointing at them (SET_NULL would rewrite hashed rows).
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作者（記録時の表示）", max_length=200)
    action = models.CharField("操作", max_length=100, db_index=True)
    object_type = models.CharField("対象の種類", max_length=100)
    object_id = models.CharField("対象のID", max_length=64)
    summary = models.JSONField("変更内容", default=dict)
    # Whose records the event concerns: an auditor browses only their own
    # municipality's events (and the installation-wide ones, NULL). Hashed
    # when set (see ``events.event_hash``).
    municipality = models.ForeignKey(
        "org.Municipality",
        verbose_name="自治体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prev_hash = models.CharField("直前のハッシュ", max_length=64, unique=True)
    hash = models.CharField("ハッシュ", max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "監査記録"
        verbose_name_plural = "監査記録"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["created_at"], name="audit_created_idx"),
            # An auditor's page: their city's events newest first, by sequence (koshiki.audit.views).
            models.Index(fields=["municipality", "-seq"], name="audit_city_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an existing event can never be saved again."""
        if not self._state.adding:
            raise AppendOnlyError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError()

    @property
    def before(self) -> dict[str, Any]:
        return dict(self.summary.get("before") or {})

    @property
    def after(self) -> dict[str, Any]:
        return dict(self.summary.get("after") or {})

    @property
    def details(self) -> dict[str, Any]:
        return dict(self.summary.get("details") or {})


class AuditChainHead(models.Model):
    """The single row (id 1) naming the chain's last link; locked by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "監査証跡の末尾"
