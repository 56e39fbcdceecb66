"""Running one lifecycle step: choose it, check its inputs and preconditions, apply its effects, audit.

A step is profile data (``registry.lifecycle``): its from-states, roles,
documents, questions, reasons, preconditions and effects; nothing here
branches on the city.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any, TypedDict

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event, snapshot
from koshiki.checker import Finding, Severity
from koshiki.errors import ActionError
from koshiki.registry import access
from koshiki.registry.actions.common import (
    _TRACKED,
    _check_account_consistency,
    _diff,
    _follow_registry,
    _lock,
    _require_view,
    procedures_for,
)
from koshiki.registry.actions.notices import notify_after_step
from koshiki.registry.attention import account_findings
from koshiki.registry.hooks import requirement_problem
from koshiki.registry.lifecycle import EXTERNAL_PRECONDITIONS, KINDS, PRECONDITIONS, Procedures, Step
from koshiki.registry.models import Account, Application, FindingWaiver, StepRecord
from koshiki.registry.states import (
    POLICY_FIELDS,
    Status,
)
from koshiki.registry.stored_findings import refresh_account
from koshiki.workdays import next_business_day

# Steps after which the public policy follows the registry (issue 9 item 4).
_FOLLOWING_KINDS = frozenset({"acquire", "record_url", "file_change", "change_responsible"})

# ---- the lifecycle ----------------------------------------------------------------------------


def available_steps(actor: Person, account: Account) -> list[Step]:
    """Steps the actor may perform on the account now (for buttons; no lock, no writes)."""
    procedures = procedures_for(account)
    return [
        s
        for s in procedures.steps_from(account.status)
        if procedures.applies(s, account.platform) and access.can_perform_step(actor, account, s)
    ]


def _choose_step(actor: Person, acc: Account, procedures: Procedures, kind: str, step_id: str | None) -> Step:
    kind_steps = procedures.steps_of_kind(kind)
    if step_id is not None:
        try:
            chosen = procedures.step(step_id)
        except KeyError:
            raise ActionError(f"手順「{step_id}」はこの自治体の手続にありません") from None
        if chosen.kind != kind:
            raise ActionError(f"手順「{chosen.label}」は「{KINDS[kind]}」の手順ではありません")
        kind_steps = [chosen]
    if not kind_steps:
        raise ActionError(f"この自治体の手続には「{KINDS[kind]}」の手順がありません")
    candidates = [s for s in kind_steps if acc.status in s.from_states]
    # Role before state: someone who may never take this kind of step (an auditor,
    # another unit's staff) learns nothing about where the account stands.
    if not any(access.can_perform_step(actor, acc, s) for s in kind_steps):
        step = (candidates or kind_steps)[0]
        raise PermissionDenied(f"「{step.label}」を行うのは{step.role_labels}です")
    applicable = [s for s in kind_steps if procedures.applies(s, acc.platform)]
    if not applicable:
        step = kind_steps[0]
        raise ActionError(f"このアカウント（{acc.platform_name}）には「{step.label}」は不要です")
    kind_steps = applicable
    candidates = [s for s in kind_steps if acc.status in s.from_states]
    if not candidates:
        status = acc.get_status_display()
        done = [s for s in kind_steps if s.to_state == acc.status]
        if done:
            # The usual case of two people acting at once: the other one was first.
            raise ActionError(f"既に「{done[0].label}」が行われています（現在の状態: {status}）")
        raise ActionError(f"現在の状態（{status}）では「{kind_steps[0].label}」はできません")
    allowed = [s for s in candidates if access.can_perform_step(actor, acc, s)]
    if not allowed:
        step = candidates[0]
        raise PermissionDenied(f"「{step.label}」を行うのは{step.role_labels}です")
    return allowed[0]


def _check_inputs(step: Step, reasons: str, answers: Mapping[str, str], documents: Iterable[str]) -> None:
    if step.reasons == "required" and not reasons.strip():
        raise ActionError(f"理由を入力してください（{step.label}）")
    for question in step.questions:
        if not str(answers.get(question.id, "")).strip():
            raise ActionError(f"「{question.text}」への回答を入力してください")
    confirmed = set(documents)
    for doc in step.documents:
        if doc.id not in confirmed:
            raise ActionError(f"{doc.label}を提出したことを確認してください")


def policy_missing_fields(acc: Account, procedures: Procedures) -> list[str]:
    """Labels of the profile's required 様式1 fields that the current policy leaves empty."""
    policy = acc.current_policy
    if policy is None:
        return [POLICY_FIELDS[f] for f in procedures.policy_required]
    return [POLICY_FIELDS[f] for f in procedures.policy_required if getattr(policy, f) in (None, "")]


