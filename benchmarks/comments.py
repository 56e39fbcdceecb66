"""Comment classification benchmark: per-category precision/recall, action accuracy, hidden legitimate comments.

Usage::

    python -m benchmarks.comments                 # train CV + blind c2 + inspection-ai + speed
    python -m benchmarks.comments --tune          # choose decision parameters (train CV only)
    python -m benchmarks.comments --only cv|blind|inspection|speed

Three measurements (benchmarks/comments/README.md says where the data come from):

- train CV: ``c1.jsonl`` and ``c3.jsonl`` (two writers); each writer's comments are
  scored by a model trained on the other writer only (cross-validation grouped by
  writer), with the decision parameters of ``thresholds.toml``. ``--tune`` chooses
  those parameters on these out-of-fold scores: best micro F1 plus action accuracy,
  under the constraint that no legitimate comment is suggested for hiding;
- blind: ``c2-blind.jsonl`` (a third writer) through ``check_comment`` with the
  shipped model, measured once, never tuned on;
- inspection-ai: the public Japanese toxic chat set (Apache-2.0); a sentence is toxic
  when most annotators said Toxic or Very Toxic; predicted toxic when any comment
  category is found. Its seven categories are mapped to comment categories to report
  recall per category (see ``INSPECTION_MAP``).

Speed: comments per second through ``check_comment`` in one process (batch).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from koshiki.checker.comments import (
    CATEGORIES,
    THRESHOLDS,
    check_comment,
    decision_params,
    evidence,
    judge,
    score_comments,
    suggest_action,
)
from koshiki.checker.profiles import load_profile
from koshiki.checker.text import Text

HERE = Path(__file__).resolve().parent / "comments"
TRAIN = [HERE / f"{w}.jsonl" for w in ("c1", "c3", "c4", "c5", "c6", "c8", "c9", "c10", "c11", "c12")]
BLIND = [HERE / "c2-blind.jsonl", HERE / "c7-blind.jsonl"]
INSPECTION = HERE / "inspection-ai" / "subset.csv"
PROFILE = "standard"
# inspection-ai category -> the comment category of the policy forms it falls under.
INSPECTION_MAP = {
    "category_卑語": "comment.other",  # vulgar words: (10) その他不適切
    "category_差別": "comment.discrimination",  # (6)
    "category_迷惑行為": "comment.public_order",  # harassment, threats: (7)
    "category_猥褻": "comment.public_order",  # obscenity: (7) 善良の風俗
    "category_出会い・プライバシー侵害": "comment.privacy",  # (9)
    "category_違法行為": "comment.law_violation",  # (1)
    "category_偏向表現": "comment.discrimination",  # biased generalisations: (6)
}


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score(rows: list[dict[str, Any]], preds: list[tuple[tuple[str, ...], str]]) -> dict[str, Any]:
    """Per-category P/R, micro F1, action accuracy, legitimate and harsh-criticism comments hidden."""
    per: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    acts = safe = hidden = harsh_hidden = legit = harsh = 0
    for row, (cats, action) in zip(rows, preds, strict=True):
        gold = set(row["categories"])
        for c in CATEGORIES:
            per[c][
                "tp" if c in gold and c in cats else "fn" if c in gold else "fp" if c in cats else "tn"
            ] += 1
        acts += action == row["action"]
        # Not the measure, shown beside it: an unconfirmed hide escalated to a person
        # ends where the writer wanted, one decision later.
        safe += action == row["action"] or (row["action"] == "hide_or_delete" and action == "escalate")
        if not gold:
            legit += 1
            hidden += action == "hide_or_delete"
        if row.get("harsh_criticism"):
            harsh += 1
            harsh_hidden += action == "hide_or_delete"
    tp = sum(v["tp"] for v in per.values())
    fp = sum(v["fp"] for v in per.values())
    fn = sum(v["fn"] for v in per.values())
    return {
        "comments": len(rows),
        "per_category": {
            c: {
                "support": v["tp"] + v["fn"],
                "precision": v["tp"] / (v["tp"] + v["fp"]) if v["tp"] + v["fp"] else 0.0,
                "recall": v["tp"] / (v["tp"] + v["fn"]) if v["tp"] + v["fn"] else 0.0,
            }
            for c, v in per.items()
        },
        "micro_precision": tp / (tp + fp) if tp + fp else 0.0,
        "micro_recall": tp / (tp + fn) if tp + fn else 0.0,
        "micro_f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
        "action_accuracy": acts / len(rows),
        "action_or_escalated": safe / len(rows),
        "legitimate": legit,
        "legitimate_hidden": hidden,
        "harsh_criticism": harsh,
        "harsh_criticism_hidden": harsh_hidden,
    }


def render(title: str, r: dict[str, Any]) -> str:
    lines = [
        f"## {title} ({r['comments']} comments)",
        "",
        "| category | support | precision | recall |",
        "|---|---:|---:|---:|",
    ]
    for c, v in r["per_category"].items():
        lines.append(f"| {c} | {v['support']} | {v['precision']:.2f} | {v['recall']:.2f} |")
    lines += [
        "",
        f"micro P {r['micro_precision']:.3f} R {r['micro_recall']:.3f} F1 {r['micro_f1']:.3f}; "
        f"action accuracy {r['action_accuracy']:.3f} (a hide escalated to a person counted as right: "
        f"{r['action_or_escalated']:.3f})",
        f"legitimate comments suggested for hiding: {r['legitimate_hidden']} of {r['legitimate']}; "
        f"harsh criticism hidden: {r['harsh_criticism_hidden']} of {r['harsh_criticism']}",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- train CV


def out_of_fold() -> tuple[list[dict[str, Any]], list[dict[str, float]]]:
    """Training comments and their out-of-fold model probabilities (grouped by writer)."""
    import os

    from koshiki.checker.semantic.build import Features, fit, load_spec, predict, read_units
    from koshiki.checker.semantic.features import FeatureSpec

    spec, root = load_spec("comments")
    units, _ = read_units(spec, root)
    cache = os.environ.get("KOSHIKI_OOF_CACHE")  # development only: reuse out-of-fold scores
    by_source = [sorted(read(path), key=lambda r: r["id"]) for path in TRAIN]
    rows = [r for src in by_source for r in src]
    labels = spec["labels"]
    if cache and Path(cache).exists():
        oof = np.load(cache)
        return rows, [{label: float(p) for label, p in zip(labels, row, strict=True)} for row in oof]
    features = Features(units.texts, FeatureSpec(**spec.get("features", {})))
    groups = np.array(units.groups)
    oof = np.zeros(units.y.shape)
    for group in sorted(set(groups)):
        test = np.flatnonzero(groups == group)
        train = np.flatnonzero(groups != group)
        oof[test] = predict(
            features, fit(features, units, train, spec.get("train", {}), int(spec["seed"])), test
        )
    if cache:
        np.save(cache, oof)
    # units follow the sources sorted by id; the rows likewise
    assert len(rows) == len(units.texts)
    return rows, [{label: float(p) for label, p in zip(labels, row, strict=True)} for row in oof]


def predict_cv(
    rows: list[dict[str, Any]],
    probs: list[dict[str, float]],
    params: dict[str, Any],
    norms: list[str],
    found: list[dict[str, str]],
) -> list[tuple[tuple[str, ...], str]]:
    profile = load_profile(PROFILE)
    out = []
    for row, p, norm, f in zip(rows, probs, norms, found, strict=True):
        j = judge(norm, p, params, f)
        action, _ = suggest_action(profile, j, row.get("reply_policy") or "")
        out.append((j.categories, action))
    return out


GRID: dict[str, list[float]] = {
    "cue_bonus": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    "cue_legit_max": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01],
    "cue_min": [0.0, 0.05, 0.1, 0.2, 0.3],
    "legit_max": [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01],
    "criticism_max": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01],
    "cue_criticism_max": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01],
    "category_min": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    "fallback_legit_max": [0.0, 0.1, 0.15, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.32, 0.35, 0.4, 0.5],
    "fallback_min": [0.1, 0.2, 0.3, 0.4],
    "urgent_min": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    "intent_min": [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5],
    # hide_or_delete with a hand rule's cue and a confident model, or a very confident model
    # alone (searched since five training writers: the margin below keeps it safe); otherwise a
    # person looks (escalate).
    "hide_cue_min": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    "hide_min": [0.5, 0.6, 0.7, 0.8, 0.9, 1.01],
}


MARGIN = 0.1
CATEGORY_GRID = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]


def tune(rows: list[dict[str, Any]], probs: list[dict[str, float]]) -> dict[str, Any]:
    """Coordinate search over ``GRID``: max micro F1 + action accuracy with no legitimate comment hidden."""
    norms = [Text(r["text"]).norm for r in rows]
    profile = load_profile(PROFILE)
    found = [evidence(r["text"], profile) for r in rows]

    def objective(params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        r = score(rows, predict_cv(rows, probs, params, norms, found))
        # A margin for a new writer: no legitimate comment hidden even with every gate
        # MARGIN looser than chosen (the blind writer's scores will not sit where ours did).
        loose = {
            **params,
            **{
                k: float(params[k]) + MARGIN
                for k in ("legit_max", "cue_legit_max", "fallback_legit_max", "criticism_max")
            },
            "cue_criticism_max": float(params.get("cue_criticism_max", params["criticism_max"])) + MARGIN,
            "category_min": float(params["category_min"]) - MARGIN,
            "hide_min": float(params.get("hide_min", 0.0)) - MARGIN,
            "hide_cue_min": float(params.get("hide_cue_min", 0.0)) - MARGIN,
            "category": {c: v - MARGIN for c, v in params.get("category", {}).items()},
        }
        hidden_loose = score(rows, predict_cv(rows, probs, loose, norms, found))["legitimate_hidden"]
        penalty = 10.0 * r["legitimate_hidden"] + 1.0 * hidden_loose
        return r["micro_f1"] + r["action_accuracy"] - penalty, r

    params = dict(decision_params())
    params["category"] = dict(params.get("category", {}))
    best, _ = objective(params)
    for _round in range(3):
        changed = False
        for key, values in GRID.items():
            for v in values:
                trial = {**params, key: v}
                val, _ = objective(trial)
                if val > best + 1e-9:
                    best, params, changed = val, trial, True
        # then one threshold per category (the model's probabilities differ in scale by label)
        for c in CATEGORIES:
            for v in CATEGORY_GRID:
                trial = {**params, "category": {**params["category"], c: v}}
                val, _ = objective(trial)
                if val > best + 1e-9:
                    best, params, changed = val, trial, True
        if not changed:
            break
    return params


def write_params(params: dict[str, Any]) -> None:
    lines = [
        "# Decision parameters of the comment classifier (koshiki/checker/comments.py: judge).",
        "# Written by `python -m benchmarks.comments --tune`: coordinate search on out-of-fold",
        "# scores of the training comments (cross-validation grouped by writer), maximising",
        "# micro F1 + action accuracy with no legitimate comment suggested for hiding, and",
        f"# none either with every gate {MARGIN} looser (a margin for a new writer).",
    ]
    lines += [f"{k} = {float(v)!r}" for k, v in params.items() if not isinstance(v, dict)]
    lines += ["", "# Per-category model thresholds (category_min for the others)", "[category]"]
    lines += [f'"{c}" = {float(v)!r}' for c, v in sorted(params.get("category", {}).items())]
    THRESHOLDS.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- blind and public sets


def run_checker(
    rows: list[dict[str, Any]], chunk: int = 256
) -> tuple[list[tuple[tuple[str, ...], str]], float]:
    """Every row through ``check_comment`` as the CLI's batch mode does (model scores per chunk)."""
    began = time.perf_counter()
    preds = []
    for i in range(0, len(rows), chunk):
        part = rows[i : i + chunk]
        scores = score_comments([r["text"] for r in part])
        for r, probs in zip(part, scores, strict=True):
            ctx = {"post_text": r.get("post_text", ""), "reply_policy": r.get("reply_policy") or ""}
            res = check_comment(r["text"], PROFILE, ctx, probs=probs)
            preds.append((tuple(f.rule for f in res.findings), res.action))
    return preds, time.perf_counter() - began


