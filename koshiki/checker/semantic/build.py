"""Train a screen from labelled data in the repository and export it as plain arrays.

Usage::

    python -m koshiki.checker.semantic.build [--spec posts] [--out FILE] [--sample N] [--report FILE]

``--spec`` names ``specs/<name>.toml`` (or is a path to a spec file): its labels, unit
(``sentence`` or ``text``), feature spec, training options, threshold budget and data
sources. The same command trains the post screen and the comment classifier; only the
spec differs. Needs the ``build`` extra (scikit-learn); run time needs numpy only.

Steps, all deterministic (sources in spec order, rows sorted by id, fixed seeds,
single-threaded liblinear, a zip written with fixed timestamps):

1. read the sources into units (``data``) and hash every source file (SHA-256, recorded
   in the model so that ``tests/checker/test_semantic.py`` notices data and model drifting
   apart);
2. grouped cross-validation: one fold per group (writer, batch, publisher) when there are
   at most ``folds`` groups, else groups dealt round-robin into ``folds`` folds by size;
   each fold trains on the other groups (IDF included) and scores the held-out one;
3. per-label thresholds on the out-of-fold probabilities: the false alarms of all labels
   together stay within ``max_false_alarm`` per clean unit (a unit that breaks none of the
   labels), and the budget goes greedily to the label whose recall gains most per false
   alarm (macro recall: a rare label counts as much as a common one);
4. the final model trains on every unit that is not held out; units of held-out groups
   are only scored and reported (the false alarms a new publisher would see);
5. export ``models/<name>.npz`` (weights as float16, only buckets with a weight) and print
   the cross-validation report.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from koshiki.checker.semantic.data import Units, read_source, sha256, to_units
from koshiki.checker.semantic.features import FeatureSpec, counts
from koshiki.checker.semantic.model import MODEL_DIR, UNITS, Model

SPEC_DIR = Path(__file__).resolve().parent / "specs"
ROOT = Path(__file__).resolve().parents[3]
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def load_spec(name_or_path: str) -> tuple[dict[str, Any], Path]:
    """The spec as a dict, and the directory its relative source paths start from (the repo)."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SPEC_DIR / f"{name_or_path}.toml"
    with path.open("rb") as fh:
        spec = tomllib.load(fh)
    for key in ("name", "unit", "labels", "sources"):
        if key not in spec:
            raise ValueError(f"{path}: missing key {key!r}")
    if spec["unit"] not in UNITS:
        raise ValueError(f"{path}: unit must be one of {', '.join(UNITS)}")
    return spec, ROOT


def read_units(
    spec: dict[str, Any], root: Path, sample: int | None = None
) -> tuple[Units, list[dict[str, Any]]]:
    """All sources of the spec as units, and the data manifest (path, SHA-256, rows)."""
    examples = []
    manifest = []
    hard = float(spec.get("train", {}).get("hard_negative_weight", 1.0))
    for src in spec["sources"]:
        path = (root / src["path"]).resolve()
        if not path.exists():
            if src.get("optional"):
                continue
            raise FileNotFoundError(f"training source not found: {src['path']}")
        rows = read_source(
            path, src["format"], src.get("group_by"), src.get("group"), list(src.get("hold_out", [])), hard,
            src.get("derive"),  # hook for the comment classifier (branch ccheck)
        )  # fmt: skip
        if sample is not None:
            rows = rows[:sample]
        manifest.append({"path": src["path"], "sha256": sha256(path), "rows": len(rows)})
        examples.extend(rows)
    return to_units(examples, list(spec["labels"]), spec["unit"]), manifest


class Features:
    """Hashed n-gram counts of all units, sliced per fold into TF-IDF matrices."""

    def __init__(self, texts: list[str], fspec: FeatureSpec) -> None:
        from scipy.sparse import csr_matrix

        rows, cols, cnt = counts(texts, fspec)
        self.fspec = fspec
        self.tf = csr_matrix(
            (1.0 + np.log(cnt.astype(np.float64)), (rows, cols)), shape=(len(texts), fspec.buckets)
        )
        self.tf.sort_indices()

    def idf(self, idx: np.ndarray) -> tuple[np.ndarray, float]:
        """Smoothed IDF per bucket over the units ``idx``, and the IDF of an unseen bucket."""
        sub = self.tf[idx]
        df = np.bincount(sub.indices, minlength=self.fspec.buckets)
        n = len(idx)
        return np.log((1.0 + n) / (1.0 + df)) + 1.0, float(np.log(1.0 + n) + 1.0)

    def matrix(self, idx: np.ndarray, idf: np.ndarray) -> Any:
        from sklearn.preprocessing import normalize

        sub = self.tf[idx].copy()
        sub.data = sub.data * idf[sub.indices]
        return normalize(sub, norm="l2", copy=False)


