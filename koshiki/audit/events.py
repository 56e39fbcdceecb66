"""Appending to and verifying the hash-chained audit trail.

``record_event`` costs three queries (lock the head, insert the event, move
the head) and must run inside the caller's ``transaction.atomic()`` so the
event commits or rolls back with the change it records.

Each link is keyed (ASVS 16.4.2): from ``settings.AUDIT_KEYED_FROM`` on, an
event's hash is HMAC-SHA-256 with ``settings.AUDIT_HMAC_KEY``, a key kept
outside the database, so someone who can write the table cannot rewrite a row
and recompute every later link. Events before that sequence number (a chain
begun before the key existed) keep their plain SHA-256, and are protected by
the first keyed link after them. ``chain_anchor()`` is the head to record
outside the database (the daily duty run logs it); ``verify_chain(anchors=...)``
checks the chain against such earlier anchors, which catches a rewrite by
someone who holds the key too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from koshiki.org.access import municipality_of


def _jsonable(value: Any) -> Any:
    """``value`` as plain JSON (dates, decimals and UUIDs become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def actor_label(actor: Person | None) -> str:
    """How the actor is named in the trail: full name and login, or システム."""
    if actor is None or not getattr(actor, "pk", None):
        return "システム"
    name = f"{actor.last_name} {actor.first_name}".strip()  # family name first
    return f"{name}（{actor.get_username()}）" if name else actor.get_username()


def event_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    summary: Mapping[str, Any],
    prev_hash: str,
    municipality_id: int | None = None,
) -> str:
    """HMAC-SHA-256 (SHA-256 before the keyed sequence) over the canonical JSON of one row.

    Canonical: sorted keys, no spaces, UTF-8. ``municipality_id`` joins the
    payload only when set, so events recorded before the column existed (NULL)
    keep verifying.
    """
    payload: dict[str, Any] = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "summary": summary,
        "prev_hash": prev_hash,
    }
    if municipality_id is not None:
        payload["municipality_id"] = municipality_id
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if seq >= settings.AUDIT_KEYED_FROM:
        return hmac.new(settings.AUDIT_HMAC_KEY, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent) -> str:
    """Recompute the hash a stored event should carry."""
    return event_hash(
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        summary=event.summary,
        prev_hash=event.prev_hash,
        municipality_id=event.municipality_id,
    )


# Links followed from a recorded object to the record that names its municipality
# (a revision's draft, a draft's account, a submission's campaign, ...).
_OWNER_LINKS = ("account", "draft", "campaign", "submission", "unit")


def municipality_id_of(obj: Any, actor: Person | None = None) -> int | None:
    """The municipality whose records ``obj`` belongs to, else the actor's; None when neither has one.

    Follows at most a few foreign keys (each may cost a query when not loaded).
    """
    for _ in range(5):
        if obj is None or isinstance(obj, tuple) or not hasattr(obj, "_meta"):
            break
        if obj._meta.label_lower == "org.municipality":
            return obj.pk
        found = getattr(obj, "municipality_id", None)
        if found is not None:
            return found
        link = next((name for name in _OWNER_LINKS if getattr(obj, f"{name}_id", None) is not None), None)
        if link is None:
            break
        obj = getattr(obj, link)
    if actor is not None and getattr(actor, "pk", None):
        municipality = municipality_of(actor)
        return municipality.pk if municipality is not None else None
    return None


