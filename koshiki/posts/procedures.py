"""Each city's post procedures, read from the ``[posts]`` table of its procedures file and validated.

``koshiki/checker/profiles/procedures/<profile>.toml`` holds, besides the
account lifecycle (``registry.lifecycle``), a ``[posts]`` table:

- ``posting_states``: the account states in which posts may be approved and
  published (安芸高田市7(5)「登録を行った後に運用開始」: ``["registered",
  "listed"]``); default: opened, awaiting listing, registered, listed;
- ``company_manager_approves`` (bool) and ``company_manager_clause``: the
  contractor's or designated manager's 業務の責任者 (their 運用管理者 on the
  account's roster who holds the company role for that account) may decide the
  section head's step of the chain (石巻市3(1)イ(ウ)a「所属長等（委託業者、
  指定管理者の場合は業務の責任者等を含む）」);
- ``approval_chain``: the roles that approve a draft, in order (京都市4(1)イ(ウ)a:
  ``["section_head"]``); ``approval_clause``, ``approver_label``;
- ``office_hours``: the operating hours used when the account's policy states
  none that can be read (「月曜日から金曜日までの8時45分から17時30分まで」);
  ``year_end_break`` (``["12-29", "01-03"]``), ``holidays_closed`` (bool),
  ``hours_clause``;
- ``scope_clause`` and ``[[posts.scopes]]`` (``id``, ``label``, ``clause``): the
  kinds of content a section head may pre-approve (京都市4(1)イ(ウ)b(a)-(d));
- ``[posts.second_check]``: ``mode`` (``required`` / ``when_possible`` /
  ``none``) and ``clause`` (京都市4(1)イ(ウ)c 「可能な限り、複数の職員で」);
- ``[posts.report]``: ``deadline_days`` for the section head to confirm a post
  made under a scope, ``clause``, ``label``;
- ``[posts.correction]``: ``handlings`` allowed (``correct``,
  ``delete_and_repost``, ``fix_and_apologise``; the first is the default),
  ``clause``, ``must_include`` (words a correction must contain, e.g. an
  apology), ``template`` (the correction draft's first text; ``{date}``);
- ``[posts.campaign]``: ``enabled``, ``clause``, ``platforms_note``,
  ``rules`` (paragraphs of the written instruction), ``correct_examples``,
  ``incorrect_examples``, ``sentence_examples``; ``{subject}`` stands for the
  campaign's subject (「京都市」, or an 実行委員会 name: 京都市6(2)).

A file extending another profile inherits ``[posts]`` whole unless it defines
its own. Every problem is a ``ProfileError`` naming the file, the key and the
problem in Japanese.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from koshiki.checker.profiles import Profile, ProfileError, load_profile, procedures_files, search_path
from koshiki.org.roles import STEP_ROLES, Role
from koshiki.posts.hours import parse_operating_hours
from koshiki.registry.states import Status

HANDLINGS: dict[str, str] = {
    "correct": "誤りを認めて訂正を投稿する（元の投稿は削除しない）",
    "delete_and_repost": "元の投稿を削除し、訂正した内容を改めて投稿する",
    "fix_and_apologise": "問題となった部分を修正し、謝罪する",
}
SECOND_CHECK_MODES: dict[str, str] = {
    "required": "必ず別の職員が確認する",
    "when_possible": "可能な限り別の職員が確認する（できないときは理由を記録）",
    "none": "定めなし",
}
# Where no profile says otherwise: the account exists on the platform and is not suspended.
DEFAULT_POSTING_STATES = (
    Status.ACQUIRED.value,
    Status.LISTING_REQUESTED.value,
    Status.REGISTERED.value,
    Status.LISTED.value,
)
APPROVER_ROLES = frozenset(r.value for r in STEP_ROLES) - {Role.OPERATOR.value}

_POSTS_KEYS = {
    "posting_states",
    "company_manager_approves",
    "company_manager_clause",
    "approval_chain",
    "approval_clause",
    "approver_label",
    "office_hours",
    "year_end_break",
    "holidays_closed",
    "hours_clause",
    "scope_clause",
    "scopes",
    "second_check",
    "report",
    "correction",
    "campaign",
}
_CAMPAIGN_KEYS = {
    "enabled",
    "clause",
    "platforms_note",
    "rules",
    "correct_examples",
    "incorrect_examples",
    "sentence_examples",
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Scope:
    """A kind of content a section head may pre-approve (京都市4(1)イ(ウ)b(a))."""

    id: str
    label: str
    clause: str = ""


@dataclass(frozen=True)
class CampaignRules:
    """What the written instruction to a paid third party says (京都市6(1), 石巻市5)."""

    enabled: bool
    clause: str = ""
    platforms_note: str = ""
    rules: tuple[str, ...] = ()
    correct_examples: tuple[str, ...] = ()
    incorrect_examples: tuple[str, ...] = ()
    sentence_examples: tuple[str, ...] = ()

    def filled(self, items: tuple[str, ...], subject: str) -> list[str]:
        """``items`` with ``{subject}`` replaced by the campaign's subject."""
        return [item.replace("{subject}", subject) for item in items]


