"""Incident playbooks as profile data: ``koshiki/checker/profiles/playbooks/<profile>.toml``.

A playbook says, per kind of incident (炎上, なりすまし, 乗っ取り, …), the steps
to take: who may take each (roles), who is told when it is done (``notify``,
in the order the steps run), how fast (``due_minutes`` from the opening),
what must come first (``after``; default: the step before), and what a step
needs (``evidence``: a saved record; ``requires``: the impersonation linked
or its public notice published) or does (``effect = "freeze"``). A city's file
replaces whole kinds of the file its profile ``extends`` (standard holds every
kind), so a kind the guideline is silent on keeps the common steps.

Loaded once per process and validated: a broken file raises ``ProfileError``
naming the file, the dotted key and the problem, in Japanese.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from koshiki.checker.profiles import PROFILE_DIR, ProfileError, load_profile
from koshiki.incidents.states import Kind
from koshiki.org.roles import STEP_ROLES

PLAYBOOK_DIR = PROFILE_DIR / "playbooks"
ROLE_IDS = frozenset(r.value for r in STEP_ROLES)
REQUIRES = frozenset({"impersonation", "notice"})
EFFECTS = frozenset({"freeze"})
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PLAYBOOK_KEYS = {
    "guideline",
    "freeze_roles",
    "freeze_clause",
    "freeze_all_roles",
    "second_person",
    "second_person_clause",
    "close_roles",
    "impersonation_notice",
}
_STEP_KEYS = {
    "id",
    "title",
    "clause",
    "roles",
    "due_minutes",
    "after",
    "notify",
    "evidence",
    "requires",
    "effect",
    "optional",
}


@dataclass(frozen=True)
class PlaybookStep:
    """One step of a kind's playbook."""

    id: str
    title: str
    clause: str
    roles: tuple[str, ...]
    due_minutes: int | None
    after: tuple[str, ...]
    notify: tuple[str, ...]
    evidence: bool = False
    requires: str = ""
    effect: str = ""
    optional: bool = False


@dataclass(frozen=True)
class KindPlaybook:
    """The steps for one kind of incident, with the clause they come from."""

    kind: str
    clause: str
    steps: tuple[PlaybookStep, ...]
    source: str

    def step(self, step_id: str) -> PlaybookStep:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def label(self) -> str:
        return Kind(self.kind).label


@dataclass(frozen=True)
class Playbook:
    """A profile's incident handling: settings and one ``KindPlaybook`` per kind."""

    profile_id: str
    guideline: str
    freeze_roles: tuple[str, ...]
    freeze_clause: str
    freeze_all_roles: tuple[str, ...]
    second_person: bool
    second_person_clause: str
    close_roles: tuple[str, ...]
    impersonation_notice: str
    kinds: Mapping[str, KindPlaybook]

    def kind(self, kind: str) -> KindPlaybook:
        return self.kinds[kind]


