"""Every change to the registry: one ``do_*`` function per kind of change.

Each action (1) checks permission through ``org.access``, (2) runs in one
``transaction.atomic()`` holding a row lock (``select_for_update``) on the
account whose state it guards, (3) guards the current state and inputs,
raising ``ActionError`` (Japanese message) or ``PermissionDenied``, and (4)
appends an audit event in the same transaction.

Lifecycle actions run a *step* of the account's profile procedures
(``lifecycle.py``): the step's from-states, roles, documents, questions,
reasons, preconditions and effects are data; which action runs it is its
``kind`` (``KIND_ACTIONS``). Nothing here branches on the city.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from koshiki.audit.events import record_event, snapshot
from koshiki.checker.profiles import load_profile
from koshiki.errors import ActionError
from koshiki.org import access
from koshiki.org.models import OrgUnit
from koshiki.org.roles import Role
from koshiki.registry.lifecycle import KINDS, PRECONDITIONS, Procedures, Step, load_procedures
from koshiki.registry.models import (
    Account,
    Application,
    ChangeNotice,
    Device,
    OperationPolicy,
    RosterEntry,
    ThirdPartyApp,
)
from koshiki.registry.states import (
    EDITABLE_STATES,
    FINAL_STATES,
    POLICY_FIELDS,
    Genre,
    OperatorKind,
    Platform,
    PolicyKind,
    ReplyPolicy,
    Status,
)
from koshiki.workdays import next_business_day

# Account fields the audit trail snapshots (everything but bookkeeping timestamps).
_TRACKED = [
    f.name
    for f in Account._meta.concrete_fields
    if f.name not in ("id", "created_at", "updated_at", "municipality")
]
# What the application form and a change notice (変更届) may set directly.
DETAIL_FIELDS = (
    "platform",
    "platform_other",
    "handle",
    "url",
    "display_name",
    "owning_unit",
    "operator_kind",
    "operator_company",
    "responsible_title",
    "responsible_user",
    "purpose",
    "audience",
    "content",
    "reply_policy",
    "reply_policy_text",
    "period_start",
    "period_end",
    "operating_hours",
    "genre",
    "registration_email",
    "profile_text",
    "contact",
)
SECURITY_FIELDS = (
    "mfa_enabled",
    "verified_badge",
    "verification_available",
    "password_changed_at",
    "last_posted_at",
    "registration_email",
    "profile_text",
    "contact",
)


def procedures_for(account: Account) -> Procedures:
    """The lifecycle of the account's municipality (cached per profile)."""
    return load_procedures(account.municipality.profile_id)


def _lock(account: Account | int) -> Account:
    """Re-read the account with a row lock held until the transaction ends."""
    pk = account.pk if isinstance(account, Account) else account
    try:
        return (
            Account.objects.select_for_update(of=("self",))
            .select_related("municipality", "owning_unit")
            .get(pk=pk)
        )
    except Account.DoesNotExist:
        raise ActionError("アカウントが見つかりません") from None


def _require_view(actor: Any, account: Account) -> None:
    access.require(access.can_view_account(actor, account), "このアカウントを参照する権限がありません")


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _clean_details(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(DETAIL_FIELDS))
    if unknown:
        raise ActionError(f"変更できない項目です: {', '.join(unknown)}")
    out = dict(values)
    for key in ("handle",):
        if key in out and isinstance(out[key], str):
            out[key] = out[key].strip().lstrip("@")
    if "platform" in out and out["platform"] not in Platform.values:
        raise ActionError("ソーシャルメディアの種類が正しくありません")
    if "genre" in out and out["genre"] and out["genre"] not in Genre.values:
        raise ActionError("掲載ジャンルが正しくありません")
    if "reply_policy" in out and out["reply_policy"] not in ReplyPolicy.values:
        raise ActionError("投稿に対する返信の方針が正しくありません")
    if "operator_kind" in out and out["operator_kind"] not in OperatorKind.values:
        raise ActionError("運用者の区分が正しくありません")
    return out


_WEB_URL = URLValidator(schemes=["http", "https"])


