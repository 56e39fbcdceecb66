"""The account's records: the application's details, security facts, roster, devices and third-party apps.

Each edit checks permission through ``registry.access``, locks the account,
guards its state and writes one audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event, snapshot
from koshiki.citysettings.effective import effective_profile
from koshiki.errors import ActionError, require
from koshiki.org import access as org_access
from koshiki.org.models import OrgUnit
from koshiki.org.roles import Role
from koshiki.registry import access
from koshiki.registry.actions.common import (
    _TRACKED,
    SECURITY_FIELDS,
    _check_account_consistency,
    _clean_details,
    _create_policy,
    _diff,
    _follow_registry,
    _lock,
    _require_view,
    procedures_for,
)
from koshiki.registry.freeze import require_not_frozen
from koshiki.registry.lifecycle import Procedures, load_procedures
from koshiki.registry.models import (
    Account,
    Application,
    Device,
    RosterEntry,
    ThirdPartyApp,
)
from koshiki.registry.states import (
    EDITABLE_STATES,
    FINAL_STATES,
    POLICY_FIELDS,
    OperatorKind,
    PolicyKind,
    ReplyPolicy,
)
from koshiki.registry.stored_findings import refresh_account

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
        "follow_policy": procedures.boilerplate("follow_policy", city),
    }


def do_create_application(actor: Person, unit: OrgUnit, details: Mapping[str, Any]) -> Account:
    """Start an application for a new account in ``unit``: the account (initial state),
    its application record and the first version of its operation policy.

    Costs ~8 queries. Nothing is stored when any check fails.
    """
    require(org_access.can_apply_for(actor, unit), "この組織のアカウントを申請する権限がありません")
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
        refresh_account(account)
    return account


def do_update_account(actor: Person, account: Account | int, changes: Mapping[str, Any]) -> Account:
    """Edit the application's details while it is still with the section (draft / returned).

    After submission, changes go through a change notice (``do_file_change``).
    """
    values = _clean_details(changes)
    with transaction.atomic():
        acc = _lock(account)
        _require_view(actor, acc)
        require(access.can_edit_account(actor, acc), "このアカウントを編集する権限がありません")
        if acc.status not in EDITABLE_STATES:
            raise ActionError(
                f"「{acc.get_status_display()}」のアカウントは直接編集できません。変更届で届け出てください"
            )
        if "owning_unit" in changes:
            unit = changes["owning_unit"]
            require(org_access.can_apply_for(actor, unit), "移す先の組織の権限がありません")
            values["owning_unit"] = unit
        before = snapshot(acc, _TRACKED)
        for key, value in values.items():
            setattr(acc, key, value)
        _check_account_consistency(acc)
        followed = _follow_registry(actor, acc, procedures_for(acc), "申請内容の修正")
        acc.save()
        b, a = _diff(before, snapshot(acc, _TRACKED))
        if not a:
            raise ActionError("変更された項目がありません")
        details = {"policy_version": followed.version} if followed is not None else {}
        record_event(actor, "account.update", acc, b, a, details=details)
        refresh_account(acc)
    return acc


def do_update_security(actor: Person, account: Account | int, changes: Mapping[str, Any]) -> Account:
    """Record the account's security facts and profile text (MFA, badge, password date, …)."""
    unknown = sorted(set(changes) - set(SECURITY_FIELDS))
    if unknown:
        raise ActionError(f"変更できない項目です: {', '.join(unknown)}")
    with transaction.atomic():
        acc = _lock(account)
        _require_view(actor, acc)
        require(
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
        refresh_account(acc)
    return acc


def _editable_locked(actor: Person, account: Account | int, message: str) -> Account:
    acc = _lock(account)
    _require_view(actor, acc)
    require(access.can_edit_account(actor, acc), message)
    if acc.status in FINAL_STATES:
        raise ActionError("廃止・取下げ済みのアカウントは変更できません")
    return acc


def do_add_roster_entry(
    account: Account | int,
    *,
    actor: Person,
    name: str,
    duty: str,
    affiliation: str = "",
    user: Person | None = None,
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


def do_remove_roster_entry(actor: Person, entry: RosterEntry) -> RosterEntry:
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


def take_off_rosters(actor: Person | None, user: Person, accounts: list[Account]) -> list[RosterEntry]:
    """Remove ``user`` from the operator rosters of ``accounts`` (rows stay, dated), one event per entry.

    Not an action on its own: ``people.actions.do_end_role`` calls it inside
    its transaction, after its own permission check (ending the role is what
    takes the person off the roster). Locks each account first.
    """
    removed: list[RosterEntry] = []
    for account in accounts:
        acc = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
        entries = RosterEntry.objects.select_for_update().filter(
            account=acc, user=user, removed_on__isnull=True
        )
        for entry in entries:
            entry.removed_on = timezone.localdate()
            entry.save(update_fields=["removed_on"])
            record_event(
                actor,
                "account.roster.remove",
                acc,
                {"roster": snapshot(entry, ["name", "duty"])},
                {},
                details={"reason": "役割の終了（人事異動）"},
            )
            removed.append(entry)
    return removed


def follow_unit_names(actor: Person | None, unit: OrgUnit, reason: str) -> list[Account]:
    """New public 運用ポリシー versions where the 開設所属 printed no longer names the unit as it is now.

    Not an action on its own: ``people.actions.do_rename_unit`` calls it inside its
    transaction after its own permission check, so a reorganisation (機構改革) shows
    the new 所管課 on the public list at once instead of the name it was published
    with. One ``account.policy.follow`` event per account; locks each account first.
    """
    followed: list[Account] = []
    below = Account.objects.filter(
        municipality_id=unit.municipality_id,
        owning_unit__path__startswith=unit.path,
        current_policy__isnull=False,
    )
    for account in below.order_by("pk"):
        acc = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
        current = acc.current_policy
        label = acc.owning_unit.full_name()
        if current is None or not current.unit_label or current.unit_label == label:
            continue
        if "unit_label" not in procedures_for(acc).policy_fields:
            continue
        values = {k: getattr(current, k) for k in POLICY_FIELDS}
        values["unit_label"] = label
        policy = _create_policy(
            actor, acc, PolicyKind.PUBLIC, values, f"{reason}（開設所属を組織の名称に合わせて改訂）"
        )
        before = {"policy_version": current.version, "unit_label": current.unit_label}
        acc.current_policy = policy
        acc.save(update_fields=["current_policy", "updated_at"])
        refresh_account(acc)  # the stored findings commit with the change, as in every registry action
        record_event(
            actor,
            "account.policy.follow",
            acc,
            before,
            {"policy_version": policy.version, "unit_label": label},
            details={"reason": reason},
        )
        followed.append(acc)
    return followed


def do_register_device(
    actor: Person, account: Account | int, *, name: str, ownership: str, asset_number: str = ""
) -> Device:
    """Register a posting device; it must then be approved (京都市4(1)イ(イ): no personal devices)."""
    if not (name or "").strip():
        raise ActionError("機器名を入力してください")
    if ownership not in Device.Ownership.values:
        raise ActionError("機器の所有区分が正しくありません")
    with transaction.atomic():
        acc = _editable_locked(actor, account, "このアカウントの端末を登録する権限がありません")
        profile = effective_profile(acc.municipality)
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
        refresh_account(acc)
    return device


def do_approve_device(actor: Person, device: Device) -> Device:
    """Approve a posting device (the profile names who approves: 川崎市5(10) ICT推進課)."""
    with transaction.atomic():
        acc = _lock(device.account_id)
        _require_view(actor, acc)
        procedures = procedures_for(acc)
        office = f"（{procedures.device_approver_office}）" if procedures.device_approver_office else ""
        roles = "・".join(Role(r).label for r in procedures.device_approver_roles)
        require(
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
        refresh_account(acc)
    return locked


def do_retire_device(actor: Person, device: Device) -> Device:
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
        refresh_account(acc)
    return locked


def do_link_app(
    actor: Person, account: Account | int, *, name: str, purpose: str = "", linked_on: date | None = None
) -> ThirdPartyApp:
    """Record a third-party application linked to the account."""
    if not (name or "").strip():
        raise ActionError("アプリ・サービス名を入力してください")
    with transaction.atomic():
        acc = _editable_locked(actor, account, "このアカウントの連携アプリを記録する権限がありません")
        require_not_frozen(acc, "連携アプリを追加")
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


def do_revoke_app(actor: Person, app: ThirdPartyApp) -> ThirdPartyApp:
    """Record that a third-party link was revoked (狛江市4(3)カ: after a hijack, revoke the links)."""
    with transaction.atomic():
        acc = _lock(app.account_id)
        _require_view(actor, acc)
        require(access.can_edit_security(actor, acc), "このアカウントの連携アプリを変更する権限がありません")
        locked = ThirdPartyApp.objects.select_for_update().get(pk=app.pk, account=acc)
        if locked.revoked_on is not None:
            raise ActionError("この連携は既に解除されています")
        locked.revoked_on = timezone.localdate()
        locked.save(update_fields=["revoked_on"])
        record_event(
            actor, "account.app.revoke", acc, {"app": locked.name}, {"revoked_on": locked.revoked_on}
        )
    return locked