@dataclass(frozen=True)
class PostProcedures:
    """A city's validated post procedures."""

    profile_id: str
    approval_chain: tuple[str, ...]
    approval_clause: str
    approver_label: str
    office_hours: str
    year_end_break: tuple[tuple[int, int], tuple[int, int]] | None
    holidays_closed: bool
    hours_clause: str
    scope_clause: str
    scopes: tuple[Scope, ...]
    second_check_mode: str
    second_check_clause: str
    report_deadline_days: int
    report_clause: str
    report_label: str
    correction_handlings: tuple[str, ...]
    correction_clause: str
    correction_must_include: tuple[str, ...]
    correction_template: str
    campaign: CampaignRules
    posting_states: tuple[str, ...] = DEFAULT_POSTING_STATES
    company_manager_approves: bool = False
    company_manager_clause: str = ""

    def scope(self, scope_id: str) -> Scope:
        for s in self.scopes:
            if s.id == scope_id:
                return s
        raise KeyError(scope_id)

    @property
    def scope_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.scopes)

    @property
    def default_handling(self) -> str:
        return self.correction_handlings[0]

    @property
    def chain_labels(self) -> str:
        return " → ".join(Role(r).label for r in self.approval_chain)


def _source(profile: Profile) -> Path:
    """The procedures file that defines ``[posts]`` for this profile (own file first, then parents)."""
    files = procedures_files(profile)
    for path in files:
        with path.open("rb") as fh:
            if "posts" in tomllib.load(fh):
                return path
    return files[0] if files else profile.path.parent / "procedures" / f"{profile.id}.toml"


def load_post_procedures(profile_id: str, directory: Path | None = None) -> PostProcedures:
    """The validated ``[posts]`` procedures of a profile (cached per process and search path).

    Raises ``ProfileError`` naming the procedures file and the dotted key.
    """
    return _load_post_procedures(profile_id, search_path() if directory is None else (Path(directory),))


@lru_cache(maxsize=32)
def _load_post_procedures(profile_id: str, dirs: tuple[Path, ...]) -> PostProcedures:
    profile = load_profile(profile_id, dirs)
    data = profile.procedures.get("posts")
    path = _source(profile)
    if data is None:
        raise ProfileError(path, "posts", "投稿の手続（[posts]）がありません")
    return parse_post_procedures(data, profile_id=profile_id, path=path)


