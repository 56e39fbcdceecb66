"""A keyed audit chain (ASVS 16.4.2): a rewrite with every later hash recomputed is still caught.

Someone with database access but without the key (kept outside the database)
cannot recompute HMAC links; someone with the key too is caught by an anchor
recorded earlier outside the database. On PostgreSQL a trigger refuses UPDATE
and DELETE outright.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from koshiki.audit.events import Anchor, chain_anchor, event_hash, record_event, verify_chain
from koshiki.audit.models import AuditEvent
from tests.audit.dba import dba_cursor

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def _events(n: int = 5) -> list[AuditEvent]:
    with transaction.atomic():
        for i in range(n):
            record_event(
                None,
                "registry.account.update",
                ("registry.account", 7),
                {"表示名": f"旧{i}"},
                {"表示名": f"新{i}"},
            )
    return list(AuditEvent.objects.order_by("seq"))


def _rewrite(seq: int, label: str, *, key: bytes | None) -> None:
    """Change one row's actor and recompute its hash and every later one, as a tamperer would.

    ``key`` None: the tamperer recomputes with plain SHA-256 (no key); else with that key.
    """
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[seq - 2].hash if seq > 1 else "0" * 64
    with dba_cursor() as cursor:
        for e in events[seq - 1 :]:
            e.prev_hash = prev
            if e.seq == seq:
                e.actor_label = label
            fields = dict(
                seq=e.seq,
                created_at=e.created_at,
                actor_id=e.actor_id,
                actor_label=e.actor_label,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                summary=e.summary,
                prev_hash=e.prev_hash,
                municipality_id=e.municipality_id,
            )
            if key is None:
                with override_settings(AUDIT_KEYED_FROM=10**12):
                    new = event_hash(**fields)
            else:
                with override_settings(AUDIT_HMAC_KEY=key):
                    new = event_hash(**fields)
            # Unique columns: move the old values out of the way first.
            cursor.execute(
                f"UPDATE {TABLE} SET hash = %s, prev_hash = %s, actor_label = %s WHERE seq = %s",
                [new, e.prev_hash, e.actor_label, e.seq],
            )
            prev = new
        cursor.execute("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


def test_links_are_hmac_with_the_key_outside_the_database(settings):
    events = _events(2)
    assert verify_chain().ok
    # Not plain SHA-256: the key is needed to recompute a link.
    with override_settings(AUDIT_KEYED_FROM=10**12):
        assert not verify_chain().ok
    with override_settings(AUDIT_HMAC_KEY=b"another city's key"):
        report = verify_chain()
    assert report.broken.seq == 1 and "改ざん" in report.broken.problem
    assert len(events[0].hash) == 64 and events[0].hash != hashlib.sha256(b"").hexdigest()


def test_rewrite_with_every_later_hash_recomputed_without_the_key_is_caught():
    _events(5)
    _rewrite(2, "別人 太郎（betsu）", key=None)
    report = verify_chain()
    assert not report.ok and report.broken.seq == 2
    with pytest.raises(CommandError, match=r"連番 2（id=\d+）.*改ざんされています"):
        call_command("verify_audit")


def test_rewrite_with_the_key_is_caught_by_an_earlier_anchor(settings, tmp_path: Path):
    _events(3)
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit_anchor", "--append", str(anchors), stdout=io.StringIO())
    _events(2)
    call_command("audit_anchor", "--append", str(anchors), stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_audit", "--anchors", str(anchors), stdout=out)
    assert "5 件、連鎖は正常です、アンカー 2 件とも一致" in out.getvalue()

    _rewrite(2, "別人 太郎（betsu）", key=settings.AUDIT_HMAC_KEY)
    assert verify_chain().ok  # with the key the chain alone cannot tell...
    with pytest.raises(CommandError, match="連番 3.*アンカーのハッシュと一致しません"):
        call_command("verify_audit", "--anchors", str(anchors))  # ...the first anchor can


def test_anchor_file_errors_are_one_japanese_line(tmp_path: Path):
    _events(1)
    with pytest.raises(CommandError, match="アンカーのファイルが読めません"):
        call_command("verify_audit", "--anchors", str(tmp_path / "none.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"seq": "x"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="アンカーの行が読めません"):
        call_command("verify_audit", "--anchors", str(bad))
    missing = tmp_path / "later.jsonl"
    missing.write_text(Anchor(9, "a" * 64, "2026-12-01T00:00:00+00:00").as_json() + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="アンカーの連番 9 の記録がありません"):
        call_command("verify_audit", "--anchors", str(missing))


def test_a_chain_begun_before_the_key_verifies_from_the_keyed_sequence_on():
    # Events 1-2 written before the installation had a key (plain SHA-256)...
    with override_settings(AUDIT_KEYED_FROM=10**12):
        _events(2)
        assert verify_chain().ok
    # ...then the operator sets KOSHIKI_AUDIT_KEYED_FROM=3 and the chain goes on keyed.
    with override_settings(AUDIT_KEYED_FROM=3):
        with transaction.atomic():
            record_event(None, "audit.chain.keyed", ("audit.chain", 3), details={"連番": 3})
        _events(2)
        assert verify_chain().ok and verify_chain().checked == 5
        # A rewrite of the unkeyed part must recompute the keyed links after it: caught.
        _rewrite(1, "別人 太郎（betsu）", key=None)
        assert verify_chain().broken.seq == 3


def test_anchor_of_an_empty_trail_is_the_genesis():
    anchor = chain_anchor()
    assert (anchor.seq, anchor.hash) == (0, "0" * 64)
    assert Anchor.parse(anchor.as_json()) == anchor


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only; SQLite relies on the keyed chain and anchors",
)
def test_postgresql_refuses_update_and_delete_on_the_trail():
    _events(2)
    for sql in (
        f"UPDATE {TABLE} SET actor_label = '改ざん者' WHERE seq = 1",
        f"DELETE FROM {TABLE} WHERE seq = 2",
    ):
        with (
            pytest.raises(DatabaseError, match="監査証跡は追記のみです"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert verify_chain().ok and AuditEvent.objects.count() == 2
