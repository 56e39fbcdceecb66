"""Sentence splitting and hashed character n-gram TF-IDF features, in numpy.

The same code computes the features at build time (training) and at run time
(scoring), so the two can never disagree. A unit (a sentence, or a whole
comment) is wrapped in two marker characters so that n-grams at its start and
end are features of their own (「\x02まだ」, 「らしい。\x03」); digits fold to
``0`` so that ages, dates and numbers generalise (「82歳」 and 「75歳」 share
「0歳」).

Each character n-gram (``n_min``..``n_max``) is hashed with a fixed 64-bit
polynomial hash computed in numpy (no Python loop per n-gram, no per-process
hash seed), then folded into ``2**bits`` buckets: no vocabulary is shipped, and
an n-gram never seen in training lands in a bucket whose weight is zero (or, on
a collision, that of another rare n-gram). A unit's vector is sublinear TF
(1 + log count) times the bucket's IDF, L2-normalised: the scikit-learn
``TfidfVectorizer(sublinear_tf=True)`` recipe, reproduced exactly here.

Cost: a handful of numpy calls per text (one per n-gram length plus a sort),
about 30-60 µs for a 165-character post; linear in the text length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from koshiki.checker.text import SENTENCE_ENDS

BEGIN, END = 0x02, 0x03
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
# Odd 64-bit constants: one multiplier per position in the n-gram, one mixer.
_POSITION = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)
_MIX = np.uint64(0xC4CEB9FE1A85EC53)
_DIGITS = np.arange(ord("0"), ord("9") + 1, dtype=np.uint32)
# Units shorter than this (after trimming) carry too little to judge: 「#京都市」, 「🍁」.
MIN_UNIT = 4
_TRIM = " \u3000\t"
_ENDS = "".join(e for e in SENTENCE_ENDS if e != "\n")
# A sentence: anything up to a run of 。!? or a line break (which is not kept).
_SENTENCE = re.compile(f"[^{_ENDS}\n]+[{_ENDS}]*|[{_ENDS}]+")


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How units become vectors: hash width and n-gram lengths (recorded in the model)."""

    bits: int = 20
    n_min: int = 1
    n_max: int = 3
    # Weight of the whole text's vector (its own hash namespace) added to each
    # sentence's: the post around a sentence tells what the sentence means
    # (「まだ言えないけど」 before a plan, a name before 「の家」). 0 = none.
    context: float = 0.0

    @property
    def buckets(self) -> int:
        return 1 << self.bits


def split_sentences(norm: str) -> list[tuple[int, int]]:
    """Sentence spans ``[start, end)`` of normalised text, in order.

    A sentence ends after a run of 。!? (kept in the sentence) or at a line
    break (``koshiki.checker.text.SENTENCE_ENDS``); spaces at its edges are
    trimmed, and fragments shorter than ``MIN_UNIT`` characters (a lone
    hashtag, an emoji line) are left out.
    """
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(norm):
        a, b = m.span()
        while a < b and norm[a] in _TRIM:
            a += 1
        while b > a and norm[b - 1] in _TRIM:
            b -= 1
        if b - a >= MIN_UNIT:
            spans.append((a, b))
    return spans


def _codepoints(units: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All units joined with markers as code points (digits folded to 0), and each one's unit."""
    joined = "".join(f"\x02{u}\x03" for u in units)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    cps[(cps >= 0x30) & (cps <= 0x39)] = 0x30
    if len(units) == 1:
        return cps, np.zeros(len(cps), dtype=np.int64)
    lengths = [len(u) + 2 for u in units]
    return cps, np.repeat(np.arange(len(units), dtype=np.int64), lengths)


def hashed_ngrams(
    units: list[str], spec: FeatureSpec, namespace: int = 0, *, last_namespace: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(unit_index, bucket)`` of every n-gram of every unit (n-grams never cross units).

    ``namespace`` 1 hashes the same n-grams into other buckets (the context vector).
    ``last_namespace``: the last unit's namespace instead (the sentences and their
    context in one pass; each n-gram hashes exactly as in its own call).
    """
    cps, owner = _codepoints(units)
    size = len(cps)
    # Each position's namespace, shifted: n < 256, so n + (ns << 8) is the same salt as a call of its own.
    salt = None
    if last_namespace is not None:
        salt = np.where(owner == len(units) - 1, last_namespace << 8, namespace << 8).astype(np.uint64)
    parts: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        acc = np.zeros(size, dtype=np.uint64)
        for n in range(1, spec.n_max + 1):
            m = size - n + 1
            if m <= 0:
                break
            acc = acc[:m] + cps[n - 1 :] * _POSITION[n - 1]
            if n < spec.n_min:
                continue
            if salt is None:
                parts.append(acc ^ np.uint64(n + (namespace << 8)))
            else:
                parts.append(acc ^ (salt[:m] + np.uint64(n)))
            rows.append(owner[:m] - owner[n - 1 :] if len(units) > 1 else owner[:m])
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        h = np.concatenate(parts) * _MIX
        h ^= h >> np.uint64(29)
        h *= _MIX
    cols = (h >> np.uint64(64 - spec.bits)).astype(np.int64)
    if len(units) == 1:
        return np.zeros(len(cols), dtype=np.int64), cols
    # An n-gram starting in one unit and ending in the next is dropped.
    same = np.concatenate(rows) == 0
    starts = np.concatenate(
        [owner[: size - n + 1] for n in range(spec.n_min, spec.n_max + 1) if size - n + 1 > 0]
    )
    return starts[same], cols[same]


def counts(
    units: list[str], spec: FeatureSpec, namespace: int = 0, *, last_namespace: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted distinct ``(unit, bucket)`` pairs with their counts: ``rows, cols, counts``."""
    rows, cols = hashed_ngrams(units, spec, namespace, last_namespace=last_namespace)
    keys = (rows << spec.bits) | cols
    uniq, cnt = np.unique(keys, return_counts=True)
    return uniq >> spec.bits, uniq & (spec.buckets - 1), cnt


def weigh(rows: np.ndarray, cnt: np.ndarray, idf: np.ndarray, n_units: int) -> np.ndarray:
    """Sublinear TF (1 + log count) times each entry's IDF, L2-normalised per unit (row)."""
    vals = (1.0 + np.log(cnt)).astype(np.float32) * idf
    norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=n_units)).astype(np.float32)
    norms[norms == 0] = 1.0
    return vals / norms[rows]


def tfidf(
    units: list[str], spec: FeatureSpec, idf: np.ndarray, namespace: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L2-normalised sublinear TF-IDF entries ``rows, cols, values`` (rows sorted); ``idf`` per bucket."""
    rows, cols, cnt = counts(units, spec, namespace)
    return rows, cols, weigh(rows, cnt, idf[cols], len(units))
