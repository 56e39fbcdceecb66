"""Guideline profiles: TOML data binding rules to a city's clauses.

A profile file (``profiles/<id>.toml``) holds:

- ``id``, ``name``, ``municipality``, ``guideline`` (source text), optional
  ``extends`` (another profile id whose data it starts from);
- ``[params]``: the city's facts the rules need (official domains, public
  phone numbers, marketing subject and relation tags, naming pattern, ...);
- ``[rules."<rule id>"]``: ``ref`` and ``title`` of the clause, an optional
  ``severity`` (``error`` / ``warning`` / ``info`` / ``off``) and
  ``options``: only those the rule declares (``@rule(..., options=...)``),
  each checked against its kind and range here; an unset one takes the
  rule's default, so a rule never falls back on a bad value itself;
- ``procedures/<id>.toml`` beside it (optional): the account lifecycle,
  offices and forms, read and validated by the web application; merged over
  the extended profile's procedures like the rest.

Differences between cities live here, never as ``if city == ...`` in code.
Profiles are parsed and validated once per process and cached; a broken file
raises ``ProfileError`` naming the file, the key and the problem.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from koshiki.checker.findings import Clause, Severity
from koshiki.checker.registry import Rule, all_rules

PROFILE_DIR = Path(__file__).with_name("profiles")
_TOP_KEYS = {"id", "name", "municipality", "guideline", "extends", "edition", "params", "rules", "comments"}
_COMMENT_ACTIONS = (
    "none",
    "reply",
    "interim_reply",
    "redirect_to_official_email",
    "hide_or_delete",
    "escalate",
)
_RULE_KEYS = {"ref", "title", "severity", "options"}


class ProfileError(ValueError):
    """A profile is missing or malformed; ``str()`` names file, key and problem."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}")