def _check_account_consistency(acc: Account) -> None:
    """Invariants the database also enforces, checked first for a Japanese message."""
    if not (acc.display_name or "").strip():
        raise ActionError("アカウント名（表示名）を入力してください")
    if acc.operator_kind != OperatorKind.CITY and not acc.operator_company.strip():
        raise ActionError("委託業者・指定管理者が運用する場合は、会社・団体名を入力してください")
    if acc.period_start and acc.period_end and acc.period_end < acc.period_start:
        raise ActionError("運用終了日は運用開始日より後の日付にしてください")
    if acc.platform == Platform.OTHER and not acc.platform_other.strip():
        raise ActionError("「その他」の場合はソーシャルメディアの名称を入力してください")
    if acc.owning_unit.municipality_id != acc.municipality_id:
        raise ActionError("開設所属が別の自治体の組織です")
    if acc.url:
        # The URL becomes a link on staff and public pages: only http(s), never javascript: or data:.
        try:
            _WEB_URL(acc.url)
        except ValidationError:
            raise ActionError(
                f"登録URLは https:// で始まるURLを入力してください（{acc.url[:100]}）"
            ) from None


# ---- creating and editing ---------------------------------------------------------------------


def initial_policy_values(account: Account, procedures: Procedures) -> dict[str, Any]:
    """The 様式1 fields derived from the account, with the profile's boilerplate filled in."""
    city = account.municipality.name
    reply_key = "reply_as_needed" if account.reply_policy == ReplyPolicy.AS_NEEDED else "reply_none"
    content = account.content
    if account.audience.strip():
        content = f"【対象】{account.audience.strip()}\n【内容】{account.content.strip()}"
    remarks = ""
    if account.operator_kind != OperatorKind.CITY:
        remarks = procedures.boilerplate("remarks_outside_operator", city, company=account.operator_company)
    return {
        "unit_label": account.owning_unit.full_name(),
        "responsible": account.responsible_title,
        "content": content,
        "purpose": account.purpose,
        "platform_label": account.platform_name,
        "account_name": account.display_name,
        "registered_url": account.url,
        "period_start": account.period_start,
        "period_end": account.period_end,
        "operating_hours": account.operating_hours or procedures.boilerplate("operating_hours", city),
        "reply_policy": account.reply_policy_text or procedures.boilerplate(reply_key, city),
        "remarks": remarks,
        "notes": procedures.boilerplate("notes", city),
        "ip_rights": procedures.boilerplate("ip_rights", city),
        "disclaimer": procedures.boilerplate("disclaimer", city),
        "other": procedures.boilerplate("other", city),
    }


def do_create_application(actor: Any, unit: OrgUnit, details: Mapping[str, Any]) -> Account:
    """Start an application for a new account in ``unit``: the account (initial state),
    its application record and the first version of its operation policy.

    Costs ~8 queries. Nothing is stored when any check fails.
    """
    access.require(access.can_apply_for(actor, unit), "この組織のアカウントを申請する権限がありません")
    values = _clean_details({k: v for k, v in details.items() if k != "owning_unit"})
    procedures = load_procedures(unit.municipality.profile_id)
    with transaction.atomic():
        account = Account(
            municipality=unit.municipality, owning_unit=unit, status=procedures.initial, **values
        )
        _check_account_consistency(account)
        account.save()
        Application.objects.create(account=account, applicant=actor)
        policy = _create_policy(
            actor, account, PolicyKind.PUBLIC, initial_policy_values(account, procedures), "新規作成"
        )
        account.current_policy = policy
        account.save(update_fields=["current_policy"])
        record_event(
            actor,
            "account.create",
            account,
            {},
            snapshot(account, _TRACKED),
            details={"profile": procedures.profile_id, "policy_version": policy.version},
        )
    return account


def do_update_account(actor: Any, account: Account | int, changes: Mapping[str, Any]) -> Account:
    """Edit the application's details while it is still with the section (draft / returned).

    After submission, changes go through a change notice (``do_file_change``).
    """
    values = _clean_details(changes)
    with transaction.atomic():
        acc = _lock(account)
        _require_view(actor, acc)
        access.require(access.can_edit_account(actor, acc), "このアカウントを編集する権限がありません")
        if acc.status not in EDITABLE_STATES:
            raise ActionError(
                f"「{acc.get_status_display()}」のアカウントは直接編集できません。変更届で届け出てください"
            )
        if "owning_unit" in changes:
            unit = changes["owning_unit"]
            access.require(access.can_apply_for(actor, unit), "移す先の組織の権限がありません")
            values["owning_unit"] = unit
        before = snapshot(acc, _TRACKED)
        for key, value in values.items():
            setattr(acc, key, value)
        _check_account_consistency(acc)
        acc.save()
        b, a = _diff(before, snapshot(acc, _TRACKED))
        if not a:
            raise ActionError("変更された項目がありません")
        record_event(actor, "account.update", acc, b, a)
    return acc


