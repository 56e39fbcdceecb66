"""The April personnel change (人事異動) from a CSV: end and grant roles in bulk, all rows or none.

April transfers are when operator rosters go stale (安芸高田市7(7)); ending
each role through ``do_end_role`` also takes the person off the rosters and
raises the roster duty. The CSV (UTF-8 or Shift_JIS as Excel saves it) has
a header row and these columns::

    操作,ログインID,役割,組織,アカウント,会社・団体名
    終了,koho.tanaka,所属長（責任者・管理者）,総務局 広報課,,
    付与,koho.sato,担当者,,みなと市広報X,

``操作`` is 終了 or 付与; ``役割`` a role's Japanese name or id; ``組織`` a
unit's full name (「総務局 広報課」) or its own name when that is unique;
``アカウント`` an account's handle or display name. Ends run before grants.
The preview runs every row for real inside a transaction and rolls it back,
so it reports exactly what applying would refuse, per row, in Japanese.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.org import access as org_access
from koshiki.org.models import Municipality, OrgUnit, RoleAssignment
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_end_role
from koshiki.registry.models import Account

HEADER = ["操作", "ログインID", "役割", "組織", "アカウント", "会社・団体名"]
MAX_ROWS = 2000
_ROLE_BY_NAME = {
    **{r.label: r.value for r in Role},
    **{r.value: r.value for r in Role},
    "所属長": Role.SECTION_HEAD.value,
}


@dataclass
class TransferRow:
    """One line of the CSV and what became of it (``error`` empty when it would apply)."""

    line: int
    op: str
    username: str
    role: str
    unit: str
    account: str
    company: str
    error: str = ""
    summary: str = ""


@dataclass
class TransferResult:
    rows: list[TransferRow] = field(default_factory=list)
    error: str = ""  # a problem with the file as a whole
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.rows) and not any(r.error for r in self.rows)


def read_csv(data: bytes | str) -> TransferResult:
    """Parse the file; a wrong header or encoding is a file-level error."""
    if isinstance(data, bytes):
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return TransferResult(error="文字コードを読み取れません（UTF-8 か Shift_JIS で保存してください）")
    else:
        text = data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        return TransferResult(error=f"CSVとして読み取れません（{exc}）")
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return TransferResult(error="ファイルが空です")
    header = [c.strip() for c in rows[0]]
    if header[: len(HEADER)] != HEADER:
        return TransferResult(error=f"1行目（見出し）は「{','.join(HEADER)}」にしてください")
    if len(rows) - 1 > MAX_ROWS:
        return TransferResult(error=f"一度に処理できるのは{MAX_ROWS}行までです")
    result = TransferResult()
    for number, raw in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in raw] + [""] * len(HEADER)
        result.rows.append(TransferRow(number, *cells[: len(HEADER)]))
    if not result.rows:
        result.error = "見出しの下に行がありません"
    return result


def _unit(municipality: Municipality, name: str) -> OrgUnit | None:
    if not name:
        return None
    units = list(OrgUnit.objects.filter(municipality=municipality))
    exact = [u for u in units if u.full_name() == name]
    if len(exact) == 1:
        return exact[0]
    by_name = [u for u in units if u.name == name]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        raise ActionError(
            f"組織「{name}」が複数あります。上位組織から「総務局 広報課」のように書いてください"
        )
    raise ActionError(f"組織「{name}」が見つかりません")


def _account(municipality: Municipality, name: str) -> Account | None:
    if not name:
        return None
    found = list(Account.objects.filter(municipality=municipality, handle=name.lstrip("@")))
    found = found or list(Account.objects.filter(municipality=municipality, display_name=name))
    if len(found) == 1:
        return found[0]
    if found:
        raise ActionError(f"アカウント「{name}」が複数あります。ID（ユーザー名）で指定してください")
    raise ActionError(f"アカウント「{name}」が見つかりません")


def _run_row(actor: Person, municipality: Municipality, row: TransferRow) -> str:
    if row.op not in ("終了", "付与"):
        raise ActionError("操作は「終了」か「付与」にしてください")
    if not row.username:
        raise ActionError("ログインIDを入力してください")
    user = get_user_model().objects.filter(username__iexact=row.username, is_active=True).first()
    if user is None:
        raise ActionError(
            f"ログインID「{row.username}」の職員が見つかりません（新しい職員は先に「職員を追加する」で登録してください）"
        )
    role = _ROLE_BY_NAME.get(row.role)
    if role is None:
        raise ActionError(f"役割「{row.role}」はありません")
    unit = _unit(municipality, row.unit)
    account = _account(municipality, row.account)
    label = Role(role).label
    if row.op == "付与":
        do_assign_role(
            user,
            role,
            actor=actor,
            municipality=municipality,
            unit=unit,
            account=account,
            company=row.company,
        )
        return f"{user.last_name} {user.first_name} に「{label}」を付与"
    held = RoleAssignment.objects.active().filter(municipality=municipality, user=user, role=role, unit=unit)
    held = (
        held.filter(account_scope__account=account) if account is not None else held.filter(for_account=False)
    )
    assignment = held.first()
    if assignment is None:
        raise ActionError(f"{user.last_name} {user.first_name} は、その範囲の「{label}」を持っていません")
    do_end_role(actor, assignment)
    return f"{user.last_name} {user.first_name} の「{label}」を終了（名簿から外し、名簿の確認を依頼）"


def do_personnel_change(
    actor: Person, municipality: Municipality, parsed: TransferResult, *, apply: bool
) -> TransferResult:
    """Run every row (ends first, then grants) in one transaction; commit only when ``apply`` and no row failed.

    Each row runs in its own savepoint so every broken row is reported at
    once; if any row fails, or for a preview, everything is rolled back.
    """
    require(org_access.can_manage_units(actor, municipality), "人事異動の一括処理ができるのは所管課です")
    if parsed.error or not parsed.rows:
        return parsed
    ordered = sorted(parsed.rows, key=lambda r: (r.op != "終了", r.line))
    with transaction.atomic():
        for row in ordered:
            row.error = row.summary = ""
            try:
                with transaction.atomic():
                    row.summary = _run_row(actor, municipality, row)
            except (ActionError, PermissionDenied) as exc:
                row.error = str(exc) or "権限がありません"
        if apply and parsed.ok:
            record_event(
                actor,
                "org.transfer.apply",
                municipality,
                {},
                {
                    "rows": len(parsed.rows),
                    "ended": sum(r.op == "終了" for r in parsed.rows),
                    "granted": sum(r.op == "付与" for r in parsed.rows),
                },
            )
            parsed.applied = True
        else:
            transaction.set_rollback(True)
    org_access.forget_roles(actor)
    return parsed


def template_csv() -> str:
    return ",".join(HEADER) + "\r\n"
