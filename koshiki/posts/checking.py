"""Running the checker on a draft's parts, versioning the result and marking spans for display.

A draft is checked part by part: the text, each image's alt text, each link
(issue 4.1). Each stored finding is the checker's ``Finding.as_dict()`` plus
``part`` (``text``, ``alt:0``, ``link:2``). ``style.repetition`` sees the
account's published posts (issue 4.8) on the text part only; the promo rules
see ``paid_third_party`` on the text part only (an alt text carries no
disclosure). Cost: one checker run per part (~0.1-1 ms each) plus one query
for the recent posts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from types import MappingProxyType
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from koshiki.checker import CheckContext, check, load_profile
from koshiki.checker.profiles import Profile
from koshiki.checker.versions import checker_version  # noqa: F401 - re-exported: callers import it from here
from koshiki.errors import ActionError
from koshiki.posts.states import PART_TEXT, part_label

MAX_TEXT = 65_000  # Facebook's limit is 63,206 characters; X's 25,000 for long posts
MAX_ALT_TEXTS = 10
MAX_ALT_TEXT = 2_000
MAX_LINKS = 20
MAX_LINK = 2_000
RECENT_POSTS = 30
# A character that would continue a URL (RFC 3986 unreserved and reserved characters).
_URL_CONTINUES = r"(?![A-Za-z0-9\-._~:/?#@!$&'*+,;=%])"


def canonical_text(text: str) -> str:
    """The text as compared between approval and publication: NFC, LF line ends, no outer blanks."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()


def content_hash(text: str, alt_texts: Sequence[str], links: Sequence[str], media: Sequence[Any] = ()) -> str:
    """SHA-256 of the canonical JSON of a revision's content.

    ``media`` (``attachments.media.media_digest``) covers the attached files'
    hashes, alt texts and records; a revision without files hashes as before.
    """
    payload: dict[str, Any] = {
        "text": canonical_text(text),
        "alt_texts": [canonical_text(a) for a in alt_texts],
        "links": [link.strip() for link in links],
    }
    if media:
        payload["media"] = list(media)
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def clean_parts(
    text: str, alt_texts: Iterable[str], links: Iterable[str]
) -> tuple[str, list[str], list[str]]:
    """Validate sizes and drop empty alt texts and links; ``ActionError`` with a Japanese message."""
    text = (text or "").replace("\r\n", "\n")
    alts = [a.replace("\r\n", "\n").strip() for a in alt_texts if a and a.strip()]
    urls = [u.strip() for u in links if u and u.strip()]
    if not text.strip():
        raise ActionError("本文を入力してください")
    if len(text) > MAX_TEXT:
        raise ActionError(f"本文が長すぎます（{len(text):,}字。上限は{MAX_TEXT:,}字です）")
    if len(alts) > MAX_ALT_TEXTS:
        raise ActionError(f"画像の代替テキストは{MAX_ALT_TEXTS}件までです")
    if any(len(a) > MAX_ALT_TEXT for a in alts):
        raise ActionError(f"画像の代替テキストは1件{MAX_ALT_TEXT:,}字までです")
    if len(urls) > MAX_LINKS:
        raise ActionError(f"リンクは{MAX_LINKS}件までです")
    if any(len(u) > MAX_LINK or any(c.isspace() for c in u) for u in urls):
        raise ActionError(f"リンクは空白を含まない{MAX_LINK:,}字までのURLで入力してください")
    return text, alts, urls


def findings_json(findings: Iterable[Any], part: str) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        data = f.as_dict()
        data["part"] = part
        out.append(data)
    return out


