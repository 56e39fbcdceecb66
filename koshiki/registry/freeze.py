"""The emergency-freeze guard every publishing action calls (issue 7 item 6).

The flag lives on ``Account`` (``frozen_at``, ``frozen_reason``); the incidents
app sets and clears it (``incidents.actions.do_freeze_account`` …). The
capabilities on the same floor or below (posts, campaigns, the registry's own
third-party-app records) call ``require_not_frozen`` inside their transaction,
so no app imports upward to learn whether an account is frozen.
"""

from __future__ import annotations

from koshiki.errors import ActionError
from koshiki.registry.models import Account


def frozen_message(account: Account, doing: str) -> str:
    """The Japanese refusal naming what was refused, why, and who can lift the freeze."""
    reason = f"（理由: {account.frozen_reason}）" if account.frozen_reason else ""
    return (
        f"「{account.display_name}」は緊急停止中のため、{doing}できません{reason}。"
        "停止の解除は所管課またはアカウントの所属長が理由を添えて行います"
    )


def require_not_frozen(account: Account | int, doing: str) -> Account:
    """Re-read the account under a row lock and refuse when it is frozen; returns the fresh row.

    Call it inside the action's ``transaction.atomic()``: the lock makes a freeze
    and a publication queue, so nothing is recorded after the freeze committed.
    """
    pk = account.pk if isinstance(account, Account) else account
    fresh = Account.objects.select_for_update(of=("self",)).only(
        "pk", "display_name", "frozen_at", "frozen_reason"
    )
    row = fresh.get(pk=pk)
    if row.frozen_at is not None:
        raise ActionError(frozen_message(row, doing))
    return row
