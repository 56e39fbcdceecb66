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
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from koshiki.checker.findings import Hit, Severity

STATUSES = ("preview", "stable", "deprecated", "removed")
ID_TABLE = Path(__file__).with_name("rule_ids.toml")
ID_STATES = ("implemented", "catalogued", "removed")
SUBJECTS = ("post", "account", "comment", "media")

CheckFunc = Callable[[Any, Any], Iterable[Hit]]
OPTION_KINDS = ("number", "integer", "hosts")


@dataclass(frozen=True)
class Option:
    """A setting a profile may give one rule (``[rules."<id>"] options = {...}``), declared on the rule.

    ``kind`` is ``number`` (int or float), ``integer`` or ``hosts`` (a list of
    host names); numbers must lie in ``[minimum, maximum]``. A profile's value
    is checked when the profile loads (``profiles.ProfileError`` naming the file
    and key), so a rule reads ``env.options[name]`` with no fallback of its own.
    The rule page lists the options (``docs.render_rule_page``).
    """

    name: str
    kind: str
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in OPTION_KINDS:
            raise ValueError(f"option {self.name}: unknown kind {self.kind!r}")
        if self.problem(self.default) is not None:
            raise ValueError(f"option {self.name}: default {self.default!r} breaks its own bounds")

    def problem(self, value: Any) -> str | None:
        """The Japanese reason ``value`` is not allowed, or None when it is."""
        if self.kind == "hosts":
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                return 'ホスト名の配列で指定してください（例: ["www.youtube.com"]）'
            return None
        numeric = int if self.kind == "integer" else int | float
        if isinstance(value, bool) or not isinstance(value, numeric):
            return "整数で指定してください" if self.kind == "integer" else "数値で指定してください"
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            return f"{_number(self.minimum)} 以上 {_number(self.maximum)} 以下で指定してください（{value!r}）"
        return None

    @property
    def range_label(self) -> str:
        """「0.01〜1」, or "" when unbounded (for the rule page)."""
        if self.minimum is None and self.maximum is None:
            return ""
        return f"{_number(self.minimum)}〜{_number(self.maximum)}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


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
    options: tuple[Option, ...] = ()

    def option(self, name: str) -> Option | None:
        """The declared option called ``name``, or None."""
        return next((o for o in self.options if o.name == name), None)

    @property
    def default_options(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

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
    options: Iterable[Option] = (),
) -> Callable[[CheckFunc], CheckFunc]:
    """Register the decorated function as the check of ``rule_id`` (with the options a profile may set)."""
    declared = tuple(options)
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
            options=declared,
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


@dataclass(frozen=True)
class CatalogueEntry:
    """One line of the committed id table (``rule_ids.toml``): an id, its subject, how far it has come."""

    id: str
    subject: str
    state: str


@lru_cache(maxsize=1)
def catalogue() -> dict[str, CatalogueEntry]:
    """Every permanent rule id of ``rule_ids.toml``, in the table's order (read once per process).

    ``implemented`` ids must be registered by a rule module; ``catalogued`` ones
    are named in RULES.md and may not be built yet (tests/checker/test_rule_ids.py).
    """
    with ID_TABLE.open("rb") as fh:
        table = tomllib.load(fh)["rules"]
    entries = {}
    for rule_id, row in table.items():
        if row.get("state") not in ID_STATES:
            raise ValueError(f"{ID_TABLE.name}: {rule_id}: unknown state {row.get('state')!r}")
        entries[rule_id] = CatalogueEntry(rule_id, row["subject"], row["state"])
    return entries
