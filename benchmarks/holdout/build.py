"""Build the held-out set ``posts.jsonl`` from the hand-written sources in ``src/``.

Measurement only: see README.md. Nobody may tune rules against this set.

Each ``src/<profile>.py`` defines ``POSTS``, a list of ``P(...)`` records (``P`` is injected by
this script). The text carries inline labels ``⟦alias[+alias...]:span⟧``; ``whole=[alias, ...]``
adds labels that cover the whole post (an absence such as a missing disclosure, or a repeated
post); the syntax and ``ALIASES`` are in ``benchmarks/labelled.py``. The builder strips the marks,
records each label's exact substring and its code-point offsets ``[start, end)``, and runs
consistency checks that catch annotator slips (they are written from RULES.md, not from the
checker):

* every label's rule is a post rule of RULES.md and is one this profile may carry (a rule the
  profile switches off, or one its guideline has no clause for, is never labelled nor provoked);
* promo labels only on paid third-party posts of kyoto/ishinomaki; ``recent_posts`` only where
  ``style.repetition`` is on;
* every URL is either labelled or an ``https://`` link to an official domain of the profile;
* every e-mail address (also ``＠``, ``(at)``, ``[at]``, `` at `` forms) is labelled or official;
* every phone-like number is labelled or on the profile's allow-list (representative number and
  ``context.public_contacts``), and labelled numbers are not on it;
* every 12-digit number with a valid 個人番号 check digit is labelled ``pii.mynumber`` and every
  labelled one is valid;
* every run of masking characters (``○○``, ``××``, ``■■`` ...) is labelled ``style.masking``;
* no two posts are identical or near-identical (no templated duplicates).

Run: ``.venv/bin/python benchmarks/holdout/build.py`` (rewrites posts.jsonl, prints counts).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # benchmarks/labelled.py: run as a script, not a package

from labelled import POST_RULES, PROFILES, build_rows  # noqa: E402

PROMO = {r for r in POST_RULES if r.startswith("promo.")}
CONFIDENTIAL = {r for r in POST_RULES if r.startswith("confidential.")}
LINKS = {r for r in POST_RULES if r.startswith("link.")}

# Rules each profile switches off (severity = "off" in its [rules] table) plus rules whose clause
# list in RULES.md does not name that city: neither is labelled, and posts avoid provoking them.
EXCLUDED = {
    "kyoto": {"link.insecure", "style.repetition", "neutrality.commercial", "style.masking"},
    "komae": {"link.shortener", "link.insecure", "neutrality.commercial", "neutrality.politics_religion"}
    | PROMO
    | LINKS,
    "ishinomaki": {"link.shortener", "link.insecure", "style.repetition", "style.masking"} | LINKS,
    "akitakata": {
        "link.insecure",
        "style.repetition",
        "neutrality.commercial",
        "style.masking",
        "neutrality.politics_religion",
    }
    | PROMO,
    "kawasaki": {"link.shortener", "style.repetition", "style.masking", "neutrality.politics_religion"}
    | PROMO
    | CONFIDENTIAL,
    "standard": set(PROMO),  # no marketing subject in the standard profile
}
OFFICIAL_DOMAINS = {
    "kyoto": ["city.kyoto.lg.jp", "city.kyoto.jp", "lg.jp", "go.jp"],
    "komae": ["city.komae.lg.jp", "city.komae.tokyo.jp", "lg.jp", "go.jp"],
    "ishinomaki": ["city.ishinomaki.lg.jp", "lg.jp", "go.jp"],
    "akitakata": ["city.akitakata.lg.jp", "akitakata.jp", "lg.jp", "go.jp"],
    "kawasaki": ["city.kawasaki.jp", "lg.jp", "go.jp"],
    "standard": ["lg.jp", "go.jp"],
}
PUBLIC_PHONES = {
    "kyoto": ["075-222-3111"],
    "komae": ["03-3430-1111"],
    "ishinomaki": ["0225-95-1111"],
    "akitakata": ["0826-42-2111"],
    "kawasaki": ["044-200-2111"],
    "standard": [],
}


# ---------------------------------------------------------------- consistency checks

# one-to-one folding (keeps offsets): full-width digits, letters, signs and dash look-alikes
_FOLD = {chr(0xFF10 + i): str(i) for i in range(10)}
_FOLD.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_FOLD.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_FOLD.update(
    {
        "（": "(",
        "）": ")",
        "＋": "+",
        "．": ".",
        "＠": "@",
        "＃": "#",
        "／": "/",
        "：": ":",
        "－": "-",
        "ー": "-",
        "‐": "-",
        "−": "-",
        "―": "-",
        "–": "-",
        "　": " ",
        "［": "[",
        "］": "]",
    }
)


def fold(text: str) -> str:
    return "".join(_FOLD.get(c, c) for c in text)


def covered(labels: list[dict[str, Any]], start: int, end: int, rules: set[str] | None = None) -> list[str]:
    """Rules of the labels overlapping [start, end)."""
    return [
        lab["rule"]
        for lab in labels
        if lab["start"] < end and start < lab["end"] and (rules is None or lab["rule"] in rules)
    ]


URL_RE = re.compile(
    r"(?:https?://[^\s<>）)」『』、。]+)"
    r"|(?<![\w.@/])(?:bit\.ly|tinyurl\.com|t\.co|is\.gd|ow\.ly|goo\.gl|amzn\.to|buff\.ly|[a-z0-9-]+\.(?:com|net|jp|xxx))"
    r"/[^\s<>）)」『』、。]*",
    re.I,
)
EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+-]+\s*(?:@|\(at\)|\[at\]|\sat\s)\s*[A-Za-z0-9-]+(?:(?:\.|\sdot\s)[A-Za-z0-9-]+)+"
)
PHONE_RE = re.compile(
    r"(?<![\d#])(?:\+81[\s-]?\(?0?\d{1,4}\)?|\(?0\d{1,4}\)?)[\s.\-]?\(?\d{1,4}\)?[\s.\-]?\d{3,4}(?!\d)"
)
TWELVE_RE = re.compile(r"(?<!\d)\d{4}[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
MASK_RE = re.compile(r"([○〇◯×✕╳＊*■□△▲●◆])\1+")


def digits(s: str) -> str:
    d = re.sub(r"\D", "", fold(s))
    return "0" + d[2:].lstrip("0") if d.startswith("81") and "+" in fold(s) else d


def mynumber_valid(d12: str) -> bool:
    """Check digit of the 個人番号 (総務省令第85号第5条)."""
    total = sum(int(d12[11 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    rem = total % 11
    return int(d12[11]) == (0 if rem <= 1 else 11 - rem)


def host_of(url: str) -> str:
    u = re.sub(r"^https?://", "", url, flags=re.I)
    return u.split("/")[0].split(":")[0].lower()


def official(host: str, domains: list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def lint(row: dict[str, Any]) -> list[str]:
    errs: list[str] = []
    prof, text, labels, ctx = row["profile"], row["text"], row["expected"], row.get("context") or {}
    ftext = fold(text)
    for lab in labels:
        if lab["rule"] in EXCLUDED[prof]:
            errs.append(f"rule {lab['rule']} not labelled under {prof}")
        if lab["rule"] in PROMO and not ctx.get("paid_third_party"):
            errs.append("promo label without paid_third_party")
    if ctx.get("paid_third_party") and prof not in ("kyoto", "ishinomaki"):
        errs.append("paid post outside kyoto/ishinomaki")
    if "recent_posts" in ctx and "style.repetition" in EXCLUDED[prof]:
        errs.append("recent_posts where style.repetition is off")
    # URLs
    for m in URL_RE.finditer(ftext):
        url, host = m.group(0), host_of(m.group(0))
        got = set(covered(labels, m.start(), m.end(), LINKS))
        if not official(host, OFFICIAL_DOMAINS[prof]) and "link.external" not in got:
            errs.append(f"unlabelled external link {url}")
        if url.lower().startswith("http://"):
            if "link.insecure" in EXCLUDED[prof]:
                errs.append(f"http:// link under {prof} (link.insecure is off there): {url}")
            elif "link.insecure" not in got:
                errs.append(f"unlabelled http:// link {url}")
        if official(host, OFFICIAL_DOMAINS[prof]) and "link.external" in got:
            errs.append(f"official link labelled external: {url}")
    # e-mail
    for m in EMAIL_RE.finditer(ftext):
        s = m.group(0)
        dom = re.split(r"@|\(at\)|\[at\]|\sat\s", s)[-1].strip().lower()
        obf = "@" not in s
        if (obf or not official(dom, OFFICIAL_DOMAINS[prof])) and not covered(
            labels, m.start(), m.end(), {"pii.email"}
        ):
            errs.append(f"unlabelled e-mail {s}")
    # phones
    allow = {digits(p) for p in PUBLIC_PHONES[prof] + ctx.get("public_contacts", [])}
    url_spans = [(u.start(), u.end()) for u in URL_RE.finditer(ftext)]
    for m in PHONE_RE.finditer(ftext):
        if any(a <= m.start() < b for a, b in url_spans):
            continue  # page ids inside URLs
        d = digits(m.group(0))
        if not 10 <= len(d) <= 11:
            continue
        lab = covered(labels, m.start(), m.end(), {"pii.phone"})
        if d in allow and lab:
            errs.append(f"allow-listed number labelled: {m.group(0)}")
        if d not in allow and not lab:
            errs.append(f"unlabelled phone-like number {m.group(0)!r}")
    # 12-digit numbers
    for m in TWELVE_RE.finditer(ftext):
        d = re.sub(r"\D", "", m.group(0))
        lab = covered(labels, m.start(), m.end(), {"pii.mynumber"})
        if mynumber_valid(d) and not lab:
            errs.append(f"unlabelled valid 個人番号 {m.group(0)}")
        if lab and not mynumber_valid(d):
            errs.append(f"labelled 個人番号 with invalid check digit {m.group(0)}")
    for lab in labels:
        if lab["rule"] == "pii.mynumber" and not TWELVE_RE.search(fold(lab["span"])):
            errs.append(f"mynumber label is not a 12-digit number: {lab['span']}")
    # masking runs
    for m in MASK_RE.finditer(ftext):
        if not covered(labels, m.start(), m.end(), {"style.masking"}):
            errs.append(f"unlabelled masking run {m.group(0)}")
    return errs


# ---------------------------------------------------------------- build


def build() -> list[dict[str, Any]]:
    rows = build_rows(HERE / "src", id_prefix="holdout-")
    for row in rows:
        if row["text"] != row["text"].strip():
            raise ValueError(f"{row['id']}: leading/trailing whitespace")
    return rows


def is_repeat(row: dict[str, Any]) -> bool:
    return any(lab["rule"] == "style.repetition" for lab in row["expected"])


def near_duplicates(rows: list[dict[str, Any]], threshold: float = 0.72) -> list[tuple[str, str, float]]:
    out = []
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            sm = difflib.SequenceMatcher(None, a["text"], b["text"], autojunk=False)
            if is_repeat(a) or is_repeat(b):
                continue  # a repeated post and its original are meant to be alike
            if (
                sm.real_quick_ratio() >= threshold
                and sm.quick_ratio() >= threshold
                and sm.ratio() >= threshold
            ):
                out.append((a["id"], b["id"], round(sm.ratio(), 2)))
    return out


def main() -> int:
    rows = build()
    problems = []
    ids = Counter(r["id"] for r in rows)
    problems += [f"duplicate id {i}" for i, c in ids.items() if c > 1]
    texts = Counter(r["text"] for r in rows)
    problems += [f"duplicate text {t[:40]!r}" for t, c in texts.items() if c > 1]
    for r in rows:
        problems += [f"{r['id']}: {e}" for e in lint(r)]
    problems += [f"near-duplicate {a} ~ {b} ({x})" for a, b, x in near_duplicates(rows)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    with (HERE / "posts.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    per_rule = Counter(lab["rule"] for r in rows for lab in r["expected"])
    per_profile = Counter(r["profile"] for r in rows)
    clean = Counter(r["profile"] for r in rows if not r["expected"])
    n_clean = sum(clean.values())
    print(f"{len(rows)} posts, {n_clean} clean ({n_clean / len(rows):.0%}), {sum(per_rule.values())} labels")
    for p in PROFILES:
        print(f"  {p:11} {per_profile[p]:3} posts, {clean[p]:3} clean")
    for rule_id in POST_RULES:
        profs = Counter(r["profile"] for r in rows for lab in r["expected"] if lab["rule"] == rule_id)
        flag = "" if per_rule[rule_id] >= 5 else "   <-- fewer than 5"
        print(f"  {rule_id:32} {per_rule[rule_id]:3}  {dict(profs)}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
