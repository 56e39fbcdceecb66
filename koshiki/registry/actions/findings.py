"""Letting an account finding stand: the office's recorded waiver of one error-level ``account.*`` finding.

An error finding blocks the steps that ``require`` ``no_errors`` (registration,
listing, the start of operation). Where the profile lists the rule under
``[findings] waivable``, a holder of ``waiver_roles`` may record a reason
instead (issue 9 item 1); 川崎市5(2)「必ず」 names no such rule, so its
naming finding can only be fixed, never waived.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.org.roles import Role
from koshiki.registry import access
from koshiki.registry.actions.common import _lock, _require_view, procedures_for
from koshiki.registry.attention import account_findings
from koshiki.registry.models import Account, Application, FindingWaiver
from koshiki.registry.states import FINAL_STATES


def do_waive_finding(account: Account | int, *, actor: Person, rule: str, reason: str) -> FindingWaiver:
    """Record that the office lets the error finding of ``rule`` stand on this account, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        acc = _lock(account)
        _require_view(actor, acc)
        procedures = procedures_for(acc)
        roles = "・".join(Role(r).label for r in procedures.finding_waiver_roles) or "（定めなし）"
        require(
            bool(procedures.finding_waiver_roles)
            and bool(access.assignments_reaching(actor, acc, procedures.finding_waiver_roles)),
            f"アカウントの指摘を容認できるのは{roles}です",
        )
        if acc.status in FINAL_STATES:
            raise ActionError("廃止・取下げ済みのアカウントの指摘は容認できません")
        if rule not in procedures.finding_waivable:
            raise ActionError(
                f"この自治体のガイドラインでは「{rule}」の指摘は容認できません。台帳の記録を直してください"
            )
        finding = next(
            (f for f in account_findings(acc) if f.rule == rule and f.severity.value == "error"), None
        )
        if finding is None:
            raise ActionError(f"このアカウントには「{rule}」のエラーの指摘がありません")
        if not reason:
            raise ActionError("容認する理由を入力してください")
        applicant = Application.objects.filter(account=acc).values_list("applicant_id", flat=True).first()
        if actor.pk is not None and actor.pk == applicant:
            raise ActionError("自分が申請したアカウントの指摘は容認できません")
        if FindingWaiver.objects.filter(account=acc, rule=rule).exists():
            raise ActionError(f"「{rule}」の指摘は既に容認されています")
        waiver = FindingWaiver.objects.create(
            account=acc,
            rule=rule,
            message=finding.message,
            reason=reason,
            waived_by=actor,
            waived_at=timezone.now(),
            profile_id=procedures.profile_id,
        )
        record_event(
            actor,
            "account.finding.waive",
            acc,
            {},
            {"waived_rule": rule},
            details={
                "rule": rule,
                "message": finding.message,
                "clause": finding.clause.ref,
                "reason": reason,
                "profile": procedures.profile_id,
            },
        )
    return waiver
