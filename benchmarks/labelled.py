"""Hand-labelled post sets: the ``⟦alias:span⟧`` mark syntax shared by ``devset/`` and ``holdout/``.

Each ``<set>/src/<profile>.py`` defines ``POSTS``, a list of ``P(...)`` records (``P`` is injected
by the set's ``build.py``). The text carries inline labels ``⟦alias[+alias...]:span⟧`` (see
``ALIASES``); ``whole=[alias, ...]`` adds labels that cover the whole post (an absence, such as a
missing disclosure, or a repeated post) and ``spans=[(alias, substring), ...]`` labels that overlap
an inline mark (the first occurrence of the substring in the stripped text). ``build_rows`` strips
the marks and records each label's exact substring and its code-point offsets ``[start, end)``.
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILES = ("kyoto", "komae", "ishinomaki", "akitakata", "kawasaki", "standard")
OPEN, CLOSE = "⟦", "⟧"

ALIASES = {
    "phone": "pii.phone",
    "email": "pii.email",
    "mynum": "pii.mynumber",
    "addr": "pii.address",
    "zip": "pii.postal_code",
    "name": "pii.person_name",
    "loc": "pii.location",
    "delib": "confidential.deliberation",
    "secret": "confidential.secret",
    "sec": "confidential.security",
    "insult": "harm.insult",
    "discr": "harm.discrimination",
    "obscene": "harm.obscene",
    "illegal": "harm.illegal",
    "rumor": "harm.rumor",
    "short": "link.shortener",
    "unsafe": "link.unsafe",
    "ext": "link.external",
    "http": "link.insecure",
    "mask": "style.masking",
    "rep": "style.repetition",
    "missing": "promo.missing_disclosure",
    "order": "promo.wrong_order",
    "lead": "promo.not_leading",
    "fused": "promo.fused_tag",
    "pol": "neutrality.politics_religion",
    "com": "neutrality.commercial",
}
POST_RULES = sorted(set(ALIASES.values()))


@dataclass
class P:
    """One hand-written post with inline labels."""

    marked: str
    ctx: dict[str, Any] | None = None
    whole: list[str] = field(default_factory=list)
    spans: list[tuple[str, str]] = field(default_factory=list)


def _label(alias: str, span: str, start: int) -> dict[str, Any]:
    return {"rule": ALIASES[alias], "span": span, "start": start, "end": start + len(span)}


def parse(marked: str) -> tuple[str, list[dict[str, Any]]]:
    """Strip ``⟦alias[+alias]:span⟧`` marks; return the text and its labels."""
    out: list[str] = []
    labels: list[dict[str, Any]] = []
    pos = 0
    i = 0
    while i < len(marked):
        ch = marked[i]
        if ch == OPEN:
            close = marked.index(CLOSE, i)
            body = marked[i + 1 : close]
            names, span = body.split(":", 1)
            if OPEN in span or not span:
                raise ValueError(f"bad mark in {marked!r}")
            for alias in names.split("+"):
                labels.append(_label(alias, span, pos))
            out.append(span)
            pos += len(span)
            i = close + 1
        elif ch == CLOSE:
            raise ValueError(f"stray {CLOSE} in {marked!r}")
        else:
            out.append(ch)
            pos += 1
            i += 1
    return "".join(out), labels


def label_post(post: P) -> tuple[str, list[dict[str, Any]]]:
    """The post's plain text and all its labels (marks, ``spans``, ``whole``), sorted by offset."""
    text, labels = parse(post.marked)
    for alias, sub in post.spans:
        labels.append(_label(alias, sub, text.index(sub)))
    for alias in post.whole:
        labels.append(_label(alias, text, 0))
    for lab in labels:
        assert text[lab["start"] : lab["end"]] == lab["span"], lab
    labels.sort(key=lambda lab: (lab["start"], lab["end"], lab["rule"]))
    return text, labels


def build_rows(src: Path, id_prefix: str = "") -> list[dict[str, Any]]:
    """Rows ``{id, profile, text, [context], expected}`` of every post in ``src/<profile>.py``."""
    rows: list[dict[str, Any]] = []
    for profile in PROFILES:
        posts = runpy.run_path(str(src / f"{profile}.py"), init_globals={"P": P})["POSTS"]
        for n, post in enumerate(posts, 1):
            text, labels = label_post(post)
            row: dict[str, Any] = {"id": f"{id_prefix}{profile}-{n:03d}", "profile": profile, "text": text}
            if post.ctx:
                row["context"] = post.ctx
            row["expected"] = labels
            rows.append(row)
    return rows