def do_update_security(actor: Any, account: Account | int, changes: Mapping[str, Any]) -> Account:
    """Record the account's security facts and profile text (MFA, badge, password date, …)."""
    unknown = sorted(set(changes) - set(SECURITY_FIELDS))
    if unknown:
        raise ActionError(f"変更できない項目です: {', '.join(unknown)}")
    with transaction.atomic():
        acc = _lock(account)
        _require_view(actor, acc)
        access.require(
            access.can_edit_security(actor, acc), "このアカウントのセキュリティ情報を記録する権限がありません"
        )
        if acc.status in FINAL_STATES:
            raise ActionError("廃止・取下げ済みのアカウントは変更できません")
        today = timezone.localdate()
        for key in ("password_changed_at", "last_posted_at"):
            if changes.get(key) and changes[key] > today:
                raise ActionError(f"{Account._meta.get_field(key).verbose_name}に未来の日付は入力できません")
        before = snapshot(acc, SECURITY_FIELDS)
        for key, value in changes.items():
            setattr(acc, key, value)
        acc.save()
        b, a = _diff(before, snapshot(acc, SECURITY_FIELDS))
        if not a:
            raise ActionError("変更された項目がありません")
        record_event(actor, "account.security", acc, b, a)
    return acc


def _editable_locked(actor: Any, account: Account | int, message: str) -> Account:
    acc = _lock(account)
    _require_view(actor, acc)
    access.require(access.can_edit_account(actor, acc), message)
    if acc.status in FINAL_STATES:
        raise ActionError("廃止・取下げ済みのアカウントは変更できません")
    return acc


def do_add_roster_entry(
    actor: Any, account: Account | int, *, name: str, duty: str, affiliation: str = "", user: Any = None
) -> RosterEntry:
    """Add a person to the operator roster (安芸高田市 様式2号)."""
    if not (name or "").strip():
        raise ActionError("氏名を入力してください")
    if duty not in RosterEntry.Duty.values:
        raise ActionError("名簿の役割が正しくありません")
    with transaction.atomic():
        acc = _editable_locked(actor, account, "このアカウントの名簿を変更する権限がありません")
        entry = RosterEntry.objects.create(
            account=acc,
            name=name.strip(),
            duty=duty,
            affiliation=affiliation.strip(),
            user=user,
            added_on=timezone.localdate(),
        )
        record_event(
            actor,
            "account.roster.add",
            acc,
            {},
            {"roster": snapshot(entry, ["name", "duty", "affiliation", "user"])},
        )
    return entry


def do_remove_roster_entry(actor: Any, entry: RosterEntry) -> RosterEntry:
    """Take a person off the roster (the row stays, with the day they left)."""
    with transaction.atomic():
        acc = _editable_locked(actor, entry.account_id, "このアカウントの名簿を変更する権限がありません")
        locked = RosterEntry.objects.select_for_update().get(pk=entry.pk, account=acc)
        if locked.removed_on is not None:
            raise ActionError("この方は既に名簿から外れています")
        locked.removed_on = timezone.localdate()
        locked.save(update_fields=["removed_on"])
        record_event(actor, "account.roster.remove", acc, {"roster": snapshot(locked, ["name", "duty"])}, {})
    return locked


