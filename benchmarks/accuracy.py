"""Accuracy of the checker: per-rule precision/recall and false positives on real headlines.

Two measurements, printed as Markdown tables:

1. the labelled development set (``benchmarks/devset/posts.jsonl``): each post is checked
   under its own profile and context; a finding matches a label when the rule is the same and
   the spans overlap. Per rule: labels, findings, TP (labels found), FP (findings matching no
   label), FN (labels not found), precision = TP / (TP + FP), recall = TP / (TP + FN).
   A label of a rule that cannot fire on that post is counted apart as *inactive*, neither
   TP nor FN: the post's profile switches the rule off (``severity = "off"``), or the rule
   needs a context flag the post does not set (the promo rules without ``paid_third_party``).
   Inactive labels are listed with ``--verbose``: they are questions for the dev set or the
   profile, not misses of the rule;
2. false positives on ``shared/data/real-government-headlines.jsonl`` (real announcement titles
   that break no rule), checked under the ``standard`` profile.

Usage::

    .venv/bin/python benchmarks/accuracy.py [--verbose] [--json OUT.json|-]

``--verbose`` lists up to 5 examples per rule (dev-set misses and false positives, headline
false positives). ``--json`` writes the figures for later comparison. The exit status is always
0: this is a measurement, not a test. A post whose profile does not exist yet is checked under
``standard`` and counted in the summary; a post on which the checker raises is counted as a
crash (with the exception) and scores as if it had no findings.

Cost: one ``check()`` per dev-set post and per headline (about 400 + 650 texts); a few seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "benchmarks" / "devset" / "posts.jsonl"
HEADLINES = ROOT.parent / "shared" / "data" / "real-government-headlines.jsonl"
EXAMPLES = 5


@dataclass
class RuleStats:
    """Counts for one rule on the dev set."""

    labels: int = 0
    findings: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    inactive: int = 0  # labels of a rule that cannot fire on that post (profile off / context)
    fp_examples: list[str] = field(default_factory=list)
    fn_examples: list[str] = field(default_factory=list)
    inactive_examples: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "findings": self.findings,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "inactive": self.inactive,
            "precision": self.precision,
            "recall": self.recall,
        }


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open spans overlap; an empty span counts when it lies inside (or on the edge of) the other."""
    if a[0] == a[1]:
        return b[0] <= a[0] <= b[1]
    if b[0] == b[1]:
        return a[0] <= b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def mark(text: str, start: int, end: int, width: int = 40) -> str:
    """One-line excerpt of ``text`` with ``[start, end)`` marked ⟦ ⟧."""
    a, b = max(0, start - width), min(len(text), end + width)
    out = text[a:start] + "⟦" + text[start:end] + "⟧" + text[end:b]
    out = ("…" if a else "") + out + ("…" if b < len(text) else "")
    return out.replace("\r", "").replace("\n", "⏎")


def _load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Runner:
    """Runs the checker, never letting an exception end the measurement."""

    def __init__(self) -> None:
        from koshiki.checker import check
        from koshiki.checker.profiles import available

        self.check = check
        self.profiles = set(available())
        self.fallbacks: Counter[str] = Counter()
        self.crashes: list[str] = []

    def effective_profile(self, profile: str) -> str:
        """The profile a post is checked under (``standard`` when its own does not exist)."""
        return profile if profile in self.profiles else "standard"

    def run(self, row: dict[str, Any], profile: str) -> list[Any]:
        if profile not in self.profiles:
            self.fallbacks[profile] += 1
            profile = "standard"
        try:
            return self.check(row["text"], profile, row.get("context"))
        except Exception as exc:  # a measurement: record and go on
            self.crashes.append(f"{row.get('id')}: {type(exc).__name__}: {exc}")
            return []

    def inactive_reason(self, rule_id: str, profile: str, context: dict[str, Any] | None) -> str | None:
        """Why ``rule_id`` cannot fire on a post under ``profile`` and ``context``, or ``None``.

        Mirrors the engine: a rule runs when the profile binds it enabled and the context
        sets the flag named by the rule's ``requires``. Unknown rule ids count as active
        (their labels are then misses, which is what the table should show).
        """
        from koshiki.checker.profiles import load_profile
        from koshiki.checker.registry import all_rules

        rule = all_rules().get(rule_id)
        if rule is None:
            return None
        try:
            prof = load_profile(self.effective_profile(profile))
        except Exception:  # a broken profile shows up as crashes in run()
            return None
        binding = prof.bindings.get(rule_id)
        if binding is None or not binding.enabled:
            return f"off in profile {prof.id}"
        if rule.requires and not (context or {}).get(rule.requires):
            return f"context lacks {rule.requires}"
        return None


