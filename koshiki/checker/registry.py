"""The rule catalog: permanent rule id -> rule, with its status and doc.

Each rule lives in its own module under ``koshiki.checker.rules.<family>``;
the module docstring is the rule's documentation page (Japanese: 何を検出する
か / なぜ問題か / 例 / 代わりに / 参考) and the function decorated with
``@rule`` is its check. Ids are a contract (RULES.md): never renamed, never
reused; a retired rule keeps its id with status ``removed``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from koshiki.checker.findings import Hit, Severity

STATUSES = ("preview", "stable", "deprecated", "removed")
SUBJECTS = ("post", "account", "comment", "media")

CheckFunc = Callable[[Any, Any], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A catalog entry: what is checked, how strongly by default, and how.

    ``requires`` names a boolean context flag that must be set for the rule to
    run at all (the promo rules run only on paid third-party posts).
    """

    id: str
    title: str
    default_severity: Severity
    subject: str
    status: str
    func: CheckFunc
    doc: str
    requires: str | None = None

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def summary(self) -> str:
        """First line of the doc page."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.title


_RULES: dict[str, Rule] = {}
_LOAD_LOCK = threading.Lock()  # the first all_rules() of two threads imports the modules once


def rule(
    rule_id: str,
    *,
    title: str,
    severity: str,
    subject: str = "post",
    status: str = "stable",
    requires: str | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register the decorated function as the check of ``rule_id``."""
    if status not in STATUSES:
        raise ValueError(f"{rule_id}: unknown status {status!r}")
    if subject not in SUBJECTS:
        raise ValueError(f"{rule_id}: unknown subject {subject!r}")

    def register(func: CheckFunc) -> CheckFunc:
        if rule_id in _RULES:
            raise ValueError(f"rule id registered twice: {rule_id}")
        doc = sys.modules[func.__module__].__doc__ or ""
        _RULES[rule_id] = Rule(
            id=rule_id,
            title=title,
            default_severity=Severity(severity),
            subject=subject,
            status=status,
            func=func,
            doc=doc,
            requires=requires,
        )
        return func

    return register


@lru_cache(maxsize=1)
def _load_all() -> None:
    import koshiki.checker.rules as pkg

    with _LOAD_LOCK:
        _import_rule_modules(pkg)


def _import_rule_modules(pkg: Any) -> None:
    for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
        importlib.import_module(info.name)


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by id, in id order (imports the rule modules once)."""
    _load_all()
    return dict(sorted(_RULES.items()))


def get_rule(rule_id: str) -> Rule:
    """The rule with this id; ``KeyError`` if the catalog has none."""
    return all_rules()[rule_id]
