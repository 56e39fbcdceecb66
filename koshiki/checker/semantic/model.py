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

At load the sparse arrays become one compact table with a row per bucket seen
in training — ``[idf, idf_ctx, weight per label]`` in float32 — and a
bucket -> row index (``2**bits`` int32 entries); row 0 holds the defaults of a
bucket never seen. Scoring an n-gram then reads two places of memory (its
row number, its row) instead of four (two IDF tables, the index, the weights),
in 25 MB instead of 29. The table's values are the file's, bit for bit. The
loaded ``Model`` is never mutated, so one instance serves every thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from koshiki.checker.semantic.features import FeatureSpec, counts, split_sentences, weigh

MODEL_DIR = Path(__file__).resolve().parent / "models"
UNITS = ("sentence", "text")
# Up to this many units (sentences and the context) are summed by one dense matrix product.
DENSE_UNITS = 48


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
            has_ctx = "idf_ctx_cols" in arrays
            seen = [arrays["idf_cols"], arrays["w_cols"]] + ([arrays["idf_ctx_cols"]] if has_ctx else [])
            mask = np.zeros(buckets, dtype=bool)
            for cols in seen:
                mask[cols] = True
            used = np.flatnonzero(mask)
            index = np.zeros(buckets, dtype=np.int32)
            index[used] = np.arange(1, len(used) + 1, dtype=np.int32)
            # Columns: 0 the IDF of a sentence's n-gram, 1 of the context's, 2.. the weights.
            table = np.zeros((len(used) + 1, 2 + len(arrays["bias"])), dtype=np.float32)
            table[:, 0] = float(arrays["idf_default"])
            table[index[arrays["idf_cols"]], 0] = arrays["idf_vals"].astype(np.float32)
            if has_ctx:
                table[:, 1] = float(arrays["idf_ctx_default"])
                table[index[arrays["idf_ctx_cols"]], 1] = arrays["idf_ctx_vals"].astype(np.float32)
            table[index[arrays["w_cols"]], 2:] = arrays["w"].astype(np.float32)
            self.bias = arrays["bias"].astype(np.float32)
            self.thresholds = arrays["thresholds"].astype(np.float32)
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            raise ModelError(f"{source or 'model'}: malformed model file ({exc})") from exc
        if self.unit not in UNITS or not len(self.bias) == len(self.labels) == len(self.thresholds):
            raise ModelError(f"{source or 'model'}: inconsistent model file")
        if self.spec.context and not has_ctx:
            raise ModelError(f"{source or 'model'}: context weight without a context IDF")
        self.best_only = self.meta.get("decision", "best") == "best"
        self.index = index
        self.table = table
        for array in (self.index, self.table, self.bias, self.thresholds):
            array.setflags(write=False)

    @property
    def idf(self) -> np.ndarray:
        """The IDF of every bucket for sentence n-grams (a dense ``2**bits`` table; a copy)."""
        return self.table[self.index, 0]

    @property
    def idf_ctx(self) -> np.ndarray:
        """The IDF of every bucket for context n-grams (a dense ``2**bits`` table; a copy)."""
        return self.table[self.index, 1]

    @property
    def weights(self) -> np.ndarray:
        """Per-row weights, shape ``(rows, labels)``; row 0 (never-seen buckets) is zero."""
        return self.table[:, 2:]

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
        """Raw scores, shape ``(len(units), len(labels))``; ``context``: the whole text.

        The training features (``features.tfidf`` of the units and, in its own
        namespace, of the context; counted in one pass) followed by the linear layer,
        reading each n-gram's IDF and weights from one row of the compact table.
        """
        out = np.repeat(self.bias[None, :], len(units), axis=0)
        if not units:
            return out
        last = len(units)
        with_ctx = bool(self.spec.context)
        if with_ctx:
            text = context if context is not None else "".join(units)
            rows, cols, cnt = counts([*units, text], self.spec, 0, last_namespace=1)
        else:
            rows, cols, cnt = counts(units, self.spec)
        if not len(rows):
            return out
        found = self.table[self.index[cols]]
        idf = np.where(rows == last, found[:, 1], found[:, 0]) if with_ctx else found[:, 0]
        units_out = last + with_ctx
        weighted = weigh(rows, cnt, idf, units_out)
        if units_out <= DENSE_UNITS:
            # One matrix product sums each unit's n-grams (a unit per row, an n-gram per
            # column): ~35 µs less per post than a product, a sum and a segmented sum. The
            # order of the additions differs, so logits move by ~1e-6 at most.
            spread = np.zeros((units_out, len(rows)), dtype=np.float32)
            spread[rows, np.arange(len(rows))] = weighted
            summed = spread @ found
        else:  # a batch or a very long text: that matrix would grow with units x n-grams
            contrib = found * weighted[:, None]
            starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))  # rows are sorted
            summed = np.zeros((units_out, found.shape[1]), dtype=np.float32)
            summed[rows[starts]] = np.add.reduceat(contrib, starts, axis=0)
        out += summed[:last, 2:]
        if with_ctx:
            out += self.spec.context * summed[last, 2:]
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