@dataclass(frozen=True)
class Binding:
    """A rule as one profile applies it: clause, severity override, options."""

    rule_id: str
    clause: Clause
    severity: Severity | None  # None: the rule's own (possibly graded) severity
    enabled: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """A resolved profile: its own data merged over what it extends."""

    id: str
    name: str
    municipality: str
    guideline: str
    path: Path
    extends: str | None
    params: Mapping[str, Any]
    bindings: Mapping[str, Binding]
    procedures: Mapping[str, Any]
    # [comments]: how comments are answered (koshiki.checker.comments), merged per sub-table.
    comments: Mapping[str, Any] = field(default_factory=dict)
    # active() per subject kind, computed once: check() asks for it on every post.
    _active: dict[str, tuple[tuple[Rule, Binding], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def active(self, subject: str = "post") -> list[tuple[Rule, Binding]]:
        """Enabled, non-removed rules for a subject kind, in id order."""
        cached = self._active.get(subject)
        if cached is None:
            rules = all_rules()
            cached = self._active[subject] = tuple(
                (rules[rule_id], binding)
                for rule_id, binding in sorted(self.bindings.items())
                if binding.enabled
                and rules[rule_id].subject == subject
                and rules[rule_id].status != "removed"
            )
        return list(cached)


def available(directory: Path = PROFILE_DIR) -> list[str]:
    """Ids of the profiles shipped in ``directory``."""
    return sorted(p.stem for p in directory.glob("*.toml"))


@lru_cache(maxsize=64)
def load_profile(profile_id: str, directory: Path = PROFILE_DIR) -> Profile:
    """Load, merge and validate a profile (cached: parsed once per process)."""
    return _load(profile_id, directory, ())


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ProfileError(path, "(file)", "プロファイルのファイルがありません") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "(syntax)", f"TOML として読めません: {exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(path, "(encoding)", "UTF-8 として読めません") from None


def _load(profile_id: str, directory: Path, seen: tuple[str, ...]) -> Profile:
    path = directory / f"{profile_id}.toml"
    if not path.exists():
        raise ProfileError(
            path,
            "id",
            f"プロファイル {profile_id!r} はありません（利用可能: {', '.join(available(directory))}）",
        )
    data = _read(path)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ProfileError(path, unknown[0], "不明な項目です")
    if data.get("id") != profile_id:
        raise ProfileError(path, "id", f"ファイル名と一致しません（{data.get('id')!r} != {profile_id!r}）")
    for key in ("name", "municipality"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ProfileError(path, key, "文字列で指定してください")

    parent: Profile | None = None
    extends = data.get("extends")
    if extends is not None:
        if not isinstance(extends, str):
            raise ProfileError(path, "extends", "プロファイル id を文字列で指定してください")
        if extends in seen + (profile_id,):
            raise ProfileError(
                path, "extends", f"継承が循環しています: {' -> '.join(seen + (profile_id, extends))}"
            )
        parent = _load(extends, directory, seen + (profile_id,))

    params = dict(parent.params) if parent else {}
    own_params = data.get("params", {})
    if not isinstance(own_params, dict):
        raise ProfileError(path, "params", "テーブルで指定してください")
    params.update(own_params)

    bindings = dict(parent.bindings) if parent else {}
    rules_table = data.get("rules", {})
    if not isinstance(rules_table, dict):
        raise ProfileError(path, "rules", "テーブルで指定してください")
    known = all_rules()
    for rule_id, spec in rules_table.items():
        key = f'rules."{rule_id}"'
        if rule_id not in known:
            raise ProfileError(path, key, "規則カタログにない規則 id です")
        bindings[rule_id] = _binding(path, key, known[rule_id], spec, profile_id, bindings.get(rule_id))

    comments = _comments(path, data.get("comments", {}), parent.comments if parent else {})

    procedures = dict(parent.procedures) if parent else {}
    proc_path = directory / "procedures" / f"{profile_id}.toml"
    if proc_path.exists():
        procedures.update(_read(proc_path))

    return Profile(
        id=profile_id,
        name=data["name"],
        municipality=data["municipality"],
        guideline=str(data.get("guideline", "")),
        path=path,
        extends=extends,
        params=MappingProxyType(params),
        bindings=MappingProxyType(bindings),
        procedures=MappingProxyType(procedures),
        comments=MappingProxyType(comments),
    )


def _comments(path: Path, own: Any, inherited: Mapping[str, Any]) -> dict[str, Any]:
    """``[comments]`` merged over the extended profile's: scalars replaced, tables merged by key.

    Every action named (``category_actions``, ``replies.<policy>``, ``precedence``)
    must be one of the six actions of RULES.md "Comment rules".
    """
    if not isinstance(own, dict):
        raise ProfileError(path, "comments", "テーブルで指定してください")
    merged: dict[str, Any] = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in inherited.items()}
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            table = dict(merged[key])
            for sub, item in value.items():
                # replies.<policy> and policy_clauses.<rule>: merged one level deeper
                both = isinstance(item, dict) and isinstance(table.get(sub), Mapping)
                table[sub] = {**table[sub], **item} if both else item
            merged[key] = table
        else:
            merged[key] = value
    named: list[tuple[str, Any]] = [
        (f"comments.category_actions.{k}", v) for k, v in merged.get("category_actions", {}).items()
    ]
    for policy, table in merged.get("replies", {}).items():
        if not isinstance(table, dict):
            raise ProfileError(path, f"comments.replies.{policy}", "テーブルで指定してください")
        named += [(f"comments.replies.{policy}.{k}", v) for k, v in table.items()]
    named += [("comments.precedence", v) for v in merged.get("precedence", [])]
    for key, action in named:
        if action not in _COMMENT_ACTIONS:
            raise ProfileError(path, key, f"{' / '.join(_COMMENT_ACTIONS)} のいずれかです（{action!r}）")
    # What an unconfirmed comment category calls for instead of hiding: never hiding itself.
    unconfirmed = merged.get("unconfirmed_action", "escalate")
    if unconfirmed not in _COMMENT_ACTIONS or unconfirmed == "hide_or_delete":
        raise ProfileError(
            path,
            "comments.unconfirmed_action",
            "hide_or_delete 以外の対応（escalate など）を指定してください",
        )
    if merged.get("precedence") and sorted(merged["precedence"]) != sorted(_COMMENT_ACTIONS):
        raise ProfileError(path, "comments.precedence", "6 つの対応をすべて一度ずつ並べてください")
    return merged


def _binding(
    path: Path, key: str, rule: Rule, spec: Any, profile_id: str, inherited: Binding | None
) -> Binding:
    if not isinstance(spec, dict):
        raise ProfileError(path, key, "テーブルで指定してください")
    unknown = sorted(set(spec) - _RULE_KEYS)
    if unknown:
        raise ProfileError(path, f"{key}.{unknown[0]}", "不明な項目です")
    severity_raw = spec.get("severity")
    enabled = True
    severity: Severity | None = inherited.severity if inherited else None
    if severity_raw is not None:
        if severity_raw == "off":
            enabled = False
        else:
            try:
                severity = Severity(severity_raw)
            except ValueError:
                raise ProfileError(
                    path,
                    f"{key}.severity",
                    f"error / warning / info / off のいずれかです（{severity_raw!r}）",
                ) from None
    if enabled and ("ref" not in spec or "title" not in spec):
        raise ProfileError(path, key, "有効な規則には条項の ref と title が必要です")
    for field_name in ("ref", "title"):
        if field_name in spec and not isinstance(spec[field_name], str):
            raise ProfileError(path, f"{key}.{field_name}", "文字列で指定してください")
    options = spec.get("options", {})
    if not isinstance(options, dict):
        raise ProfileError(path, f"{key}.options", "テーブルで指定してください")
    for name, value in options.items():
        declared = rule.option(name)
        if declared is None:
            usable = "、".join(o.name for o in rule.options) or "なし"
            raise ProfileError(
                path, f"{key}.options.{name}", f"この規則にない設定です（使える設定: {usable}）"
            )
        problem = declared.problem(value)
        if problem is not None:
            raise ProfileError(path, f"{key}.options.{name}", problem)
    # Every declared option has a value: the rule's default, then the parent's, then this file's.
    merged_options = {**rule.default_options, **(inherited.options if inherited else {}), **options}
    clause = Clause(profile_id, spec.get("ref", ""), spec.get("title", ""))
    return Binding(rule.id, clause, severity, enabled, MappingProxyType(merged_options))
