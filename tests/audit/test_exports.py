"""Large audit exports are written in the background and downloaded when ready (issue 10 item 9).

The request is an audited action of an auditor; ``run_audit_exports`` claims
it with a conditional UPDATE and writes the file row by row; only auditors
of the city it covers may download it (a POST, itself recorded).
"""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from koshiki.audit import exports
from koshiki.audit.events import hash_of
from koshiki.audit.models import AuditChainHead, AuditEvent, AuditExport
from koshiki.errors import ActionError
from tests.personas import account_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.EXPORT_DIR = tmp_path / "exports"


def _auditor(city) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(city.people["auditor"])
    return client


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _download(client: Client, export: AuditExport):  # noqa: ANN202
    return client.post(f"/audit/exports/{export.pk}/download")


def test_request_then_command_then_download_gives_the_same_rows_as_the_direct_export(city):  # noqa: ANN001
    account_in(city, "listed", display_name="京都市 防災情報")
    client = _auditor(city)
    response = client.post("/audit/exports/", {"action": "account."})
    assert response.status_code == 302
    export = AuditExport.objects.get()
    assert export.status == AuditExport.Status.PENDING and export.filters == {"action": "account."}
    assert export.municipality_ids == [city.municipality.pk]
    assert AuditEvent.objects.filter(action="audit.export.request", object_id=str(export.pk)).exists()
    assert _download(client, export).status_code == 404  # not ready yet

    call_command("run_audit_exports", stdout=io.StringIO())
    export.refresh_from_db()
    assert export.status == AuditExport.Status.DONE and export.rows > 0 and len(export.sha256) == 64
    direct = b"".join(client.get("/audit/export.csv?action=account.").streaming_content)
    got = _download(client, export)
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;")
    rows = _csv(b"".join(got.streaming_content))
    assert rows == _csv(direct)
    assert len(rows) == export.rows + 1 and all(r[4].startswith("account.") for r in rows[1:])
    assert AuditEvent.objects.filter(action="audit.export.download", object_id=str(export.pk)).exists()
    # The list page offers it to the auditor.
    assert '<button type="submit">ダウンロード' in client.get("/audit/exports/").content.decode()


def test_only_the_citys_auditors_may_download(city, make_city, client_for):  # noqa: ANN001
    export = exports.do_request_export(city.people["auditor"], {})
    exports.run_pending()
    elsewhere = make_city("komae", name="監査よその市")
    for who in (
        city.people["office"],
        city.people["operator"],
        city.people["security"],
        elsewhere.people["auditor"],
    ):
        client = client_for(who)
        assert _download(client, export).status_code == 403, who
        page = client.get("/audit/exports/")
        assert page.status_code == 403 or '<button type="submit">ダウンロード' not in page.content.decode()
    assert not AuditEvent.objects.filter(action="audit.export.download").exists()
    # A GET never hands the file out (the download is a recorded POST).
    assert _auditor(city).get(f"/audit/exports/{export.pk}/download").status_code == 405


def test_only_auditors_may_request_and_one_person_has_at_most_three_waiting(city, client_for):  # noqa: ANN001
    assert client_for(city.people["office"]).post("/audit/exports/", {}).status_code == 403
    assert not AuditExport.objects.exists()
    for _ in range(exports.MAX_OPEN_PER_PERSON):
        exports.do_request_export(city.people["auditor"], {})
    with pytest.raises(ActionError, match="作成待ちの書き出しが3件あります"):
        exports.do_request_export(city.people["auditor"], {})
    response = _auditor(city).post("/audit/exports/", {}, follow=True)
    assert "作成待ちの書き出しが3件あります" in response.content.decode()
    assert AuditExport.objects.count() == exports.MAX_OPEN_PER_PERSON


def test_two_runners_never_claim_the_same_request_and_a_dead_runners_claim_is_taken_again(city):  # noqa: ANN001
    export = exports.do_request_export(city.people["auditor"], {})
    first = exports.claim_next()
    assert first is not None and first.pk == export.pk and first.status == AuditExport.Status.RUNNING
    assert exports.claim_next() is None
    # Its runner died an hour ago: the next run claims it again and finishes it.
    later = timezone.now() + exports.STALE_AFTER + timedelta(minutes=1)
    again = exports.claim_next(later)
    assert again is not None and again.pk == export.pk
    done = exports.write_export(again)
    assert done.status == AuditExport.Status.DONE


def test_a_large_direct_export_is_sent_to_the_background_page(city, monkeypatch):  # noqa: ANN001
    account_in(city, "listed")
    monkeypatch.setattr(exports, "DIRECT_LIMIT", 3)
    response = _auditor(city).get("/audit/export.csv?action=account.", follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/audit/exports/?action=account.")
    assert "その場では書き出せません" in text
    assert 'value="account."' in text


def _bulk_events(n: int, city) -> None:  # noqa: ANN001
    """Append n events to the chain directly (the load benchmark's way: bulk, hashed in order)."""
    head = AuditChainHead.objects.get(pk=1)
    seq, prev, now = head.last_seq, head.last_hash, timezone.now()
    rows = []
    for _ in range(n):
        seq += 1
        event = AuditEvent(
            seq=seq, created_at=now, actor_id=None, actor_label="システム", action="posts.publish",
            object_type="posts.draft", object_id=str(seq), summary={"after": {"text": "市民まつりのお知らせ" * 5}},
            prev_hash=prev, municipality_id=city.municipality.pk,
        )  # fmt: skip
        event.hash = hash_of(event)
        prev = event.hash
        rows.append(event)
    models.QuerySet(model=AuditEvent).bulk_create(rows, batch_size=1000)
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)


def _peak_while_writing(city) -> tuple[int, int]:  # noqa: ANN001
    export = exports.do_request_export(city.people["auditor"], {"action": "posts.publish"})
    claimed = exports.claim_next()
    assert claimed is not None and claimed.pk == export.pk
    tracemalloc.start()
    done = exports.write_export(claimed)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return done.rows, peak


def test_the_export_is_written_in_constant_memory(city, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(exports, "CHUNK", 500)
    _bulk_events(1_500, city)
    small_rows, small_peak = _peak_while_writing(city)
    _bulk_events(6_000, city)
    big_rows, big_peak = _peak_while_writing(city)
    assert (small_rows, big_rows) == (1_500, 7_500)
    # Five times the rows, about the same memory (one chunk of events at a time).
    assert big_peak < small_peak * 1.5, (small_peak, big_peak)


def test_the_export_command_runs_below_the_web_workers_priority(city, monkeypatch):  # noqa: ANN001
    """A 200,000-event export must not slow the pages: the command lowers its own priority to nice 10."""
    from koshiki.audit.management.commands import run_audit_exports as command

    calls: list[int] = []
    monkeypatch.setattr(command.os, "nice", lambda inc: calls.append(inc) or (3 if inc == 0 else 3 + inc))
    call_command("run_audit_exports", stdout=io.StringIO())
    assert calls == [0, 7]  # from nice 3 up to 10, never lower
    calls.clear()
    call_command("run_audit_exports", "--nice", "0", stdout=io.StringIO())
    assert calls == []
    monkeypatch.setattr(command.os, "nice", lambda inc: calls.append(inc) or 15)
    call_command("run_audit_exports", stdout=io.StringIO())
    assert calls == [0]  # already lower than 10: left as it is
