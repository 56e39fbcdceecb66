"""Follow records: whom an official account follows, checked against the profile's follow policy.

狛江市第6条(1): only other official city accounts and public bodies' official
accounts, when the section head approves; 石巻市3(3)イ: related bodies, never an
account that posts what 4(6) prohibits. The kinds allowed, and who registers,
are the ``[comments.follow]`` procedures; an account whose comments were hidden
or deleted in this city under the policy is refused whatever its kind.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.comments import access
from koshiki.comments.actions.common import procedures_for, require_reason, require_staff
from koshiki.comments.models import FollowRecord, ModerationDecision
from koshiki.comments.states import DecisionKind, DecisionState, FollowKind
from koshiki.errors import ActionError, require
from koshiki.registry.models import Account


def _handle(value: str) -> str:
    return (value or "").strip().lstrip("@").lower()


def do_register_follow(
    actor: Person,
    account: Account,
    *,
    handle: str,
    name: str,
    kind: str,
    reason: str,
    url: str = "",
    no_prohibited_content: bool = False,
) -> FollowRecord:
    """Record that ``account`` follows another account, after the profile's follow policy allows it."""
    procedures = procedures_for(account)
    clause = f"（{procedures.follow_clause}）" if procedures.follow_clause else ""
    require(
        access.can_register_follow(actor, account, procedures.follow_approver),
        f"このアカウントのフォローを登録できるのは所属長です{clause}"
        if procedures.follow_approver
        else "このアカウントのフォローを登録できるのは、担当者と所属長です",
    )
    target = _handle(handle)
    name = (name or "").strip()
    if not target or not name:
        raise ActionError("フォロー先のIDと名称を入力してください")
    if kind not in FollowKind.values:
        raise ActionError("フォロー先の種類を選んでください")
    if kind not in procedures.follow_allowed:
        allowed = "・".join(FollowKind(k).label for k in procedures.follow_allowed)
        raise ActionError(
            f"「{FollowKind(kind).label}」はフォローできません。フォローできるのは{allowed}です{clause}"
        )
    if kind == FollowKind.CITY_ACCOUNT and not (
        Account.objects.filter(municipality_id=account.municipality_id, handle__iexact=target)
        .exclude(pk=account.pk)
        .exists()
    ):
        raise ActionError(f"@{target} は市の公式アカウントとして登録されていません。種類を確かめてください")
    reason = require_reason(reason, "フォローする理由")
    if not no_prohibited_content:
        raise ActionError(
            "フォロー先が禁止される内容（運用ポリシーの注意事項）を発信していないことを確認してください"
        )
    removed = ModerationDecision.objects.filter(
        comment__account__municipality_id=account.municipality_id,
        comment__author_handle__iexact=target,
        kind__in=[DecisionKind.HIDE, DecisionKind.DELETE],
        state=DecisionState.IN_FORCE,
    ).first()
    if removed is not None:
        raise ActionError(
            f"@{target} のコメントは運用ポリシー{removed.clause_ref}に当たるとして非表示・削除されています。"
            f"禁止される内容を発信するアカウントはフォローできません{clause}"
        )
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()
        if FollowRecord.objects.filter(
            account=account, target_handle__iexact=target, ended_at__isnull=True
        ).exists():
            raise ActionError(f"@{target} は既にフォローの記録があります")
        follow = FollowRecord.objects.create(
            account=account,
            target_handle=target,
            target_name=name[:200],
            target_url=(url or "").strip()[:500],
            kind=kind,
            reason=reason,
            no_prohibited_content=True,
            registered_by=actor,
            registered_at=timezone.now(),
        )
        record_event(
            actor,
            "comments.follow.register",
            follow,
            {},
            {"account": account.pk, "target": target, "kind": kind},
            details={"reason": reason, "clause": procedures.follow_clause},
        )
    return follow


def do_end_follow(actor: Person, follow: FollowRecord, *, reason: str) -> FollowRecord:
    """Record that the account stopped following (reason required)."""
    require_staff(actor, follow.account)
    reason = require_reason(reason, "解除の理由")
    with transaction.atomic():
        f = FollowRecord.objects.select_for_update().get(pk=follow.pk)
        if f.ended_at is not None:
            raise ActionError("このフォローは既に解除されています")
        f.ended_at, f.ended_by, f.end_reason = timezone.now(), actor, reason
        f.save(update_fields=["ended_at", "ended_by", "end_reason"])
        record_event(
            actor, "comments.follow.end", f, {"ended": False}, {"ended": True}, details={"reason": reason}
        )
    return f
