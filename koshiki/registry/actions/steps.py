"""The named lifecycle actions, one per kind of step, and ``do_step`` that dispatches by kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Unpack

from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import snapshot
from koshiki.errors import ActionError
from koshiki.registry.actions.common import (
    _clean_details,
    _diff,
    procedures_for,
)
from koshiki.registry.actions.engine import StepInputs, _run_step
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

# (instance or id), the acting person as ``actor=`` and the step's own inputs
# (``StepInputs``: step_id, reasons, answers, documents).


def do_consult(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Record the pre-consultation / consideration of existing accounts (answers to the questions)."""
    return _run_step(actor, account, "consult", given)


def do_submit_application(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Submit the application with its documents to the next reviewer."""
    return _run_step(actor, account, "submit", given)


def do_approve(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Approve the application at the reviewer's stage (section head, office, committee, chair's waiver)."""
    return _run_step(actor, account, "approve", given)


def do_return(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Return the application with reasons (理由を付けて差戻し)."""
    return _run_step(actor, account, "return", given)


def do_review(
    account: Account | int, *, actor: Person, approve: bool, **given: Unpack[StepInputs]
) -> Account:
    """Approve or return in one call (a reviewer's decision)."""
    return do_approve(account, actor=actor, **given) if approve else do_return(account, actor=actor, **given)


def do_withdraw(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Withdraw the application."""
    return _run_step(actor, account, "withdraw", given)


def do_record_acquisition(
    account: Account | int,
    *,
    actor: Person,
    handle: str = "",
    url: str = "",
    acquired_on: date | None = None,
    **given: Unpack[StepInputs],
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

    return _run_step(actor, account, "acquire", given, apply=apply)


def _genre_apply(genre: str) -> Callable[[Account, Step, Procedures], dict[str, Any]]:
    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if genre:
            if genre not in Genre.values:
                raise ActionError("掲載ジャンルが正しくありません")
            acc.genre = genre
        return {}

    return apply


def do_request_listing(
    account: Account | int, *, actor: Person, genre: str = "", **given: Unpack[StepInputs]
) -> Account:
    """Ask the governance office to list the account (京都市 様式2, with the genre)."""
    return _run_step(actor, account, "request_listing", given, apply=_genre_apply(genre))


def do_register_official(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Register the account as official (安芸高田市7(5), 川崎市 利用開始報告)."""
    return _run_step(actor, account, "register", given)


def do_file_external_service(
    account: Account | int, *, actor: Person, **given: Unpack[StepInputs]
) -> Account:
    """Record the external-service application for a platform not in common use (京都市4(1)オ)."""
    return _run_step(actor, account, "external_service", given)


def do_list_publicly(
    account: Account | int, *, actor: Person, genre: str = "", **given: Unpack[StepInputs]
) -> Account:
    """Put the account on the public list of official accounts."""
    return _run_step(actor, account, "list", given, apply=_genre_apply(genre))


def do_record_url(account: Account | int, *, actor: Person, url: str, **given: Unpack[StepInputs]) -> Account:
    """Record the account's URL once known (石巻市3(1)ウ: 分かり次第連絡)."""

    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if not url.strip():
            raise ActionError("登録URLを入力してください")
        if acc.url == url.strip():
            raise ActionError("登録URLが変わっていません")
        acc.url = url.strip()
        return {}

    return _run_step(actor, account, "record_url", given, apply=apply)


def do_file_change(
    account: Account | int, *, actor: Person, changes: Mapping[str, Any], **given: Unpack[StepInputs]
) -> Account:
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
            reason=given.get("reasons", ""),
            changes={k: [b[k], a[k]] for k in a},
            documents=[d.label for d in step.documents],
            filed_by=actor,
        )
        return {"changed": sorted(a)}

    return _run_step(actor, account, "file_change", given, apply=apply)


def do_change_responsible(
    account: Account | int,
    *,
    actor: Person,
    responsible_title: str,
    responsible_user: Person | None = None,
    **given: Unpack[StepInputs],
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
            reason=given.get("reasons", ""),
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            documents=[d.label for d in step.documents],
            filed_by=actor,
        )
        return {}

    return _run_step(actor, account, "change_responsible", given, apply=apply)


def do_renew_roster(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Submit the renewed operator roster (安芸高田市7(7): every April)."""
    return _run_step(actor, account, "renew_roster", given)


def do_annual_review(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Record the year-end effectiveness review (狛江市4(5)ア) with its answers."""
    return _run_step(actor, account, "annual_review", given)


def do_suspend(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Suspend operation for a while (reasons required)."""
    return _run_step(actor, account, "suspend", given)


def do_resume(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Resume a suspended account."""
    return _run_step(actor, account, "resume", given)


def do_close(
    account: Account | int,
    *,
    actor: Person,
    redirect_to: Account | None = None,
    deleted_on: date | None = None,
    **given: Unpack[StepInputs],
) -> Account:
    """Run the next closure step the profile prescribes (delete-and-unlist, or announce-and-retain)."""
    return _run_step(
        actor, account, "close", given, inputs={"redirect_to": redirect_to, "deleted_on": deleted_on}
    )


def do_check_retained(account: Account | int, *, actor: Person, **given: Unpack[StepInputs]) -> Account:
    """Record a periodic check of a stopped but retained account (狛江市4(5)エ) and set the next one."""
    return _run_step(actor, account, "check", given)


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
    "external_service": do_file_external_service,
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


def do_step(account: Account | int, step_id: str, *, actor: Person, **inputs: Any) -> Any:
    """Run the step ``step_id`` of the account's profile through the action of its kind.

    ``inputs`` are that kind's keywords (``StepInputs`` plus e.g. ``genre`` or
    ``url``); a keyword the kind's action does not take is a ``TypeError``.
    """
    acc = (
        account
        if isinstance(account, Account)
        else Account.objects.select_related("municipality").get(pk=account)
    )
    try:
        step = procedures_for(acc).step(step_id)
    except KeyError:
        raise ActionError(f"手順「{step_id}」はこの自治体の手続にありません") from None
    return KIND_ACTIONS[step.kind](acc.pk, actor=actor, step_id=step_id, **inputs)
