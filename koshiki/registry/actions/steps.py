"""The named lifecycle actions, one per kind of step, and ``do_step`` that dispatches by kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.utils import timezone

from koshiki.audit.events import snapshot
from koshiki.errors import ActionError
from koshiki.registry.actions.common import (
    _clean_details,
    _diff,
    procedures_for,
)
from koshiki.registry.actions.engine import (
    _run_step,
)
from koshiki.registry.actions.policies import (
    do_revise_policy,
)
from koshiki.registry.lifecycle import KINDS, Procedures, Step
from koshiki.registry.models import (
    Account,
    ChangeNotice,
)
from koshiki.registry.states import (
    Genre,
)

# (instance or id), plus the step's own inputs; ``step_id`` picks one step when a
# city has several of the same kind (承認 by the section head, then by the office).


def do_consult(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Record the pre-consultation / consideration of existing accounts (answers to the questions)."""
    return _run_step(actor, account, "consult", **kw)


def do_submit_application(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Submit the application with its documents to the next reviewer."""
    return _run_step(actor, account, "submit", **kw)


def do_approve(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Approve the application at the reviewer's stage (section head, office, committee, chair's waiver)."""
    return _run_step(actor, account, "approve", **kw)


def do_return(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Return the application with reasons (理由を付けて差戻し)."""
    return _run_step(actor, account, "return", **kw)


def do_review(actor: Any, account: Account | int, *, approve: bool, **kw: Any) -> Account:
    """Approve or return in one call (a reviewer's decision)."""
    return do_approve(actor, account, **kw) if approve else do_return(actor, account, **kw)


def do_withdraw(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Withdraw the application."""
    return _run_step(actor, account, "withdraw", **kw)


def do_record_acquisition(
    actor: Any,
    account: Account | int,
    *,
    handle: str = "",
    url: str = "",
    acquired_on: date | None = None,
    **kw: Any,
) -> Account:
    """Record that the account was opened on the platform; the URL may follow later."""

    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if handle.strip():
            acc.handle = handle.strip().lstrip("@")
        if url.strip():
            acc.url = url.strip()
        day = acquired_on or timezone.localdate()
        if day > timezone.localdate():
            raise ActionError("開設日に未来の日付は入力できません")
        acc.acquired_at = day
        return {}

    return _run_step(actor, account, "acquire", apply=apply, **kw)


def _genre_apply(genre: str) -> Callable[[Account, Step, Procedures], dict[str, Any]]:
    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if genre:
            if genre not in Genre.values:
                raise ActionError("掲載ジャンルが正しくありません")
            acc.genre = genre
        return {}

    return apply


def do_request_listing(actor: Any, account: Account | int, *, genre: str = "", **kw: Any) -> Account:
    """Ask the governance office to list the account (京都市 様式2, with the genre)."""
    return _run_step(actor, account, "request_listing", apply=_genre_apply(genre), **kw)


def do_register_official(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Register the account as official (安芸高田市7(5), 川崎市 利用開始報告)."""
    return _run_step(actor, account, "register", **kw)


def do_list_publicly(actor: Any, account: Account | int, *, genre: str = "", **kw: Any) -> Account:
    """Put the account on the public list of official accounts."""
    return _run_step(actor, account, "list", apply=_genre_apply(genre), **kw)


def do_record_url(actor: Any, account: Account | int, *, url: str, **kw: Any) -> Account:
    """Record the account's URL once known (石巻市3(1)ウ: 分かり次第連絡)."""

    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if not url.strip():
            raise ActionError("登録URLを入力してください")
        if acc.url == url.strip():
            raise ActionError("登録URLが変わっていません")
        acc.url = url.strip()
        return {}

    return _run_step(actor, account, "record_url", apply=apply, **kw)


def do_file_change(actor: Any, account: Account | int, *, changes: Mapping[str, Any], **kw: Any) -> Account:
    """File a change notice (変更届) and apply the changed details."""
    values = _clean_details(changes)
    if "owning_unit" in values:
        raise ActionError("開設所属の変更は変更届では行えません（所管課に相談してください）")

    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        before = snapshot(acc, list(values))
        for key, value in values.items():
            setattr(acc, key, value)
        after = snapshot(acc, list(values))
        b, a = _diff(before, after)
        if not a:
            raise ActionError("変更する項目がありません")
        ChangeNotice.objects.create(
            account=acc,
            step_id=step.id,
            title=step.label,
            reason=kw.get("reasons", ""),
            changes={k: [b[k], a[k]] for k in a},
            documents=[d.label for d in step.documents],
            filed_by=actor,
        )
        return {"changed": sorted(a)}

    return _run_step(actor, account, "file_change", apply=apply, **kw)


def do_change_responsible(
    actor: Any, account: Account | int, *, responsible_title: str, responsible_user: Any = None, **kw: Any
) -> Account:
    """Record a new responsible person (責任者・管理者), e.g. after the April transfers."""

    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if not responsible_title.strip():
            raise ActionError("責任者（職名）を入力してください")
        before = {"responsible_title": acc.responsible_title, "responsible_user": acc.responsible_user_id}
        acc.responsible_title = responsible_title.strip()
        acc.responsible_user = responsible_user
        after = {"responsible_title": acc.responsible_title, "responsible_user": acc.responsible_user_id}
        if before == after:
            raise ActionError("責任者が変わっていません")
        ChangeNotice.objects.create(
            account=acc,
            step_id=step.id,
            title=step.label,
            reason=kw.get("reasons", ""),
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            documents=[d.label for d in step.documents],
            filed_by=actor,
        )
        return {}

    return _run_step(actor, account, "change_responsible", apply=apply, **kw)


def do_renew_roster(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Submit the renewed operator roster (安芸高田市7(7): every April)."""
    return _run_step(actor, account, "renew_roster", **kw)


def do_annual_review(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Record the year-end effectiveness review (狛江市4(5)ア) with its answers."""
    return _run_step(actor, account, "annual_review", **kw)


def do_suspend(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Suspend operation for a while (reasons required)."""
    return _run_step(actor, account, "suspend", **kw)


def do_resume(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Resume a suspended account."""
    return _run_step(actor, account, "resume", **kw)


def do_close(
    actor: Any,
    account: Account | int,
    *,
    redirect_to: Account | None = None,
    deleted_on: date | None = None,
    **kw: Any,
) -> Account:
    """Run the next closure step the profile prescribes (delete-and-unlist, or announce-and-retain)."""
    return _run_step(
        actor, account, "close", inputs={"redirect_to": redirect_to, "deleted_on": deleted_on}, **kw
    )


def do_check_retained(actor: Any, account: Account | int, **kw: Any) -> Account:
    """Record a periodic check of a stopped but retained account (狛江市4(5)エ) and set the next one."""
    return _run_step(actor, account, "check", **kw)


# kind -> the action that runs steps of that kind (the generic step view dispatches here).
KIND_ACTIONS: dict[str, Callable[..., Any]] = {
    "consult": do_consult,
    "submit": do_submit_application,
    "approve": do_approve,
    "return": do_return,
    "withdraw": do_withdraw,
    "acquire": do_record_acquisition,
    "request_listing": do_request_listing,
    "register": do_register_official,
    "list": do_list_publicly,
    "record_url": do_record_url,
    "file_change": do_file_change,
    "revise_policy": do_revise_policy,
    "change_responsible": do_change_responsible,
    "renew_roster": do_renew_roster,
    "annual_review": do_annual_review,
    "suspend": do_suspend,
    "resume": do_resume,
    "close": do_close,
    "check": do_check_retained,
}
assert set(KIND_ACTIONS) == set(KINDS), "every step kind needs an action"


def do_step(actor: Any, account: Account | int, step_id: str, **kw: Any) -> Any:
    """Run the step ``step_id`` of the account's profile through the action of its kind."""
    acc = (
        account
        if isinstance(account, Account)
        else Account.objects.select_related("municipality").get(pk=account)
    )
    try:
        step = procedures_for(acc).step(step_id)
    except KeyError:
        raise ActionError(f"手順「{step_id}」はこの自治体の手続にありません") from None
    return KIND_ACTIONS[step.kind](actor, acc.pk, step_id=step_id, **kw)
