"""Build ``posts.jsonl`` from the hand-written sources in ``src/``.

Each ``src/<profile>.py`` defines ``POSTS``: a list of ``P(...)`` records whose
text carries inline labels ``⟦alias[+alias...]:span⟧``, with optional ``whole=[...]``
and ``spans=[...]`` (the syntax and ``ALIASES`` are in ``benchmarks/labelled.py``).
The builder strips the marks, records each label's exact substring and its
code-point offsets, and checks that ids are unique, every rule id is a real
RULES.md post rule and that each span is a substring of the text.

Run: ``.venv/bin/python benchmarks/devset/build.py`` (rewrites posts.jsonl and
prints per-rule and per-profile counts).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # benchmarks/labelled.py: run as a script, not a package

from labelled import POST_RULES, build_rows  # noqa: E402


def main() -> int:
    rows = build_rows(HERE / "src")
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
