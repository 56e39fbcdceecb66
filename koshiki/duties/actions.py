"""Completing a duty, raising the roster duty when a role ends, and the city's duty settings (audited)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event, snapshot
from koshiki.duties import access
from koshiki.duties.definitions import DueItem, Duty, duties_for
from koshiki.duties.models import DutySettings, DutyTask, TaskStatus
from koshiki.duties.runner import create_task, notify_task
from koshiki.errors import ActionError, require
from koshiki.fiscal import fiscal_year_label, fiscal_year_start
from koshiki.notify.service import settle
from koshiki.org.models import Municipality, RoleAssignment
from koshiki.registry.models import Account

ROSTER_DAYS = timedelta(days=14)  # time to update the roster after a role ended


def _duty(task: DutyTask) -> Duty | None:
    return duties_for(task.municipality, daily_checks=True).get(task.duty)


def do_complete_task(actor: Person, task: DutyTask, *, outcome: str = "", note: str = "") -> DutyTask:
    """Record a manual duty done, with its outcome (効果測定: 継続・見直し・停止) and a note.

    Refused for someone who does not hold the task's role for its account,
    for a task already closed, and for a year-end review whose lifecycle step
    (the review's answers on the account) was not recorded in that 年度.
    """
    require(access.can_complete(actor, task), "この職務を完了できるのは、担当する役割の職員です")
    note = (note or "").strip()
    with transaction.atomic():
        t = (
            DutyTask.objects.select_for_update(of=("self",))
            .select_related("account", "municipality")
            .get(pk=task.pk)
        )
        if t.status != TaskStatus.OPEN:
            raise ActionError(f"この職務は既に{t.get_status_display()}です")
        duty = _duty(t)
        if duty is None or not duty.manual:
            raise ActionError("この職務は記録（名簿の更新、確認の記録など）が済むと自動で解消します")
        allowed = dict(duty.outcomes)
        if outcome not in allowed:
            raise ActionError(f"結果を選んでください（{'・'.join(allowed.values())}）")
        if t.duty == "annual_review":
            acc = Account.objects.get(pk=t.account_id)
            if acc.last_reviewed_at is None or acc.last_reviewed_at < fiscal_year_start(t.fiscal_year):
                raise ActionError(
                    f"先にアカウントのページで{fiscal_year_label(t.fiscal_year)}の効果測定（検討事項への回答）を記録してください"
                )
        if outcome in ("continue", "change", "stop", "unchanged") and t.duty != "daily_check" and not note:
            raise ActionError("判断の理由・確認した内容を記録してください")
        if t.due_on > timezone.localdate() and t.duty == "daily_check":
            raise ActionError("まだ来ていない日の日常確認は記録できません")
        t.status, t.outcome, t.note = TaskStatus.DONE, outcome, note
        t.done_at, t.done_by = timezone.now(), actor
        t.save(update_fields=["status", "outcome", "note", "done_at", "done_by"])
        settle(f"duty:{t.pk}")
        record_event(
            actor,
            "duty.task.complete",
            t,
            {"status": TaskStatus.OPEN},
            {"status": t.status, "outcome": outcome, "outcome_label": allowed[outcome], "note": note},
        )
    return t


def raise_roster_duty(account: Account, assignment: RoleAssignment, removed: list[str]) -> DutyTask | None:
    """Open 「異動に伴う運用者名簿の確認」 for the account after a role ended (inside the caller's transaction).

    Called by ``people.actions.do_end_role`` once it has checked permission and
    taken the person off the roster; the section heads of the account are told.
    """
    municipality = account.municipality
    today = timezone.localdate()
    duty = duties_for(municipality)["roster_update"]
    who = (
        f"{assignment.user.last_name} {assignment.user.first_name}".strip() or assignment.user.get_username()
    )
    title = (
        f"「{account.display_name}」: {who}さんの役割が終了しました。運用者名簿と権限（パスワード）を確認する"
    )
    if removed:
        title += "（名簿から削除済み）"
    item = DueItem(
        duty,
        f"roster_update:{assignment.pk}:{account.pk}",
        account,
        today + ROSTER_DAYS,
        title,
        reverse("registry:account_detail", args=[account.pk]),
    )
    task = create_task(item, municipality, today)
    if task is not None:
        notify_task(task, today)
    return task


def do_set_daily_checks(actor: Person, municipality: Municipality, *, enabled: bool) -> DutySettings:
    """Choose whether the city records the daily checks its guideline describes (governance office)."""
    require(access.can_configure(actor, municipality), "職務の暦の設定を変更できるのは所管課です")
    with transaction.atomic():
        settings, _ = DutySettings.objects.select_for_update().get_or_create(municipality=municipality)
        before = snapshot(settings, ["record_daily_checks"])
        settings.record_daily_checks = bool(enabled)
        settings.save(update_fields=["record_daily_checks"])
        record_event(actor, "duty.settings", settings, before, snapshot(settings, ["record_daily_checks"]))
    return settings
