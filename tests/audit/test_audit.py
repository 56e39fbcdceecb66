"""The audit trail: append-only, hash-chained, verified by a command, browsed and exported by auditors."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from koshiki.audit.events import record_event, verify_chain
from koshiki.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from tests.audit.dba import dba_cursor
from tests.personas import make_user, new_account


def _three_events(user):
    with transaction.atomic():
        for n in range(3):
            record_event(user, "test.event", ("test.object", n), {"value": n}, {"value": n + 1})
    return list(AuditEvent.objects.order_by("seq"))


@pytest.mark.django_db
def test_events_form_a_chain_from_the_genesis_hash():
    user = make_user("chain_user", "監査", "一郎")
    events = _three_events(user)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert events[0].actor_label == "監査 一郎（chain_user）"
    assert events[0].summary == {"before": {"value": 0}, "after": {"value": 1}}
    assert verify_chain().ok and verify_chain().checked == 3
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, events[2].hash)


@pytest.mark.django_db(transaction=True)
def test_record_event_outside_atomic_is_refused():
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        record_event(None, "test.event", ("test.object", 1))
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_model():
    events = _three_events(None)
    event = events[1]
    event.action = "changed"
    with pytest.raises(AppendOnlyError, match="追記のみ"):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(seq=99)])
    assert verify_chain().ok


@pytest.mark.django_db
def test_verify_audit_catches_a_row_tampered_with_by_raw_sql():
    events = _three_events(None)
    call_command("verify_audit", stdout=io.StringIO())
    table = AuditEvent._meta.db_table
    with dba_cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_label = %s WHERE seq = %s", ["改ざん者", 2])
    report = verify_chain()
    assert not report.ok
    assert report.broken.seq == 2 and report.broken.event_id == events[1].pk
    assert "改ざん" in report.broken.problem
    with pytest.raises(CommandError, match=r"連番 2（id=\d+）.*改ざんされています"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_audit_catches_a_deleted_row_and_a_removed_tail():
    _three_events(None)
    table = AuditEvent._meta.db_table
    with dba_cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE seq = 2")
    report = verify_chain()
    assert report.broken.seq == 3 and "連番 2 の記録がありません" in report.broken.problem
    with dba_cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE seq = 3")
    report = verify_chain()
    assert report.broken.seq is None and "末尾の記録がありません" in report.broken.problem


@pytest.mark.django_db
def test_verify_audit_reports_success_with_the_count():
    _three_events(None)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "3 件、連鎖は正常です" in out.getvalue()


@pytest.mark.django_db
def test_rows_changed_in_summary_or_hash_are_both_caught():
    _three_events(None)
    table = AuditEvent._meta.db_table
    with dba_cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET hash = %s WHERE seq = 1", ["f" * 64])
    assert verify_chain().broken.seq == 1


# ---- auditor views ----------------------------------------------------------------------------


def test_auditor_browses_and_filters_the_trail(city, client_for):
    client = client_for(city.people["auditor"])
    response = client.get("/audit/")
    assert response.status_code == 200
    assert "監査証跡" in response.content.decode()
    response = client.get("/audit/", {"action": "org.unit.create"})
    page = response.context["page"]
    assert len(page.events) == 5 and all(e.action == "org.unit.create" for e in page)
    response = client.get("/audit/", {"object_type": "org.orgunit", "object_id": str(city.units["a"].pk)})
    assert len(response.context["page"].events) == 1


def test_audit_date_filter_accepts_era_dates_and_rejects_bad_ones_in_japanese(city, client_for):
    client = client_for(city.people["auditor"])
    response = client.get("/audit/", {"date_from": "令和元年5月1日", "date_to": "令和99年1月1日"})
    assert len(response.context["page"].events) == AuditEvent.objects.count()
    response = client.get("/audit/", {"date_from": "令和7年2月30日"})
    assert "存在しない日付です" in response.content.decode()
    response = client.get("/audit/", {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert "終了日は開始日以降" in response.content.decode()


def test_auditor_exports_csv_with_every_column(city, client_for):
    response = client_for(city.people["auditor"]).get("/audit/export.csv", {"action": "org.role"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:5] == ["連番", "日時", "操作者ID", "操作者", "操作"]
    assert len(rows) - 1 == AuditEvent.objects.filter(action__startswith="org.role").count()
    assert all(row[4].startswith("org.role") for row in rows[1:])


@pytest.mark.parametrize("person", ["operator", "head", "office", "member", "chair", "security", "nobody"])
def test_only_auditors_see_the_trail(city, client_for, person):
    client = client_for(city.people[person])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_trail_page_names_actions_and_objects_in_japanese(city, client_for):
    account = new_account(city)
    with transaction.atomic():
        record_event(None, "test.unknown_code", ("test.object", 1))
    response = client_for(city.people["auditor"]).get("/audit/")
    html = response.content.decode()
    assert "利用端末の登録" in html and "組織の追加" in html and "役割の付与" in html
    assert f"公式アカウント「{account}」" in html  # the object's name, not only registry.account #id
    assert "組織「広報課」" in html
    assert "test.unknown_code" in html  # unknown codes fall back to the code


def test_trail_page_names_objects_without_a_query_per_event(city, client_for):
    client = client_for(city.people["auditor"])
    new_account(city)
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for _ in range(3):
        new_account(city)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/audit/")
    assert len(response.context["page"].events) > 30
    assert len(many) == len(few)


def test_csv_export_adds_the_action_label_as_the_last_column(city, client_for):
    response = client_for(city.people["auditor"]).get("/audit/export.csv", {"action": "org.unit"})
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:10] == [
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
    ]
    assert rows[0][10] == "操作（名称）"
    assert all(row[4] == "org.unit.create" and row[10] == "組織の追加" for row in rows[1:])


def test_trail_pages_by_sequence_without_counting_the_trail(city, client_for):
    with transaction.atomic():
        for n in range(230):
            record_event(city.office, "test.event", ("test.object", n), {"値": n}, {"値": n + 1})
    client = client_for(city.auditor)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/audit/")
    # The menu's own counters (the inbox's unread count) may count their rows; never the trail.
    table = AuditEvent._meta.db_table.upper()
    assert not any(
        "COUNT(" in q["sql"].upper() and table in q["sql"].upper() for q in queries.captured_queries
    )
    page = first.context["page"]
    newest = AuditEvent.objects.order_by("-seq").first().seq
    assert [e.seq for e in page][:2] == [newest, newest - 1] and len(page.events) == 100
    body = first.content.decode()
    assert f"before={page.older_than}" in body and "さらに古い記録" in body and "最新の記録へ" not in body
    second = client.get(f"/audit/?before={page.older_than}").context["page"]
    assert second.events[0].seq == page.older_than - 1
    last = client.get("/audit/?before=3")
    assert [e.seq for e in last.context["page"]] == [2, 1] and "さらに古い記録" not in last.content.decode()
    assert "最新の記録へ" in last.content.decode()
    # A hand-made cursor is ignored, never an error.
    assert client.get("/audit/?before=abc").status_code == 200
