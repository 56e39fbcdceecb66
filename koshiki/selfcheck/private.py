"""Check a staff member's private post against the rules their profile applies to private use.

Imports nothing from Django (like the checker it calls). Which rules apply,
and which clause each cites, is profile data: ``[params.private_use]`` in the
profile TOML lists the ``rules``, the ``section`` of the guideline that covers
private use, ``refs`` for rules whose official-use clause is not the one that
binds private use (京都市: pii.* bind 4(3)ウ for official posts but 5(1)ウ for
private ones), an optional ``note`` shown when no rule applies (川崎市 has no
provision on private use), and ``personal_view_notice``: whether the profile
asks staff to state that their views are their own (with
``personal_view_ref``/``personal_view_title``/``personal_view_phrases``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from koshiki.checker.engine import check
from koshiki.checker.findings import Clause, Finding, Severity, Suggestion
from koshiki.checker.profiles import Profile, load_profile
from koshiki.checker.registry import all_rules

MAX_CHARS = 5000
# Words by which a post identifies its writer as city staff (then a profile may ask for a disclaimer).
_STAFF_CUES = ("職員", "市役所", "役所で働", "役所勤め", "公務員")
_DEFAULT_PHRASES = (
    "個人の見解",
    "個人的な見解",
    "個人の意見",
    "個人的な意見",
    "所属組織とは関係",
    "所属する組織の見解ではありません",
)


@dataclass(frozen=True)
class PrivateUse:
    """What a profile says about private use: rules, their clauses, the section, a note."""

    profile: Profile
    rules: tuple[str, ...]
    section: str
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    note: str = ""
    personal_view_notice: bool = False
    personal_view_ref: str = ""
    personal_view_title: str = ""
    personal_view_phrases: tuple[str, ...] = _DEFAULT_PHRASES


def private_use(profile: str | Profile) -> PrivateUse:
    """The profile's private-use data; ``ValueError`` (Japanese) naming a rule id that does not exist."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    data: dict[str, Any] = dict(prof.param("private_use") or {})
    known = set(all_rules())
    rules = tuple(data.get("rules", ()))
    unknown = [r for r in rules if r not in known]
    if unknown:
        raise ValueError(
            f"プロファイル {prof.id} の private_use.rules に存在しない規則があります: {', '.join(unknown)}"
        )
    refs = {rule: (str(v["ref"]), str(v.get("title", ""))) for rule, v in dict(data.get("refs", {})).items()}
    return PrivateUse(
        profile=prof,
        rules=rules,
        section=str(data.get("section", "")),
        refs=refs,
        note=str(data.get("note", "")),
        personal_view_notice=bool(data.get("personal_view_notice", False)),
        personal_view_ref=str(data.get("personal_view_ref", "")),
        personal_view_title=str(data.get("personal_view_title", "個人の見解であることの明記")),
        personal_view_phrases=tuple(data.get("personal_view_phrases", _DEFAULT_PHRASES)),
    )


def check_private(text: str, profile: str | Profile) -> list[Finding]:
    """Findings of the private-use rules on ``text``, each citing the private-use clause.

    ``ValueError`` (Japanese) when the text is longer than ``MAX_CHARS``. The
    text is neither stored nor logged here; callers must not either.
    """
    if len(text) > MAX_CHARS:
        raise ValueError(f"貼り付けられる文章は{MAX_CHARS:,}字までです（{len(text):,}字あります）")
    use = private_use(profile)
    if not use.rules and not use.personal_view_notice:
        return []
    wanted = set(use.rules)
    findings = []
    for f in check(text, use.profile):
        if f.rule not in wanted:
            continue
        if f.rule in use.refs:
            ref, title = use.refs[f.rule]
            f = replace(f, clause=Clause(use.profile.id, ref, title or f.clause.title))
        findings.append(f)
    if (
        use.personal_view_notice
        and _identifies_as_staff(text)
        and not any(p in text for p in use.personal_view_phrases)
    ):
        findings.append(
            Finding(
                "private.personal_view",
                Severity.WARNING,
                0,
                0,
                "職員であることが分かる投稿ですが、個人の見解であることが書かれていません",
                Clause(use.profile.id, use.personal_view_ref, use.personal_view_title),
                Suggestion("「投稿は個人の見解です」などと明記してください"),
            )
        )
    return findings


def _identifies_as_staff(text: str) -> bool:
    return any(cue in text for cue in _STAFF_CUES)