def measure_devset(rows: list[dict[str, Any]], runner: Runner) -> dict[str, RuleStats]:
    """Per-rule TP/FP/FN on the labelled posts."""
    stats: dict[str, RuleStats] = defaultdict(RuleStats)
    for row in rows:
        text = row["text"]
        findings = runner.run(row, row["profile"])
        labels = [(lab["rule"], (lab["start"], lab["end"])) for lab in row["expected"]]
        for rule_id, span in labels:
            st = stats[rule_id]
            st.labels += 1
            reason = runner.inactive_reason(rule_id, row["profile"], row.get("context"))
            if reason is not None:
                st.inactive += 1
                if len(st.inactive_examples) < EXAMPLES:
                    st.inactive_examples.append(f"{row['id']} ({reason}): {mark(text, *span)}")
                continue
            if any(f.rule == rule_id and overlaps((f.start, f.end), span) for f in findings):
                st.tp += 1
            else:
                st.fn += 1
                if len(st.fn_examples) < EXAMPLES:
                    st.fn_examples.append(f"{row['id']}: {mark(text, *span)}")
        for f in findings:
            st = stats[f.rule]
            st.findings += 1
            if not any(r == f.rule and overlaps((f.start, f.end), span) for r, span in labels):
                st.fp += 1
                if len(st.fp_examples) < EXAMPLES:
                    st.fp_examples.append(f"{row['id']}: {mark(text, f.start, f.end)}")
    return stats


