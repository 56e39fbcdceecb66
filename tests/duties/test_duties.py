"""The duty calendar: what each profile makes due, run_duties' idempotency, completion and its refusals."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from koshiki.duties.actions import do_complete_task, do_set_daily_checks
from koshiki.duties.models import DutyTask, TaskStatus
from koshiki.duties.runner import run
from koshiki.errors import ActionError
from koshiki.notify.models import Notification, OutboxMail
from koshiki.registry import actions
from koshiki.registry.models import Account
from tests.personas import account_in, give_mail_addresses, make_city

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def _kawasaki_with_old_password():
    city = make_city("kawasaki")
    account = account_in(city, "listed")
    Account.objects.filter(pk=account.pk).update(
        password_changed_at=date(2024, 4, 1), last_posted_at=date(2025, 11, 20)
    )
    give_mail_addresses()
    return city, account


def test_run_duties_twice_on_the_same_date_sends_nothing_twice():
    city, account = _kawasaki_with_old_password()
    call_command("run_duties", "--date", "2026-05-11", stdout=io.StringIO())
    tasks = set(DutyTask.objects.values_list("key", flat=True))
    # 川崎市5(8): the password is more than 365 days old.
    assert f"password_rotation:{account.pk}:2024-04-01" in tasks
    first_mails = len(mail.outbox)
    assert first_mails >= 1
    assert any("パスワードを変更" in m.subject for m in mail.outbox)
    notes = Notification.objects.count()
    out = io.StringIO()
    call_command("run_duties", "--date", "2026-05-11", stdout=out)
    assert len(mail.outbox) == first_mails
    assert Notification.objects.count() == notes
    assert set(DutyTask.objects.values_list("key", flat=True)) == tasks
    assert "発生 0件" in out.getvalue() and "送信 0通" in out.getvalue()


def test_dry_run_writes_nothing_and_a_bad_date_is_one_line_and_exit_2():
    _kawasaki_with_old_password()
    out = io.StringIO()
    call_command("run_duties", "--date", "2026-05-11", "--dry-run", stdout=out)
    assert "試行" in out.getvalue() and "パスワード" in out.getvalue()
    assert not DutyTask.objects.exists() and not mail.outbox
    with pytest.raises(CommandError) as err:
        call_command("run_duties", "--date", "2026/05/11")
    assert err.value.returncode == 2 and "YYYY-MM-DD" in str(err.value)


def test_a_task_is_resolved_once_the_record_shows_it_done_and_overdue_is_told_once():
    city, account = _kawasaki_with_old_password()
    run(date(2026, 5, 11))
    task = DutyTask.objects.get(duty="password_rotation")
    assert task.due_on < date(2026, 5, 11)
    overdue = Notification.objects.filter(kind="duty.password_rotation.overdue")
    assert overdue.count() >= 1
    count = overdue.count()
    run(date(2026, 5, 12))
    assert overdue.count() == count  # told once, not every morning
    actions.do_update_security(city.people["operator"], account, {"password_changed_at": date(2026, 5, 12)})
    run(date(2026, 5, 13))
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED and "記録により" in task.note


def test_dormancy_outcome_is_recorded_by_the_section_head_only():
    city, account = _kawasaki_with_old_password()
    run(date(2026, 6, 1))
    task = DutyTask.objects.get(duty="dormancy")
    assert "廃止を検討" in task.title and task.clause == "5(9)"
    with pytest.raises(PermissionDenied):
        do_complete_task(city.people["office"], task, outcome="continue", note="防災情報で使う")
    with pytest.raises(ActionError, match="理由"):
        do_complete_task(city.people["head"], task, outcome="continue")
    with pytest.raises(ActionError, match="結果を選んで"):
        do_complete_task(city.people["head"], task, outcome="publish", note="x")
    done = do_complete_task(
        city.people["head"], task, outcome="continue", note="台風期の防災情報で使うため継続"
    )
    assert done.status == TaskStatus.DONE and done.done_by == city.people["head"]
    with pytest.raises(ActionError, match="既に完了"):
        do_complete_task(city.people["head"], task, outcome="close", note="やはり廃止")


def test_komae_year_end_review_needs_the_review_step_before_its_outcome():
    city = make_city("komae")
    account = account_in(city, "listed")
    run(date(2026, 3, 2))
    task = DutyTask.objects.get(duty="annual_review")
    assert task.due_on == date(2026, 3, 31) and task.clause == "4(5)ア" and task.fiscal_year == 2025
    with pytest.raises(ActionError, match="効果測定"):
        do_complete_task(city.people["head"], task, outcome="continue", note="独自性あり")
    Account.objects.filter(pk=account.pk).update(last_reviewed_at=date(2026, 3, 2))
    done = do_complete_task(city.people["head"], task, outcome="change", note="投稿頻度を週3回に見直す")
    assert done.outcome == "change"
    # April: a new 年度 and the review's task stays in its own year's calendar.
    run(date(2026, 4, 1))
    assert DutyTask.objects.get(pk=task.pk).fiscal_year == 2025


def test_akitakata_roster_renewal_every_april_and_komae_retained_checks():
    city = make_city("akitakata")
    account = account_in(city, "listed")
    Account.objects.filter(pk=account.pk).update(roster_renewed_at=date(2025, 4, 10))
    run(date(2026, 4, 1))
    task = DutyTask.objects.get(duty="roster_renewal")
    assert task.due_on == date(2026, 4, 30) and "令和8年度" in task.title and task.clause == "7(7)"
    Account.objects.filter(pk=account.pk).update(roster_renewed_at=date(2026, 4, 3))
    run(date(2026, 4, 6))
    assert DutyTask.objects.get(pk=task.pk).status == TaskStatus.RESOLVED

    komae = make_city("komae")
    retained = account_in(komae, "retained")
    Account.objects.filter(pk=retained.pk).update(next_check_due=date(2026, 7, 1))
    run(date(2026, 6, 20))
    check = DutyTask.objects.get(duty="retained_check", municipality=komae.municipality)
    assert check.due_on == date(2026, 7, 1)


def test_period_end_and_daily_checks_where_the_city_records_them():
    city = make_city("kyoto")
    account = account_in(city, "listed")
    Account.objects.filter(pk=account.pk).update(period_end=date(2026, 3, 31))
    run(date(2026, 4, 2))
    assert DutyTask.objects.filter(duty="period_end", account=account).exists()
    assert not DutyTask.objects.filter(duty="daily_check").exists()
    with pytest.raises(PermissionDenied):
        do_set_daily_checks(city.people["head"], city.municipality, enabled=True)
    do_set_daily_checks(city.people["office"], city.municipality, enabled=True)
    run(date(2026, 4, 2))  # a Thursday
    daily = DutyTask.objects.get(duty="daily_check", account=account)
    assert daily.clause == "4(1)イ(7)"
    run(date(2026, 4, 4))  # a Saturday: no daily check
    assert DutyTask.objects.filter(duty="daily_check").count() == 1
    assert (
        Notification.objects.filter(kind="duty.daily_check", recipient=city.people["operator"]).count() == 1
    )
    done = do_complete_task(city.people["operator"], daily, outcome="checked", note="書込み2件、返信不要")
    assert done.status == TaskStatus.DONE


def test_calendar_page_shows_overdue_and_whose_it_is():
    city, account = _kawasaki_with_old_password()
    run(date(2026, 6, 1))
    client = Client()
    client.force_login(city.people["head"])
    page = client.get(reverse("duties:calendar") + "?fy=2026").content.decode()
    assert "職務の暦 令和8年度" in page and "期限切れ" in page and "あなた" in page
    assert "更新のないアカウントの廃止の検討" in page and "完了を記録" in page
    other = Client()
    other.force_login(city.people["head_b"])
    page_b = other.get(reverse("duties:calendar") + "?fy=2026").content.decode()
    assert account.display_name not in page_b  # another unit's account is not shown
    assert OutboxMail.objects.exists()


def test_the_citys_own_password_period_decides_when_rotation_is_due():
    """A period the governance office set in 市の設定 (citysettings) is the one the duty run uses."""
    from koshiki.citysettings.actions import do_change_city_settings

    city, account = _kawasaki_with_old_password()
    Account.objects.filter(pk=account.pk).update(password_changed_at=date(2026, 1, 5))
    run(date(2026, 5, 11))
    # 126 days old: within 川崎市's 365 days, nothing is due.
    assert not DutyTask.objects.filter(duty="password_rotation").exists()
    do_change_city_settings(
        city.people["office"],
        city.municipality,
        {"account_password_max_age_days": "90"},
        reason="情報セキュリティ対策基準の改定によりパスワードは90日ごとに変更",
    )
    run(date(2026, 5, 11))
    assert DutyTask.objects.filter(duty="password_rotation", key__contains=f":{account.pk}:").exists()
