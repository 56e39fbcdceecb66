"""Per-rule precision and recall on a labelled corpus file, rules only vs rules + semantic screen.

Reads one or more JSON Lines files in either format:

- corpus (``benchmarks/corpus/w*.jsonl``, the blind writers' format):
  ``{"id", "author", "profile", "text", "labels": [{"rule", "span"}], "hard_negative", ...}``;
  a label's span is an exact substring of the text (its first occurrence is used);
- devset (``benchmarks/devset/posts.jsonl``): ``{"id", "profile", "text", "context"?,
  "expected": [{"rule", "start", "end"}]}``.

Each post is checked twice under its own profile (``standard`` when the profile does not
exist): once with the semantic screen off (``koshiki.checker.semantic.disabled()``: the
rules alone) and once with it on (what ``koshiki check`` does). Two scorings per rule:

- span overlap (as ``benchmarks/accuracy.py``): a label is found when a finding of the same
  rule overlaps its span; a finding is a false positive when it overlaps no label of its rule;
- post level: a post counts once per rule: TP when it has a label of the rule and a finding
  of it, FP when it has a finding but no label, FN when a label but no finding.

Labels of a rule that cannot fire on the post (switched off in its profile) are counted as
*inactive*, neither TP nor FN, as in ``accuracy.py``. The summary lines give the micro
totals over the meaning-based rules (``MEANING``) and over every rule. False positives on
the real government headlines follow, split into the publishers the screen was trained on
and those held out of its training (``specs/posts.toml``).

Usage (the lead's blind measurement runs it on w4; nothing here trains or tunes)::

    .venv/bin/python benchmarks/corpus_accuracy.py /work/corpus/w4/posts.jsonl
    .venv/bin/python benchmarks/corpus_accuracy.py benchmarks/corpus/w3.jsonl --verbose
    .venv/bin/python benchmarks/corpus_accuracy.py FILE [FILE...] [--json OUT.json|-] [--no-headlines]

Exit status 0 always (a measurement). Cost: two ``check()`` per post; seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from accuracy import HEADLINES, Runner, mark, overlaps  # noqa: E402

MEANING = (
    "harm.insult",
    "harm.discrimination",
    "harm.obscene",
    "harm.illegal",
    "harm.rumor",
    "neutrality.politics_religion",
    "neutrality.commercial",
    "confidential.deliberation",
    "confidential.secret",
    "confidential.security",
    "pii.location",
    "pii.person_name",
)
MODES = ("rules", "screen")
EXAMPLES = 5


@dataclass
class Counts:
    """TP/FP/FN of one rule in one mode and one scoring."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall}


@dataclass
class RuleRow:
    """One rule: labels, inactive labels, and counts per mode and scoring."""

    labels: int = 0
    inactive: int = 0
    span: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in MODES})
    post: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in MODES})
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Rows with ``id, profile, text, context, labels=[(rule, start, end)]`` from either format."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"]
            if "expected" in row:
                labels = [(lab["rule"], lab["start"], lab["end"]) for lab in row["expected"]]
            else:
                labels = []
                for lab in row.get("labels", []):
                    start = text.find(lab["span"])
                    if start < 0:
                        print(f"{path}:{n}: span not in text, label skipped: {lab['span']!r}", file=sys.stderr)
                        continue
                    labels.append((lab["rule"], start, start + len(lab["span"])))
            out.append(
                {
                    "id": row.get("id", f"{path.stem}-{n}"),
                    "profile": row.get("profile", "standard"),
                    "text": text,
                    "context": row.get("context"),
                    "labels": labels,
                }
            )
    return out


def run_modes(runner: Runner, row: dict[str, Any], profile: str) -> dict[str, list[Any]]:
    """The findings of one post with the screen off and on."""
    from koshiki.checker.semantic import disabled

    with disabled():
        rules_only = runner.run(row, profile)
    return {"rules": rules_only, "screen": runner.run(row, profile)}


def measure(rows: list[dict[str, Any]], runner: Runner) -> dict[str, RuleRow]:
    stats: dict[str, RuleRow] = defaultdict(RuleRow)
    for row in rows:
        text = row["text"]
        found = run_modes(runner, row, row["profile"])
        active_labels = []
        for rule_id, a, b in row["labels"]:
            st = stats[rule_id]
            st.labels += 1
            if runner.inactive_reason(rule_id, row["profile"], row.get("context")) is not None:
                st.inactive += 1
                continue
            active_labels.append((rule_id, a, b))
        for mode, findings in found.items():
            for rule_id, a, b in active_labels:
                c = stats[rule_id].span[mode]
                if any(f.rule == rule_id and overlaps((f.start, f.end), (a, b)) for f in findings):
                    c.tp += 1
                else:
                    c.fn += 1
                    if mode == "screen" and len(stats[rule_id].misses) < EXAMPLES:
                        stats[rule_id].misses.append(f"{row['id']}: {mark(text, a, b)}")
            for f in findings:
                if not any(r == f.rule and overlaps((f.start, f.end), (a, b)) for r, a, b in row["labels"]):
                    stats[f.rule].span[mode].fp += 1
                    if mode == "screen" and len(stats[f.rule].false_positives) < EXAMPLES:
                        stats[f.rule].false_positives.append(f"{row['id']}: {mark(text, f.start, f.end)}")
            labelled = {r for r, _, _ in active_labels}
            inactive_only = {r for r, _, _ in row["labels"]} - labelled
            fired = {f.rule for f in findings}
            for rule_id in labelled | fired:
                if rule_id in inactive_only:
                    continue
                c = stats[rule_id].post[mode]
                if rule_id in labelled and rule_id in fired:
                    c.tp += 1
                elif rule_id in fired:
                    c.fp += 1
                else:
                    c.fn += 1
    return stats