def measure_headlines(rows: list[dict[str, Any]], runner: Runner) -> dict[str, dict[str, Any]]:
    """False positives per rule on texts that break no rule (standard profile)."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"findings": 0, "texts": 0, "examples": []})
    for row in rows:
        findings = runner.run(row, "standard")
        seen: set[str] = set()
        for f in findings:
            entry = out[f.rule]
            entry["findings"] += 1
            if f.rule not in seen:
                seen.add(f.rule)
                entry["texts"] += 1
                if len(entry["examples"]) < EXAMPLES:
                    entry["examples"].append(f"{row['id']}: {mark(row['text'], f.start, f.end)}")
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _post_rules() -> dict[str, str]:
    """Post-rule id -> status, from the registry (the catalog's ids)."""
    from koshiki.checker.registry import all_rules

    return {r.id: r.status for r in all_rules().values() if r.subject == "post"}


def render(
    dev: dict[str, RuleStats],
    heads: dict[str, dict[str, Any]],
    n_dev: int,
    n_heads: int,
    runner: Runner,
    verbose: bool,
    devset: Path = DEVSET,
) -> str:
    statuses = _post_rules()
    lines: list[str] = []
    shown = devset.resolve().relative_to(ROOT) if devset.resolve().is_relative_to(ROOT) else devset
    lines.append(f"## Labelled set: {n_dev} posts ({shown})")
    lines.append("")
    lines.append("| rule | status | labels | inactive | findings | TP | FP | FN | precision | recall |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    total = RuleStats()
    stable = RuleStats()
    for rule_id in sorted(set(statuses) | set(dev)):
        st = dev.get(rule_id, RuleStats())
        status = statuses.get(rule_id, "?")
        lines.append(
            f"| {rule_id} | {status} | {st.labels} | {st.inactive} | {st.findings} | {st.tp} | {st.fp} "
            f"| {st.fn} | {_pct(st.precision)} | {_pct(st.recall)} |"
        )
        for agg in (total, stable) if status == "stable" else (total,):
            agg.labels += st.labels
            agg.inactive += st.inactive
            agg.findings += st.findings
            agg.tp += st.tp
            agg.fp += st.fp
            agg.fn += st.fn
    for name, agg in (("**total**", total), ("**stable rules**", stable)):
        lines.append(
            f"| {name} | | {agg.labels} | {agg.inactive} | {agg.findings} | {agg.tp} | {agg.fp} | {agg.fn} "
            f"| {_pct(agg.precision)} | {_pct(agg.recall)} |"
        )
    lines.append("")
    lines.append(
        "*inactive*: labels of a rule that cannot fire on that post (switched off in its profile, "
        "or a promo label without `paid_third_party`); not counted as TP or FN."
    )
    if runner.fallbacks:
        missing = ", ".join(f"{p} ({n} posts)" for p, n in sorted(runner.fallbacks.items()))
        lines.append("")
        lines.append(f"Profiles not available, checked under `standard` instead: {missing}.")
    if verbose:
        for rule_id in sorted(dev):
            st = dev[rule_id]
            if st.fn_examples or st.fp_examples or st.inactive_examples:
                lines.append("")
                lines.append(f"### {rule_id}")
                for ex in st.fn_examples:
                    lines.append(f"- missed: {ex}")
                for ex in st.fp_examples:
                    lines.append(f"- false positive: {ex}")
                for ex in st.inactive_examples:
                    lines.append(f"- inactive label: {ex}")

    lines.append("")
    lines.append(f"## False positives on {n_heads} real government headlines (standard profile)")
    lines.append("")
    if not n_heads:
        lines.append(f"(file not found: {HEADLINES})")
    else:
        lines.append("| rule | findings | headlines |")
        lines.append("|---|---:|---:|")
        for rule_id in sorted(heads):
            lines.append(f"| {rule_id} | {heads[rule_id]['findings']} | {heads[rule_id]['texts']} |")
        flagged = sum(h["findings"] for h in heads.values())
        lines.append(f"| **total** | {flagged} | |")
        if verbose:
            for rule_id in sorted(heads):
                lines.append("")
                lines.append(f"### {rule_id}")
                for ex in heads[rule_id]["examples"]:
                    lines.append(f"- {ex}")
    if runner.crashes:
        lines.append("")
        lines.append(f"**The checker raised on {len(runner.crashes)} posts** (scored as no findings):")
        for c in runner.crashes[:10]:
            lines.append(f"- {c}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list up to 5 examples per rule")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON (- for stdout)")
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--headlines", type=Path, default=HEADLINES)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    runner = Runner()
    dev_rows = _load_jsonl(args.devset)
    head_rows = _load_jsonl(args.headlines) if args.headlines.exists() else []
    dev = measure_devset(dev_rows, runner)
    heads = measure_headlines(head_rows, runner)
    elapsed = time.perf_counter() - started

    report = render(dev, heads, len(dev_rows), len(head_rows), runner, args.verbose, args.devset)
    if args.json != "-":
        print(report)
        print(f"\n({elapsed:.1f} s)")
    if args.json:
        data = {
            "devset": {
                "posts": len(dev_rows),
                "rules": {rule_id: st.as_dict() for rule_id, st in sorted(dev.items())},
                "fallback_profiles": dict(runner.fallbacks),
            },
            "headlines": {
                "texts": len(head_rows),
                "rules": {
                    rule_id: {k: h[k] for k in ("findings", "texts")} for rule_id, h in sorted(heads.items())
                },
            },
            "statuses": _post_rules(),
            "crashes": runner.crashes,
        }
        payload = json.dumps(data, ensure_ascii=False, indent=2)
        if args.json == "-":
            print(payload)
        else:
            Path(args.json).write_text(payload + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement never fails the caller
        print(f"accuracy.py: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
