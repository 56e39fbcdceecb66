"""The duty status of one 年度 as an Excel sheet (``documents.excel.workbook_bytes`` writes it).

One row per duty task the caller may see (``duties.access.tasks_visible_to``),
so the export never shows more than the /duties/ page does; the due date and
the completion date are real Excel dates shown in 和暦.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet

from koshiki.documents.excel import Column, Sheet
from koshiki.duties.definitions import Duty
from koshiki.duties.models import DutyTask, TaskStatus
from koshiki.fiscal import fiscal_year_label, to_wareki
from koshiki.org.models import Municipality
from koshiki.org.roles import Role
from koshiki.ui.templatetags.koshiki_tags import person

COLUMNS = (
    Column("期限", 16),
    Column("期限切れ", 9),
    Column("職務", 28),
    Column("内容", 40),
    Column("根拠", 12),
    Column("アカウント", 26),
    Column("開設所属", 24),
    Column("担当", 14),
    Column("状態", 14),
    Column("完了日", 16),
    Column("完了した職員", 16),
    Column("結果", 16),
    Column("記録", 36),
)


def duty_sheet(
    tasks: QuerySet[DutyTask],
    municipality: Municipality,
    fy: int,
    duties: Mapping[str, Duty],
    today: date,
) -> Sheet:
    """The tasks of ``tasks`` for 年度 ``fy``, by due date (「職務の状況 令和8年度」)."""
    qs = (
        tasks.filter(fiscal_year=fy)
        .select_related("account__owning_unit", "done_by")
        .order_by("due_on", "pk")
    )
    roles = dict(Role.choices)
    rows: list[list[Any]] = []
    for t in qs.iterator(chunk_size=1000):
        duty = duties.get(t.duty)
        outcomes = dict(duty.outcomes) if duty else {}
        rows.append(
            [
                t.due_on,
                "期限切れ" if t.status == TaskStatus.OPEN and t.due_on < today else "",
                duty.label if duty else t.duty,
                t.title,
                t.clause,
                t.account.display_name if t.account else "",
                t.account.owning_unit.full_name() if t.account else "",
                roles.get(t.role, t.role),
                t.get_status_display(),
                t.done_at,
                person(t.done_by),
                outcomes.get(t.outcome, t.outcome),
                t.note,
            ]
        )
    label = fiscal_year_label(fy)
    return Sheet(
        f"職務の状況 {label}",
        COLUMNS,
        rows,
        f"{municipality.name} 職務の状況 {label}（{to_wareki(today)}現在）",
    )
