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
import hashlib
import io
import json
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from koshiki.checker.semantic.data import Units, read_fixtures, read_source, sha256, to_units
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
        if src["format"] == "fixtures":
            rows = read_fixtures(path, list(spec["labels"]))
        else:
            rows = read_source(
                path,
                src["format"],
                src.get("group_by"),
                src.get("group"),
                list(src.get("hold_out", [])),
                hard,
                src.get("derive"),  # labels derived from other fields (the comment spec's intents)
            )
        if sample is not None:
            rows = rows[:sample]
        manifest.append({"path": src["path"], "sha256": sha256(path), "rows": len(rows)})
        examples.extend(rows)
    context = str(spec.get("train", {}).get("context_sentences", "ignore"))
    return to_units(examples, list(spec["labels"]), spec["unit"], context), manifest


class Features:
    """Hashed n-gram counts of all units (and of their contexts), sliced per fold into TF-IDF."""

    def __init__(self, texts: list[str], fspec: FeatureSpec, contexts: list[str] | None = None) -> None:
        self.fspec = fspec
        self.tf = self._tf(texts, 0)
        self.ctx = self._tf(contexts, 1) if contexts is not None and fspec.context else None

    def _tf(self, texts: list[str], namespace: int) -> Any:
        from scipy.sparse import csr_matrix

        rows, cols, cnt = counts(texts, self.fspec, namespace)
        tf = csr_matrix(
            (1.0 + np.log(cnt.astype(np.float64)), (rows, cols)), shape=(len(texts), self.fspec.buckets)
        )
        tf.sort_indices()
        return tf

    def idf(self, idx: np.ndarray) -> dict[str, Any]:
        """Smoothed IDF per bucket over the units ``idx`` (and their contexts)."""
        out: dict[str, Any] = {}
        for key, tf in (("idf", self.tf), ("idf_ctx", self.ctx)):
            if tf is None:
                continue
            df = np.bincount(tf[idx].indices, minlength=self.fspec.buckets)
            n = len(idx)
            out[key] = np.log((1.0 + n) / (1.0 + df)) + 1.0
            out[key + "_default"] = float(np.log(1.0 + n) + 1.0)
        return out

    def matrix(self, idx: np.ndarray, idf: dict[str, Any]) -> Any:
        from sklearn.preprocessing import normalize

        def part(tf: Any, table: np.ndarray) -> Any:
            sub = tf[idx].copy()
            sub.data = sub.data * table[sub.indices]
            return normalize(sub, norm="l2", copy=False)

        x = part(self.tf, idf["idf"])
        if self.ctx is not None:
            x = (x + part(self.ctx, idf["idf_ctx"]) * self.fspec.context).tocsr()
        return x


def fit(
    features: Features, units: Units, idx: np.ndarray, train: dict[str, Any], seed: int
) -> dict[str, Any]:
    """One logistic regression per label on the units ``idx``; returns idf, weights, bias."""
    from sklearn.linear_model import LogisticRegression

    idf = features.idf(idx)
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
    return {"idf": idf, "coef": coef, "bias": bias, "seen": np.unique(features.tf[idx].indices),
            "seen_ctx": np.unique(features.ctx[idx].indices) if features.ctx is not None else None}  # fmt: skip


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