def parse_post_procedures(data: Any, *, profile_id: str, path: Path | str) -> PostProcedures:
    """Validate one ``[posts]`` table."""

    def fail(key: str, problem: str) -> ProfileError:
        return ProfileError(path, f"posts.{key}" if key else "posts", problem)

    def table(parent: Mapping[str, Any], key: str, dotted: str) -> dict[str, Any]:
        value = parent.get(key, {})
        if not isinstance(value, dict):
            raise fail(dotted, "テーブルで指定してください")
        return value

    def text(parent: Mapping[str, Any], key: str, dotted: str, required: bool = False) -> str:
        value = parent.get(key, "")
        if not isinstance(value, str):
            raise fail(dotted, "文字列で指定してください")
        if required and not value.strip():
            raise fail(dotted, "必須の項目です（空でない文字列で指定してください）")
        return value.strip()

    def strings(parent: Mapping[str, Any], key: str, dotted: str) -> tuple[str, ...]:
        value = parent.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(dotted, "空でない文字列の配列で指定してください")
        return tuple(v.strip() for v in value)

    if not isinstance(data, dict):
        raise fail("", "テーブルで指定してください")
    unknown = sorted(set(data) - _POSTS_KEYS)
    if unknown:
        raise fail(unknown[0], f"不明な項目です（使える項目: {', '.join(sorted(_POSTS_KEYS))}）")

    chain = strings(data, "approval_chain", "approval_chain")
    if not chain:
        raise fail("approval_chain", "承認する役割を1つ以上指定してください")
    for role in chain:
        if role not in APPROVER_ROLES:
            raise fail(
                "approval_chain",
                f"「{role}」は承認者の役割に使えません（使える値: {', '.join(sorted(APPROVER_ROLES))}）",
            )
    if len(set(chain)) != len(chain):
        raise fail("approval_chain", "同じ役割が重複しています")

    year_end: tuple[tuple[int, int], tuple[int, int]] | None = None
    raw_break = strings(data, "year_end_break", "year_end_break")
    if raw_break:
        if len(raw_break) != 2:
            raise fail("year_end_break", '["12-29", "01-03"] のように開始日と終了日の2つを指定してください')
        parsed = []
        for item in raw_break:
            m = _MONTH_DAY.match(item)
            if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
                raise fail("year_end_break", f"「{item}」は MM-DD 形式の日付ではありません")
            parsed.append((int(m[1]), int(m[2])))
        year_end = (parsed[0], parsed[1])
    holidays = data.get("holidays_closed", True)
    if not isinstance(holidays, bool):
        raise fail("holidays_closed", "true か false で指定してください")

    office_hours = text(data, "office_hours", "office_hours")
    if office_hours and parse_operating_hours(office_hours) is None:
        raise fail(
            "office_hours",
            f"運用時間として読めません（例:「月曜日から金曜日までの8時45分から17時30分まで」）: {office_hours}",
        )

    raw_scopes = data.get("scopes", [])
    if not isinstance(raw_scopes, list):
        raise fail("scopes", "[[posts.scopes]] の配列で指定してください")
    scopes: list[Scope] = []
    for i, spec in enumerate(raw_scopes):
        key = f"scopes[{i}]"
        if not isinstance(spec, dict):
            raise fail(key, "テーブルで指定してください")
        extra = sorted(set(spec) - {"id", "label", "clause"})
        if extra:
            raise fail(f"{key}.{extra[0]}", "不明な項目です（使える項目: id, label, clause）")
        scope_id = text(spec, "id", f"{key}.id", required=True)
        if not _ID.match(scope_id):
            raise fail(f"{key}.id", "id は英小文字・数字・_ で書いてください")
        if scope_id in {s.id for s in scopes}:
            raise fail(f"{key}.id", f"範囲 id「{scope_id}」が重複しています")
        scopes.append(
            Scope(
                scope_id,
                text(spec, "label", f"{key}.label", required=True),
                text(spec, "clause", f"{key}.clause"),
            )
        )

    second = table(data, "second_check", "second_check")
    extra = sorted(set(second) - {"mode", "clause"})
    if extra:
        raise fail(f"second_check.{extra[0]}", "不明な項目です（使える項目: mode, clause）")
    mode = text(second, "mode", "second_check.mode") or "none"
    if mode not in SECOND_CHECK_MODES:
        raise fail(
            "second_check.mode", f"required / when_possible / none のいずれかで指定してください（{mode!r}）"
        )
    if mode != "none" and not scopes:
        raise fail(
            "second_check.mode", "事前承認の範囲（[[posts.scopes]]）がないのに、複数確認が指定されています"
        )

    report = table(data, "report", "report")
    extra = sorted(set(report) - {"deadline_days", "clause", "label"})
    if extra:
        raise fail(f"report.{extra[0]}", "不明な項目です（使える項目: deadline_days, clause, label）")
    deadline = report.get("deadline_days", 3)
    if not isinstance(deadline, int) or isinstance(deadline, bool) or not 1 <= deadline <= 60:
        raise fail("report.deadline_days", "1から60までの整数（日数）で指定してください")

    correction = table(data, "correction", "correction")
    extra = sorted(set(correction) - {"handlings", "clause", "must_include", "template"})
    if extra:
        raise fail(
            f"correction.{extra[0]}",
            "不明な項目です（使える項目: handlings, clause, must_include, template）",
        )
    handlings = strings(correction, "handlings", "correction.handlings")
    if not handlings:
        raise fail("correction.handlings", "誤りの対応方法を1つ以上指定してください")
    for h in handlings:
        if h not in HANDLINGS:
            raise fail("correction.handlings", f"「{h}」は使えません（使える値: {', '.join(HANDLINGS)}）")
    if len(set(handlings)) != len(handlings):
        raise fail("correction.handlings", "同じ値が重複しています")

    campaign_t = table(data, "campaign", "campaign")
    extra = sorted(set(campaign_t) - _CAMPAIGN_KEYS)
    if extra:
        raise fail(
            f"campaign.{extra[0]}", f"不明な項目です（使える項目: {', '.join(sorted(_CAMPAIGN_KEYS))}）"
        )
    enabled = campaign_t.get("enabled", False)
    if not isinstance(enabled, bool):
        raise fail("campaign.enabled", "true か false で指定してください")
    campaign = CampaignRules(
        enabled=enabled,
        clause=text(campaign_t, "clause", "campaign.clause", required=enabled),
        platforms_note=text(campaign_t, "platforms_note", "campaign.platforms_note"),
        rules=strings(campaign_t, "rules", "campaign.rules"),
        correct_examples=strings(campaign_t, "correct_examples", "campaign.correct_examples"),
        incorrect_examples=strings(campaign_t, "incorrect_examples", "campaign.incorrect_examples"),
        sentence_examples=strings(campaign_t, "sentence_examples", "campaign.sentence_examples"),
    )
    if enabled and not (campaign.rules and campaign.correct_examples):
        raise fail(
            "campaign.rules",
            "第三者への依頼を有効にするときは、指示する内容（rules）と正しい例（correct_examples）が必要です",
        )

    posting = strings(data, "posting_states", "posting_states") or DEFAULT_POSTING_STATES
    for state in posting:
        if state not in Status.values:
            raise fail("posting_states", f"「{state}」は状態の一覧にありません")
    company = data.get("company_manager_approves", False)
    if not isinstance(company, bool):
        raise fail("company_manager_approves", "true か false で指定してください")

    return PostProcedures(
        posting_states=tuple(posting),
        company_manager_approves=company,
        company_manager_clause=text(
            data, "company_manager_clause", "company_manager_clause", required=company
        ),
        profile_id=profile_id,
        approval_chain=chain,
        approval_clause=text(data, "approval_clause", "approval_clause", required=True),
        approver_label=text(data, "approver_label", "approver_label") or Role(chain[0]).label,
        office_hours=office_hours,
        year_end_break=year_end,
        holidays_closed=holidays,
        hours_clause=text(data, "hours_clause", "hours_clause"),
        scope_clause=text(data, "scope_clause", "scope_clause", required=bool(scopes)),
        scopes=tuple(scopes),
        second_check_mode=mode,
        second_check_clause=text(second, "clause", "second_check.clause", required=mode != "none"),
        report_deadline_days=deadline,
        report_clause=text(report, "clause", "report.clause", required=bool(scopes)),
        report_label=text(report, "label", "report.label") or "所属長への報告",
        correction_handlings=handlings,
        correction_clause=text(correction, "clause", "correction.clause", required=True),
        correction_must_include=strings(correction, "must_include", "correction.must_include"),
        correction_template=text(correction, "template", "correction.template"),
        campaign=campaign,
    )
