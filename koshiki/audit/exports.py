"""The audit trail as CSV: the filters, the rows, and exports written in the background (issue 10 item 9).

A small export (at most ``DIRECT_LIMIT`` events after the filters, e.g. one
month) streams straight to the browser. A larger one is requested
(``do_request_export``, audited) and written to a file by
``run_audit_exports`` (cron / systemd timer, and each daily duty run), so no
web worker is held for the seconds a whole trail takes; the auditor
downloads the file when it is ready. Both read the events with
``iterator(chunk_size=...)`` and write row by row: memory stays constant
whatever the trail's length.
"""

from __future__ import annotations

import csv
import hashlib
import json
import secrets
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit import access
from koshiki.audit.events import record_event
from koshiki.audit.labels import action_label
from koshiki.audit.models import AuditEvent, AuditExport
from koshiki.errors import ActionError, require
from koshiki.fiscal import fiscal_year_start
from koshiki.org.access import roles_of
from koshiki.org.models import Municipality
from koshiki.org.roles import Role

DIRECT_LIMIT = 20_000  # more events than this go through a background export
CHUNK = 2_000
MAX_OPEN_PER_PERSON = 3  # pending or running requests of one auditor
STALE_AFTER = timedelta(hours=1)  # a claim this old belongs to a runner that died: claim it again
FILTER_KEYS = ("action", "object_type", "object_id", "actor", "date_from", "date_to")

COLUMNS = [
    "連番",
    "日時",
    "操作者ID",
    "操作者",
    "操作",
    "対象の種類",
    "対象のID",
    "変更内容",
    "直前のハッシュ",
    "ハッシュ",
    "操作（名称）",  # added last so the earlier columns keep their positions
]

# Cells Excel would run as a formula (CSV injection: a user name typed at the
# login page reaches the trail); such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def apply_filters(qs: QuerySet[AuditEvent], data: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    """The audit list's filters: action (a code or its dotted prefix), object, actor, 年度 and an
    inclusive date range, all in Japan time."""
    if data.get("action"):
        code = str(data["action"]).rstrip(".")
        qs = qs.filter(Q(action=code) | Q(action__startswith=code + "."))
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"])
    if data.get("actor"):
        qs = qs.filter(actor_label__icontains=data["actor"])
    if data.get("fiscal_year"):
        fy = int(data["fiscal_year"])
        qs = qs.filter(
            created_at__gte=_start_of(fiscal_year_start(fy)),
            created_at__lt=_start_of(fiscal_year_start(fy + 1)),
        )
    if data.get("date_from"):
        qs = qs.filter(created_at__gte=_start_of(_day(data["date_from"])))
    if data.get("date_to"):
        qs = qs.filter(created_at__lt=_start_of(_day(data["date_to"]) + timedelta(days=1)))
    return qs


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in Japan time."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The header, then one row per event, oldest first, read ``CHUNK`` at a time."""
    yield COLUMNS
    for e in qs.order_by("seq").iterator(chunk_size=CHUNK):
        yield [
            e.seq,
            timezone.localtime(e.created_at).isoformat(timespec="seconds"),
            e.actor_id or "",
            _cell(e.actor_label),
            _cell(e.action),
            _cell(e.object_type),
            _cell(e.object_id),
            json.dumps(e.summary, ensure_ascii=False, sort_keys=True),
            e.prev_hash,
            e.hash,
            _cell(action_label(e.action)),
        ]


def is_large(qs: QuerySet[AuditEvent]) -> bool:
    """More than ``DIRECT_LIMIT`` events (a bounded count: it stops at the limit)."""
    return qs[: DIRECT_LIMIT + 1].count() > DIRECT_LIMIT


def _auditor_cities(user: Any) -> set[int]:
    return {ra.municipality_id for ra in roles_of(user) if ra.role == Role.AUDITOR}


def export_events(export: AuditExport) -> QuerySet[AuditEvent]:
    """The events an export covers: its municipalities' and the installation-wide ones, filtered."""
    qs = AuditEvent.objects.filter(
        Q(municipality_id__in=export.municipality_ids) | Q(municipality__isnull=True)
    )
    return apply_filters(qs, export.filters)


def can_download(user: Any, export: AuditExport) -> bool:
    """Auditors of every municipality the export covers (another city's trail is never shown)."""
    cities = _auditor_cities(user)
    return bool(cities) and set(export.municipality_ids) <= cities


