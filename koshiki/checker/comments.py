"""Citizens' comments on an official account: findings by the published policy, and an action.

``check_comment(text, profile, context)`` classifies one comment into the ten
``comment.*`` categories of the policy forms' 注意事項 (1)-(10) (RULES.md
"Comment rules"), each finding citing the profile's guideline clause and the
account's published 運用ポリシー clause (``context["policy_clauses"]``, else the
profile's default numbering), and suggests one action: ``none``, ``reply``,
``interim_reply``, ``redirect_to_official_email``, ``hide_or_delete`` or
``escalate``.

How a comment is judged:

1. the comment model (``semantic/models/comments.npz``, built from
   ``benchmarks/comments/c1.jsonl`` and ``c3.jsonl`` by the shared semantic
   machinery) gives a probability per category, per intent (question, pending
   question, proposal, urgent) and for two guards (a legitimate comment; harsh
   but civil criticism of city policy);
2. hand rules (``comment_cues``) add evidence where form matters: links to pirate
   or adult sites, phone numbers and addresses, spam shapes, words of danger;
3. the decision parameters in ``rules/comment/thresholds.toml`` (chosen by
   cross-validation grouped by writer, under the constraint that no legitimate
   comment of the training data is suggested for hiding) turn both into
   categories and intents; a category is suggested for hiding only when a hand
   rule's cue confirms the model, else a person decides (``escalate``);
4. the action comes from the profile's ``[comments]`` data: what each category
   calls for, what each intent calls for under the account's reply policy
   (``context["reply_policy"]``, else the profile's default), never from code
   that names a city.

Cost: ~0.1-0.3 ms per comment (one model scoring and a few patterns), so a batch
runs at several thousand comments per second on one core.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from koshiki.checker.comment_cues import POST_RULE_EVIDENCE, cues
from koshiki.checker.context import ContextError
from koshiki.checker.findings import Clause, Finding, Hit, Severity
from koshiki.checker.profiles import Profile, load_profile
from koshiki.checker.text import Text

CATEGORIES = (
    "comment.law_violation",
    "comment.defamation",
    "comment.politics_religion",
    "comment.ip_infringement",
    "comment.commercial",
    "comment.discrimination",
    "comment.public_order",
    "comment.false_info",
    "comment.privacy",
    "comment.other",
)
INTENTS = ("intent.question", "intent.pending", "intent.proposal")
ACTIONS = ("none", "reply", "interim_reply", "redirect_to_official_email", "hide_or_delete", "escalate")
MODEL = "comments"
THRESHOLDS = Path(__file__).resolve().parent / "rules" / "comment" / "thresholds.toml"
_CONTEXT_KEYS = {"post_text", "platform", "reply_policy", "policy_clauses", "posted_at"}


@dataclass(frozen=True)
class PolicyClause:
    """A clause of the account's published 運用ポリシー (the second citation of a finding)."""

    ref: str
    title: str
    version: int | str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "title": self.title, "version": self.version}