def do_register_device(
    actor: Any, account: Account | int, *, name: str, ownership: str, asset_number: str = ""
) -> Device:
    """Register a posting device; it must then be approved (京都市4(1)イ(イ): no personal devices)."""
    if not (name or "").strip():
        raise ActionError("機器名を入力してください")
    if ownership not in Device.Ownership.values:
        raise ActionError("機器の所有区分が正しくありません")
    with transaction.atomic():
        acc = _editable_locked(actor, account, "このアカウントの端末を登録する権限がありません")
        profile = load_profile(acc.municipality.profile_id)
        if ownership == Device.Ownership.PERSONAL and not profile.param(
            "account_personal_devices_allowed", False
        ):
            # 京都市4(1)イ(イ)「個人が所有するパソコン、モバイル端末…を使用してはならない」
            raise ActionError("個人所有の機器は業務での運用に使用できません")
        device = Device.objects.create(
            account=acc, name=name.strip(), ownership=ownership, asset_number=asset_number
        )
        record_event(
            actor,
            "account.device.add",
            acc,
            {},
            {"device": snapshot(device, ["name", "ownership", "asset_number"])},
        )
    return device


def do_approve_device(actor: Any, device: Device) -> Device:
    """Approve a posting device (the profile names who approves: 川崎市5(10) ICT推進課)."""
    with transaction.atomic():
        acc = _lock(device.account_id)
        _require_view(actor, acc)
        procedures = procedures_for(acc)
        office = f"（{procedures.device_approver_office}）" if procedures.device_approver_office else ""
        roles = "・".join(Role(r).label for r in procedures.device_approver_roles)
        access.require(
            access.can_approve_device(actor, acc, procedures), f"利用端末を承認するのは{roles}{office}です"
        )
        locked = Device.objects.select_for_update().get(pk=device.pk, account=acc)
        if locked.approved:
            raise ActionError("この端末は既に承認されています")
        if locked.retired_on is not None:
            raise ActionError("使用を終了した端末は承認できません")
        locked.approved, locked.approved_by, locked.approved_at = True, actor, timezone.now()
        locked.save(update_fields=["approved", "approved_by", "approved_at"])
        record_event(
            actor,
            "account.device.approve",
            acc,
            {"device": locked.name, "approved": False},
            {"device": locked.name, "approved": True},
        )
    return locked


def do_retire_device(actor: Any, device: Device) -> Device:
    """Stop using a device (lost, replaced, returned)."""
    with transaction.atomic():
        acc = _editable_locked(actor, device.account_id, "このアカウントの端末を変更する権限がありません")
        locked = Device.objects.select_for_update().get(pk=device.pk, account=acc)
        if locked.retired_on is not None:
            raise ActionError("この端末は既に使用を終了しています")
        locked.retired_on = timezone.localdate()
        locked.save(update_fields=["retired_on"])
        record_event(
            actor, "account.device.retire", acc, {"device": locked.name}, {"retired_on": locked.retired_on}
        )
    return locked


def do_link_app(
    actor: Any, account: Account | int, *, name: str, purpose: str = "", linked_on: date | None = None
) -> ThirdPartyApp:
    """Record a third-party application linked to the account."""
    if not (name or "").strip():
        raise ActionError("アプリ・サービス名を入力してください")
    with transaction.atomic():
        acc = _editable_locked(actor, account, "このアカウントの連携アプリを記録する権限がありません")
        app = ThirdPartyApp.objects.create(
            account=acc,
            name=name.strip(),
            purpose=purpose.strip(),
            linked_on=linked_on or timezone.localdate(),
        )
        record_event(
            actor, "account.app.link", acc, {}, {"app": snapshot(app, ["name", "purpose", "linked_on"])}
        )
    return app


def do_revoke_app(actor: Any, app: ThirdPartyApp) -> ThirdPartyApp:
    """Record that a third-party link was revoked (狛江市4(3)カ: after a hijack, revoke the links)."""
    with transaction.atomic():
        acc = _lock(app.account_id)
        _require_view(actor, acc)
        access.require(
            access.can_edit_security(actor, acc), "このアカウントの連携アプリを変更する権限がありません"
        )
        locked = ThirdPartyApp.objects.select_for_update().get(pk=app.pk, account=acc)
        if locked.revoked_on is not None:
            raise ActionError("この連携は既に解除されています")
        locked.revoked_on = timezone.localdate()
        locked.save(update_fields=["revoked_on"])
        record_event(
            actor, "account.app.revoke", acc, {"app": locked.name}, {"revoked_on": locked.revoked_on}
        )
    return locked


# ---- the lifecycle ----------------------------------------------------------------------------


def available_steps(actor: Any, account: Account) -> list[Step]:
    """Steps the actor may perform on the account now (for buttons; no lock, no writes)."""
    procedures = procedures_for(account)
    return [s for s in procedures.steps_from(account.status) if access.can_perform_step(actor, account, s)]


