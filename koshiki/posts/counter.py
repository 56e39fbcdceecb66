"""The character counter of the post editor: the text's length as the account's platform counts it.

The limits and weights are profile data (``[params.text_limits.<platform>]``,
``standard.toml`` holds each platform's published figures), never code naming a
platform: X counts Latin letters and common punctuation as 1 and everything else
(Japanese, emoji) as 2 against 280, and any URL as 23 (its t.co link); the others
count every character as 1. One emoji is one user-perceived symbol, however many
code points make it (ZWJ families, skin tones, flags, keycaps).

Cost: one pass over the text plus the checker's URL scan; no query.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls

_ZWJ = "\u200d"
_KEYCAP = "\u20e3"
_VARIATION = ("\ufe0f", "\ufe0e")


def _is_pictographic(cp: int) -> bool:
    """Code points that begin an emoji (pictographs, dingbats, regional indicators)."""
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or 0x1F1E6 <= cp <= 0x1F1FF
        or cp in (0x231A, 0x231B, 0x23F0, 0x23F3, 0x3030, 0x303D, 0x3297, 0x3299)
    )


def _is_modifier(ch: str) -> bool:
    """What continues an emoji: a variation selector, a skin tone, the keycap mark or a tag."""
    cp = ord(ch)
    return ch in _VARIATION or ch == _KEYCAP or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


def _emoji_end(text: str, i: int) -> int:
    """The end of the emoji starting at ``i``, or ``i`` when no emoji starts there."""
    n = len(text)
    ch = text[i]
    cp = ord(ch)
    following = text[i + 1] if i + 1 < n else ""
    # A character turned into an emoji by U+FE0F or a keycap (©️, 1️⃣) counts as one emoji too.
    if not _is_pictographic(cp) and following not in ("\ufe0f", _KEYCAP):
        return i
    j = i + 1
    if 0x1F1E6 <= cp <= 0x1F1FF and j < n and 0x1F1E6 <= ord(text[j]) <= 0x1F1FF:
        return j + 1  # a flag: two regional indicators
    while j < n:
        if _is_modifier(text[j]):
            j += 1
        elif text[j] == _ZWJ and j + 1 < n and _is_pictographic(ord(text[j + 1])):
            j += 2
        else:
            break
    return j


def weighted_length(text: str, limits: Mapping[str, Any]) -> int:
    """The length of ``text`` under ``limits`` (one platform's ``text_limits`` table)."""
    default = int(limits.get("default_weight", 1))
    light = int(limits.get("light_weight", default))
    ranges = [(int(a), int(b)) for a, b in limits.get("light_ranges", ())]
    emoji = int(limits.get("emoji_weight", default))
    url_weight = limits.get("url_weight")
    skips: dict[int, int] = {}
    total = 0
    if url_weight is not None:
        parsed = Text(text)
        for url in find_urls(parsed):
            start, end = parsed.to_original(url.start, url.end)
            skips[start] = end
            total += int(url_weight)
    i, n = 0, len(text)
    while i < n:
        if i in skips:
            i = skips[i]
            continue
        end = _emoji_end(text, i)
        if end > i:
            total += emoji
            i = end
            continue
        cp = ord(text[i])
        total += light if any(a <= cp <= b for a, b in ranges) else default
        i += 1
    return total


@dataclass(frozen=True)
class TextCount:
    """The text's length on one platform against its limit, and how to say it in Japanese."""

    platform: str
    label: str
    count: int
    limit: int
    note: str
    unit: int  # the weight of one full-width character (2 on X), to say 「あと何字」 in 全角

    @property
    def over(self) -> bool:
        return self.count > self.limit

    @property
    def text(self) -> str:
        """「X: 150 / 280（全角140字・半角280字まで…）」, plus how far over or how much is left."""
        head = f"{self.label}: {self.count:,} / {self.limit:,}"
        if self.over:
            excess = self.count - self.limit
            tail = f"{excess:,}超過" + (
                f"（全角で約{math.ceil(excess / self.unit):,}字）" if self.unit > 1 else ""
            )
        else:
            left = self.limit - self.count
            tail = f"残り{left:,}" + (f"（全角で約{left // self.unit:,}字）" if self.unit > 1 else "")
        return f"{head} — {tail}。{self.note}"

    def as_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "label": self.label,
            "count": self.count,
            "limit": self.limit,
            "over": self.over,
            "text": self.text,
        }


def count_for(text: str, platform: str, text_limits: Mapping[str, Any] | None) -> TextCount | None:
    """The counter for ``platform`` from a profile's ``text_limits`` table; None when it sets no limit."""
    limits = (text_limits or {}).get(platform)
    if not limits or "max" not in limits:
        return None
    return TextCount(
        platform=platform,
        label=str(limits.get("label", platform)),
        count=weighted_length(text, limits),
        limit=int(limits["max"]),
        note=str(limits.get("note", "")),
        unit=int(limits.get("default_weight", 1)),
    )