def _check_requires(step: Step, acc: Account, procedures: Procedures) -> None:
    def fail(key: str, detail: str = "") -> ActionError:
        return ActionError(f"「{step.label}」の前に、{PRECONDITIONS[key]}が必要です{detail}")

    for key in step.requires:
        if key in EXTERNAL_PRECONDITIONS:
            problem = requirement_problem(key, acc, step)
            if problem:
                raise ActionError(problem)
        elif key == "policy":
            missing = policy_missing_fields(acc, procedures)
            if acc.current_policy_id is None:
                raise fail(key)
            if missing:
                raise ActionError(f"運用ポリシーの必須項目が未記入です: {'、'.join(missing)}")
        elif (
            key == "internal_rule"
            and acc.current_internal_rule_id is None
            or key == "url"
            and not acc.url
            or key == "handle"
            and not acc.handle
            or key == "genre"
            and not acc.genre
            or key == "responsible"
            and not (acc.responsible_title or acc.responsible_user_id)
            or key == "roster"
            and not acc.roster.filter(removed_on__isnull=True).exists()
        ):
            raise fail(key)
        elif key == "devices_approved":
            devices = acc.devices.filter(retired_on__isnull=True)
            if not devices.exists():
                raise fail(key, "（端末が登録されていません）")
            pending = [d.name for d in devices if not d.approved]
            if pending:
                raise fail(key, f"（未承認: {'、'.join(pending)}）")
        elif key == "mfa" and acc.mfa_enabled is not True:
            raise fail(key)
        elif key == "no_errors":
            blocking = blocking_findings(acc, procedures)
            if blocking:
                listed = "／".join(f"{f.message}（{f.rule}）" for f in blocking[:3])
                more = f" ほか{len(blocking) - 3}件" if len(blocking) > 3 else ""
                raise ActionError(
                    f"アカウントのチェックでエラーの指摘が{len(blocking)}件あるため、「{step.label}」はできません: "
                    f"{listed}{more}。台帳の記録を直してください"
                )
        elif key == "external_service" and acc.platform not in procedures.common_platforms:
            done = StepRecord.objects.filter(account=acc, kind="external_service").exists()
            if not done:
                raise fail(key)


def blocking_findings(acc: Account, procedures: Procedures) -> list[Finding]:
    """The account's error-level findings that no standing waiver covers (issue 9 item 1)."""
    errors = [f for f in account_findings(acc) if f.severity == Severity.ERROR]
    if not errors:
        return []
    waived = set(
        FindingWaiver.objects.filter(account=acc, rule__in=procedures.finding_waivable).values_list(
            "rule", flat=True
        )
    )
    return [f for f in errors if f.rule not in waived]


def _apply_effects(
    actor: Person,
    acc: Account,
    step: Step,
    procedures: Procedures,
    application: Application | None,
    inputs: Mapping[str, Any],
) -> None:
    now, today = timezone.now(), timezone.localdate()
    for effect in step.effects:
        if effect == "register":
            acc.registered_at = acc.registered_at or now
        elif effect == "list":
            acc.is_listed, acc.listed_at, acc.unlisted_at = True, now, None
        elif effect == "unlist":
            if acc.is_listed:
                acc.is_listed, acc.unlisted_at = False, now
        elif effect == "delete_account":
            acc.deleted_on_platform_at = inputs.get("deleted_on") or today
        elif effect == "schedule_check":
            acc.next_check_due = next_business_day(today + timedelta(days=procedures.check_interval_days))
        elif effect == "renew_roster":
            acc.roster_renewed_at = today
        elif effect == "record_review":
            acc.last_reviewed_at = today
        elif effect == "waive" and application is not None:
            application.waived = True
        elif effect == "redirect_followers":
            target = inputs.get("redirect_to")
            if target is None:
                raise ActionError("フォロワーの誘導先となる市広報アカウントを選んでください")
            if target.pk == acc.pk or target.municipality_id != acc.municipality_id or not target.is_listed:
                raise ActionError("誘導先には、同じ自治体の一覧に掲載中の別のアカウントを選んでください")
            acc.redirect_to = target


def step_filers() -> list[Callable[..., Mapping[str, Any]]]:
    """``step_filers`` of the installed apps' AppConfigs: ``f(actor, account, step, attachments) -> details``."""
    return [f for config in apps.get_app_configs() for f in getattr(config, "step_filers", ())]


class StepInputs(TypedDict, total=False):
    """What the person taking a lifecycle step brings to it (every step action takes these keywords).

    ``step_id`` picks one step when a city has several of the same kind (承認 by
    the section head, then by the office); ``reasons``, ``answers`` (question id
    -> text) and ``documents`` (document ids) are checked against the step's data;
    ``attachments`` (field name -> uploaded file) go to the ``step_filers``.
    """

    step_id: str | None
    reasons: str
    answers: Mapping[str, str]
    documents: Iterable[str]
    attachments: Mapping[str, Any]


