"""Each city's account lifecycle, read from its profile's procedures file and validated.

``koshiki/checker/profiles/procedures/<profile>.toml`` holds, per city:

- ``[office]``: the governance office (``name``, ``short_name``, ``head_title``,
  ``list_name``: what the public list of accounts is called);
- ``[committee]`` (optional): the review committee's ``name`` and ``quorum``
  (``"half"``: 半数以上の出席, ``"majority"``: 過半数, or a number of members);
  a step that ``requires = ["committee_decision"]`` runs only from a meeting's
  decision taken with that quorum (``koshiki.committees``);
- ``[documents.<id>]``: the forms (``number`` 「様式1」, ``name``);
- ``[questions.<id>]``: questions a step must have answered (``text``,
  ``clause``), e.g. 狛江市4(2)ア(ア)-(ウ);
- ``[lifecycle]``: ``initial`` state and ``[[lifecycle.steps]]``, each with
  ``id``, ``kind`` (which action runs it), ``label``, ``from`` (states),
  ``to`` (state; omitted = unchanged), ``roles``, ``documents`` (submitted),
  ``issues`` (documents the performer sends back), ``questions``,
  ``reasons`` (``none`` / ``optional`` / ``required``), ``requires``
  (preconditions), ``effects``, ``clause``, ``note``;
- ``[closure]``: ``mode`` (``delete``: delete the account and unlist it;
  ``retain``: keep it and check it every ``check_interval_days``);
- ``[roster]``: ``renewal_month`` (安芸高田市7(7): renewed every April);
- ``[devices]``: ``approver_roles``, ``approver_office``;
- ``[policy]``: ``document_kinds``, ``fields`` and ``required`` of the 様式1 form;
- ``[findings]`` (optional): ``waiver_roles`` (who may let an error-level
  ``account.*`` finding stand, with a recorded reason) and ``waivable`` (the
  rule ids they may waive; none when omitted). A step that ``requires``
  ``no_errors`` is refused while an unwaived error finding remains;
- ``[platforms]`` (optional): ``common`` (platform ids the city already uses
  routinely); a step with ``when = "uncommon_platform"`` applies only to other
  platforms, and the precondition ``external_service`` asks for that step's
  record (京都市4(1)オ: 外部サービス利用申請);
- ``[policy_text]``: the boilerplate (注意事項, 知的財産権, 免責事項, reply and
  hours texts); ``{municipality}`` is replaced by the city's name.

A file extending another profile inherits each top-level table it does not
define (a table it defines replaces the inherited one whole). Every problem is
a ``ProfileError`` naming the file, the key and the problem in Japanese.
States, roles, step kinds, preconditions and effects are fixed vocabularies in
code; which of them a city uses, in what order and by whom, is data.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from koshiki.checker.profiles import (
    PROFILE_DIR,
    ProfileError,
    load_profile,
    procedures_files,
    search_path,
)
from koshiki.org.roles import STEP_ROLES, Role
from koshiki.registry.states import POLICY_FIELDS, PolicyKind, Status

# The action that runs a step of each kind (registry.actions.KIND_ACTIONS).
KINDS: dict[str, str] = {
    "consult": "事前協議・既存アカウントの検討",
    "submit": "申請・提出",
    "approve": "承認",
    "return": "差戻し",
    "withdraw": "取下げ",
    "acquire": "アカウントの取得",
    "request_listing": "一覧掲載の依頼",
    "register": "公式アカウントとしての登録",
    "external_service": "外部サービス利用申請",
    "list": "一覧への掲載",
    "record_url": "登録URLの連絡",
    "file_change": "変更の届出",
    "revise_policy": "運用ポリシーの改訂",
    "change_responsible": "責任者の変更",
    "renew_roster": "名簿の更新",
    "annual_review": "年度末の効果測定",
    "suspend": "休止",
    "resume": "再開",
    "close": "停止・廃止",
    "check": "停止中アカウントの状態確認",
}

# What must hold before a step may run; the action checks each with a Japanese message.
PRECONDITIONS: dict[str, str] = {
    "policy": "運用ポリシーが作成されていること",
    "internal_rule": "アカウント運用ルールが作成されていること",
    "url": "登録URLが記録されていること",
    "handle": "ID（ユーザー名）が記録されていること",
    "genre": "掲載ジャンルが選ばれていること",
    "responsible": "責任者が定められていること",
    "roster": "運用者名簿に1名以上登録されていること",
    "devices_approved": "利用端末が登録され、すべて承認されていること",
    "mfa": "多要素認証が設定されていること",
    "committee_decision": "委員会の会議で定足数を満たして行った議決",
    "no_errors": "アカウントのチェックでエラーの指摘が残っていないこと（容認されたものを除く）",
    "external_service": "外部サービス利用申請が行われていること（一般的に利用しているソーシャルメディア以外）",
}
# When a step applies at all (``when``); absent: always.
CONDITIONS: dict[str, str] = {
    "uncommon_platform": "一般的に利用しているソーシャルメディア以外を開設するとき",
}
# Preconditions an app above the registry checks (``registry.hooks``); refused when none is installed.
EXTERNAL_PRECONDITIONS = frozenset({"committee_decision"})
QUORUM_WORDS = {"half": "委員の半数以上の出席", "majority": "委員の過半数の出席"}

# What a step does besides moving the state.
EFFECTS: dict[str, str] = {
    "register": "公式アカウントとして登録する",
    "list": "公式アカウント一覧に掲載する",
    "unlist": "公式アカウント一覧から削除する",
    "delete_account": "アカウントを削除したことを記録する",
    "schedule_check": "次回の状態確認期限を設定する",
    "renew_roster": "名簿の更新日を記録する",
    "record_review": "効果測定の実施日を記録する",
    "waive": "手続の省略を記録する",
    "redirect_followers": "フォロワーの誘導先（市広報アカウント）を記録する",
}

REASONS = ("none", "optional", "required")
CLOSURE_MODES = ("delete", "retain")
_TOP_KEYS = {
    "office",
    "committee",
    "documents",
    "questions",
    "lifecycle",
    "closure",
    "roster",
    "devices",
    "policy",
    "policy_text",
    "findings",
    "platforms",
    # Post procedures (approval chain, scopes, corrections, campaigns): read and
    # validated by koshiki.posts.procedures, not here.
    "posts",
    # The duty calendar's city choices (daily checks): read by koshiki.duties.definitions.
    "duties",
    # Comment procedures (moderation review, reply exceptions, interim replies, follows):
    # read and validated by koshiki.comments.procedures.
    "comments",
}
_STEP_KEYS = {
    "id",
    "kind",
    "label",
    "from",
    "to",
    "roles",
    "documents",
    "issues",
    "questions",
    "reasons",
    "requires",
    "effects",
    "clause",
    "note",
    "when",
}
_POLICY_TEXT_KEYS = {
    "notes",
    "ip_rights",
    "disclaimer",
    "reply_none",
    "reply_as_needed",
    "operating_hours",
    "remarks_outside_operator",
    "other",
    "follow_policy",
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
STATUS_VALUES = frozenset(s.value for s in Status)


@dataclass(frozen=True)
class Document:
    """A form a step submits or issues (「様式2 京都市ソーシャルメディア一覧掲載依頼書」)."""

    id: str
    number: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}" if self.number else self.name


@dataclass(frozen=True)
class Question:
    """A question a step must have answered (狛江市4(2)ア(ア)-(ウ), 安芸高田市7(1))."""

    id: str
    text: str
    clause: str = ""


@dataclass(frozen=True)
class Step:
    """One transition of the lifecycle as a city's guideline prescribes it."""

    id: str
    kind: str
    label: str
    from_states: tuple[str, ...]
    to_state: str | None
    roles: tuple[str, ...]
    documents: tuple[Document, ...] = ()
    issues: tuple[Document, ...] = ()
    questions: tuple[Question, ...] = ()
    reasons: str = "none"
    requires: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    clause: str = ""
    note: str = ""
    when: str = ""

    def target(self, current: str) -> str:
        """The state after the step (``to``, or unchanged)."""
        return self.to_state or current

    @property
    def role_labels(self) -> str:
        return "・".join(Role(r).label for r in self.roles)


