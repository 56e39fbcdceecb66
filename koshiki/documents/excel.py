"""Excel workbooks (openpyxl) of the account registry and the operator rosters, as city offices keep them.

``workbook_bytes(sheets)`` is the one writer: each ``Sheet`` is a title,
columns (header and width) and rows of plain values; dates become real Excel
dates shown in 和暦 (「令和8年4月1日」 in Japanese Excel), the header row is
bold and frozen, and every sheet has an auto-filter. The duty calendar's
export (``duties``) builds its own ``Sheet`` and calls the same function.

``registry_sheet`` and ``roster_sheet`` read the registry (two queries plus
one per 1,000 rows); both take the queryset the caller may see
(``registry.access.accounts_visible_to``), so an export never shows more than the
pages do.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from koshiki.fiscal import to_wareki
from koshiki.registry.models import RosterEntry

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 和暦 in Japanese Excel (令和8年4月1日); other spreadsheet programs show the date in their own format.
WAREKI_FORMAT = '[$-ja-JP]ggge"年"m"月"d"日"'


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title (≤ 31 characters), columns, rows of plain values."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    caption: str = ""  # a first line above the header (「みなと市 公式アカウント台帳 令和8年4月1日現在」)


_FORBIDDEN = str.maketrans({c: "・" for c in "[]:*?/\\"})


def _sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(_FORBIDDEN)[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx with one worksheet per ``Sheet`` (bold frozen header, filters, 和暦 dates)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title, used))
        header_row = 1
        if sheet.caption:
            ws.cell(row=1, column=1, value=sheet.caption).font = Font(bold=True)
            header_row = 2
        for i, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=header_row, column=i, value=col.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(i)].width = col.width
        r = header_row
        for r, row in enumerate(sheet.rows, start=header_row + 1):
            for i, value in enumerate(row, start=1):
                if isinstance(value, datetime):
                    value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
                cell = ws.cell(row=r, column=i, value=value)
                if isinstance(value, date):
                    cell.number_format = WAREKI_FORMAT
                elif isinstance(value, str) and "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        last = get_column_letter(max(len(sheet.columns), 1))
        ws.auto_filter.ref = f"A{header_row}:{last}{max(r, header_row)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("あり" if value else "なし")


REGISTRY_COLUMNS = (
    Column("番号", 7),
    Column("開設所属", 28),
    Column("アカウント名", 26),
    Column("種類", 14),
    Column("ID", 20),
    Column("登録URL", 36),
    Column("状態", 16),
    Column("一覧掲載", 9),
    Column("掲載ジャンル", 16),
    Column("運用者", 24),
    Column("責任者", 18),
    Column("運用開始日", 16),
    Column("運用終了日", 16),
    Column("開設日", 16),
    Column("多要素認証", 10),
    Column("認証バッジ", 10),
    Column("パスワード最終変更日", 16),
    Column("最終投稿日", 16),
    Column("名簿の最終更新日", 16),
    Column("次回の状態確認期限", 16),
    Column("運用ポリシー", 10),
)


def registry_sheet(accounts: QuerySet[Any], on: date | None = None) -> Sheet:
    """The account registry (公式アカウント台帳), one row per account of ``accounts``."""
    on = on or timezone.localdate()
    qs = accounts.select_related("owning_unit", "current_policy", "municipality").order_by(
        "owning_unit__path", "display_name", "pk"
    )
    units: dict[int, str] = {}

    def unit_label(account: Any) -> str:
        unit = account.owning_unit
        if unit.pk not in units:
            units[unit.pk] = unit.full_name()
        return units[unit.pk]

    def rows() -> Iterable[list[Any]]:
        for a in qs.iterator(chunk_size=1000):
            yield [
                a.pk,
                unit_label(a),
                a.display_name,
                a.platform_name,
                a.handle,
                a.url,
                a.get_status_display(),
                "掲載" if a.is_listed else "",
                a.get_genre_display() if a.genre else "",
                a.operator_label,
                a.responsible_title,
                a.period_start,
                a.period_end,
                a.acquired_at,
                _yes_no(a.mfa_enabled),
                _yes_no(a.verified_badge),
                a.password_changed_at,
                a.last_posted_at,
                a.roster_renewed_at,
                a.next_check_due,
                f"第{a.current_policy.version}版" if a.current_policy else "",
            ]

    first = qs.first()
    city = first.municipality.name if first else ""
    return Sheet(
        "公式アカウント台帳",
        REGISTRY_COLUMNS,
        list(rows()),
        f"{city} 公式アカウント台帳（{to_wareki(on)}現在）",
    )


ROSTER_COLUMNS = (
    Column("番号", 7),
    Column("アカウント名", 26),
    Column("種類", 14),
    Column("開設所属", 28),
    Column("役割", 12),
    Column("氏名", 16),
    Column("所属・会社", 24),
    Column("登録日", 16),
    Column("削除日", 16),
)


def roster_sheet(accounts: QuerySet[Any], on: date | None = None, *, include_removed: bool = False) -> Sheet:
    """The operator roster of each account (運用管理者・情報発信者確認名簿), one row per person."""
    on = on or timezone.localdate()
    entries = RosterEntry.objects.filter(account__in=accounts).select_related(
        "account", "account__owning_unit", "account__municipality"
    )
    if not include_removed:
        entries = entries.filter(removed_on__isnull=True)
    entries = entries.order_by(
        "account__owning_unit__path", "account__display_name", "account_id", "duty", "name"
    )
    units: dict[int, str] = {}
    rows = []
    city = ""
    for e in entries.iterator(chunk_size=1000):
        a = e.account
        city = a.municipality.name
        if a.owning_unit_id not in units:
            units[a.owning_unit_id] = a.owning_unit.full_name()
        rows.append(
            [
                a.pk,
                a.display_name,
                a.platform_name,
                units[a.owning_unit_id],
                e.get_duty_display(),
                e.name,
                e.affiliation,
                e.added_on,
                e.removed_on,
            ]
        )
    return Sheet(
        "運用者名簿", ROSTER_COLUMNS, rows, f"{city} 運用管理者・情報発信者名簿（{to_wareki(on)}現在）"
    )