# Comment categories that are toxicity in the dataset's sense. (10) その他 catches off-topic
# chat and (5) 営利 spam, which are out of place under a city post but not toxic; (8) 虚偽
# is about facts. Chat lines without a post around them are often off-topic by nature.
TOXIC_CATEGORIES = (
    "comment.law_violation",
    "comment.defamation",
    "comment.discrimination",
    "comment.public_order",
    "comment.privacy",
)


def _binary(gold: list[bool], pred: list[bool]) -> str:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    tn = len(gold) - tp - fp - fn
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f"P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn}, tn {tn})"


def inspection(path: Path) -> str:
    with path.open(encoding="utf-8") as fh:
        data = list(csv.DictReader(fh))
    per: dict[str, Counter[str]] = {}
    fired: Counter[str] = Counter()
    gold: list[bool] = []
    any_pred: list[bool] = []
    toxic_pred: list[bool] = []
    began = time.perf_counter()
    for row in data:
        toxic_votes = int(row["Toxic"]) + int(row["Very Toxic"])
        gold.append(toxic_votes * 2 > int(row["annotation_num"]))
        found = {f.rule for f in check_comment(row["text"], PROFILE).findings}
        fired.update(found)
        any_pred.append(bool(found))
        toxic_pred.append(bool(found & set(TOXIC_CATEGORIES)))
        for col, cat in INSPECTION_MAP.items():
            if int(row[col]) * 2 > int(row["annotation_num"]):
                per.setdefault(f"{col} -> {cat}", Counter())["hit" if cat in found else "miss"] += 1
    secs = time.perf_counter() - began
    lines = [
        f"## inspection-ai japanese-toxic-dataset ({len(data)} sentences, {sum(gold)} toxic by majority)",
        "",
        f"toxic = any comment category: {_binary(gold, any_pred)}",
        f"toxic = {', '.join(c.removeprefix('comment.') for c in TOXIC_CATEGORIES)}: {_binary(gold, toxic_pred)}",
        f"categories found: {dict(sorted(fired.items()))}; {len(data) / secs:.0f} sentences/s",
        "",
        "| inspection-ai category (majority) -> comment category | sentences | found as that category |",
        "|---|---:|---:|",
    ]
    for key, c in sorted(per.items()):
        lines.append(f"| {key} | {c['hit'] + c['miss']} | {c['hit']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="choose thresholds.toml on train CV")
    parser.add_argument("--only", choices=("cv", "blind", "inspection", "speed"))
    parser.add_argument(
        "--inspection", type=Path, default=INSPECTION, help="path of inspection-ai subset.csv"
    )
    args = parser.parse_args(argv)
    if args.tune or args.only in (None, "cv"):
        rows, probs = out_of_fold()
        if args.tune:
            params = tune(rows, probs)
            write_params(params)
            decision_params.cache_clear()
            print("thresholds:", json.dumps(params, ensure_ascii=False))
        norms = [Text(r["text"]).norm for r in rows]
        profile = load_profile(PROFILE)
        found = [evidence(r["text"], profile) for r in rows]
        preds = predict_cv(rows, probs, dict(decision_params()), norms, found)
        print(render("train CV (grouped by writer: c1 <-> c3)", score(rows, preds)))
        print()
    if args.tune:
        return 0
    if args.only in (None, "blind"):
        for path in BLIND:
            rows = read(path)
            preds, secs = run_checker(rows)
            writer = path.stem.removesuffix("-blind")
            print(render(f"blind {writer} (a writer never trained or tuned on)", score(rows, preds)))
            print(f"speed: {len(rows) / secs:.0f} comments/s (check_comment, one process)")
            print()
    if args.only in (None, "inspection") and args.inspection.exists():
        print(inspection(args.inspection))
        print()
    if args.only in (None, "speed"):
        rows = [r for path in TRAIN for r in read(path)] * 3
        check_comment("ウォームアップ", PROFILE)
        cpu = time.process_time()
        _, secs = run_checker(rows)
        cpu = time.process_time() - cpu
        print(
            f"speed: {len(rows)} comments in {secs:.2f} s wall = {len(rows) / secs:.0f} comments/s; "
            f"{cpu:.2f} s CPU = {len(rows) / cpu:.0f} comments/s per core (batch, one process)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