def check_parts(
    profile: str | Profile,
    text: str,
    alt_texts: Sequence[str] = (),
    links: Sequence[str] = (),
    *,
    recent_posts: Sequence[str] = (),
    paid_third_party: bool = False,
    author_kind: str = "official",
) -> list[dict[str, Any]]:
    """Check every part; the findings as JSON dicts with their ``part``, text first.

    A link that also stands in the text is checked there only.
    """
    text_context = CheckContext(
        paid_third_party=paid_third_party, author_kind=author_kind, recent_posts=tuple(recent_posts)
    )
    part_context = CheckContext(author_kind=author_kind)
    out = findings_json(check(text, profile, text_context), PART_TEXT)
    for i, alt in enumerate(alt_texts):
        out += findings_json(check(alt, profile, part_context), f"alt:{i}")
    for i, link in enumerate(links):
        if _in_text(link, text):
            # Already checked where it stands in the text: the same finding twice
            # would only ask the approver for a second waiver of one problem.
            continue
        out += findings_json(check(link, profile, part_context), f"link:{i}")
    return out


def _in_text(link: str, text: str) -> bool:
    """True when ``link`` appears in ``text`` as a whole URL (not as the start of a longer one)."""
    link = link.strip()
    if not link:
        return False
    return re.search(re.escape(link) + _URL_CONTINUES, text) is not None


def campaign_profile(profile: str | Profile, subject: str) -> Profile:
    """The profile with the campaign's marketing subject (京都市6(2): 「#PR#▲▲実行委員会」)."""
    profile = load_profile(profile) if isinstance(profile, str) else profile
    if profile.param("marketing_subject") == subject:
        return profile
    params = dict(profile.params)
    params["marketing_subject"] = subject
    return dataclasses.replace(profile, params=MappingProxyType(params))


def counts(findings: Iterable[dict[str, Any]]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        out[f.get("severity", "info")] = out.get(f.get("severity", "info"), 0) + 1
    return out


# ---- display -----------------------------------------------------------------------------------

_RANK = {"error": 0, "warning": 1, "info": 2}


def mark_spans(text: str, findings: Sequence[dict[str, Any]], part: str = PART_TEXT) -> SafeString:
    """``text`` as HTML with each finding's span wrapped in ``<mark>``; everything else escaped.

    Overlapping spans are split at every boundary; a segment covered by
    several findings carries the most severe class and all their numbers
    (``data-findings``: 1-based positions in ``findings``, shared across the
    parts), which the list below the text uses. O(n log n) in the number of
    findings plus the text length.
    """
    spans = [
        (max(0, int(f["start"])), min(len(text), int(f["end"])), i, f.get("severity", "info"))
        for i, f in enumerate(findings)
        if f.get("part", PART_TEXT) == part
    ]
    spans = [s for s in spans if s[0] < s[1]]
    if not spans:
        return mark_safe(escape(text))
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    pieces: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        chunk = escape(text[a:b])
        if not covering:
            pieces.append(chunk)
            continue
        severity = min((s[3] for s in covering), key=lambda v: _RANK.get(v, 3))
        numbers = " ".join(str(s[2] + 1) for s in covering)
        title = escape(" / ".join(f"{s[2] + 1}. {findings[s[2]].get('message', '')}" for s in covering))
        pieces.append(
            f'<mark class="finding {escape(severity)}" data-findings="{numbers}" title="{title}">{chunk}</mark>'
        )
    return mark_safe("".join(pieces))


def annotate(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings for templates: 1-based ``number``, ``where`` (part label), ``severity_label``."""
    labels = {"error": "エラー", "warning": "警告", "info": "情報"}
    out = []
    for i, f in enumerate(findings):
        item = dict(f)
        item["number"] = i + 1
        item["where"] = part_label(f.get("part", PART_TEXT))
        item["severity_label"] = labels.get(f.get("severity", ""), f.get("severity", ""))
        out.append(item)
    return out


def marked_parts(
    text: str, alt_texts: Sequence[str], links: Sequence[str], findings: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The text, alt texts and links each as marked HTML (finding numbers shared across parts)."""
    return {
        "text": mark_spans(text, findings, PART_TEXT),
        "alt_texts": [mark_spans(a, findings, f"alt:{i}") for i, a in enumerate(alt_texts)],
        "links": [mark_spans(u, findings, f"link:{i}") for i, u in enumerate(links)],
    }