@dataclass(frozen=True)
class CommentContext:
    """What a caller may tell the checker about a comment besides its text.

    - ``post_text``: the official post the comment answers (shown in messages);
    - ``platform``: where it was posted (x, facebook, ...), informational;
    - ``reply_policy``: the account's published reply policy, a key of the
      profile's ``[comments.replies]`` table (``none``, ``as_needed``, ...);
      empty: the profile's default;
    - ``policy_clauses``: rule id -> ``{"ref", "title", "version"}``, the clauses
      of the account's published policy in the version in force when the
      comment was posted.
    """

    post_text: str = ""
    platform: str = ""
    reply_policy: str = ""
    policy_clauses: Mapping[str, PolicyClause] = field(default_factory=dict)
    posted_at: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CommentContext:
        """Parse and validate a JSON context object (``ContextError``, Japanese, on bad input)."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ContextError("context はオブジェクトで指定してください")
        unknown = sorted(set(data) - _CONTEXT_KEYS)
        if unknown:
            raise ContextError(f"context に不明な項目があります: {', '.join(unknown)}")
        for key in ("post_text", "platform", "reply_policy", "posted_at"):
            if not isinstance(data.get(key, ""), str):
                raise ContextError(f"{key} は文字列で指定してください")
        raw = data.get("policy_clauses", {})
        if not isinstance(raw, Mapping):
            raise ContextError("policy_clauses は規則 id をキーとするオブジェクトで指定してください")
        clauses: dict[str, PolicyClause] = {}
        for rule_id, spec in raw.items():
            if rule_id not in CATEGORIES:
                raise ContextError(f"policy_clauses に不明な規則 id があります: {rule_id}")
            if not isinstance(spec, Mapping) or not isinstance(spec.get("ref"), str):
                raise ContextError(f"policy_clauses の {rule_id} には ref（文字列）が必要です")
            version = spec.get("version")
            if version is not None and not isinstance(version, (int, str)) or isinstance(version, bool):
                raise ContextError(f"policy_clauses の {rule_id} の version は整数か文字列で指定してください")
            clauses[rule_id] = PolicyClause(spec["ref"], str(spec.get("title", "")), version)
        return cls(
            post_text=data.get("post_text", ""),
            platform=data.get("platform", ""),
            reply_policy=data.get("reply_policy", ""),
            policy_clauses=clauses,
            posted_at=data.get("posted_at", ""),
        )


@dataclass(frozen=True)
class Judgement:
    """What the classifier concluded about one comment (before the profile applies)."""

    categories: tuple[str, ...]
    intent: str  # "intent.urgent", one of INTENTS, or "" (nothing to answer)
    probs: Mapping[str, float]
    cues: Mapping[str, str]
    # The categories confirmed enough to suggest hiding: a hand rule's cue plus the model
    # (probability >= hide_cue_min), or the model alone >= hide_min (searched on
    # writer-grouped CV with a 0.1 margin; 1.01 in the shipped thresholds.toml: never). Any
    # other category calls for a person (unconfirmed_action).
    confirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommentResult:
    """Findings and the suggested action for one comment."""

    findings: list[Finding]
    action: str
    action_basis: Clause | None
    judgement: Judgement

    def as_dict(self, profile_id: str) -> dict[str, Any]:
        """The JSON report shared by the CLI and ``POST /api/check`` (subject comment)."""
        return comment_report_dict(profile_id, self)


def comment_report_dict(profile_id: str, result: CommentResult) -> dict[str, Any]:
    """``{"profile", "subject", "findings", "action", "action_basis"}``: one shape for CLI and API."""
    return {
        "profile": profile_id,
        "subject": "comment",
        "findings": [f.as_dict() for f in result.findings],
        "action": result.action,
        "action_basis": result.action_basis.as_dict() if result.action_basis else None,
    }


@lru_cache(maxsize=1)
def decision_params() -> dict[str, Any]:
    """The decision parameters chosen by grouped cross-validation (``thresholds.toml``)."""
    with THRESHOLDS.open("rb") as fh:
        return tomllib.load(fh)


def evidence(text: str, profile: Profile) -> dict[str, str]:
    """Cues of a comment: the comment patterns, plus post rules' findings mapped to categories.

    The post rules run under the same profile (its public phone numbers and official
    domains are not a private person's) with their own word lists and patterns only:
    the post screen is trained on official posts, and the comment model already reads
    the meaning. ~0.2-0.4 ms per comment.
    """
    from koshiki.checker.context import CheckContext
    from koshiki.checker.engine import Env
    from koshiki.checker.semantic import disabled

    subject = Text(text)
    found = cues(subject.norm)
    ctx = CheckContext()
    with disabled():
        for rule, binding in profile.active("post"):
            category = POST_RULE_EVIDENCE.get(rule.id)
            if category is None or category in found:
                continue
            for hit in rule.func(subject, Env(profile, ctx, binding.options)):
                start, end = subject.to_original(hit.start, hit.end)
                found[category] = text[start:end]
                break
    return found


def score_comments(texts: list[str]) -> list[dict[str, float] | None]:
    """The model's scores of many comments in one call (batch mode: ~10x less numpy overhead).

    ``None`` for every text when the model file is absent (``check_comment`` then
    falls back to scoring alone, which also finds no model: cues only).
    """
    from koshiki.checker.semantic.model import ModelError, load_model

    try:
        model = load_model(MODEL)
    except ModelError:
        return [None] * len(texts)
    rows = model.predict([Text(t).norm for t in texts]) if texts else []
    return [{label: float(p) for label, p in zip(model.labels, row, strict=True)} for row in rows]


def _model_probs(norm: str) -> dict[str, float]:
    from koshiki.checker.semantic.model import ModelError, load_model

    try:
        model = load_model(MODEL)
    except ModelError:
        return {}
    row = model.predict([norm])[0]
    return {label: float(p) for label, p in zip(model.labels, row, strict=True)}


def judge(
    norm: str,
    probs: Mapping[str, float] | None = None,
    params: Mapping[str, Any] | None = None,
    found: Mapping[str, str] | None = None,
) -> Judgement:
    """Categories and intent of a normalised comment from model probabilities and cues.

    ``probs`` and ``params`` may be given (the tuning step passes out-of-fold
    probabilities and candidate parameters); by default the shipped model and
    ``thresholds.toml`` are used.
    """
    p = dict(probs) if probs is not None else _model_probs(norm)
    prm = params if params is not None else decision_params()
    found = cues(norm) if found is None else found
    bonus = float(prm["cue_bonus"])
    legit = p.get("guard.legit", 0.5)
    critic = p.get("guard.criticism", 0.0)

    def score(label: str) -> float:
        return p.get(label, 0.0) + (bonus if label in found else 0.0)

    cats: list[str] = []
    # The criticism guard silences the model's own categories; a hand rule's cue (未成年でもビール)
    # is a sign of its own and has a gate of its own (cue_criticism_max), so a comment that
    # sounds like a complaint and boasts of a crime is still found.
    model_may = critic < float(prm["criticism_max"])
    cue_may = critic < float(prm.get("cue_criticism_max", prm["criticism_max"]))
    limits = prm.get("category", {})
    base = float(prm["category_min"])
    for c in CATEGORIES:
        by_model = (
            model_may and legit < float(prm["legit_max"]) and p.get(c, 0.0) >= float(limits.get(c, base))
        )
        # A hand rule's cue stands on less model evidence, but never against a clear "legitimate".
        by_cue = (
            cue_may
            and c in found
            and legit < float(prm["cue_legit_max"])
            and p.get(c, 0.0) >= float(prm["cue_min"])
        )
        if by_model or by_cue:
            cats.append(c)
    if model_may and not cats and legit < float(prm["fallback_legit_max"]):
        best = max(CATEGORIES, key=score)
        if score(best) >= float(prm["fallback_min"]):
            cats = [best]
    # Hiding silences a citizen: it needs two independent signs (RULES.md "Comment rules":
    # harsh but civil criticism is never a finding), else a person looks first.
    hide_min = float(prm.get("hide_min", 0.0))
    hide_cue_min = float(prm.get("hide_cue_min", 0.0))
    confirmed = tuple(
        c for c in cats if p.get(c, 0.0) >= hide_min or (c in found and p.get(c, 0.0) >= hide_cue_min)
    )
    intent = ""
    if score("intent.urgent") >= float(prm["urgent_min"]):
        intent = "intent.urgent"
    else:
        best_intent = max(INTENTS, key=score)
        if score(best_intent) >= float(prm["intent_min"]):
            intent = best_intent
    return Judgement(tuple(cats), intent, p, found, confirmed)


# ---------------------------------------------------------------- profile data


def comment_policy(profile: Profile) -> Mapping[str, Any]:
    """The profile's ``[comments]`` table (already merged over what it extends)."""
    return profile.comments


def suggest_action(
    profile: Profile, judgement: Judgement, reply_policy: str = ""
) -> tuple[str, Clause | None]:
    """The suggested action and the clause it rests on, from the profile's data alone.

    Order (``[comments] precedence``): an urgent intent when the profile escalates
    it, then the categories found (each category's action from
    ``[comments.category_actions]``, the first in ``precedence`` wins), then the
    intent under the reply policy (``[comments.replies.<policy>]``). A category whose
    action would be ``hide_or_delete`` but that the judgement did not confirm
    (``Judgement.confirmed``) calls for ``[comments] unconfirmed_action`` instead
    (``escalate``: a person reads it before anyone hides it), unless another of its
    categories is confirmed for hiding (then the comment is hidden on that one).
    """
    data = comment_policy(profile)
    precedence: list[str] = list(data.get("precedence", ACTIONS[::-1]))
    candidates: list[tuple[str, str]] = []  # (action, key of its basis)
    cat_actions = data.get("category_actions", {})
    unconfirmed = data.get("unconfirmed_action", "escalate")
    actions = {
        c: cat_actions.get(c, cat_actions.get("default", "hide_or_delete")) for c in judgement.categories
    }
    # One confirmed reason to hide is enough to hide: a second, unconfirmed category of the
    # same comment (spam that also reads as 'other') does not send it to a person.
    hiding = any(a == "hide_or_delete" and c in judgement.confirmed for c, a in actions.items())
    for c, action in actions.items():
        if action == "hide_or_delete" and c not in judgement.confirmed and not hiding:
            action = unconfirmed  # not sure enough to silence a citizen: a person decides
        candidates.append((action, c))
    policy = reply_policy or data.get("reply_policy", "as_needed")
    replies = data.get("replies", {})
    if policy not in replies:
        raise ContextError(
            f"reply_policy {policy!r} はプロファイル {profile.id} にありません（{' / '.join(sorted(replies))}）"
        )
    table = replies[policy]
    key = judgement.intent.removeprefix("intent.") if judgement.intent else "other"
    candidates.append((table.get(key, table.get("other", "none")), f"{policy}.{key}"))
    action, basis_key = min(candidates, key=lambda a: precedence.index(a[0]))
    basis = data.get("action_basis", {}).get(action)
    clause = Clause(profile.id, basis["ref"], basis["title"]) if basis else None
    return action, clause


def _policy_clause(profile: Profile, rule_id: str, ctx: CommentContext) -> PolicyClause | None:
    given = ctx.policy_clauses.get(rule_id)
    if given is not None:
        return given
    default = comment_policy(profile).get("policy_clauses", {}).get(rule_id)
    if default is None:
        return None
    return PolicyClause(default["ref"], default["title"], default.get("version"))


@dataclass
class CommentSubject:
    """What a ``comment.*`` rule sees: the comment, its judgement and context."""

    text: Text
    judgement: Judgement
    context: CommentContext


def check_comment(
    text: str,
    profile: str | Profile = "standard",
    context: CommentContext | Mapping[str, Any] | None = None,
    *,
    probs: Mapping[str, float] | None = None,
) -> CommentResult:
    """Classify one comment under a profile: findings (two citations each) and an action.

    ``ContextError`` (Japanese, one line) on a malformed context or an unknown
    reply policy; ``ProfileError`` on an unknown profile. Never raises on any ``str``.
    ``probs`` (the model's scores of this comment, from ``score_comments``) lets a
    batch score all its comments in one model call.
    """
    from koshiki.checker.engine import Env, sort_findings

    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    ctx = context if isinstance(context, CommentContext) else CommentContext.from_dict(context)
    subject = Text(text)
    judgement = judge(subject.norm, probs, found=evidence(text, prof))
    comment = CommentSubject(subject, judgement, ctx)
    findings: list[Finding] = []
    kept: list[str] = []
    for rule, binding in prof.active("comment"):
        env = Env(prof, None, binding.options)  # type: ignore[arg-type]
        for hit in rule.func(comment, env):
            start, end = subject.to_original(hit.start, hit.end)
            severity = binding.severity or hit.severity or rule.default_severity
            findings.append(
                Finding(
                    rule.id, severity, start, end, hit.message, binding.clause, hit.suggestion,
                    policy=_policy_clause(prof, rule.id, ctx),
                )
            )  # fmt: skip
            kept.append(rule.id)
    # A category the profile switched off is no finding and calls for no action.
    effective = Judgement(
        tuple(c for c in judgement.categories if c in kept),
        judgement.intent,
        judgement.probs,
        judgement.cues,
        tuple(c for c in judgement.confirmed if c in kept),
    )
    action, basis = suggest_action(prof, effective, ctx.reply_policy)
    return CommentResult(sort_findings(findings), action, basis, effective)


# ---------------------------------------------------------------- rule helper

MESSAGES: dict[str, tuple[str, str]] = {
    "comment.law_violation": (
        "法令に違反する、または違反をすすめる内容",
        "非表示・削除を検討し、犯罪の予告なら所管課と警察に相談してください",
    ),
    "comment.defamation": (
        "特定の個人・団体を誹謗中傷する内容",
        "非表示・削除を検討してください（市政への批判そのものは対象外です）",
    ),
    "comment.politics_religion": ("政治活動・宗教活動を目的とする内容", "非表示・削除を検討してください"),
    "comment.ip_infringement": (
        "著作権・肖像権などの知的財産権を侵害する内容",
        "非表示・削除を検討してください",
    ),
    "comment.commercial": ("広告・宣伝・勧誘・営利を目的とする内容", "非表示・削除を検討してください"),
    "comment.discrimination": (
        "人種・国籍・障害・性別などによる差別やその助長",
        "非表示・削除を検討してください",
    ),
    "comment.public_order": (
        "公の秩序や善良の風俗に反する内容（脅迫・暴力・わいせつなど）",
        "非表示・削除を検討し、脅迫なら所管課に連絡してください",
    ),
    "comment.false_info": (
        "虚偽や事実と異なる、根拠のない内容",
        "正しい情報と出典を返信で示すか、非表示を検討してください",
    ),
    "comment.privacy": (
        "本人の承諾なく個人情報を特定・開示するなどプライバシーを害する内容",
        "速やかに非表示・削除してください",
    ),
    "comment.other": (
        "その他、運用ポリシーに照らして不適切な内容",
        "運用ポリシーに照らして対応を判断してください",
    ),
}


def comment_hits(comment: CommentSubject, rule_id: str) -> list[Hit]:
    """One hit over the whole comment when the classifier found ``rule_id`` in it."""
    from koshiki.checker.findings import Suggestion

    if rule_id not in comment.judgement.categories:
        return []
    what, todo = MESSAGES[rule_id]
    cue = comment.judgement.cues.get(rule_id)
    how = f"（手がかり:「{cue}」）" if cue else "（コメントの意味による判定）"
    n = len(comment.text.norm)
    return [Hit(0, n, f"このコメントは{what}のおそれがあります{how}", Suggestion(todo), None)]


__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "CommentContext",
    "CommentResult",
    "Judgement",
    "PolicyClause",
    "Severity",
    "check_comment",
    "comment_report_dict",
    "judge",
    "suggest_action",
]