def object_ref(obj: models.Model | tuple[str, Any]) -> tuple[str, str]:
    """(object_type, object_id) of a model instance (``app.model``) or an explicit pair."""
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    return obj._meta.label_lower, str(obj.pk)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as JSON values (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        out[name] = field.value_from_object(instance)  # type: ignore[union-attr]
    return _jsonable(out)


def record_event(
    actor: Person | None,
    action: str,
    obj: models.Model | tuple[str, Any],
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    *,
    details: Mapping[str, Any] | None = None,
    municipality: Any = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Locks the chain head row (``select_for_update``) so concurrent appends queue
    instead of forking the chain; raises ``RuntimeError`` outside
    ``transaction.atomic()``, because an event committed apart from its change
    could record something that never happened. The event is filed under
    ``municipality`` (default: the object's, else the actor's; see
    ``municipality_id_of``) so each city's auditors see only their own trail.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() は操作と同じ transaction.atomic() の中で呼んでください")
    object_type, object_id = object_ref(obj)
    summary: dict[str, Any] = {"before": dict(before or {}), "after": dict(after or {})}
    if details:
        summary["details"] = dict(details)
    summary = _jsonable(summary)
    municipality_id = municipality.pk if municipality is not None else municipality_id_of(obj, actor)
    head = _lock_head()
    seq = head.last_seq + 1
    created_at = timezone.now()
    label = actor_label(actor)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    event = AuditEvent(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        prev_hash=head.last_hash,
        municipality_id=municipality_id,
    )
    # The same function verify_chain() recomputes with, over the very values stored.
    event.hash = hash_of(event)
    event.save(force_insert=True)
    head.last_seq, head.last_hash = seq, event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def _lock_head() -> AuditChainHead:
    """The chain head, row-locked until the transaction ends (created on first use)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=1)
    except IntegrityError:
        pass  # another transaction created it first; lock theirs
    return AuditChainHead.objects.select_for_update().get(pk=1)


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not verify."""

    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"連番 {self.seq}（id={self.event_id}）" if self.seq is not None else "末尾"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how many events were checked, first break."""

    checked: int
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment, kept outside the database (a log line, a mail, a file)."""

    seq: int
    hash: str
    at: str = ""

    def as_json(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at}, ensure_ascii=False)

    @classmethod
    def parse(cls, line: str) -> Anchor:
        """One anchor from its JSON line; ``ValueError`` with a Japanese message when unreadable."""
        try:
            data = json.loads(line)
            seq, digest = int(data["seq"]), str(data["hash"])
        except (ValueError, TypeError, KeyError, RecursionError):
            raise ValueError(f"アンカーの行が読めません: {line.strip()[:80]}") from None
        return cls(seq, digest, str(data.get("at", "")))


def read_anchor_file(path: Path) -> list[Anchor]:
    """The anchors kept in a file (one JSON line each); ``ValueError`` with a Japanese message when unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"アンカーのファイルが読めません: {path}（{exc.__class__.__name__}）") from None
    return [Anchor.parse(line) for line in lines if line.strip()]


def configured_anchors() -> list[Anchor]:
    """The anchors of ``KOSHIKI_ANCHOR_FILE`` (as ``daily_duties`` checks them); none when unset or not yet written."""
    name = os.environ.get("KOSHIKI_ANCHOR_FILE", "").strip()
    if not name or not Path(name).exists():
        return []
    return read_anchor_file(Path(name))


def chain_anchor() -> Anchor:
    """The chain's current head as an anchor (seq 0 and the genesis hash for an empty trail)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    stamp = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    if head is None:
        return Anchor(0, GENESIS_HASH, stamp)
    return Anchor(head.last_seq, head.last_hash, stamp)


def verify_chain(chunk_size: int = 2000, anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Recompute every hash in sequence order; report the first broken link.

    Catches a changed row (hash mismatch), a removed row (gap in ``seq`` or a
    ``prev_hash`` that does not match), removed trailing rows (the head
    names a later event) and a chain that no longer passes through an earlier
    anchor (the event at the anchor's ``seq`` has another hash). Reads the
    table once, streaming.
    """
    expected = {a.seq: a for a in anchors if a.seq > 0}
    expected_seq, prev, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return ChainReport(
                checked,
                BrokenLink(
                    event.seq,
                    event.pk,
                    f"連番 {expected_seq} の記録がありません（削除された可能性があります）",
                ),
            )
        if event.prev_hash != prev:
            return ChainReport(
                checked,
                BrokenLink(event.seq, event.pk, "直前の記録のハッシュと一致しません（連鎖が切れています）"),
            )
        if hash_of(event) != event.hash:
            return ChainReport(
                checked,
                BrokenLink(event.seq, event.pk, "記録の内容がハッシュと一致しません（改ざんされています）"),
            )
        anchor = expected.pop(event.seq, None)
        if anchor is not None and anchor.hash != event.hash:
            return ChainReport(
                checked,
                BrokenLink(
                    event.seq,
                    event.pk,
                    f"{anchor.at or '以前'}に記録したアンカーのハッシュと一致しません（書き換えられています）",
                ),
            )
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if expected:
        missing = min(expected)
        return ChainReport(
            checked,
            BrokenLink(
                None, None, f"アンカーの連番 {missing} の記録がありません（削除された可能性があります）"
            ),
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return ChainReport(
            checked,
            BrokenLink(
                None,
                None,
                f"末尾の記録がありません（最後の連番は {head.last_seq}、見つかったのは {checked} まで）",
            ),
        )
    return ChainReport(checked, None)
