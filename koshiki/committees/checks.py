"""The registry precondition ``committee_decision``: the step runs only from a meeting's decision."""

from __future__ import annotations

from typing import Any

from koshiki.committees.models import Decision


def decision_waiting(account: Any, step: Any) -> str:
    """ "" when a decision of this outcome waits to be applied to the account, else the refusal.

    ``committees.actions.do_decide`` creates the decision and runs the step in
    one transaction; a member who calls the step directly finds no decision.
    """
    if Decision.objects.filter(account=account, outcome=step.kind, applied_at__isnull=True).exists():
        return ""
    return (
        f"「{step.label}」は委員会の会議で、定足数を満たして議決してください"
        "（一人の委員だけでは決められません。委員会の会議のページから議決します）"
    )
