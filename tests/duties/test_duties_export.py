"""The Excel export of a 年度's duty status (/duties/duties.xlsx), read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.documents.excel import WAREKI_FORMAT
from koshiki.duties.actions import do_complete_task
from koshiki.duties.models import DutyTask
from koshiki.duties.runner import run
from koshiki.registry.models import Account
from tests.personas import account_in, give_mail_addresses, make_city

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

URL = reverse("duties:calendar_xlsx") + "?fy=2026"


def _kawasaki_with_duties():
    """川崎市: unit a's account with a password last changed 2024-04-01 (5(8)) and idle since 2025-11 (5(9))."""
    city = make_city("kawasaki")
    account = account_in(city, "listed", display_name="川崎市広報課X")
    Account.objects.filter(pk=account.pk).update(
        password_changed_at=date(2024, 4, 1), last_posted_at=date(2025, 11, 20)
    )
    give_mail_addresses()
    run(date(2026, 6, 1))
    return city, account


def _get(user, url: str = URL):  # noqa: ANN001, ANN202
    client = Client()
    client.force_login(user)
    return client.get(url)


def _rows(response) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[str], list[list]]:  # noqa: ANN001
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[2]]
    return ws, header, [[c.value for c in r] for r in ws.iter_rows(min_row=3)]


def test_the_export_lists_the_years_tasks_with_wareki_dates_overdue_flag_and_who_completed():
    city, account = _kawasaki_with_duties()
    head = city.people["head"]
    dormancy = DutyTask.objects.get(duty="dormancy")
    do_complete_task(head, dormancy, outcome="continue", note="台風期の防災情報で使うため継続")

    page = _get(head, reverse("duties:calendar") + "?fy=2026").content.decode()
    assert f'href="{reverse("duties:calendar_xlsx")}?fy=2026"' in page

    response = _get(head)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    ws, header, rows = _rows(response)
    assert ws.title == "職務の状況 令和8年度"
    assert ws["A1"].value.startswith(f"{city.municipality.name} 職務の状況 令和8年度（令和")
    assert header == [
        "期限", "期限切れ", "職務", "内容", "根拠", "アカウント", "開設所属",
        "担当", "状態", "完了日", "完了した職員", "結果", "記録",
    ]  # fmt: skip
    assert len(rows) == DutyTask.objects.filter(fiscal_year=2026).count()
    by_duty = {r[2]: (i, r) for i, r in enumerate(rows)}

    # 川崎市5(8): the password changed 2024-04-01 was due within 365 days and is still open.
    i, password = by_duty["パスワードの定期的な変更"]
    assert password[1] == "期限切れ" and password[4] == "5(8)" and password[8] == "未対応"
    assert password[5] == "川崎市広報課X" and password[6] == "総務局 広報課"
    assert password[9] is None and password[10] is None
    due = ws.cell(row=3 + i, column=1)
    assert isinstance(due.value, datetime) and due.value.date() < date(2026, 6, 1)
    assert due.number_format == WAREKI_FORMAT == '[$-ja-JP]ggge"年"m"月"d"日"'

    # 川崎市5(9): completed by the section head with the outcome and reason.
    i, row = by_duty["更新のないアカウントの廃止の検討"]
    assert row[1] is None and row[4] == "5(9)" and row[7].startswith("所属長") and row[8] == "完了"
    assert row[10] == f"{head.last_name} {head.first_name}".strip()
    assert row[11] == "運用を続ける（理由を記録）" and row[12] == "台風期の防災情報で使うため継続"
    done = ws.cell(row=3 + i, column=10)
    # The sheet shows the day in Japan (after 15:00 UTC that is already the next calendar day).
    done_at = timezone.localtime(DutyTask.objects.get(pk=dormancy.pk).done_at)
    assert done.value.date() == done_at.date()
    assert done.number_format == WAREKI_FORMAT

    # Another 年度 has none of these tasks.
    assert _rows(_get(head, reverse("duties:calendar_xlsx") + "?fy=2025"))[2] == []


def test_the_export_shows_only_what_the_calendar_shows_and_outsiders_get_403():
    city, account = _kawasaki_with_duties()
    whole_city = _rows(_get(city.people["auditor"]))[2]
    assert {r[5] for r in whole_city} == {"川崎市広報課X"} and len(whole_city) >= 2
    # Unit b's head sees unit b's tasks only (none here), as on /duties/.
    assert all(r[5] != "川崎市広報課X" for r in _rows(_get(city.people["head_b"]))[2])
    # Another city's governance office sees its own city's tasks, not these.
    elsewhere = make_city("komae", name="狛江市試験")
    assert _rows(_get(elsewhere.people["office"]))[2] == []
    # Someone without a role in any city: refused, as the calendar is.
    assert _get(city.people["nobody"]).status_code == 403
    assert _get(city.people["nobody"], reverse("duties:calendar")).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/?next=")
