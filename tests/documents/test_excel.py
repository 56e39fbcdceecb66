"""Excel exports of the registry and the rosters (openpyxl), and the writer the duties export will use."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from koshiki.documents.excel import WAREKI_FORMAT, Column, Sheet, workbook_bytes
from koshiki.registry import actions
from tests.personas import account_in

pytestmark = pytest.mark.django_db


def open_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_registry_export_lists_the_accounts_the_user_may_see_with_their_rosters(city, client_for) -> None:  # noqa: ANN001
    mine = account_in(city, "listed", display_name="試験市広報課X")
    other = account_in(city, "listed", unit="b", display_name="試験市観光課インスタ")
    response = client_for(city.people["operator"]).get(reverse("documents:registry_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = open_xlsx(response.content)
    assert wb.sheetnames == ["公式アカウント台帳", "運用者名簿"]
    ws = wb["公式アカウント台帳"]
    assert ws["A1"].value.startswith(f"{city.municipality.name} 公式アカウント台帳（令和")
    header = [c.value for c in ws[2]]
    assert header[:7] == ["番号", "開設所属", "アカウント名", "種類", "ID", "登録URL", "状態"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    names = [r[2] for r in rows]
    assert "試験市広報課X" in names and other.display_name not in names  # unit b is not the operator's
    row = rows[names.index("試験市広報課X")]
    assert row[0] == mine.pk and row[1] == "総務局 広報課" and row[6] == "運用中（一覧掲載）"
    start = ws.cell(row=3 + names.index("試験市広報課X"), column=header.index("運用開始日") + 1)
    assert start.value.date() == date(2025, 4, 1) and start.number_format == WAREKI_FORMAT
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    roster = [[c.value for c in r] for r in wb["運用者名簿"].iter_rows(min_row=3)]
    assert [r[5] for r in roster if r[1] == "試験市広報課X"] == ["試験 花子"]

    everyone = open_xlsx(client_for(city.people["office"]).get(reverse("documents:registry_xlsx")).content)
    all_names = [r[2].value for r in everyone["公式アカウント台帳"].iter_rows(min_row=3)]
    assert {"試験市広報課X", "試験市観光課インスタ"} <= set(all_names)


def test_the_roster_export_of_one_account_keeps_people_who_left(city, client_for) -> None:  # noqa: ANN001
    account = account_in(city, "listed")
    operator = city.people["operator"]
    entry = actions.do_add_roster_entry(account, actor=operator, name="転出 次郎", duty="manager")
    actions.do_remove_roster_entry(operator, entry)
    response = client_for(operator).get(reverse("documents:roster_xlsx", args=[account.pk]))
    ws = open_xlsx(response.content)["運用者名簿"]
    rows = {r[5].value: r for r in ws.iter_rows(min_row=3)}
    assert set(rows) == {"試験 花子", "転出 次郎"}
    assert rows["転出 次郎"][4].value == "運用管理者" and rows["転出 次郎"][8].value is not None
    assert rows["試験 花子"][8].value is None


def test_workbook_bytes_writes_any_sheet_for_other_exports() -> None:
    sheet = Sheet(
        "令和8年度 当番表: 4月/5月",  # characters Excel forbids in sheet names are replaced
        [Column("日付", 16), Column("担当", 12), Column("状況", 30)],
        [[date(2026, 4, 1), "山田 花子", "済"], [date(2026, 4, 2), "佐藤 一郎", "未実施\n理由: 出張"]],
    )
    wb = open_xlsx(workbook_bytes([sheet, sheet]))
    assert wb.sheetnames == ["令和8年度 当番表・ 4月・5月", "令和8年度 当番表・ 4月・5月(2)"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["日付", "担当", "状況"]
    assert ws["A2"].number_format == WAREKI_FORMAT and ws["C3"].alignment.wrap_text
