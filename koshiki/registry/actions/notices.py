"""Who is told after a lifecycle step: the holders of the next step's roles, or the applicant on a return.

One call per step from ``engine._run_step``, inside its transaction, through
``notify.service.notify`` (mails leave after commit). The notification names
the account and the step, never the application's contents beyond the
return's reasons, which the applicant must read anyway.
"""

from __future__ import annotations

from django.urls import reverse

from koshiki.actors import Person
from koshiki.notify.service import notify, settle
from koshiki.registry import access
from koshiki.registry.lifecycle import Procedures, Step
from koshiki.registry.models import Account, Application

# Steps that move an application or a closure forward: the people who take them must hear of it.
_NEXT_KINDS = frozenset({"submit", "approve", "acquire", "request_listing", "register", "list", "close"})


def notify_after_step(
    actor: Person,
    acc: Account,
    step: Step,
    procedures: Procedures,
    application: Application | None,
    reasons: str,
) -> None:
    """Tell whoever must act next on the account (never the actor themself)."""
    url = reverse("registry:account_detail", args=[acc.pk])
    topic = f"account:{acc.pk}"
    if step.kind == "return":
        recipients = [application.applicant] if application is not None else []
        recipients += access.people_holding(acc, ["section_head"])
        notify(
            recipients,
            kind="account.return",
            title=f"「{acc.display_name}」の申請が差し戻されました",
            body=f"差戻しの理由: {reasons}" if reasons else "",
            url=url,
            municipality=acc.municipality,
            topic=topic,
            exclude=actor,
        )
        return
    if step.to_state is None:  # a record kept up to date (URL, change notice): nobody waits on it
        return
    settle(topic)  # the step asked for is done; whatever waits next is notified below
    for nxt in procedures.steps_from(acc.status):
        if nxt.kind not in _NEXT_KINDS or (nxt.kind == "close" and acc.status != "closing"):
            continue
        notify(
            access.people_holding(acc, nxt.roles),
            kind=f"account.{nxt.kind}",
            title=f"「{acc.display_name}」: {nxt.label}",
            body=f"「{step.label}」が行われました（現在: {acc.get_status_display()}）。",
            url=url,
            municipality=acc.municipality,
            topic=topic,
            settles=False,  # settled once above; several next steps may each be notified
            exclude=actor,
        )