def held_out_publishers() -> set[str]:
    """Publishers of the headlines that the post screen never trained on (from its spec)."""
    spec = ROOT / "koshiki" / "checker" / "semantic" / "specs" / "posts.toml"
    try:
        with spec.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError:
        return set()
    return {p for src in data.get("sources", []) if src.get("format") == "headlines" for p in src.get("hold_out", [])}


def measure_headlines(path: Path, runner: Runner) -> dict[str, Any]:
    """Headlines with any finding, per mode, for trained-on and held-out publishers."""
    held = held_out_publishers()
    out: dict[str, Any] = {
        part: {"texts": 0, **{m: 0 for m in MODES}, "examples": []} for part in ("trained", "held_out")
    }
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        part = out["held_out" if row.get("publisher") in held else "trained"]
        part["texts"] += 1
        found = run_modes(runner, row, "standard")
        for mode in MODES:
            if found[mode]:
                part[mode] += 1
        if found["screen"] and len(part["examples"]) < 10:
            f = found["screen"][0]
            part["examples"].append(f"{f.rule}: {mark(row['text'], f.start, f.end)}")
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def render(stats: dict[str, RuleRow], n_posts: int, names: str, heads: dict[str, Any] | None, verbose: bool) -> str:
    lines = [
        f"## {names}: {n_posts} posts",
        "",
        "Span overlap (a label is found when a finding of its rule overlaps it):",
        "",
        "| rule | labels | inactive | rules P | rules R | +screen P | +screen R | post-level rules P / R | post-level +screen P / R |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals = {name: RuleRow() for name in ("meaning", "all")}
    for rule_id in sorted(stats):
        st = stats[rule_id]
        r, s = st.span["rules"], st.span["screen"]
        pr, ps = st.post["rules"], st.post["screen"]
        lines.append(
            f"| {rule_id} | {st.labels} | {st.inactive} | {_pct(r.precision)} | {_pct(r.recall)} "
            f"| {_pct(s.precision)} | {_pct(s.recall)} | {_pct(pr.precision)} / {_pct(pr.recall)} "
            f"| {_pct(ps.precision)} / {_pct(ps.recall)} |"
        )
        for name in ("meaning", "all") if rule_id in MEANING else ("all",):
            agg = totals[name]
            agg.labels += st.labels
            agg.inactive += st.inactive
            for m in MODES:
                agg.span[m].add(st.span[m])
                agg.post[m].add(st.post[m])
    for name, agg in (("**meaning-based rules (micro)**", totals["meaning"]), ("**all rules (micro)**", totals["all"])):
        r, s = agg.span["rules"], agg.span["screen"]
        pr, ps = agg.post["rules"], agg.post["screen"]
        lines.append(
            f"| {name} | {agg.labels} | {agg.inactive} | {_pct(r.precision)} | {_pct(r.recall)} "
            f"| {_pct(s.precision)} | {_pct(s.recall)} | {_pct(pr.precision)} / {_pct(pr.recall)} "
            f"| {_pct(ps.precision)} / {_pct(ps.recall)} |"
        )
    if verbose:
        for rule_id in sorted(stats):
            st = stats[rule_id]
            if st.misses or st.false_positives:
                lines += ["", f"### {rule_id} (rules + screen)"]
                lines += [f"- missed: {ex}" for ex in st.misses]
                lines += [f"- false positive: {ex}" for ex in st.false_positives]
    if heads is not None:
        lines += [
            "",
            "## Real government headlines with any finding (standard profile)",
            "",
            "| publishers | headlines | rules only | rules + screen |",
            "|---|---:|---:|---:|",
        ]
        for part, label in (("trained", "screen trained on them"), ("held_out", "held out of screen training")):
            h = heads[part]
            lines.append(f"| {label} | {h['texts']} | {h['rules']} | {h['screen']} |")
        if verbose:
            for part in ("trained", "held_out"):
                lines += [f"- {part}: {ex}" for ex in heads[part]["examples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="JSON Lines files (corpus or devset format)")
    parser.add_argument("--verbose", "-v", action="store_true", help="up to 5 misses and false positives per rule")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON (- for stdout)")
    parser.add_argument("--headlines", type=Path, default=HEADLINES)
    parser.add_argument("--no-headlines", action="store_true")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    runner = Runner()
    rows = [row for path in args.files for row in load_rows(path)]
    stats = measure(rows, runner)
    heads = None
    if not args.no_headlines and args.headlines.exists():
        heads = measure_headlines(args.headlines, runner)
    names = ", ".join(str(p) for p in args.files)
    report = render(stats, len(rows), names, heads, args.verbose)
    if args.json != "-":
        print(report)
        if runner.crashes:
            print(f"\nThe checker raised on {len(runner.crashes)} posts (scored as no findings):")
            for c in runner.crashes[:10]:
                print(f"- {c}")
        print(f"\n({time.perf_counter() - started:.1f} s)")
    if args.json:
        data = {
            "files": [str(p) for p in args.files],
            "posts": len(rows),
            "rules": {
                rule_id: {
                    "labels": st.labels,
                    "inactive": st.inactive,
                    "span": {m: st.span[m].as_dict() for m in MODES},
                    "post": {m: st.post[m].as_dict() for m in MODES},
                }
                for rule_id, st in sorted(stats.items())
            },
            "headlines": {k: {m: v[m] for m in ("texts", *MODES)} for k, v in heads.items()} if heads else None,
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
        print(f"corpus_accuracy.py: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
