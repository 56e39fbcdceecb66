"""The check loop: run a profile's active rules on a subject, map and sort.

Cost per post: one normalisation pass, SudachiPy tokenisation of the lines a
rule asks word boundaries for (~1.2 µs per character), and each rule's own
scan; ~0.2 ms per post in all (``benchmarks/speed.py``). Profiles, rules
and lexicons are loaded once per process, never per post.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from koshiki.checker.context import CheckContext
from koshiki.checker.findings import Finding, Hit, Severity
from koshiki.checker.profiles import Binding, Profile, available, load_profile
from koshiki.checker.text import Text

DEFAULT_PROFILE = "standard"


@dataclass(slots=True)
class Env:
    """What a rule sees besides the subject: the profile, context and options.

    Read-only by convention; not frozen because one is built per rule and post.
    """

    profile: Profile
    context: CheckContext
    options: Mapping[str, Any]


def check(
    text: str,
    profile: str | Profile = DEFAULT_PROFILE,
    context: CheckContext | Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Check a post's text under a profile; findings sorted by position.

    ``context`` may be a ``CheckContext`` or its JSON form (a dict), which is
    validated (``ContextError`` on bad input). Unknown profiles raise
    ``ProfileError``. Never raises on any ``str`` text.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    ctx = context if isinstance(context, CheckContext) else CheckContext.from_dict(context)
    subject = Text(text)
    findings: list[Finding] = []
    for rule, binding in prof.active("post"):
        if rule.requires and not getattr(ctx, rule.requires):
            continue
        env = Env(prof, ctx, binding.options)
        for hit in rule.func(subject, env):
            findings.append(_finding(rule.id, rule.default_severity, binding, hit, subject))
    return sort_findings(findings)


def check_subject(subject: Any, kind: str, profile: str | Profile = DEFAULT_PROFILE) -> list[Finding]:
    """Run the rules whose subject is ``kind`` (``account``, ``comment``) on ``subject``.

    Account and comment rules report hits with spans ``(0, 0)`` unless they
    point into a text field; the spans are returned as given.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    findings: list[Finding] = []
    for rule, binding in prof.active(kind):
        env = Env(prof, CheckContext(), binding.options)
        for hit in rule.func(subject, env):
            severity = binding.severity or hit.severity or rule.default_severity
            findings.append(
                Finding(rule.id, severity, hit.start, hit.end, hit.message, binding.clause, hit.suggestion)
            )
    return sort_findings(findings)


def check_media(facts: Any, profile: str | Profile = DEFAULT_PROFILE) -> list[Finding]:
    """Check one attached image or video (``subjects.MediaFacts``) under a profile.

    Findings carry span ``(0, 0)``: they are about the file, not a place in the
    text. Cost: a few attribute reads per rule; no file I/O.
    """
    return check_subject(facts, "media", profile)


def _finding(rule_id: str, default: Severity, binding: Binding, hit: Hit, subject: Text) -> Finding:
    start, end = subject.to_original(hit.start, hit.end)
    severity = binding.severity or hit.severity or default
    return Finding(rule_id, severity, start, end, hit.message, binding.clause, hit.suggestion)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Order by position, then severity, then rule id.

    One finding per rule and span: of several, the most severe is kept (the
    first of equals), so a rule that reports the same place twice can never
    lower its own severity there.
    """
    unique: dict[tuple[str, int, int], Finding] = {}
    for f in findings:
        key = (f.rule, f.start, f.end)
        kept = unique.get(key)
        if kept is None or f.severity.rank < kept.severity.rank:
            unique[key] = f
    return sorted(unique.values(), key=lambda f: (f.start, f.end, f.severity.rank, f.rule))


# A post that wakes every lazy part: a name and an age (tokeniser), a lexicon
# word, a link, a phone number, a deliberation cue, a list of kana names (the
# name lists), a person at a place.
_WARM_UP_POST = (
    "交通安全ポスターで入賞した山田太郎くん（小学3年）の作品を展示します。"
    "詳しくは https://www.city.kyoto.lg.jp/ または 075-222-3111 へ。検討中の素案はまだ非公表です。\n"
    "金賞 伊藤ひなた、銀賞 高橋そうた。近所のおばあちゃんは毎朝公園にいます。"
)


def warm_up(profiles: Iterable[str] | None = None) -> float:
    """Load everything a first check would load, so no request pays for it; returns seconds.

    Loads the rule catalog, every shipped profile (or those named), every lexicon
    automaton and this thread's SudachiPy tokenizer, then checks one post per
    profile. A web worker calls it once at start (other threads still create
    their own tokenizer on first use, ~0.1 ms). Cost: 0.23-0.25 s in a fresh
    process on the reference machine (measured 2026-12-07: dictionary, rule
    modules, six profiles, lexicon automata); ~2 ms once everything is loaded.
    Idempotent and thread-safe.
    """
    from koshiki.checker.lexicon import LEXICON_DIR, load_lexicon
    from koshiki.checker.registry import all_rules
    from koshiki.checker.tokens import warm_up as load_tokenizer

    began = time.perf_counter()
    all_rules()
    load_tokenizer()
    for path in sorted(LEXICON_DIR.glob("*.toml")):
        load_lexicon(path.stem)
    from koshiki.checker.subjects import MediaFacts

    for profile_id in profiles if profiles is not None else available():
        check(_WARM_UP_POST, load_profile(profile_id))
        check_media(MediaFacts(), profile_id)
    return time.perf_counter() - began
