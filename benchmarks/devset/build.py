"""Build ``posts.jsonl`` from the hand-written sources in ``src/``.

Each ``src/<profile>.py`` defines ``POSTS``: a list of ``P(...)`` records whose
text carries inline labels ``⟦alias[+alias...]:span⟧`` (see ``ALIASES``) and
optional ``whole=[alias, ...]`` for labels that cover the whole post (an
absence, such as a missing disclosure, or a repeated post) and
``spans=[(alias, substring), ...]`` for labels that overlap an inline mark (the first
occurrence of the substring in the stripped text). The builder strips
the marks, records each label's exact substring and its code-point offsets,
and checks that ids are unique, every rule id is a real RULES.md post rule
and that each span is a substring of the text.

Run: ``.venv/bin/python benchmarks/devset/build.py`` (rewrites posts.jsonl and
prints per-rule and per-profile counts).
"""

from __future__ import annotations

import json
import runpy
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
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


def parse(marked: str) -> tuple[str, list[dict[str, Any]]]:
    """Strip ``⟦alias:span⟧`` marks; return the text and its labels."""
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
            if OPEN in span:
                raise ValueError(f"nested mark in {marked!r}")
            for alias in names.split("+"):
                labels.append({"rule": ALIASES[alias], "span": span, "start": pos, "end": pos + len(span)})
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


def build() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for profile in PROFILES:
        posts = runpy.run_path(str(HERE / "src" / f"{profile}.py"), init_globals={"P": P})["POSTS"]
        for n, post in enumerate(posts, 1):
            text, labels = parse(post.marked)
            for alias, sub in post.spans:
                start = text.index(sub)
                labels.append({"rule": ALIASES[alias], "span": sub, "start": start, "end": start + len(sub)})
            for alias in post.whole:
                labels.append({"rule": ALIASES[alias], "span": text, "start": 0, "end": len(text)})
            for lab in labels:
                assert text[lab["start"] : lab["end"]] == lab["span"], lab
            labels.sort(key=lambda lab: (lab["start"], lab["end"], lab["rule"]))
            row: dict[str, Any] = {"id": f"{profile}-{n:03d}", "profile": profile, "text": text}
            if post.ctx:
                row["context"] = post.ctx
            row["expected"] = labels
            rows.append(row)
    return rows


def main() -> int:
    rows = build()
    texts = Counter(r["text"] for r in rows)
    dupes = [t for t, c in texts.items() if c > 1]
    if dupes:
        print("duplicate texts:", dupes[:3], file=sys.stderr)
        return 1
    with (HERE / "posts.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    per_rule = Counter(lab["rule"] for r in rows for lab in r["expected"])
    per_profile = Counter(r["profile"] for r in rows)
    clean = sum(1 for r in rows if not r["expected"])
    print(f"{len(rows)} posts, {clean} clean ({clean / len(rows):.0%}), {sum(per_rule.values())} labels")
    print("per profile:", dict(per_profile))
    for rule_id in POST_RULES:
        flag = "" if per_rule[rule_id] >= 8 else "   <-- fewer than 8"
        print(f"  {rule_id:32} {per_rule[rule_id]:3}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
