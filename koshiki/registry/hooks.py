"""Preconditions of lifecycle steps that an app above the registry decides (a small registry of handlers).

A step may ``require`` something the registry cannot see without importing
upwards, e.g. 狛江市4(2)ウ: the committee approves as a body, so the step
needs a meeting's decision taken with quorum. ``koshiki.committees``
registers the check in its ``AppConfig.ready``; without a registered check
the step is refused (fail closed), never waved through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# key -> check(account, step) returning a Japanese refusal, or "" when the precondition holds.
_CHECKS: dict[str, Callable[[Any, Any], str]] = {}


def register_requirement(key: str, check: Callable[[Any, Any], str]) -> None:
    """Install the check for precondition ``key`` (one per key; the last registration wins)."""
    _CHECKS[key] = check


def requirement_problem(key: str, account: Any, step: Any) -> str:
    """The refusal for ``key`` on this step, or "" when it holds."""
    check = _CHECKS.get(key)
    if check is None:
        return f"「{step.label}」を確認する機能（{key}）が導入されていないため、この手順は行えません"
    return check(account, step)
