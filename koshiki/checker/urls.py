"""URLs and e-mail hosts in normalised post text, and official-domain tests.

Patterns use ASCII character classes only, so a URL never swallows the
Japanese text written right after it (「https://example.jpをご覧ください」).
Bare host names without a scheme (``bit.ly/abc``) are recognised when their
top-level domain is a real one, so file names such as ``report.pdf`` and
decimals are not taken for hosts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from koshiki.checker.text import Text

# Top-level domains accepted for scheme-less host names. Shorteners use
# several two-letter ccTLDs (.ly .gl .gd .to .co), so those are listed too.
_BARE_TLDS = (
    "jp|com|net|org|info|biz|io|co|me|ly|gl|gd|to|tv|be|cc|app|dev|site|xyz|"
    "online|shop|link|page|click|top|win|bet|casino|asia|tokyo|kyoto|osaka|nagoya|"
    "yokohama|ws|us|uk|de|fr|kr|cn|tw|hk|in|ru|su|cx|am|fm|gg|lc|nu|ee|la|vc|sh|st|mx"
)
_PATH_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]"
_HOST = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
_SCHEME_URL = re.compile(
    rf"(?<![A-Za-z0-9])(?P<scheme>https?|ftp)://(?P<host>\[[0-9a-f:]+\]|[^\s/?#<>\"'()\[\]{{}}、。「」（）]+)"
    rf"(?P<path>[/?#]{_PATH_CHARS}*)?",
    re.IGNORECASE,
)
_BARE_URL = re.compile(
    rf"(?<![A-Za-z0-9.@/_-])(?P<host>(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_BARE_TLDS}))"
    rf"(?![A-Za-z0-9-]|\.[A-Za-z0-9])(?P<path>/{_PATH_CHARS}*)?",
)
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$")


@dataclass(frozen=True, slots=True)
class Url:
    """A URL found at ``[start, end)`` of the normalised text."""

    start: int
    end: int
    scheme: str  # "" for a bare host such as bit.ly/abc
    host: str  # lower-case, without port or user info
    path: str

    @cached_property
    def is_ip(self) -> bool:
        return bool(_IPV4.match(self.host)) or self.host.startswith("[")


def _trim(raw: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, not the URL."""
    while raw and raw[-1] in ".,;:!?'\"":
        raw = raw[:-1]
    while raw.endswith(")") and raw.count(")") > raw.count("("):
        raw = raw[:-1]
    return raw


def _host_of(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.split(":", 1)[0].rstrip(".").lower()


def find_urls(text: Text) -> list[Url]:
    """Every URL in the post, with or without scheme, in text order (cached per text)."""
    cached = text.memo.get("urls")
    if cached is not None:
        return cached  # type: ignore[return-value]
    norm = text.norm
    urls: list[Url] = []
    taken: list[tuple[int, int]] = []
    for m in _SCHEME_URL.finditer(norm):
        raw = _trim(m.group())
        start, end = m.start(), m.start() + len(raw)
        rest = raw[len(m.group("scheme")) + 3 :]
        netloc = re.split(r"[/?#]", rest, maxsplit=1)[0]
        path = rest[len(netloc) :]
        urls.append(Url(start, end, m.group("scheme").lower(), _host_of(netloc), path))
        taken.append((start, end))
    for m in _BARE_URL.finditer(norm):
        if any(a <= m.start() < b for a, b in taken):
            continue
        raw = _trim(m.group())
        host = m.group("host")
        urls.append(Url(m.start(), m.start() + len(raw), "", host.lower(), raw[len(host) :]))
    urls.sort(key=lambda u: u.start)
    text.memo["urls"] = urls
    return urls


def host_matches(host: str, domains: Iterable[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    for domain in domains:
        d = domain.lower().lstrip("*").lstrip(".")
        if host == d or host.endswith("." + d):
            return True
    return False