def _choose_step(actor: Any, acc: Account, procedures: Procedures, kind: str, step_id: str | None) -> Step:
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
        if key == "policy":
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


def _apply_effects(
    actor: Any,
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


def _run_step(
    actor: Any,
    account: Account | int,
    kind: str,
    *,
    step_id: str | None = None,
    reasons: str = "",
    answers: Mapping[str, str] | None = None,
    documents: Iterable[str] = (),
    inputs: Mapping[str, Any] | None = None,
    apply: Callable[[Account, Step, Procedures], dict[str, Any]] | None = None,
    form_copy: Any = None,
) -> Account:
    """Run one lifecycle step in one transaction: lock, guard state and role, apply, file its forms, audit."""
    answers = {k: str(v).strip() for k, v in (answers or {}).items()}
    documents = list(documents)
    inputs = dict(inputs or {})
    reasons = (reasons or "").strip()
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
        acc.save()
        if application is not None:
            _update_application(actor, application, step, reasons, answers, documents)
        # The step's forms as filed (PDF/DOCX from the registry now, plus any signed copy), with SHA-256s.
        from koshiki.documents.steps import file_step_forms

        extra = {**extra, **file_step_forms(actor, acc, step, form_copy)}
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
    return acc


def _update_application(
    actor: Any,
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


def _create_policy(
    actor: Any, acc: Account, kind: str, values: Mapping[str, Any], reason: str
) -> OperationPolicy:
    latest = OperationPolicy.objects.filter(account=acc, kind=kind).aggregate(n=Max("version"))["n"] or 0
    fields = {k: v for k, v in values.items() if k in POLICY_FIELDS or k == "body"}
    for key, value in fields.items():
        if value is None and key not in ("period_start", "period_end"):
            fields[key] = ""
    return OperationPolicy.objects.create(
        account=acc, kind=kind, version=latest + 1, reason=reason[:500], created_by=actor, **fields
    )


def do_revise_policy(
    actor: Any,
    account: Account | int,
    *,
    values: Mapping[str, Any],
    kind: str = PolicyKind.PUBLIC,
    reason: str = "",
    **kw: Any,
) -> OperationPolicy:
    """Create a new version of the operation policy (or Kawasaki's internal rule) and make it current."""
    unknown = sorted(set(values) - set(POLICY_FIELDS) - {"body"})
    if unknown:
        raise ActionError(f"運用ポリシーにない項目です: {', '.join(unknown)}")
    if kind not in PolicyKind.values:
        raise ActionError("文書の種類が正しくありません")
    created: list[OperationPolicy] = []

    def apply(acc: Account, step: Step, procedures: Procedures) -> dict[str, Any]:
        if kind not in procedures.policy_kinds:
            raise ActionError(f"この自治体の手続では「{PolicyKind(kind).label}」は作成しません")
        if (
            values.get("period_start")
            and values.get("period_end")
            and values["period_end"] < values["period_start"]
        ):
            raise ActionError("運用終了日は運用開始日より後の日付にしてください")
        if kind == PolicyKind.INTERNAL_RULE and not str(values.get("body", "")).strip():
            raise ActionError("アカウント運用ルールの本文を入力してください")
        current = acc.current_policy if kind == PolicyKind.PUBLIC else acc.current_internal_rule
        if current is not None:
            keys = [k for k in values if k in POLICY_FIELDS or k == "body"]
            if all((getattr(current, k) or "") == (values[k] or "") for k in keys):
                raise ActionError("前の版から変更された項目がありません")
        policy = _create_policy(actor, acc, kind, values, reason or kw.get("reasons", ""))
        if kind == PolicyKind.PUBLIC:
            acc.current_policy = policy
        else:
            acc.current_internal_rule = policy
        if step.documents:
            ChangeNotice.objects.create(
                account=acc,
                step_id=step.id,
                title=step.label,
                reason=reason,
                changes={"policy_version": [policy.version - 1, policy.version]},
                documents=[d.label for d in step.documents],
                filed_by=actor,
            )
        created.append(policy)
        return {"policy_kind": kind, "policy_version": policy.version}

    _run_step(actor, account, "revise_policy", apply=apply, **kw)
    return created[0]


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
