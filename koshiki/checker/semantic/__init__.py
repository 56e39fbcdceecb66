"""A learned semantic screen shipped with the checker: per-sentence, per-label probabilities.

The screen is a linear model over hashed character n-grams (``features``),
trained by ``python -m koshiki.checker.semantic.build`` from labelled data in
the repository and exported as plain numpy arrays (``models/<name>.npz``).
Run time needs numpy only (SudachiPy is not involved); nothing is downloaded.
The same machinery trains the post screen (``posts``: the meaning-based post
rules) and, with another spec, a comment classifier (``comment.*`` labels,
whole comments as units).

- ``score_sentences(text)``: the post model's probabilities per sentence;
- ``load_model(name)``: a model, loaded once per process;
- ``screen.screen_hits``: the one call a rule makes to add the screen's findings;
- ``disabled()``: a context manager that turns the screen off (rules only), for
  measurements and tests that pin a rule's own behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from koshiki.checker.semantic.model import Model, ModelError, Scores, load_model

_ENABLED: ContextVar[bool] = ContextVar("koshiki_screen_enabled", default=True)


def enabled() -> bool:
    """Whether rules consult the screen in the current context (thread or task)."""
    return _ENABLED.get()


@contextmanager
def disabled() -> Iterator[None]:
    """Run the rules without the screen inside the ``with`` block (this context only)."""
    token = _ENABLED.set(False)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def score_sentences(text: str, model: str = "posts") -> list[tuple[int, int, dict[str, float]]]:
    """Each sentence of ``text`` as ``(start, end, {label: probability})``.

    Offsets are half-open code points of ``text`` as given (the model reads its
    normalised form, like the rules). Thread-safe; the model loads on first use.
    """
    from koshiki.checker.text import Text

    subject = Text(text)
    scores = load_model(model).score_sentences(subject.norm)
    out = []
    for (a, b), row in zip(scores.spans, scores.probs, strict=True):
        start, end = subject.to_original(a, b)
        out.append((start, end, {label: float(p) for label, p in zip(scores.labels, row, strict=True)}))
    return out


__all__ = ["Model", "ModelError", "Scores", "disabled", "enabled", "load_model", "score_sentences"]
