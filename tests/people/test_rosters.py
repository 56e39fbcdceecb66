"""Rosters follow people: ending a role takes the person off the roster and raises the roster duty;
the April personnel change from a CSV applies all rows or none."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from koshiki.duties.actions import do_complete_task
from koshiki.duties.models import DutyTask, TaskStatus
from koshiki.org.models import RoleAssignment
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_end_role
from koshiki.people.transfers import do_personnel_change, read_csv
from koshiki.registry import actions
from koshiki.registry.models import RosterEntry
from tests.personas import account_in, give_mail_addresses, make_city, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def _rostered(city, account, key="operator"):
    user = city.people[key]
    return actions.do_add_roster_entry(
        account,
        name=f"{user.last_name} {user.first_name}",
        duty=RosterEntry.Duty.POSTER,
        user=user,
        actor=city.people["head"],
    )


def test_ending_a_role_removes_the_roster_entry_and_raises_the_duty(django_capture_on_commit_callbacks):
    city = make_city("akitakata")
    account = account_in(city, "listed")
    entry = _rostered(city, account)
    give_mail_addresses()
    role = RoleAssignment.objects.active().get(user=city.people["operator"], role=Role.OPERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        do_end_role(city.people["office"], role)
    entry.refresh_from_db()
    assert entry.removed_on is not None
    task = DutyTask.objects.get(duty="roster_update", account=account)
    assert task.status == TaskStatus.OPEN and "名簿から削除済み" in task.title
    assert any("役割が終了しました" in m.subject for m in mail.outbox if m.to[0].startswith("aki_head"))
    with pytest.raises(PermissionDenied):
        do_complete_task(city.people["operator_b"], task, outcome="updated", note="x")
    do_complete_task(city.people["head"], task, outcome="updated", note="後任の佐藤を様式2号に追加")


def test_a_person_who_still_runs_the_account_in_another_role_stays_on_the_roster():
    city = make_city("akitakata")
    account = account_in(city, "listed")
    entry = _rostered(city, account, "head")
    second = RoleAssignment.objects.active().get(user=city.people["head"], role=Role.SECTION_HEAD)
    # The section head is also an operator of the unit: ending the head role leaves them on the roster.
    do_assign_role(
        city.people["head"],
        Role.OPERATOR,
        municipality=city.municipality,
        unit=city.units["a"],
        actor=city.people["office"],
    )
    do_end_role(city.people["office"], second)
    entry.refresh_from_db()
    assert entry.removed_on is None
    assert DutyTask.objects.filter(duty="roster_update", account=account).exists()


def _csv(*lines: str) -> bytes:
    return ("操作,ログインID,役割,組織,アカウント,会社・団体名\n" + "\n".join(lines) + "\n").encode("cp932")


def test_the_personnel_change_csv_with_broken_rows_applies_nothing():
    city = make_city("akitakata")
    account = account_in(city, "listed")
    entry = _rostered(city, account)
    newcomer = make_user("aki_newcomer", family="新人")
    parsed = read_csv(
        _csv(
            "終了,aki_operator,担当者,総務局 広報課,,",
            "付与,aki_newcomer,担当者,総務局 広報課,,",
            "付与,aki_ghost,担当者,総務局 広報課,,",
            "付与,aki_newcomer,課長,総務局 広報課,,",
            "付与,aki_newcomer,担当者,存在しない課,,",
            "終了,aki_head_b,所属長（責任者・管理者）,総務局 広報課,,",
        )
    )
    result = do_personnel_change(city.people["office"], city.municipality, parsed, apply=True)
    assert not result.applied
    errors = {r.line: r.error for r in result.rows}
    assert errors[2] == "" and errors[3] == ""
    assert errors[4].startswith("ログインID「aki_ghost」の職員が見つかりません")
    assert errors[5] == "役割「課長」はありません"
    assert errors[6] == "組織「存在しない課」が見つかりません"
    assert "その範囲の「所属長（責任者・管理者）」を持っていません" in errors[7]
    # Nothing applied half-way: the good rows were rolled back too.
    assert RoleAssignment.objects.active().filter(user=city.people["operator"], role=Role.OPERATOR).exists()
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    entry.refresh_from_db()
    assert entry.removed_on is None
    assert not DutyTask.objects.filter(duty="roster_update").exists()


def test_the_personnel_change_preview_then_apply():
    city = make_city("akitakata")
    account = account_in(city, "listed")
    entry = _rostered(city, account)
    make_user("aki_newcomer", family="新人")
    data = _csv("付与,aki_newcomer,担当者,広報課,,", "終了,aki_operator,担当者,総務局 広報課,,")
    preview = do_personnel_change(city.people["office"], city.municipality, read_csv(data), apply=False)
    assert preview.ok and not preview.applied
    assert RoleAssignment.objects.active().filter(user=city.people["operator"]).exists()
    with pytest.raises(PermissionDenied):
        do_personnel_change(city.people["head"], city.municipality, read_csv(data), apply=True)
    client = Client()
    client.force_login(city.people["office"])
    page = client.post(reverse("org:transfers"), {"csv_text": data.decode("cp932")}).content.decode()
    assert "すべての行を反映できます（2行）" in page and "この内容で反映する" in page
    done = client.post(reverse("org:transfers"), {"csv_text": data.decode("cp932"), "apply": "1"})
    assert done.status_code == 302
    assert not RoleAssignment.objects.active().filter(user=city.people["operator"]).exists()
    entry.refresh_from_db()
    assert entry.removed_on is not None
    assert DutyTask.objects.filter(duty="roster_update", account=account).exists()


def test_a_file_that_is_not_the_template_is_refused_whole():
    assert read_csv("氏名,役割\n山田,担当者\n".encode()).error.startswith("1行目（見出し）は")
    assert read_csv(b"\xff\xfe\x00garbage\x81").error
