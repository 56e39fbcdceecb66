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

Profiles are looked up along a search path: the installation directory named
by ``KOSHIKI_PROFILE_DIR`` (or ``--profile-dir``), then the built-in
``profiles/``. A file in the installation directory is an *override*: it may
``extends`` a built-in profile, even one of its own id (``kyoto.toml`` with
``extends = "kyoto"`` changes Kyoto's values in place), and it may omit
``name``/``municipality``. Its ``[params]`` are checked against the built-in
profiles' params (an unknown key or a value of another type is refused), and
its ``procedures/<id>.toml`` is merged table by table over the extended one,
so overriding ``[office] name`` keeps the office's other keys.

Differences between cities live here, never as ``if city == ...`` in code.
Profiles are parsed and validated once per process and cached; a broken file
raises ``ProfileError`` naming the file, the key and the problem.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from koshiki.checker.findings import Clause, Severity
from koshiki.checker.registry import Rule, all_rules

PROFILE_DIR = Path(__file__).with_name("profiles")
# The installation's own profiles (a city's settings outside the package, issue 9 item 5).
PROFILE_DIR_ENV = "KOSHIKI_PROFILE_DIR"
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
    # The resolved profile this one extends (None for a root): walking it never re-reads a file
    # and cannot loop when an installation's kyoto.toml extends the built-in kyoto.
    parent: Profile | None = field(default=None, repr=False, compare=False)
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


def search_path(installation: str | Path | None = None) -> tuple[Path, ...]:
    """Where profiles are looked up, first match wins: the installation directory, then the built-ins.

    ``installation`` (the CLI's ``--profile-dir``) takes the place of the
    ``KOSHIKI_PROFILE_DIR`` environment variable; a named directory that does
    not exist is an error (a typo must not silently fall back on Kyoto's numbers).
    """
    named = installation if installation is not None else os.environ.get(PROFILE_DIR_ENV, "")
    if not str(named).strip():
        return (PROFILE_DIR,)
    directory = Path(named).expanduser()
    if not directory.is_dir():
        raise ProfileError(directory, PROFILE_DIR_ENV, "プロファイルのディレクトリがありません")
    if directory.resolve() == PROFILE_DIR.resolve():
        return (PROFILE_DIR,)
    return (directory, PROFILE_DIR)


def _dirs(directory: Path | Sequence[Path] | None) -> tuple[Path, ...]:
    if directory is None:
        return search_path()
    if isinstance(directory, Path | str):
        return (Path(directory),)
    return tuple(Path(d) for d in directory)


def available(directory: Path | Sequence[Path] | None = None) -> list[str]:
    """Ids of the profiles found along ``directory`` (default: the search path)."""
    return sorted({p.stem for d in _dirs(directory) for p in d.glob("*.toml")})


def load_profile(profile_id: str, directory: Path | Sequence[Path] | None = None) -> Profile:
    """Load, merge and validate a profile along the search path (cached: parsed once per process).

    ``directory``: one directory or a search path; default ``search_path()``
    (the installation directory, then the built-ins).
    """
    return _load_cached(profile_id, _dirs(directory))


@lru_cache(maxsize=64)
def _load_cached(profile_id: str, dirs: tuple[Path, ...]) -> Profile:
    return _load(profile_id, dirs, ())


def clear_cache() -> None:
    """Forget every parsed profile (tests that write an installation directory call it)."""
    _load_cached.cache_clear()
    _builtin_params.cache_clear()


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


def _find(profile_id: str, dirs: tuple[Path, ...], start: int) -> tuple[int, Path]:
    """(index in ``dirs``, path) of the first ``<id>.toml`` from ``dirs[start]`` on."""
    for index in range(start, len(dirs)):
        path = dirs[index] / f"{profile_id}.toml"
        if path.exists():
            return index, path
    names = ", ".join(available(dirs))
    missing = (dirs[start] if start < len(dirs) else dirs[-1]) / f"{profile_id}.toml"
    raise ProfileError(missing, "id", f"プロファイル {profile_id!r} はありません（利用可能: {names}）")


def _is_override(path: Path) -> bool:
    """A file outside the package: an installation's layer over the built-in profiles."""
    return path.parent.resolve() != PROFILE_DIR.resolve()


def _load(profile_id: str, dirs: tuple[Path, ...], seen: tuple[str, ...], start: int = 0) -> Profile:
    index, path = _find(profile_id, dirs, start)
    data = _read(path)
    override = _is_override(path)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ProfileError(path, unknown[0], "不明な項目です")
    if data.get("id") != profile_id:
        raise ProfileError(path, "id", f"ファイル名と一致しません（{data.get('id')!r} != {profile_id!r}）")

    parent: Profile | None = None
    extends = data.get("extends")
    if extends is not None:
        if not isinstance(extends, str):
            raise ProfileError(path, "extends", "プロファイル id を文字列で指定してください")
        here = f"{profile_id}@{index}"
        if extends == profile_id:
            # An override of the same id layers over the next file of that id down the search path.
            if not any((d / f"{profile_id}.toml").exists() for d in dirs[index + 1 :]):
                raise ProfileError(path, "extends", f"継承が循環しています: {profile_id} -> {profile_id}")
            parent = _load(extends, dirs, seen + (here,), index + 1)
        elif any(s.split("@")[0] == extends for s in seen + (here,)):
            chain = [s.split("@")[0] for s in seen] + [profile_id, extends]
            raise ProfileError(path, "extends", f"継承が循環しています: {' -> '.join(chain)}")
        else:
            parent = _load(extends, dirs, seen + (here,))
    for key in ("name", "municipality"):
        if key not in data and override and parent is not None:
            continue  # an override inherits the extended profile's name
        if not isinstance(data.get(key), str) or not data[key]:
            raise ProfileError(path, key, "文字列で指定してください")

    params = dict(parent.params) if parent else {}
    own_params = data.get("params", {})
    if not isinstance(own_params, dict):
        raise ProfileError(path, "params", "テーブルで指定してください")
    if override:
        for key, value in own_params.items():
            problem = param_problem(key, value, params)
            if problem is not None:
                raise ProfileError(path, f"params.{key}", problem)
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
    proc_path = path.parent / "procedures" / f"{profile_id}.toml"
    if proc_path.exists():
        own_procedures = _read(proc_path)
        if override:
            # An installation's procedures change single values (an office's name, a deadline):
            # merged table by table, so the rest of the built-in table stays.
            procedures = _deep_merge(procedures, own_procedures)
        else:
            procedures.update(own_procedures)

    return Profile(
        id=profile_id,
        name=data.get("name") or (parent.name if parent else ""),
        municipality=data.get("municipality") or (parent.municipality if parent else ""),
        guideline=str(data.get("guideline", parent.guideline if parent else "")),
        path=path,
        extends=extends,
        params=MappingProxyType(params),
        bindings=MappingProxyType(bindings),
        procedures=MappingProxyType(procedures),
        comments=MappingProxyType(comments),
        parent=parent,
    )


def lineage(profile: Profile) -> list[Profile]:
    """The profile and every profile it extends, nearest first."""
    chain: list[Profile] = []
    current: Profile | None = profile
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


def procedures_files(profile: Profile) -> list[Path]:
    """The procedures files (``procedures/<id>.toml`` beside each profile file) merged into it, nearest first."""
    files = [p.path.parent / "procedures" / f"{p.id}.toml" for p in lineage(profile)]
    return [f for f in files if f.exists()]


def _deep_merge(base: Mapping[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """``layer`` over ``base``: tables merged key by key, anything else (arrays too) replaced."""
    merged = dict(base)
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# ---- the params schema, derived from the built-in profiles --------------------------------------

_KIND_LABELS = {
    "bool": "真偽値（true / false）",
    "int": "整数",
    "number": "数値",
    "str": "文字列",
    "list[str]": "文字列の配列",
    "list[int]": "整数の配列",
    "list": "配列",
    "table": "テーブル",
}


def value_kind(value: Any) -> str:
    """The schema kind of a TOML value: bool, int, number, str, list[str], list[int], list or table."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, Mapping):
        return "table"
    if isinstance(value, list | tuple):
        kinds = {value_kind(v) for v in value}
        return f"list[{kinds.pop()}]" if len(kinds) == 1 and kinds <= {"str", "int"} else "list"
    return type(value).__name__


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind)


@lru_cache(maxsize=1)
def _builtin_params() -> dict[str, str]:
    """Every ``[params]`` key of the built-in profiles and its kind (the schema an override is held to)."""
    kinds: dict[str, str] = {}
    for path in sorted(PROFILE_DIR.glob("*.toml")):
        for key, value in _read(path).get("params", {}).items():
            # An empty array in one profile says nothing about its items: a later one may.
            if kinds.get(key) in (None, "list"):
                kinds[key] = value_kind(value)
    return kinds


# Params a rule reads that no built-in profile sets (koshiki.checker.rules.account.naming).
_DECLARED_PARAMS = {"account_naming_pattern": "str"}


def param_kind(key: str) -> str | None:
    """The kind the built-in profiles give ``params.<key>``; None for a key no profile knows."""
    return _builtin_params().get(key) or _DECLARED_PARAMS.get(key)


def param_problem(key: str, value: Any, inherited: Mapping[str, Any]) -> str | None:
    """Why ``value`` cannot stand for ``params.<key>`` (Japanese), or None when it can."""
    expected = param_kind(key)
    if expected is None and key in inherited:
        expected = value_kind(inherited[key])
    if expected is None:
        return "不明な項目です（組み込みのプロファイルにないパラメータです）"
    actual = value_kind(value)
    if actual == expected:
        return _value_problem(key, value)
    if expected == "number" and actual == "int":
        return None
    if expected.startswith("list") and actual == "list" and not value:
        return None  # an empty array fits every array kind
    if expected == "list" and actual.startswith("list"):
        return None
    return f"{kind_label(expected)}で指定してください（{kind_label(actual)}が指定されています）"


def _value_problem(key: str, value: Any) -> str | None:
    """Checks beyond the kind, for values a rule would otherwise fail on at check time."""
    if key == "account_naming_pattern" and value:
        try:
            re.compile(value)
        except re.error as exc:
            return f"正規表現として読めません（{exc}）"
    return None


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