def fit(
    features: Features, units: Units, idx: np.ndarray, train: dict[str, Any], seed: int
) -> dict[str, Any]:
    """One logistic regression per label on the units ``idx``; returns idf, weights, bias."""
    from sklearn.linear_model import LogisticRegression

    idf, idf_default = features.idf(idx)
    x = features.matrix(idx, idf)
    n_labels = units.y.shape[1]
    coef = np.zeros((features.fspec.buckets, n_labels))
    bias = np.zeros(n_labels)
    for j in range(n_labels):
        y = units.y[idx, j]
        keep = y >= 0
        if y[keep].min(initial=0) == y[keep].max(initial=0):
            bias[j] = -10.0  # no positive (or no negative) to learn from: never fires
            continue
        clf = LogisticRegression(
            C=float(train.get("C", 4.0)),
            solver="liblinear",
            class_weight=train.get("class_weight", "balanced"),
            random_state=seed,
            max_iter=1000,
        )
        clf.fit(x[keep], y[keep], sample_weight=units.weights[idx][keep])
        coef[:, j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    return {"idf": idf, "idf_default": idf_default, "coef": coef, "bias": bias, "seen": np.unique(x.indices)}


def predict(features: Features, model: dict[str, Any], idx: np.ndarray) -> np.ndarray:
    x = features.matrix(idx, model["idf"])
    return 1.0 / (1.0 + np.exp(-(x @ model["coef"] + model["bias"])))


def folds_of(groups: list[str], n_folds: int) -> list[list[str]]:
    """Groups dealt into folds: one per group when few, else round-robin by size."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    names = sorted(sizes, key=lambda g: (-sizes[g], g))
    if len(names) <= n_folds:
        return [[g] for g in names]
    folds: list[list[str]] = [[] for _ in range(n_folds)]
    for i, g in enumerate(names):
        folds[i % n_folds].append(g)
    return folds


def choose_thresholds(
    probs: np.ndarray, y: np.ndarray, max_false_alarm: float, floor: float, lookahead: int = 20
) -> tuple[np.ndarray, dict[str, Any]]:
    """Per-label thresholds on out-of-fold probabilities under one false-alarm budget.

    A false alarm is a (unit, label) pair where the unit does not break the label and
    the label fires; the budget is ``max_false_alarm`` times the number of clean units.
    Starting with every label just above its highest negative, the budget is spent one
    step at a time on the label whose recall rises most per false alarm allowed.
    """
    n_labels = y.shape[1]
    clean = int((y == 0).all(axis=1).sum())
    budget = int(max_false_alarm * clean)
    negs = [np.sort(probs[y[:, j] == 0, j])[::-1] for j in range(n_labels)]
    poss = [np.sort(probs[y[:, j] == 1, j]) for j in range(n_labels)]

    def recall(j: int, k: int) -> float:
        if not len(poss[j]):
            return 0.0
        limit = max(floor, negs[j][k] if k < len(negs[j]) else 0.0)
        return float((poss[j] > limit).mean())

    ks = [0] * n_labels
    spent = 0
    while spent < budget:
        best = (0.0, -1, 0)
        for j in range(n_labels):
            base = recall(j, ks[j])
            for d in range(1, min(lookahead, budget - spent) + 1):
                if ks[j] + d > len(negs[j]):
                    break
                gain = (recall(j, ks[j] + d) - base) / d
                if gain > best[0]:
                    best = (gain, j, d)
        if best[1] < 0:
            break
        ks[best[1]] += best[2]
        spent += best[2]
    thresholds = np.array(
        [
            min(0.999, max(floor, (negs[j][ks[j]] if ks[j] < len(negs[j]) else 0.0) + 1e-4))
            for j in range(n_labels)
        ]
    )
    info = {"clean_units": clean, "budget": budget, "false_alarms": spent}
    return thresholds, info


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez_compressed`` with fixed timestamps and order, so equal inputs give equal bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def build(
    spec_name: str, out: Path | None = None, sample: int | None = None, log: Any = print
) -> dict[str, Any]:
    """Train, choose thresholds, export; returns the report (also stored in the model's meta)."""
    spec, root = load_spec(spec_name)
    fspec = FeatureSpec(**spec.get("features", {}))
    train = dict(spec.get("train", {}))
    seed = int(spec.get("seed", 0))
    tcfg = spec.get("thresholds", {})
    labels = list(spec["labels"])
    units, manifest = read_units(spec, root, sample)
    features = Features(units.texts, fspec)
    trainable = np.flatnonzero(~units.held_out)
    groups = [units.groups[i] for i in trainable]
    log(f"{spec['name']}: {len(units.texts)} units ({len(trainable)} trainable), {len(labels)} labels")

    # Out-of-fold probabilities for every trainable unit.
    oof = np.zeros((len(units.texts), len(labels)))
    folds = folds_of(groups, int(train.get("folds", 5)))
    for fold in folds:
        test = np.array([i for i in trainable if units.groups[i] in fold], dtype=np.int64)
        fit_idx = np.array([i for i in trainable if units.groups[i] not in fold], dtype=np.int64)
        if not len(fit_idx) or not len(test):
            continue
        oof[test] = predict(features, fit(features, units, fit_idx, train, seed), test)
    thresholds, tinfo = choose_thresholds(
        oof[trainable],
        units.y[trainable],
        float(tcfg.get("max_false_alarm", 0.005)),
        float(tcfg.get("floor", 0.3)),
    )

    final = fit(features, units, trainable, train, seed)
    report = _report(units, oof, thresholds, trainable, labels, tinfo, folds)
    held = np.flatnonzero(units.held_out)
    if len(held):
        hp = predict(features, final, held)
        fired = hp >= thresholds
        report["held_out"] = {
            "units": int(len(held)),
            "groups": sorted({units.groups[i] for i in held}),
            "units_flagged": int(fired.any(axis=1).sum()),
            "examples": [
                {"text": units.texts[i], "labels": [labels[j] for j in np.flatnonzero(fired[k])]}
                for k, i in enumerate(held)
                if fired[k].any()
            ][:20],
        }

    coef = final["coef"]
    used = np.flatnonzero(np.abs(coef).max(axis=1) > float(train.get("prune", 1e-4)))
    seen = final["seen"]
    meta = {
        "name": spec["name"],
        "version": spec.get("version", ""),
        "unit": spec["unit"],
        "labels": labels,
        "features": {"bits": fspec.bits, "n_min": fspec.n_min, "n_max": fspec.n_max},
        "train": train,
        "seed": seed,
        "thresholds": {label: round(float(t), 6) for label, t in zip(labels, thresholds, strict=True)},
        "data": manifest,
        "report": report,
    }
    arrays = {
        "meta": np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        "idf_cols": seen.astype(np.int32),
        "idf_vals": final["idf"][seen].astype(np.float16),
        "idf_default": np.array(final["idf_default"], dtype=np.float32),
        "w_cols": used.astype(np.int32),
        "w": coef[used].astype(np.float16),
        "bias": final["bias"].astype(np.float32),
        "thresholds": thresholds.astype(np.float32),
    }
    out = out or MODEL_DIR / f"{spec['name']}.npz"
    _write_npz(out, arrays)
    Model.from_file(out)  # fails loudly if the file does not load
    log(render(meta, out))
    return meta


def _report(
    units: Units,
    oof: np.ndarray,
    thresholds: np.ndarray,
    trainable: np.ndarray,
    labels: list[str],
    tinfo: dict[str, Any],
    folds: list[list[str]],
) -> dict[str, Any]:
    y = units.y[trainable]
    p = oof[trainable]
    fired = p >= thresholds
    per_label = {}
    for j, label in enumerate(labels):
        pos = y[:, j] == 1
        neg = y[:, j] == 0
        per_label[label] = {
            "positives": int(pos.sum()),
            "negatives": int(neg.sum()),
            "threshold": round(float(thresholds[j]), 4),
            "recall": round(float(fired[pos, j].mean()), 4) if pos.any() else None,
            "false_alarms": int(fired[neg, j].sum()),
        }
    clean = (y == 0).all(axis=1)
    return {
        "folds": folds,
        "clean_units": int(clean.sum()),
        "clean_units_flagged": int(fired[clean].any(axis=1).sum()),
        "false_alarm_pairs": int(sum(fired[y[:, j] == 0, j].sum() for j in range(len(labels)))),
        "budget": tinfo["budget"],
        "labels": per_label,
    }


def render(meta: dict[str, Any], out: Path) -> str:
    """The build report as Markdown."""
    rep = meta["report"]
    size = out.stat().st_size / 1e6 if out.exists() else 0.0
    lines = [
        f"## Screen `{meta['name']}` -> {out} ({size:.2f} MB)",
        "",
        f"Folds (grouped cross-validation): {rep['folds']}",
        f"Clean units: {rep['clean_units']}, flagged out of fold: {rep['clean_units_flagged']}; "
        f"false-alarm pairs {rep['false_alarm_pairs']} (budget {rep['budget']})",
        "",
        "| label | positives | negatives | threshold | recall (out of fold) | false alarms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, st in rep["labels"].items():
        rec = "—" if st["recall"] is None else f"{st['recall'] * 100:.1f}%"
        lines.append(
            f"| {label} | {st['positives']} | {st['negatives']} | {st['threshold']:.3f} | {rec} | {st['false_alarms']} |"
        )
    held = rep.get("held_out")
    if held:
        lines += [
            "",
            f"Held-out units ({', '.join(held['groups'])}): {held['units']}, flagged {held['units_flagged']}",
        ]
        lines += [f"- {ex['labels']}: {ex['text']}" for ex in held["examples"]]
    lines += ["", "Data: " + ", ".join(f"{d['path']} ({d['rows']} rows)" for d in meta["data"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="posts", help="spec name under specs/ or a path (default: posts)")
    parser.add_argument("--out", type=Path, help="model file to write (default: models/<name>.npz)")
    parser.add_argument("--sample", type=int, help="use only the first N rows of each source (tests)")
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("build: scikit-learn が必要です（pip install -e '.[build]'）", file=sys.stderr)
        return 2
    build(args.spec, args.out, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
