"""The audit trail for people who are not programmers: Japanese filters, 年度, before → after in JST, 「連鎖を検証」.

An auditor of the city picks an action and an object type by their Japanese
names, narrows to a 年度 (1 April to 31 March, in Japan time) or a date range,
reads each change as a table of Japanese field names with values before and
after (dates in the era, times in JST), and checks the chain with a button
that runs what ``manage.py verify_audit`` runs. The office may run the check
but not read the trail; operators may do neither; an auditor of another city
sees nothing of this one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koshiki.audit.events import record_event, verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.fiscal import fiscal_year
from tests.audit.dba import dba_cursor
from tests.personas import make_city, new_account

pytestmark = pytest.mark.django_db


def _record_at(moment: datetime, actor, action, obj, before=None, after=None, details=None, monkeypatch=None):  # noqa: ANN001
    monkeypatch.setattr(timezone, "now", lambda: moment)
    with transaction.atomic():
        event = record_event(actor, action, obj, before, after, details=details)
    monkeypatch.undo()
    return event


def _seqs(response) -> list[int]:  # noqa: ANN001
    return [e.seq for e in response.context["page"]]


# ---- filters ---------------------------------------------------------------------------------


def test_action_and_object_filters_are_japanese_choices_not_codes(city, client_for):
    html = client_for(city.auditor).get("/audit/").content.decode()
    assert '<option value="org.unit.create">組織の追加</option>' in html
    assert '<option value="account.approve">承認</option>' in html
    assert '<optgroup label="公式アカウント台帳">' in html
    assert '<option value="registry.account">公式アカウント</option>' in html
    # No option shows a code as its text.
    texts = re.findall(r"<option value=\"[^\"]*\"[^>]*>([^<]*)</option>", html)
    assert texts and not [t for t in texts if re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", t)]


def test_the_action_filter_shows_only_that_action_and_keeps_prefixes_for_links(city, client_for):
    client = client_for(city.auditor)
    created = client.get("/audit/", {"action": "org.unit.create"})
    assert created.context["page"].events and {e.action for e in created.context["page"]} == {
        "org.unit.create"
    }
    roles = client.get("/audit/", {"action": "org.role"})
    assert roles.context["page"].events and all(
        e.action.startswith("org.role.") for e in roles.context["page"]
    )
    # A made-up code is refused with a Japanese message, never shown as everything.
    bad = client.get("/audit/", {"action": "drop.table"})
    assert bad.context["page"].events == [] and "正しく選択してください" in bad.content.decode()


def test_the_object_type_filter_picks_one_kind_of_record(city, client_for):
    account = new_account(city)
    response = client_for(city.auditor).get("/audit/", {"object_type": "registry.account"})
    events = response.context["page"].events
    assert events and {e.object_type for e in events} == {"registry.account"}
    assert {e.object_id for e in events} == {str(account.pk)}
    bad = client_for(city.auditor).get("/audit/", {"object_type": "auth.permission"})
    assert bad.context["page"].events == []


def test_the_fiscal_year_filter_runs_from_1_april_to_31_march_in_japan_time(city, client_for, monkeypatch):
    account = new_account(city)
    # 2025-03-31 23:30 JST is the last half hour of 令和6年度; 2025-04-01 00:10 JST opens 令和7年度.
    last = _record_at(datetime(2025, 3, 31, 14, 30, tzinfo=UTC), city.office, "account.update", account,
                      {"content": "旧"}, {"content": "新"}, monkeypatch=monkeypatch)  # fmt: skip
    first = _record_at(datetime(2025, 3, 31, 15, 10, tzinfo=UTC), city.office, "account.update", account,
                       {"content": "新"}, {"content": "新2"}, monkeypatch=monkeypatch)  # fmt: skip
    client = client_for(city.auditor)
    fy2024 = client.get("/audit/", {"fiscal_year": "2024"})
    fy2025 = client.get("/audit/", {"fiscal_year": "2025", "action": "account.update"})
    assert last.seq in _seqs(fy2024) and first.seq not in _seqs(fy2024)
    assert _seqs(fy2025) == [first.seq]
    html = fy2025.content.decode()
    assert '<option value="2025" selected>令和7年度（2025年4月〜2026年3月）</option>' in html
    assert '<option value="2024">令和6年度（2024年4月〜2025年3月）</option>' in html


def test_the_date_range_counts_whole_days_in_japan_time(city, client_for, monkeypatch):
    account = new_account(city)
    late = _record_at(datetime(2025, 6, 10, 14, 59, tzinfo=UTC), city.office, "account.update", account,
                      {"content": "a"}, {"content": "b"}, monkeypatch=monkeypatch)  # 6月10日 23:59 JST  # fmt: skip
    early = _record_at(datetime(2025, 6, 10, 15, 1, tzinfo=UTC), city.office, "account.update", account,
                       {"content": "b"}, {"content": "c"}, monkeypatch=monkeypatch)  # 6月11日 00:01 JST  # fmt: skip
    client = client_for(city.auditor)
    june10 = client.get("/audit/", {"date_from": "令和7年6月10日", "date_to": "令和7年6月10日"})
    assert _seqs(june10) == [late.seq]
    june11 = client.get(
        "/audit/", {"date_from": "2025-06-11", "date_to": "2025-06-11", "fiscal_year": "2025"}
    )
    assert _seqs(june11) == [early.seq]
    # The 年度 and the range together: a range outside the year finds nothing.
    assert _seqs(client.get("/audit/", {"date_from": "2025-06-11", "fiscal_year": "2024"})) == []


def test_filters_keep_keyset_paging_without_counting_the_trail(city, client_for):
    with transaction.atomic():
        for n in range(120):
            record_event(
                city.office, "account.update", ("registry.account", 0), {"content": n}, {"content": n + 1}
            )
    client = client_for(city.auditor)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(
            "/audit/", {"action": "account.update", "fiscal_year": str(fiscal_year(timezone.localdate()))}
        )
    table = AuditEvent._meta.db_table.upper()
    assert not any(
        "COUNT(" in q["sql"].upper() and table in q["sql"].upper() for q in queries.captured_queries
    )
    page = first.context["page"]
    assert len(page.events) == 100 and page.has_older
    body = first.content.decode()
    assert f"before={page.older_than}" in body and "action=account.update" in body


# ---- 変更内容 ---------------------------------------------------------------------------------


def test_changes_are_a_japanese_before_after_table_in_japan_time(city, client_for):
    account = new_account(city)
    with transaction.atomic():
        record_event(
            city.office,
            "account.update",
            account,
            {"status": "draft", "period_start": "2025-04-01", "mfa_enabled": False, "listed_at": None},
            {
                "status": "listed",
                "period_start": "2025-05-01",
                "mfa_enabled": True,
                "listed_at": "2025-03-31T15:10:00+00:00",
            },  # fmt: skip
            details={"reason": "運用開始日の変更届による", "documents": ["様式1", "様式3"]},
        )
    html = client_for(city.auditor).get("/audit/", {"action": "account.update"}).content.decode()
    assert '<th scope="col">変更前</th><th scope="col">変更後</th>' in html
    rows = dict(
        (label, (before, after))
        for label, before, after in re.findall(
            r'<th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>', html
        )
    )
    assert rows["状態"] == ("申請準備中", "運用中（一覧掲載）")
    assert rows["運用開始日"] == ("令和7年4月1日", "令和7年5月1日")
    assert rows["多要素認証"] == ("いいえ", "はい")
    assert rows["一覧掲載日時"] == ("—", "令和7年4月1日 00:10")  # 15:10 UTC is the next day in Japan
    assert '<dt>理由</dt><dd class="pre">運用開始日の変更届による</dd>' in html
    assert '<dt>書類</dt><dd class="pre">様式1、様式3</dd>' in html
    # Not a Python dict, not UTC, no field codes.
    assert "{&#x27;before&#x27;" not in html and "+00:00" not in html and "mfa_enabled" not in html


def test_a_changed_field_is_marked_and_an_unchanged_one_is_not(city, client_for):
    account = new_account(city)
    with transaction.atomic():
        record_event(city.office, "account.update", account,
                     {"content": "市政情報", "purpose": "発信"}, {"content": "市政・防災情報", "purpose": "発信"})  # fmt: skip
    html = client_for(city.auditor).get("/audit/", {"action": "account.update"}).content.decode()
    assert re.search(
        r'<tr class="changed"><th scope="row">[^<]+</th><td>市政情報</td><td>市政・防災情報</td>', html
    )
    assert re.search(r"<tr><th scope=\"row\">[^<]+</th><td>発信</td><td>発信</td>", html)


def test_a_recorded_row_of_another_table_is_read_in_japanese_too(city, client_for):
    new_account(city)  # registers a city tablet and a roster row through the real actions
    client = client_for(city.auditor)
    device = client.get("/audit/", {"action": "account.device.add"}).content.decode()
    # (PostgreSQL's jsonb orders the keys its own way: each part is checked, not their order.)
    assert "名前: 貸与タブレット" in device and "所有: 市の貸与機器" in device and "ownership:" not in device
    roster = client.get("/audit/", {"action": "account.roster.add"}).content.decode()
    assert "名前: 試験 花子" in roster and "役割: 情報発信者" in roster and "duty:" not in roster
    # A new record's empty fields are left out rather than listed as — → —.
    created = client.get("/audit/", {"action": "account.create"}).content.decode()
    assert '<th scope="row">一覧削除日時</th>' not in created
    assert '<th scope="row">開設所属</th><td>—</td><td>番号 ' in created


# ---- 連鎖を検証 -------------------------------------------------------------------------------


def test_the_verify_button_runs_the_keyed_chain_check_and_says_ok_with_count_and_head(city, client_for):
    client = client_for(city.auditor)
    assert 'action="/audit/verify/"' in client.get("/audit/").content.decode()
    response = client.post("/audit/verify/")
    html = response.content.decode()
    report = verify_chain()
    head = AuditEvent.objects.order_by("-seq").first()
    assert response.status_code == 200 and report.ok
    assert "連鎖は正常です" in html and f"{report.checked} 件の記録を検証しました" in html
    assert f"<td>{head.seq}</td>" in html and head.hash in html


def test_the_verify_button_names_the_first_broken_sequence_after_tampering(city, client_for):
    with transaction.atomic():
        for n in range(3):
            record_event(
                city.office, "account.update", ("registry.account", 0), {"content": n}, {"content": n + 1}
            )
    target = AuditEvent.objects.order_by("-seq")[1]
    with dba_cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET actor_label = %s WHERE seq = %s",
                       ["改ざん者", target.seq])  # fmt: skip
    html = client_for(city.auditor).post("/audit/verify/").content.decode()
    assert "連鎖が壊れています" in html
    assert f"連番 {target.seq} の記録で連鎖が壊れています" in html and "改ざんされています" in html
    assert f"それより前の {target.seq - 1} 件は正常でした" in html
    assert "連鎖は正常です" not in html


def test_the_verify_button_checks_the_anchor_file_like_the_daily_run(city, client_for, tmp_path, monkeypatch):
    head = AuditEvent.objects.order_by("-seq").first()
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text(f'{{"seq": {head.seq}, "hash": "{head.hash}", "at": "2026-12-01T00:00:00+00:00"}}\n')
    monkeypatch.setenv("KOSHIKI_ANCHOR_FILE", str(anchors))
    client = client_for(city.auditor)
    assert "以前に記録したアンカー 1 件とも一致しています" in client.post("/audit/verify/").content.decode()
    # An anchor the chain no longer passes through: a rewrite even by someone holding the key.
    anchors.write_text(f'{{"seq": {head.seq}, "hash": "{"0" * 64}", "at": "2026-12-01"}}\n')
    html = client.post("/audit/verify/").content.decode()
    assert (
        f"連番 {head.seq} の記録で連鎖が壊れています" in html and "アンカーのハッシュと一致しません" in html
    )
    # An unreadable anchor file is said in Japanese; the chain itself is still checked.
    anchors.write_text("壊れた行\n")
    html = client.post("/audit/verify/").content.decode()
    assert "アンカーのファイルは使えませんでした" in html and "連鎖は正常です" in html


def test_the_verify_page_itself_never_runs_the_check_on_a_get(city, client_for, monkeypatch):
    calls = []
    monkeypatch.setattr("koshiki.audit.views.verify_chain", lambda **kw: calls.append(kw))
    response = client_for(city.auditor).get("/audit/verify/")
    assert response.status_code == 200 and calls == [] and "連鎖を検証" in response.content.decode()


def test_the_office_may_run_the_check_but_not_read_the_trail(city, client_for):
    client = client_for(city.office)
    assert client.get("/audit/").status_code == 403
    html = client.get("/").content.decode()
    assert 'href="/audit/verify/"' in html and 'href="/audit/"' not in html
    response = client.post("/audit/verify/")
    assert response.status_code == 200 and "連鎖は正常です" in response.content.decode()
    assert "監査証跡の一覧へ戻る" not in response.content.decode()


@pytest.mark.parametrize("person", ["operator", "head", "security", "member", "nobody"])
def test_other_roles_may_neither_read_the_trail_nor_run_the_check(city, client_for, person):
    client = client_for(city.people[person])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/verify/").status_code == 403
    assert client.post("/audit/verify/").status_code == 403


def test_an_auditor_of_another_city_sees_nothing_of_this_one_through_any_filter(city, client_for):
    account = new_account(city, display_name="みなと市 秘密の検討アカウント")
    other = make_city("komae", name="よその市")
    client = client_for(other.auditor)
    for query in ({}, {"object_type": "registry.account"}, {"action": "account.create"},
                  {"object_id": str(account.pk), "object_type": "registry.account"},
                  {"fiscal_year": str(fiscal_year(timezone.localdate()))}):  # fmt: skip
        response = client.get("/audit/", query)
        assert all(e.municipality_id in (other.municipality.pk, None) for e in response.context["page"]), (
            query
        )
        assert "秘密の検討アカウント" not in response.content.decode()
    # The chain is one for the installation: checking it shows counts and hashes, never another city's records.
    html = client.post("/audit/verify/").content.decode()
    assert "連鎖は正常です" in html and "秘密の検討アカウント" not in html