@dataclass(frozen=True)
class Office:
    name: str
    short_name: str
    head_title: str
    list_name: str


@dataclass(frozen=True)
class Procedures:
    """A city's validated procedures: offices, forms, steps, closure, roster, policy form."""

    profile_id: str
    office: Office
    committee_name: str
    documents: Mapping[str, Document]
    questions: Mapping[str, Question]
    initial: str
    steps: tuple[Step, ...]
    closure_mode: str
    check_interval_days: int
    roster_renewal_month: int | None
    device_approver_roles: tuple[str, ...]
    device_approver_office: str
    policy_kinds: tuple[str, ...]
    policy_fields: tuple[str, ...]
    policy_required: tuple[str, ...]
    policy_text: Mapping[str, str] = field(default_factory=dict)
    committee_quorum: str | int = "half"
    finding_waiver_roles: tuple[str, ...] = ()
    finding_waivable: tuple[str, ...] = ()
    common_platforms: tuple[str, ...] = ()

    def applies(self, step: Step, platform: str) -> bool:
        """Does the step apply to an account on ``platform`` (its ``when`` condition)?"""
        if step.when == "uncommon_platform":
            return platform not in self.common_platforms
        return True

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def steps_from(self, status: str) -> list[Step]:
        """Steps that may start from ``status``, in file order."""
        return [s for s in self.steps if status in s.from_states]

    def steps_of_kind(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    @property
    def used_states(self) -> list[str]:
        """Every state the lifecycle can reach, in the vocabulary's order."""
        seen = {self.initial}
        for s in self.steps:
            seen.update(s.from_states)
            if s.to_state:
                seen.add(s.to_state)
        return [v for v in STATUS_VALUES_ORDERED if v in seen]

    def list_name(self, municipality: str) -> str:
        """The public list's name with the city filled in (「みなと市ソーシャルメディア一覧」)."""
        return self.office.list_name.replace("{municipality}", municipality)

    def boilerplate(self, key: str, municipality: str, **values: str) -> str:
        """A policy_text entry with ``{municipality}`` (and ``{company}`` …) filled in."""
        text = self.policy_text.get(key, "")
        text = text.replace("{municipality}", municipality)
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text.strip()


STATUS_VALUES_ORDERED = [s.value for s in Status]


def procedures_path(profile_id: str, directory: Path = PROFILE_DIR) -> Path:
    return directory / "procedures" / f"{profile_id}.toml"


def load_procedures(profile_id: str, directory: Path | None = None) -> Procedures:
    """The validated procedures of a profile (cached per process and search path).

    Reads the profile (and what it extends) through ``load_profile`` along the
    search path (an installation's ``procedures/<id>.toml`` included), checks
    each procedures file's own keys, then the merged result.
    """
    return _load_procedures(profile_id, search_path() if directory is None else (Path(directory),))


@lru_cache(maxsize=32)
def _load_procedures(profile_id: str, dirs: tuple[Path, ...]) -> Procedures:
    profile = load_profile(profile_id, dirs)
    files = procedures_files(profile)
    if not files:
        raise ProfileError(procedures_path(profile_id, dirs[-1]), "(file)", "手続のファイルがありません")
    raw: dict[Path, dict[str, Any]] = {}
    for path in files:
        raw[path] = _read(path)
        unknown = sorted(set(raw[path]) - _TOP_KEYS)
        if unknown:
            raise ProfileError(
                path, unknown[0], f"不明な項目です（使える項目: {', '.join(sorted(_TOP_KEYS))}）"
            )

    def source(key: str) -> Path:
        for path in files:
            if key in raw[path]:
                return path
        return files[0]

    return parse_procedures(dict(profile.procedures), profile_id=profile_id, source=source)


def load_procedures_file(path: Path, profile_id: str | None = None) -> Procedures:
    """Validate one self-contained procedures file (used by tests and tooling)."""
    data = _read(path)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ProfileError(path, unknown[0], f"不明な項目です（使える項目: {', '.join(sorted(_TOP_KEYS))}）")
    return parse_procedures(data, profile_id=profile_id or path.stem, source=lambda _key: path)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ProfileError(path, "(file)", "手続のファイルがありません") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "(syntax)", f"TOML として読めません: {exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(path, "(encoding)", "UTF-8 として読めません") from None


class _Checker:
    """Typed getters that raise ``ProfileError`` naming the file and the dotted key."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source(key.split(".", 1)[0].split("[", 1)[0]), key, problem)

    def table(self, data: Mapping[str, Any], key: str, path: str, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(path, "必須の項目がありません")
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "テーブルで指定してください")
        return value

    def text(
        self, data: Mapping[str, Any], key: str, path: str, required: bool = True, default: str = ""
    ) -> str:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(path, "必須の項目がありません")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(path, "空でない文字列で指定してください")
        return value

    def strings(self, data: Mapping[str, Any], key: str, path: str, allowed: Any = None) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, "文字列の配列で指定してください")
        if allowed is not None:
            for v in value:
                if v not in allowed:
                    choices = ", ".join(sorted(allowed))
                    raise self.fail(path, f"「{v}」は使えません（使える値: {choices}）")
        if len(set(value)) != len(value):
            raise self.fail(path, "同じ値が重複しています")
        return tuple(value)


def parse_procedures(data: Mapping[str, Any], *, profile_id: str, source: Any) -> Procedures:
    """Validate merged procedures data; ``source(top_key)`` names the file a key came from."""
    c = _Checker(source)
    office_t = c.table(data, "office", "office")
    office = Office(
        name=c.text(office_t, "name", "office.name"),
        short_name=c.text(office_t, "short_name", "office.short_name", required=False)
        or c.text(office_t, "name", "office.name"),
        head_title=c.text(office_t, "head_title", "office.head_title", required=False),
        list_name=c.text(
            office_t, "list_name", "office.list_name", required=False, default="公式アカウント一覧"
        ),
    )
    committee_t = c.table(data, "committee", "committee", required=False)
    committee_name = c.text(committee_t, "name", "committee.name") if committee_t else ""
    unknown = sorted(set(committee_t) - {"name", "quorum"})
    if unknown:
        raise c.fail(f"committee.{unknown[0]}", "不明な項目です（使える項目: name, quorum）")
    quorum = committee_t.get("quorum", "half")
    if not (
        quorum in QUORUM_WORDS or (isinstance(quorum, int) and not isinstance(quorum, bool) and quorum >= 1)
    ):
        raise c.fail(
            "committee.quorum", "half（半数以上）、majority（過半数）か1以上の人数で指定してください"
        )

    documents: dict[str, Document] = {}
    for doc_id, spec in c.table(data, "documents", "documents").items():
        key = f"documents.{doc_id}"
        if not _ID.match(doc_id):
            raise c.fail(key, "id は英小文字・数字・_ で書いてください")
        if not isinstance(spec, dict):
            raise c.fail(key, "テーブルで指定してください")
        unknown = sorted(set(spec) - {"number", "name"})
        if unknown:
            raise c.fail(f"{key}.{unknown[0]}", "不明な項目です")
        documents[doc_id] = Document(
            doc_id,
            c.text(spec, "number", f"{key}.number", required=False),
            c.text(spec, "name", f"{key}.name"),
        )

    questions: dict[str, Question] = {}
    for q_id, spec in c.table(data, "questions", "questions", required=False).items():
        key = f"questions.{q_id}"
        if not _ID.match(q_id):
            raise c.fail(key, "id は英小文字・数字・_ で書いてください")
        if not isinstance(spec, dict):
            raise c.fail(key, "テーブルで指定してください")
        questions[q_id] = Question(
            q_id, c.text(spec, "text", f"{key}.text"), c.text(spec, "clause", f"{key}.clause", required=False)
        )

    lifecycle = c.table(data, "lifecycle", "lifecycle")
    unknown = sorted(set(lifecycle) - {"initial", "steps"})
    if unknown:
        raise c.fail(f"lifecycle.{unknown[0]}", "不明な項目です")
    initial = c.text(lifecycle, "initial", "lifecycle.initial")
    if initial not in STATUS_VALUES:
        raise c.fail("lifecycle.initial", f"「{initial}」は状態の一覧にありません")
    raw_steps = lifecycle.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise c.fail("lifecycle.steps", "[[lifecycle.steps]] を1つ以上書いてください")
    steps: list[Step] = []
    for index, spec in enumerate(raw_steps):
        steps.append(_step(c, spec, index, documents, questions))
    ids = [s.id for s in steps]
    for i, sid in enumerate(ids):
        if sid in ids[:i]:
            raise c.fail(f"lifecycle.steps[{i}].id", f"手順 id「{sid}」が重複しています")
    for i, s in enumerate(steps):
        if "committee_decision" in s.requires and not committee_t:
            raise c.fail(
                f"lifecycle.steps[{i}].requires", "委員会の議決を求める手順には [committee] が必要です"
            )

    # Every state a step starts from must be reachable from the initial state.
    reachable = {initial}
    changed = True
    while changed:
        changed = False
        for s in steps:
            if s.to_state and s.to_state not in reachable and reachable.intersection(s.from_states):
                reachable.add(s.to_state)
                changed = True
    for i, s in enumerate(steps):
        for state in s.from_states:
            if state not in reachable:
                raise c.fail(
                    f"lifecycle.steps[{i}].from",
                    f"手順「{s.id}」の開始状態「{state}」には、初期状態「{initial}」からどの手順でも到達できません",
                )

    closure = c.table(data, "closure", "closure")
    mode = c.text(closure, "mode", "closure.mode")
    if mode not in CLOSURE_MODES:
        raise c.fail("closure.mode", f"delete（削除）か retain（保全）で指定してください（{mode!r}）")
    interval = closure.get("check_interval_days", 0)
    if not isinstance(interval, int) or interval < 0:
        raise c.fail("closure.check_interval_days", "0以上の整数で指定してください")
    effects_used = {e for s in steps for e in s.effects}
    if mode == "delete" and "delete_account" not in effects_used:
        raise c.fail("closure.mode", "delete なのに、effects に delete_account を持つ手順がありません")
    if mode == "retain":
        if interval <= 0:
            raise c.fail("closure.check_interval_days", "retain（保全）では定期確認の間隔（日数）が必要です")
        if "schedule_check" not in effects_used:
            raise c.fail("closure.mode", "retain なのに、effects に schedule_check を持つ手順がありません")
        if "delete_account" in effects_used:
            raise c.fail("closure.mode", "retain（削除しない）なのに、delete_account を持つ手順があります")

    roster = c.table(data, "roster", "roster", required=False)
    renewal = roster.get("renewal_month")
    if renewal is not None and (not isinstance(renewal, int) or not 1 <= renewal <= 12):
        raise c.fail("roster.renewal_month", "1から12の整数で指定してください")

    devices = c.table(data, "devices", "devices", required=False)
    approver_roles = c.strings(devices, "approver_roles", "devices.approver_roles", STEP_ROLES) or (
        Role.SECTION_HEAD.value,
    )
    approver_office = c.text(devices, "approver_office", "devices.approver_office", required=False)

    policy = c.table(data, "policy", "policy")
    kinds = c.strings(policy, "document_kinds", "policy.document_kinds", {k.value for k in PolicyKind}) or (
        PolicyKind.PUBLIC.value,
    )
    fields = c.strings(policy, "fields", "policy.fields", POLICY_FIELDS)
    if not fields:
        raise c.fail("policy.fields", "様式1の項目を1つ以上指定してください")
    required = c.strings(policy, "required", "policy.required", set(fields))

    policy_text_t = c.table(data, "policy_text", "policy_text")
    policy_text: dict[str, str] = {}
    for key, value in policy_text_t.items():
        if key not in _POLICY_TEXT_KEYS:
            raise c.fail(
                f"policy_text.{key}", f"不明な項目です（使える項目: {', '.join(sorted(_POLICY_TEXT_KEYS))}）"
            )
        if not isinstance(value, str):
            raise c.fail(f"policy_text.{key}", "文字列で指定してください")
        policy_text[key] = value
    for key in ("notes", "ip_rights", "disclaimer"):
        # Only a form that has the field needs its text (安芸高田市7(2): the 運用指針 is 任意様式).
        if key in fields and not policy_text.get(key, "").strip():
            raise c.fail(
                f"policy_text.{key}", "運用ポリシーの定型文（注意事項・知的財産権・免責事項）は必須です"
            )

    findings_t = c.table(data, "findings", "findings", required=False)
    unknown = sorted(set(findings_t) - {"waiver_roles", "waivable"})
    if unknown:
        raise c.fail(f"findings.{unknown[0]}", "不明な項目です（使える項目: waiver_roles, waivable）")
    waiver_roles = c.strings(findings_t, "waiver_roles", "findings.waiver_roles", STEP_ROLES)
    waivable = c.strings(findings_t, "waivable", "findings.waivable")
    for rule_id in waivable:
        if not rule_id.startswith("account."):
            raise c.fail("findings.waivable", f"「{rule_id}」はアカウント規則（account.*）ではありません")
    if waivable and not waiver_roles:
        raise c.fail("findings.waiver_roles", "容認できる指摘があるのに、容認する役割がありません")
    platforms_t = c.table(data, "platforms", "platforms", required=False)
    common = c.strings(platforms_t, "common", "platforms.common")
    if any(s.when == "uncommon_platform" for s in steps) and not common:
        raise c.fail(
            "platforms.common",
            'when = "uncommon_platform" の手順があるのに、一般的なソーシャルメディアの一覧がありません',
        )

    return Procedures(
        finding_waiver_roles=waiver_roles,
        finding_waivable=waivable,
        common_platforms=common,
        profile_id=profile_id,
        office=office,
        committee_name=committee_name,
        documents=documents,
        questions=questions,
        initial=initial,
        steps=tuple(steps),
        closure_mode=mode,
        check_interval_days=interval,
        roster_renewal_month=renewal,
        device_approver_roles=approver_roles,
        device_approver_office=approver_office,
        policy_kinds=kinds,
        policy_fields=fields,
        policy_required=required,
        policy_text=policy_text,
        committee_quorum=quorum,
    )


def _step(
    c: _Checker, spec: Any, index: int, documents: Mapping[str, Document], questions: Mapping[str, Question]
) -> Step:
    key = f"lifecycle.steps[{index}]"
    if not isinstance(spec, dict):
        raise c.fail(key, "テーブルで指定してください")
    unknown = sorted(set(spec) - _STEP_KEYS)
    if unknown:
        raise c.fail(f"{key}.{unknown[0]}", f"不明な項目です（使える項目: {', '.join(sorted(_STEP_KEYS))}）")
    step_id = c.text(spec, "id", f"{key}.id")
    if not _ID.match(step_id):
        raise c.fail(f"{key}.id", "id は英小文字・数字・_ で書いてください")
    kind = c.text(spec, "kind", f"{key}.kind")
    if kind not in KINDS:
        raise c.fail(f"{key}.kind", f"「{kind}」は手順の種類にありません（使える値: {', '.join(KINDS)}）")
    from_states = c.strings(spec, "from", f"{key}.from", STATUS_VALUES)
    if not from_states:
        raise c.fail(f"{key}.from", "開始状態を1つ以上指定してください")
    to_state = spec.get("to")
    if to_state is not None and (not isinstance(to_state, str) or to_state not in STATUS_VALUES):
        raise c.fail(f"{key}.to", f"「{to_state}」は状態の一覧にありません")
    roles = c.strings(spec, "roles", f"{key}.roles", {r.value for r in STEP_ROLES})
    if not roles:
        raise c.fail(f"{key}.roles", "この手順を行う役割を1つ以上指定してください")
    reasons = c.text(spec, "reasons", f"{key}.reasons", required=False, default="none")
    if reasons not in REASONS:
        raise c.fail(f"{key}.reasons", "none / optional / required のいずれかで指定してください")
    if kind in ("return", "suspend") and reasons != "required":
        raise c.fail(f"{key}.reasons", f"{KINDS[kind]}の手順は理由を必須（required）にしてください")
    effects = c.strings(spec, "effects", f"{key}.effects", EFFECTS)
    if "waive" in effects and reasons != "required":
        raise c.fail(f"{key}.reasons", "手続を省略する手順は理由を必須（required）にしてください")
    when = c.text(spec, "when", f"{key}.when", required=False)
    if when and when not in CONDITIONS:
        raise c.fail(f"{key}.when", f"「{when}」は使えません（使える値: {', '.join(CONDITIONS)}）")
    return Step(
        when=when,
        id=step_id,
        kind=kind,
        label=c.text(spec, "label", f"{key}.label"),
        from_states=from_states,
        to_state=to_state,
        roles=roles,
        documents=tuple(documents[d] for d in c.strings(spec, "documents", f"{key}.documents", documents)),
        issues=tuple(documents[d] for d in c.strings(spec, "issues", f"{key}.issues", documents)),
        questions=tuple(questions[q] for q in c.strings(spec, "questions", f"{key}.questions", questions)),
        reasons=reasons,
        requires=c.strings(spec, "requires", f"{key}.requires", PRECONDITIONS),
        effects=effects,
        clause=c.text(spec, "clause", f"{key}.clause", required=False),
        note=c.text(spec, "note", f"{key}.note", required=False),
    )
