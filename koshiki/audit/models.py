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


class AuditExport(models.Model):
    """An auditor's request for a CSV of the trail, written in the background (issue 10 item 9).

    A whole trail (200,000 events) takes seconds of CPU to write; doing it in a
    web worker held every worker when four auditors exported at once. The
    request is stored here (``audit.export.request`` in the trail) and
    ``run_audit_exports`` claims it with a conditional UPDATE (pending →
    running), so two runners never write the same file, and writes the file
    in constant memory. Only auditors of every municipality it covers may
    download it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "作成待ち"
        RUNNING = "running", "作成中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="依頼者", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("依頼日時")
    # The municipalities whose events it covers (the requester's as an auditor), and the filters.
    municipality_ids = models.JSONField("対象の自治体", default=list)
    filters = models.JSONField("条件", default=dict)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField("作成開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("作成終了日時", null=True, blank=True)
    file_name = models.CharField("ファイル名", max_length=200, blank=True)
    rows = models.PositiveBigIntegerField("件数", default=0)
    size = models.PositiveBigIntegerField("大きさ（バイト）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.CharField("失敗の理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "監査証跡の書き出し"
        verbose_name_plural = "監査証跡の書き出し"
        indexes = [models.Index(fields=["status", "requested_at"], name="audit_export_queue_idx")]

    def __str__(self) -> str:
        return f"監査証跡の書き出し #{self.pk}（{self.get_status_display()}）"
