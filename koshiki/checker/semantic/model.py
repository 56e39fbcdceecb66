"""A trained screen as plain arrays: load once per process, score units cheaply.

A model file (``models/<name>.npz``, written by ``python -m
koshiki.checker.semantic.build``) holds, besides a JSON ``meta`` record (labels,
feature spec, thresholds, training-data hashes), only numpy arrays:

- ``idf_cols``/``idf_vals``: the IDF of every bucket seen in training
  (``idf_default`` for the others);
- ``w_cols``/``w``: one row of per-label weights for each bucket whose weight
  is not zero (float16), and ``bias`` per label: a one-vs-rest logistic
  regression per label;
- ``thresholds``: per label, the probability from which the screen reports a
  unit on its own (chosen by grouped cross-validation, see ``build``).

At load the sparse arrays become a dense IDF table and a bucket -> row index
(``2**bits`` entries each, ~8 MB for 20 bits), so that scoring is two
gathers, one product and one segmented sum. The loaded ``Model`` is never
mutated, so one instance serves every thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from koshiki.checker.semantic.features import FeatureSpec, split_sentences, tfidf, tfidf_with_context

MODEL_DIR = Path(__file__).resolve().parent / "models"
UNITS = ("sentence", "text")


class ModelError(RuntimeError):
    """A model file is missing or malformed (a packaging error, not bad input)."""


@dataclass(frozen=True, slots=True)
class Scores:
    """Per-unit, per-label probabilities of one text.

    ``spans[i]`` is unit ``i`` as a half-open span of the scored text;
    ``probs[i, j]`` is the probability that unit ``i`` breaks ``labels[j]``.
    """

    spans: list[tuple[int, int]]
    labels: tuple[str, ...]
    probs: np.ndarray
    thresholds: np.ndarray
    best_only: bool = True
    # Per label: does any unit reach its threshold? Most posts break no rule, and each
    # screened rule asks once, so the common answer "none" costs one look-up.
    reached: np.ndarray | None = None

    def prob(self, label: str) -> list[float]:
        """The probability of ``label`` for each unit, in text order."""
        return [float(p) for p in self.probs[:, self.labels.index(label)]]

    def flagged(self, label: str, scale: float = 1.0) -> list[tuple[int, int, float]]:
        """Units whose probability of ``label`` reaches its threshold (times ``scale``)."""
        j = self.labels.index(label)
        if scale == 1.0 and self.reached is not None and not self.reached[j]:
            return []
        limit = float(self.thresholds[j]) * scale
        return [
            (a, b, float(p)) for (a, b), p in zip(self.spans, self.probs[:, j], strict=True) if p >= limit
        ]


class Model:
    """A loaded screen; immutable and thread-safe."""

    def __init__(self, arrays: dict[str, np.ndarray], source: str = "") -> None:
        try:
            self.meta: dict[str, Any] = json.loads(str(arrays["meta"]))
            self.labels: tuple[str, ...] = tuple(self.meta["labels"])
            self.unit: str = self.meta["unit"]
            self.spec = FeatureSpec(**self.meta["features"])
            buckets = self.spec.buckets
            idf = _dense(arrays, "idf", buckets)
            idf_ctx = _dense(arrays, "idf_ctx", buckets) if "idf_ctx_cols" in arrays else None
            index = np.zeros(buckets, dtype=np.int32)
            index[arrays["w_cols"]] = np.arange(1, len(arrays["w_cols"]) + 1, dtype=np.int32)
            weights = np.zeros((len(arrays["w_cols"]) + 1, len(self.labels)), dtype=np.float32)
            weights[1:] = arrays["w"].astype(np.float32)
            self.bias = arrays["bias"].astype(np.float32)
            self.thresholds = arrays["thresholds"].astype(np.float32)
        except (KeyError, ValueError, TypeError) as exc:
            raise ModelError(f"{source or 'model'}: malformed model file ({exc})") from exc
        if self.unit not in UNITS or not weights.shape[1] == len(self.labels) == len(self.thresholds):
            raise ModelError(f"{source or 'model'}: inconsistent model file")
        if self.spec.context and idf_ctx is None:
            raise ModelError(f"{source or 'model'}: context weight without a context IDF")
        self.best_only = self.meta.get("decision", "best") == "best"
        self.idf = idf
        self.idf_ctx = idf_ctx
        self.index = index
        self.weights = weights
        for array in (self.idf, self.index, self.weights, self.bias, self.thresholds):
            array.setflags(write=False)

    @classmethod
    def from_file(cls, path: Path) -> Model:
        """Load a model file written by the build command."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the model file ({exc})") from exc
        return cls(arrays, str(path))

    def threshold(self, label: str) -> float:
        """The probability from which the screen reports ``label`` on its own."""
        return float(self.thresholds[self.labels.index(label)])

    def logits(self, units: list[str], context: str | None = None) -> np.ndarray:
        """Raw scores, shape ``(len(units), len(labels))``; ``context``: the whole text."""
        out = np.repeat(self.bias[None, :], len(units), axis=0)
        if not units:
            return out
        if self.spec.context and self.idf_ctx is not None:
            text = context if context is not None else "".join(units)
            rows, cols, vals = tfidf_with_context(units, text, self.spec, self.idf, self.idf_ctx)
            split = int(np.searchsorted(rows, len(units)))  # the context's entries come last
            ctx = self.weights[self.index[cols[split:]]] * vals[split:, None]
            out += self.spec.context * ctx.sum(axis=0)
            rows, cols, vals = rows[:split], cols[:split], vals[:split]
        else:
            rows, cols, vals = tfidf(units, self.spec, self.idf)
        if not len(rows):
            return out
        contrib = self.weights[self.index[cols]] * vals[:, None]
        # rows are sorted: one segment per unit that has n-grams
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        out[rows[starts]] += np.add.reduceat(contrib, starts, axis=0)
        return out

    def predict(self, units: list[str], context: str | None = None) -> np.ndarray:
        """Probabilities, shape ``(len(units), len(labels))``."""
        return 1.0 / (1.0 + np.exp(-self.logits(units, context)))

    def score_sentences(self, norm: str) -> Scores:
        """Probabilities per sentence of ``norm`` (normalised text) and label."""
        spans = split_sentences(norm) if self.unit == "sentence" else [(0, len(norm))]
        probs = self.predict([norm[a:b] for a, b in spans], norm)
        reached = (probs >= self.thresholds).any(axis=0) if len(spans) else np.zeros(len(self.labels), bool)
        return Scores(spans, self.labels, probs, self.thresholds, self.best_only, reached)


def _dense(arrays: dict[str, np.ndarray], key: str, buckets: int) -> np.ndarray:
    """A per-bucket table from its sparse form (``<key>_cols``, ``<key>_vals``, ``<key>_default``)."""
    table = np.full(buckets, float(arrays[f"{key}_default"]), dtype=np.float32)
    table[arrays[f"{key}_cols"]] = arrays[f"{key}_vals"].astype(np.float32)
    return table


_LOCK = threading.Lock()
_LOADED: dict[str, Model] = {}


def load_model(name: str = "posts") -> Model:
    """The shipped model ``models/<name>.npz``, loaded once per process (thread-safe)."""
    model = _LOADED.get(name)
    if model is not None:
        return model
    with _LOCK:
        model = _LOADED.get(name)
        if model is None:
            model = Model.from_file(MODEL_DIR / f"{name}.npz")
            _LOADED[name] = model
    return model