def playbook_path(profile_id: str, directory: Path = PLAYBOOK_DIR) -> Path:
    return directory / f"{profile_id}.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "(syntax)", f"TOML として読めません: {exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(path, "(encoding)", "UTF-8 として読めません") from None


def _strings(path: Path, key: str, value: Any, allowed: frozenset[str] | None = None) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(path, key, "文字列の配列で指定してください")
    for v in value:
        if allowed is not None and v not in allowed:
            raise ProfileError(path, key, f"「{v}」は使えません（使える値: {', '.join(sorted(allowed))}）")
    if len(set(value)) != len(value):
        raise ProfileError(path, key, "同じ値が重複しています")
    return tuple(value)


def _text(path: Path, key: str, value: Any, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ProfileError(path, key, "空でない文字列で指定してください")
    return value.strip()


def _parse_kind(path: Path, kind: str, spec: Any) -> KindPlaybook:
    key = f"kinds.{kind}"
    if kind not in Kind.values:
        raise ProfileError(path, key, f"不明な事案の種類です（使える値: {', '.join(Kind.values)}）")
    if not isinstance(spec, dict):
        raise ProfileError(path, key, "テーブルで指定してください")
    unknown = sorted(set(spec) - {"clause", "steps"})
    if unknown:
        raise ProfileError(path, f"{key}.{unknown[0]}", "不明な項目です")
    raw_steps = spec.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ProfileError(path, f"{key}.steps", "手順を1つ以上書いてください")
    steps: list[PlaybookStep] = []
    seen: set[str] = set()
    for index, s in enumerate(raw_steps):
        sk = f"{key}.steps[{index}]"
        if not isinstance(s, dict):
            raise ProfileError(path, sk, "テーブルで指定してください")
        unknown = sorted(set(s) - _STEP_KEYS)
        if unknown:
            raise ProfileError(
                path, f"{sk}.{unknown[0]}", f"不明な項目です（使える項目: {', '.join(sorted(_STEP_KEYS))}）"
            )
        step_id = _text(path, f"{sk}.id", s.get("id"))
        if not _ID.match(step_id):
            raise ProfileError(path, f"{sk}.id", "id は英小文字・数字・_ で書いてください")
        if step_id in seen:
            raise ProfileError(path, f"{sk}.id", f"手順「{step_id}」が重複しています")
        roles = _strings(path, f"{sk}.roles", s.get("roles", []), ROLE_IDS)
        if not roles:
            raise ProfileError(path, f"{sk}.roles", "手順を行う役割を1つ以上書いてください")
        due = s.get("due_minutes")
        if due is not None and (not isinstance(due, int) or isinstance(due, bool) or due <= 0):
            raise ProfileError(path, f"{sk}.due_minutes", "1以上の整数（分）で指定してください")
        default_after = [steps[-1].id] if steps else []
        after = _strings(path, f"{sk}.after", s.get("after", default_after))
        for a in after:
            if a not in seen:
                raise ProfileError(path, f"{sk}.after", f"「{a}」はこの手順より前にありません")
        requires = _text(path, f"{sk}.requires", s.get("requires"), required=False)
        if requires and requires not in REQUIRES:
            raise ProfileError(
                path,
                f"{sk}.requires",
                f"「{requires}」は使えません（使える値: {', '.join(sorted(REQUIRES))}）",
            )
        effect = _text(path, f"{sk}.effect", s.get("effect"), required=False)
        if effect and effect not in EFFECTS:
            raise ProfileError(
                path, f"{sk}.effect", f"「{effect}」は使えません（使える値: {', '.join(sorted(EFFECTS))}）"
            )
        for flag in ("evidence", "optional"):
            if not isinstance(s.get(flag, False), bool):
                raise ProfileError(path, f"{sk}.{flag}", "true か false で指定してください")
        steps.append(
            PlaybookStep(
                id=step_id,
                title=_text(path, f"{sk}.title", s.get("title")),
                clause=_text(path, f"{sk}.clause", s.get("clause")),
                roles=roles,
                due_minutes=due,
                after=after,
                notify=_strings(path, f"{sk}.notify", s.get("notify", []), ROLE_IDS),
                evidence=bool(s.get("evidence", False)),
                requires=requires,
                effect=effect,
                optional=bool(s.get("optional", False)),
            )
        )
        seen.add(step_id)
    return KindPlaybook(kind, _text(path, f"{key}.clause", spec.get("clause")), tuple(steps), str(path))


def _chain(profile_id: str) -> list[str]:
    """The profile and what it extends, nearest first."""
    chain: list[str] = []
    current: str | None = profile_id
    while current is not None and current not in chain:
        chain.append(current)
        current = load_profile(current).extends
    return chain


@lru_cache(maxsize=32)
def load_playbook(profile_id: str, directory: Path = PLAYBOOK_DIR) -> Playbook:
    """The validated playbook of a profile (cached per process); every kind must be covered."""
    files = [playbook_path(p, directory) for p in reversed(_chain(profile_id))]
    files = [f for f in files if f.exists()]
    if not files:
        raise ProfileError(
            playbook_path(profile_id, directory), "(file)", "事案対応の手順のファイルがありません"
        )
    settings: dict[str, tuple[Path, Any]] = {}
    kinds: dict[str, KindPlaybook] = {}
    for path in files:  # the base first; nearer files override
        data = _read(path)
        unknown = sorted(set(data) - {"playbook", "kinds"})
        if unknown:
            raise ProfileError(path, unknown[0], "不明な項目です（使える項目: kinds, playbook）")
        head = data.get("playbook", {})
        if not isinstance(head, dict):
            raise ProfileError(path, "playbook", "テーブルで指定してください")
        for k, v in head.items():
            if k not in _PLAYBOOK_KEYS:
                raise ProfileError(
                    path,
                    f"playbook.{k}",
                    f"不明な項目です（使える項目: {', '.join(sorted(_PLAYBOOK_KEYS))}）",
                )
            settings[k] = (path, v)
        raw_kinds = data.get("kinds", {})
        if not isinstance(raw_kinds, dict):
            raise ProfileError(path, "kinds", "テーブルで指定してください")
        for kind, spec in raw_kinds.items():
            kinds[kind] = _parse_kind(path, kind, spec)
    last = files[-1]

    def get(key: str, default: Any) -> tuple[Path, Any]:
        return settings.get(key, (last, default))

    def strings(key: str, default: list[str]) -> tuple[str, ...]:
        p, v = get(key, default)
        return _strings(p, f"playbook.{key}", v, ROLE_IDS)

    def text(key: str, required: bool = True) -> str:
        p, v = get(key, None)
        return _text(p, f"playbook.{key}", v, required)

    second_path, second = get("second_person", False)
    if not isinstance(second, bool):
        raise ProfileError(second_path, "playbook.second_person", "true か false で指定してください")
    second_clause = text("second_person_clause", required=False)
    if second and not second_clause:
        raise ProfileError(
            second_path, "playbook.second_person_clause", "二人目を求める根拠の条項を書いてください"
        )
    playbook = Playbook(
        profile_id=profile_id,
        guideline=text("guideline"),
        freeze_roles=strings("freeze_roles", ["governance_office", "section_head"]),
        freeze_clause=text("freeze_clause"),
        freeze_all_roles=strings("freeze_all_roles", ["governance_office"]),
        second_person=second,
        second_person_clause=second_clause,
        close_roles=strings("close_roles", ["section_head", "governance_office"]),
        impersonation_notice=text("impersonation_notice"),
        kinds=kinds,
    )
    missing = [k for k in Kind.values if k not in kinds]
    if missing:
        raise ProfileError(last, f"kinds.{missing[0]}", "この種類の事案の手順がありません")
    return playbook
