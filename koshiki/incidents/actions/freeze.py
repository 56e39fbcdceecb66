"""Emergency controls: freeze one account, or every account of the city at once, and lift it with a reason.

While an account is frozen the posts and campaigns actions refuse publication
records, scope posts and third-party links (``registry.freeze``). Freezing
and unfreezing are each a ``FreezeRecord`` row and an audit event; an unfreeze
needs its reason (issue 7 item 6; 狛江市4(3)カ: stop the spread of posts the
city did not make).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.incidents import access
from koshiki.incidents.actions.common import add_entry
from koshiki.incidents.models import FreezeRecord, Incident
from koshiki.incidents.playbooks import load_playbook
from koshiki.org.models import Municipality
from koshiki.registry.models import Account
from koshiki.registry.states import EXISTING_STATES


def _reason(reason: str, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(f"{doing}の理由を入力してください")
    return reason[:300]


def _lock_account(account: Account | int) -> Account:
    pk = account.pk if isinstance(account, Account) else account
    return Account.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=pk)


def freeze_locked(
    actor: Person, account: Account, *, reason: str, incident: Incident | None = None, city_wide: bool = False
) -> FreezeRecord:
    """Set the flag on an account already locked by the caller; one row, one event."""
    account.frozen_at = timezone.now()
    account.frozen_reason = reason
    account.save(update_fields=["frozen_at", "frozen_reason", "updated_at"])
    record = FreezeRecord.objects.create(
        account=account,
        frozen=True,
        city_wide=city_wide,
        reason=reason,
        incident=incident,
        by=actor,
        at=account.frozen_at,
    )
    if incident is not None:
        add_entry(incident, actor, "freeze", f"「{account.display_name}」を緊急停止: {reason}")
    record_event(
        actor,
        "account.freeze",
        account,
        {"frozen_at": None},
        {"frozen_at": account.frozen_at, "frozen_reason": reason},
        details={"incident": incident.pk if incident else None, "city_wide": city_wide},
    )
    return record


def do_freeze_account(
    actor: Person, account: Account, *, reason: str, incident: Incident | None = None
) -> FreezeRecord:
    """Freeze one account (governance office or its section head; ``freeze_roles`` of the playbook)."""
    playbook = load_playbook(account.municipality.profile_id)
    require(access.can_freeze(actor, account, playbook), "緊急停止できるのは所管課とアカウントの所属長です")
    reason = _reason(reason, "緊急停止")
    if incident is not None and incident.account_id != account.pk:
        raise ActionError("この事案の対象ではないアカウントです")
    with transaction.atomic():
        acc = _lock_account(account)
        if acc.frozen_at is not None:
            raise ActionError("このアカウントは既に緊急停止中です")
        return freeze_locked(actor, acc, reason=reason, incident=incident)


def do_unfreeze_account(actor: Person, account: Account, *, reason: str) -> FreezeRecord:
    """Lift a freeze, with the reason it is safe again (the same roles as freezing, never the person who froze it)."""
    playbook = load_playbook(account.municipality.profile_id)
    require(
        access.can_freeze(actor, account, playbook), "緊急停止を解除できるのは所管課とアカウントの所属長です"
    )
    reason = _reason(reason, "解除")
    with transaction.atomic():
        acc = _lock_account(account)
        if acc.frozen_at is None:
            raise ActionError("このアカウントは緊急停止されていません")
        before = {"frozen_at": acc.frozen_at, "frozen_reason": acc.frozen_reason}
        last = FreezeRecord.objects.filter(account=acc, frozen=True).order_by("-at", "-pk").first()
        # A freeze guards against a taken-over login: the login that froze the account must not
        # be the one that lifts it, so a second person confirms it is safe again.
        if last is not None and last.by_id == actor.pk:
            raise ActionError(
                "緊急停止を解除できるのは、停止した人とは別の担当者（所管課またはアカウントの所属長）です"
            )
        acc.frozen_at, acc.frozen_reason = None, ""
        acc.save(update_fields=["frozen_at", "frozen_reason", "updated_at"])
        record = FreezeRecord.objects.create(
            account=acc,
            frozen=False,
            reason=reason,
            incident=last.incident if last else None,
            by=actor,
            at=timezone.now(),
        )
        if record.incident is not None:
            add_entry(record.incident, actor, "unfreeze", f"「{acc.display_name}」の緊急停止を解除: {reason}")
        record_event(actor, "account.unfreeze", acc, before, {"frozen_at": None}, details={"reason": reason})
    return record


def do_freeze_all(actor: Person, municipality: Municipality, *, reason: str) -> list[FreezeRecord]:
    """A city-wide emergency: freeze every existing account of the municipality not yet frozen."""
    playbook = load_playbook(municipality.profile_id)
    require(
        access.can_freeze_all(actor, municipality, playbook), "全アカウントを一斉に停止できるのは所管課です"
    )
    reason = _reason(reason, "一斉停止")
    with transaction.atomic():
        accounts = list(
            Account.objects.select_for_update(of=("self",))
            .filter(municipality=municipality, status__in=EXISTING_STATES, frozen_at__isnull=True)
            .order_by("pk")
        )
        if not accounts:
            raise ActionError(
                "停止できるアカウントがありません（すべて停止中か、運用中のアカウントがありません）"
            )
        return [freeze_locked(actor, acc, reason=reason, city_wide=True) for acc in accounts]


def do_unfreeze_all(actor: Person, municipality: Municipality, *, reason: str) -> list[FreezeRecord]:
    """Lift every freeze of the municipality (after the emergency), with one reason."""
    playbook = load_playbook(municipality.profile_id)
    require(access.can_freeze_all(actor, municipality, playbook), "一斉に解除できるのは所管課です")
    _reason(reason, "解除")
    frozen = list(Account.objects.filter(municipality=municipality, frozen_at__isnull=False).order_by("pk"))
    if not frozen:
        raise ActionError("緊急停止中のアカウントはありません")
    with transaction.atomic():
        return [do_unfreeze_account(actor, acc, reason=reason) for acc in frozen]