def _run_step(
    actor: Person,
    account: Account | int,
    kind: str,
    given: StepInputs,
    *,
    inputs: Mapping[str, Any] | None = None,
    apply: Callable[[Account, Step, Procedures], dict[str, Any]] | None = None,
) -> Account:
    """Run one lifecycle step in one transaction: lock, guard state and role, apply, file, audit.

    ``attachments`` (files sent with the step) go, with the step, to the
    ``step_filers`` that apps above the registry declare on their AppConfig
    (documents: keep the step's forms and their SHA-256); what they return
    joins the step's audit event, in the same transaction.
    """
    unknown = sorted(set(given) - set(StepInputs.__annotations__))
    if unknown:
        raise TypeError(f"unknown step inputs: {', '.join(unknown)}")
    step_id = given.get("step_id")
    answers = {k: str(v).strip() for k, v in (given.get("answers") or {}).items()}
    documents = list(given.get("documents") or ())
    attachments = given.get("attachments") or {}
    inputs = dict(inputs or {})
    reasons = (given.get("reasons") or "").strip()
    with transaction.atomic():
        acc = _lock(account)
        _require_view(actor, acc)
        procedures = procedures_for(acc)
        step = _choose_step(actor, acc, procedures, kind, step_id)
        _check_inputs(step, reasons, answers, documents)
        application = Application.objects.select_for_update().filter(account=acc).first()
        before = snapshot(acc, _TRACKED)
        from_state = acc.status
        extra = apply(acc, step, procedures) if apply else {}
        _check_requires(step, acc, procedures)
        acc.status = step.target(from_state)
        _apply_effects(actor, acc, step, procedures, application, inputs)
        if acc.status == Status.CLOSED:
            acc.closed_at = acc.closed_at or timezone.now()
            acc.next_check_due = None
        _check_account_consistency(acc)
        followed = None
        if step.kind in _FOLLOWING_KINDS:
            followed = _follow_registry(actor, acc, procedures, step.label)
        acc.save()
        if followed is not None:
            extra = {**extra, "policy_version": followed.version, "policy_follows_registry": True}
        if application is not None:
            _update_application(actor, application, step, reasons, answers, documents)
        StepRecord.objects.create(
            account=acc,
            step_id=step.id,
            kind=step.kind,
            label=step.label,
            from_state=from_state,
            to_state=acc.status,
            actor=actor if actor is not None and actor.pk else None,
            taken_at=timezone.now(),
            reasons=reasons,
            answers={q.id: answers.get(q.id, "") for q in step.questions},
            documents=[d.label for d in step.documents if d.id in documents],
            issued=[d.label for d in step.issues],
            clause=step.clause,
            profile_id=procedures.profile_id,
        )
        for filer in step_filers():
            extra = {**extra, **filer(actor, acc, step, attachments)}
        b, a = _diff(before, snapshot(acc, _TRACKED))
        record_event(
            actor,
            f"account.{step.kind}",
            acc,
            b,
            a,
            details={
                "profile": procedures.profile_id,
                "step": step.id,
                "label": step.label,
                "from": from_state,
                "to": acc.status,
                "reasons": reasons,
                "answers": {q.id: answers.get(q.id, "") for q in step.questions},
                "documents": [d.label for d in step.documents],
                "issued": [d.label for d in step.issues],
                "effects": list(step.effects),
                "clause": step.clause,
                **extra,
            },
        )
        refresh_account(acc)  # the home page and attention list read the stored findings
        notify_after_step(actor, acc, step, procedures, application, reasons)
    return acc


def _update_application(
    actor: Person,
    application: Application,
    step: Step,
    reasons: str,
    answers: Mapping[str, str],
    documents: list[str],
) -> None:
    now = timezone.now()
    if step.questions:
        application.answers = {**application.answers, step.id: {q.id: answers[q.id] for q in step.questions}}
    if step.documents:
        application.documents = {
            **application.documents,
            step.id: [d.id for d in step.documents if d.id in documents],
        }
    if step.kind == "submit":
        application.submitted_at = now
        application.decision = Application.Decision.NONE
    elif step.kind == "approve" and step.to_state == Status.APPROVED:
        application.decision = (
            Application.Decision.WAIVED if "waive" in step.effects else Application.Decision.APPROVED
        )
        application.decided_at, application.decided_by = now, actor
        if "waive" in step.effects:
            application.reasons = reasons
    elif step.kind == "return":
        application.decision = Application.Decision.RETURNED
        application.decided_at, application.decided_by = now, actor
        application.reasons = reasons
        application.return_count += 1
    application.save()


# Named actions, one per kind of step. Each takes the acting user and the account
