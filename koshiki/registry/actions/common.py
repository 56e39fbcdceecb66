"""Helpers shared by the registry actions: tracked fields, locks, guards, detail cleaning."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Max

from koshiki.actors import Person
from koshiki.errors import ActionError, require
from koshiki.identifiers import IdentifierError, validate_handle
from koshiki.registry import access
from koshiki.registry.lifecycle import Procedures, load_procedures
from koshiki.registry.models import (
    Account,
    OperationPolicy,
)
from koshiki.registry.states import (
    POLICY_FIELDS,
    Genre,
    OperatorKind,
    Platform,
    PolicyKind,
    ReplyPolicy,
)

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


def _require_view(actor: Person, account: Account) -> None:
    require(access.can_view_account(actor, account), "このアカウントを参照する権限がありません")


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


def _check_handle(acc: Account) -> None:
    """A new or changed handle follows its platform's syntax, with no invisible or look-alike letters.

    Issue 10 item 4: a handle with a zero-width space or a Cyrillic letter would list
    an impostor's account as official. Handles stored before the check are left as they
    are until someone changes the handle or the platform.
    """
    if not acc.handle:
        return
    if acc.pk is not None:
        stored = Account.objects.filter(pk=acc.pk).values_list("platform", "handle").first()
        if stored == (acc.platform, acc.handle):
            return
    try:
        acc.handle = validate_handle(acc.platform, acc.handle)
    except IdentifierError as exc:
        raise ActionError(str(exc)) from None


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
    _check_handle(acc)
    if acc.url:
        # The URL becomes a link on staff and public pages: only http(s), never javascript: or data:.
        try:
            _WEB_URL(acc.url)
        except ValidationError:
            raise ActionError(
                f"登録URLは https:// で始まるURLを入力してください（{acc.url[:100]}）"
            ) from None


def _create_policy(
    actor: Person, acc: Account, kind: str, values: Mapping[str, Any], reason: str
) -> OperationPolicy:
    latest = OperationPolicy.objects.filter(account=acc, kind=kind).aggregate(n=Max("version"))["n"] or 0
    fields = {k: v for k, v in values.items() if k in POLICY_FIELDS or k == "body"}
    for key, value in fields.items():
        if value is None and key not in ("period_start", "period_end"):
            fields[key] = ""
    return OperationPolicy.objects.create(
        account=acc, kind=kind, version=latest + 1, reason=reason[:500], created_by=actor, **fields
    )


# The public policy's fields that follow the registry (issue 9 item 4): policy field -> account value.
_FOLLOWED = {
    "registered_url": lambda acc: acc.url,
    "responsible": lambda acc: acc.responsible_title,
    "period_start": lambda acc: acc.period_start,
    "period_end": lambda acc: acc.period_end,
    "account_name": lambda acc: acc.display_name,
}


def _follow_registry(
    actor: Person, acc: Account, procedures: Procedures, reason: str
) -> OperationPolicy | None:
    """A new version of the public 運用ポリシー when the registry's URL, 責任者, 運用期間 or name changed.

    Copies the current version, replaces the followed fields the profile's form
    has (責任者 always: it is printed on every form), and makes it current; None
    when nothing followed changed or there is no public policy yet.
    """
    current = acc.current_policy
    if current is None or PolicyKind.PUBLIC not in procedures.policy_kinds:
        return None
    changed = {}
    for name, value_of in _FOLLOWED.items():
        if name != "responsible" and name not in procedures.policy_fields:
            continue
        value = value_of(acc)
        if (getattr(current, name) or None) != (value or None):
            changed[name] = value
    if not changed:
        return None
    values = {k: getattr(current, k) for k in POLICY_FIELDS}
    values.update(changed)
    labels = "・".join(POLICY_FIELDS[k] for k in changed)
    policy = _create_policy(
        actor, acc, PolicyKind.PUBLIC, values, f"{reason}（{labels}を台帳に合わせて改訂）"
    )
    acc.current_policy = policy
    return policy