def _city_of(export: AuditExport) -> Municipality | None:
    return Municipality.objects.filter(pk__in=export.municipality_ids[:1]).first()


def do_request_export(actor: Person, filters: Mapping[str, Any]) -> AuditExport:
    """Ask for a CSV of the trail (with the list's filters) to be written in the background; audited."""
    require(access.can_view_audit(actor), "監査証跡を書き出せるのは監査担当です")
    data = {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if k in FILTER_KEYS and v
    }
    with transaction.atomic():
        open_count = (
            AuditExport.objects.select_for_update()
            .filter(requested_by=actor, status__in=[AuditExport.Status.PENDING, AuditExport.Status.RUNNING])
            .count()
        )
        if open_count >= MAX_OPEN_PER_PERSON:
            raise ActionError(
                f"作成待ちの書き出しが{MAX_OPEN_PER_PERSON}件あります。できあがってから依頼してください"
            )
        export = AuditExport.objects.create(
            requested_by=actor,
            requested_at=timezone.now(),
            municipality_ids=sorted(_auditor_cities(actor)),
            filters=data,
        )
        record_event(
            actor, "audit.export.request", export, {}, {"filters": data}, municipality=_city_of(export)
        )
    return export


def claim_next(now: datetime | None = None) -> AuditExport | None:
    """Claim the oldest waiting export with a conditional UPDATE; None when none is left.

    Two runners may race: the UPDATE ``WHERE status = 'pending'`` succeeds for
    one only. A claim older than ``STALE_AFTER`` (its runner died) is waiting again.
    """
    now = now or timezone.now()
    waiting = Q(status=AuditExport.Status.PENDING) | Q(
        status=AuditExport.Status.RUNNING, claimed_at__lt=now - STALE_AFTER
    )
    for export in AuditExport.objects.filter(waiting).order_by("requested_at", "pk")[:20]:
        won = (
            AuditExport.objects.filter(pk=export.pk, status=export.status, claimed_at=export.claimed_at)
            .update(status=AuditExport.Status.RUNNING, claimed_at=now)
        )  # fmt: skip
        if won:
            export.refresh_from_db()
            return export
    return None


def export_dir() -> Path:
    path = Path(settings.EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_path(export: AuditExport) -> Path:
    return export_dir() / export.file_name


def write_export(export: AuditExport) -> AuditExport:
    """Write the claimed export's file row by row, then mark it done (and record it in the trail)."""
    name = f"audit-{export.pk}-{secrets.token_hex(8)}.csv"
    target = export_dir() / name
    partial = target.with_suffix(".part")
    digest = hashlib.sha256()
    count = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            out.write("\ufeff")
            writer = csv.writer(out)
            for row in rows(export_events(export)):
                writer.writerow(row)
                count += 1
        with partial.open("rb") as done:
            for block in iter(lambda: done.read(1 << 20), b""):
                digest.update(block)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        AuditExport.objects.filter(pk=export.pk).update(
            status=AuditExport.Status.FAILED,
            finished_at=timezone.now(),
            error=f"ファイルを書けませんでした: {exc}"[:300],
        )
        export.refresh_from_db()
        return export
    with transaction.atomic():
        AuditExport.objects.filter(pk=export.pk).update(
            status=AuditExport.Status.DONE,
            finished_at=timezone.now(),
            file_name=name,
            rows=count - 1,
            size=target.stat().st_size,
            sha256=digest.hexdigest(),
        )
        export.refresh_from_db()
        record_event(
            None,
            "audit.export.done",
            export,
            {"status": AuditExport.Status.RUNNING},
            {"status": AuditExport.Status.DONE, "rows": export.rows, "sha256": export.sha256},
            municipality=_city_of(export),
        )
    return export


def run_pending(limit: int | None = None) -> list[AuditExport]:
    """Claim and write waiting exports, oldest first, until none is left (or ``limit`` are written)."""
    written: list[AuditExport] = []
    while limit is None or len(written) < limit:
        export = claim_next()
        if export is None:
            break
        written.append(write_export(export))
    return written


def do_record_download(actor: Person, export: AuditExport) -> None:
    """Reading the trail out of the system is itself recorded."""
    require(can_download(actor, export), "この書き出しをダウンロードする権限がありません")
    with transaction.atomic():
        record_event(
            actor, "audit.export.download", export, {}, {"rows": export.rows, "sha256": export.sha256},
            municipality=_city_of(export),
        )  # fmt: skip