def decisions(
    probs: np.ndarray, y: np.ndarray, owner: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the screen would report per text and label: its best unit's probability.

    Returns ``scores`` and ``hits`` (shape texts x labels): the highest probability of
    the label among the text's units, and whether that unit breaks the label; and
    ``wanted``: whether any unit of the text breaks it (the recall denominator).
    """
    owner_arr = np.asarray(owner)
    order = np.argsort(owner_arr, kind="stable")
    starts = np.flatnonzero(np.r_[True, owner_arr[order][1:] != owner_arr[order][:-1]])
    ends = np.r_[starts[1:], len(order)]
    n_labels = y.shape[1]
    scores = np.zeros((len(starts), n_labels))
    hits = np.zeros((len(starts), n_labels), dtype=bool)
    wanted = np.zeros((len(starts), n_labels), dtype=bool)
    cols = np.arange(n_labels)
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        idx = order[a:b]
        best = idx[probs[idx].argmax(axis=0)]
        scores[i] = probs[best, cols]
        hits[i] = y[best, cols] == 1
        wanted[i] = (y[idx] == 1).any(axis=0)
    return scores, hits, wanted


def choose_thresholds(
    scores: np.ndarray, hits: np.ndarray, wanted: np.ndarray, budget: int, floor: float, lookahead: int = 20
) -> tuple[np.ndarray, int]:
    """Per-label thresholds on out-of-fold decisions under one false-alarm budget.

    A decision fires when its score reaches the label's threshold; it is a false alarm
    unless ``hits`` says it is right (``alarms = "span"``: its unit breaks the label, so
    a sentence next to the one that does counts as a false alarm; ``alarms = "post"``:
    its text breaks the label). Starting with every label just above its highest false
    alarm, the budget (false alarms of all labels together) is spent one step at a time
    on the label whose recall rises most per false alarm allowed.
    """
    n_labels = scores.shape[1]
    negs = [np.sort(scores[~hits[:, j], j])[::-1] for j in range(n_labels)]
    poss = [np.sort(scores[hits[:, j], j]) for j in range(n_labels)]
    totals = [max(1, int(wanted[:, j].sum())) for j in range(n_labels)]

    def limit(j: int, k: int) -> float:
        return max(floor, negs[j][k] if k < len(negs[j]) else 0.0)

    def recall(j: int, k: int) -> float:
        return float((poss[j] > limit(j, k)).sum()) / totals[j]

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
    thresholds = np.array([min(0.999, limit(j, ks[j]) + 1e-4) for j in range(n_labels)])
    return thresholds, spent


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


def _fingerprint(spec: dict[str, Any], manifest: list[dict[str, Any]], n_units: int) -> str:
    """What the out-of-fold probabilities depend on: data, labels, unit, features, training."""
    basis = {key: spec.get(key) for key in ("labels", "unit", "features", "train", "seed", "sources")} | {
        "data": manifest,
        "units": n_units,
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _cached_oof(path: Path | None, key: str) -> np.ndarray | None:
    """Out-of-fold probabilities saved by an earlier build with the same fingerprint, else None."""
    if path is None or not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["key"]) != key:
            return None
        return np.array(data["oof"])


def build(
    spec_name: str,
    out: Path | None = None,
    sample: int | None = None,
    log: Any = print,
    oof_cache: Path | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Train, choose thresholds, export; returns the report (also stored in the model's meta).

    ``overrides``: per section of the spec (``features``, ``train``, ...), values that
    replace the spec's (a test builds a small model with fewer hash bits and folds).
    """
    spec, root = load_spec(spec_name)
    for section, values in (overrides or {}).items():
        spec[section] = {**spec.get(section, {}), **values}
    fspec = FeatureSpec(**spec.get("features", {}))
    train = dict(spec.get("train", {}))
    seed = int(spec.get("seed", 0))
    tcfg = spec.get("thresholds", {})
    labels = list(spec["labels"])
    units, manifest = read_units(spec, root, sample)
    features = Features(units.texts, fspec, units.contexts)
    trainable = np.flatnonzero(~units.held_out)
    groups = [units.groups[i] for i in trainable]
    log(f"{spec['name']}: {len(units.texts)} units ({len(trainable)} trainable), {len(labels)} labels")

    # Out-of-fold probabilities for every trainable unit (or those of an earlier run with
    # exactly the same data, labels, features and training options: --oof).
    folds = folds_of(groups, int(train.get("folds", 5)))
    key = _fingerprint(spec, manifest, len(units.texts))
    oof = _cached_oof(oof_cache, key)
    if oof is None:
        oof = np.zeros((len(units.texts), len(labels)))
        for fold in folds:
            test = np.array([i for i in trainable if units.groups[i] in fold], dtype=np.int64)
            fit_idx = np.array([i for i in trainable if units.groups[i] not in fold], dtype=np.int64)
            if not len(fit_idx) or not len(test):
                continue
            oof[test] = predict(features, fit(features, units, fit_idx, train, seed), test)
        if oof_cache is not None:
            np.savez(oof_cache, oof=oof, key=np.array(key))
    else:
        log(f"out-of-fold probabilities reused from {oof_cache}")
    y = units.y[trainable]
    owner = [units.example[i] for i in trainable]
    scores, hits, wanted = decisions(oof[trainable], y, owner)
    clean = int((y == 0).all(axis=1).sum())
    budget = int(float(tcfg.get("max_false_alarm", 0.005)) * clean)
    alarms = str(tcfg.get("alarms", "span"))
    if alarms not in ("span", "post"):
        raise ValueError(f"thresholds.alarms must be span or post, not {alarms!r}")
    # "post": a false alarm is a finding on a text that does not break the label (clean
    # text flagged); a sentence next to the labelled one of a text that does is not.
    right = hits if alarms == "span" else wanted
    thresholds, spent = choose_thresholds(scores, right, wanted, budget, float(tcfg.get("floor", 0.3)))

    final = fit(features, units, trainable, train, seed)
    report = _report(scores, hits, wanted, thresholds, labels, folds, clean, budget, alarms)
    held = np.flatnonzero(units.held_out)
    if len(held):
        hp = predict(features, final, held)
        hs, _, _ = decisions(hp, units.y[held], [units.example[i] for i in held])
        fired = hs >= thresholds
        held_texts = sorted({units.example[i] for i in held})
        report["held_out"] = {
            "texts": len(held_texts),
            "groups": sorted({units.groups[i] for i in held}),
            "texts_flagged": int(fired.any(axis=1).sum()),
        }

    coef = final["coef"]
    used = np.flatnonzero(np.abs(coef).max(axis=1) > float(train.get("prune", 1e-4)))
    meta = {
        "name": spec["name"],
        "version": spec.get("version", ""),
        "unit": spec["unit"],
        "decision": "best",
        "labels": labels,
        "features": {
            "bits": fspec.bits,
            "n_min": fspec.n_min,
            "n_max": fspec.n_max,
            "context": fspec.context,
        },
        "train": train,
        "seed": seed,
        "thresholds": {label: round(float(t), 6) for label, t in zip(labels, thresholds, strict=True)},
        "data": manifest,
        "report": report,
    }
    idf = final["idf"]
    seen = final["seen"]
    arrays = {
        "meta": np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        "idf_cols": seen.astype(np.int32),
        "idf_vals": idf["idf"][seen].astype(np.float16),
        "idf_default": np.array(idf["idf_default"], dtype=np.float32),
        "w_cols": used.astype(np.int32),
        "w": coef[used].astype(np.float16),
        "bias": final["bias"].astype(np.float32),
        "thresholds": thresholds.astype(np.float32),
    }
    if final["seen_ctx"] is not None:
        seen_ctx = final["seen_ctx"]
        arrays["idf_ctx_cols"] = seen_ctx.astype(np.int32)
        arrays["idf_ctx_vals"] = idf["idf_ctx"][seen_ctx].astype(np.float16)
        arrays["idf_ctx_default"] = np.array(idf["idf_ctx_default"], dtype=np.float32)
    out = out or MODEL_DIR / f"{spec['name']}.npz"
    _write_npz(out, arrays)
    Model.from_file(out)  # fails loudly if the file does not load
    log(render(meta, out))
    return meta


def _report(
    scores: np.ndarray,
    hits: np.ndarray,
    wanted: np.ndarray,
    thresholds: np.ndarray,
    labels: list[str],
    folds: list[list[str]],
    clean: int,
    budget: int,
    alarms: str = "span",
) -> dict[str, Any]:
    """Out-of-fold figures per label at the chosen thresholds (one decision per text and label).

    ``recall`` counts a text found when the reported sentence carries the label (span);
    ``post_recall`` when the text does. ``false_alarms`` are findings on texts without the
    label; ``neighbour_alarms`` findings on a sentence next to the labelled one.
    """
    fired = scores >= thresholds
    per_label = {}
    for j, label in enumerate(labels):
        tp = int((fired[:, j] & hits[:, j]).sum())
        post_tp = int((fired[:, j] & wanted[:, j]).sum())
        n = int(wanted[:, j].sum())
        per_label[label] = {
            "texts_with_label": n,
            "threshold": round(float(thresholds[j]), 4),
            "recall": round(tp / n, 4) if n else None,
            "post_recall": round(post_tp / n, 4) if n else None,
            "false_alarms": int((fired[:, j] & ~wanted[:, j]).sum()),
            "neighbour_alarms": int((fired[:, j] & wanted[:, j] & ~hits[:, j]).sum()),
        }
    return {
        "folds": folds,
        "clean_units": clean,
        "budget": budget,
        "alarms": alarms,
        "false_alarms": int((fired & ~wanted).sum()),
        "neighbour_alarms": int((fired & wanted & ~hits).sum()),
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
        f"Out of fold: {rep['false_alarms']} false alarms on texts without the label and"
        f" {rep.get('neighbour_alarms', 0)} on a neighbour of the labelled sentence, all labels together"
        f" (budget {rep['budget']} = max_false_alarm x {rep['clean_units']} clean units,"
        f" counting {rep.get('alarms', 'span')} alarms)",
        "",
        "| label | texts with label | threshold | span recall | post recall | false alarms | neighbour |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    for label, st in rep["labels"].items():
        lines.append(
            f"| {label} | {st['texts_with_label']} | {st['threshold']:.3f} | {pct(st['recall'])}"
            f" | {pct(st.get('post_recall'))} | {st['false_alarms']} | {st.get('neighbour_alarms', 0)} |"
        )
    held = rep.get("held_out")
    if held:
        lines += [
            "",
            f"Held-out texts ({', '.join(held['groups'])}): {held['texts']}, flagged {held['texts_flagged']}",
        ]
    lines += ["", "Data: " + ", ".join(f"{d['path']} ({d['rows']} rows)" for d in meta["data"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="posts", help="spec name under specs/ or a path (default: posts)")
    parser.add_argument("--out", type=Path, help="model file to write (default: models/<name>.npz)")
    parser.add_argument("--sample", type=int, help="use only the first N rows of each source (tests)")
    parser.add_argument(
        "--oof",
        type=Path,
        help="file of out-of-fold probabilities: reused when data, labels, features and training"
        " options are unchanged (e.g. only the threshold options changed), else computed and saved",
    )
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("build: scikit-learn が必要です（pip install -e '.[build]'）", file=sys.stderr)
        return 2
    build(args.spec, args.out, args.sample, oof_cache=args.oof)
    return 0


if __name__ == "__main__":
    sys.exit(main())
