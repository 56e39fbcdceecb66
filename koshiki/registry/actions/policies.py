"""Operation policies (運用ポリシー, 川崎市's アカウント運用ルール): each revision a new version, run as a step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from koshiki.actors import Person
from koshiki.errors import ActionError
from koshiki.registry.actions.common import _create_policy
from koshiki.registry.actions.engine import StepInputs, _run_step
from koshiki.registry.lifecycle import Procedures, Step
from koshiki.registry.models import (
    Account,
    ChangeNotice,
    OperationPolicy,
)
from koshiki.registry.states import (
    POLICY_FIELDS,
    PolicyKind,
)


def do_revise_policy(
    account: Account | int,
    *,
    actor: Person,
    values: Mapping[str, Any],
    kind: str = PolicyKind.PUBLIC,
    reason: str = "",
    **given: Unpack[StepInputs],
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
        policy = _create_policy(actor, acc, kind, values, reason or given.get("reasons", ""))
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

    _run_step(actor, account, "revise_policy", given, apply=apply)
    return created[0]
