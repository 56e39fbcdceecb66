"""URLs and e-mail hosts in normalised post text, and official-domain tests.

A URL with a scheme may have a non-ASCII host (``https://сity.kyoto.lg.jp``
with a Cyrillic с, ``https://例え.jp/``) so that look-alike hosts are found;
everything else is ASCII only, so a URL never swallows the Japanese text
written right after it (「https://example.jpをご覧ください」). A host with
Japanese letters is taken only when a clear URL boundary (``/``, a space, a
bracket, 。 or the end of the text) follows it.

Bare host names without a scheme (``bit.ly/abc``) are recognised when their
top-level domain is a real one, so file names such as ``report.pdf`` and
decimals such as ``3.14`` are not taken for hosts.

Cost: two regex passes over the text, linear in its length; the result is
cached in ``Text.memo`` so every link rule shares one scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from koshiki.checker.text import Text

# Top-level domains accepted for scheme-less host names. Shorteners use
# several two-letter ccTLDs (.ly .gl .gd .to .co), so those are listed too.
# File extensions that are also TLDs (.zip .mov .pdf is not one) stay out:
# 「資料.zip」 is a file name far more often than a host.
_BARE_TLDS = (
    "jp|com|net|org|info|biz|io|co|me|ly|gl|gd|to|tv|be|cc|app|dev|site|xyz|"
    "online|shop|link|page|click|top|win|bet|casino|asia|tokyo|kyoto|osaka|nagoya|"
    "yokohama|ws|us|uk|de|fr|kr|cn|tw|hk|in|ru|su|cx|am|fm|gg|lc|nu|ee|la|vc|sh|st|mx|"
    "id|gy|ink|blue|jobs|porn|adult|poker"
)
_PATH_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]"
# Letters that can stand in a host without being Japanese: ASCII plus the
# Latin, IPA, Greek and Cyrillic blocks that homoglyph attacks borrow from.
_HG = r"a-z0-9_\-\u00c0-\u024f\u0250-\u02af\u0370-\u03ff\u0400-\u052f\u1d00-\u1dbf\u1e00-\u1eff"
# A host of such letters: no boundary needed after it, since Japanese text
# cannot continue it.
_HOST_LATIN = rf"(?:[{_HG}]+\.)*[{_HG}]+"
# A host with Japanese letters (an IDN such as 例え.jp): its last label must be
# a TLD and a clear boundary must follow, else 「example.jpをご覧」 would be read
# as one host.
_HOST_IDN = (
    r"(?:[\w\-]+\.)+(?:[a-z]{2,63}|xn--[a-z0-9\-]+|[\u3040-\u30ff\u4e00-\u9fff]{2,8})"
    r"(?=[/?#:\s)\]>」』】〕、。!,]|$)"
)
_SCHEME_URL = re.compile(
    r"(?<![A-Za-z0-9])(?P<scheme>https?|ftp)://"
    r"(?:(?P<userinfo>[a-z0-9._~%!$&'*+,;=:\-]+)@)?"
    rf"(?P<host>\[[0-9a-f:.]+\]|{_HOST_IDN}|{_HOST_LATIN})"
    r"(?P<port>:\d{1,5})?"
    rf"(?P<path>[/?#]{_PATH_CHARS}*)?",
    re.IGNORECASE,
)
_BARE_URL = re.compile(
    rf"(?<![{_HG}.@/])(?P<host>(?:[{_HG}]+\.)+(?:{_BARE_TLDS}))"
    rf"(?![{_HG}]|\.[{_HG}])(?P<path>/{_PATH_CHARS}*)?",
)
# Dotted quads and the integer / hex forms browsers also accept (http://3232235777/).
_IP = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\d{8,10}|0x[0-9a-f]{8})$")


@dataclass(frozen=True, slots=True)
class Url:
    """A URL found at ``[start, end)`` of the normalised text."""

    start: int
    end: int
    scheme: str  # "" for a bare host such as bit.ly/abc
    host: str  # lower-case, without port or user info; may be non-ASCII
    path: str
    userinfo: str = ""  # what stands before "@" in the authority, if anything

    @property
    def is_ip(self) -> bool:
        """True for a raw IPv4 (also integer/hex form) or IPv6 address host."""
        return bool(_IP.match(self.host)) or self.host.startswith("[")


def _trim(raw: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, not the URL."""
    while raw and raw[-1] in ".,;:!?'\"":
        raw = raw[:-1]
    while raw.endswith(")") and raw.count(")") > raw.count("("):
        raw = raw[:-1]
    return raw


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
        end = m.start() + len(raw)
        path_start = m.end("port") if m.group("port") else m.end("host")
        path = norm[path_start:end] if end > path_start else ""
        host = m.group("host").rstrip(".").lower()
        urls.append(Url(m.start(), end, m.group("scheme").lower(), host, path, m.group("userinfo") or ""))
        taken.append((m.start(), end))
    # Both scans run left to right and the scheme URLs do not overlap, so one
    # pointer into them tells whether a bare host lies inside one (linear, not
    # quadratic, in a post full of links).
    k = 0
    for m in _BARE_URL.finditer(norm):
        while k < len(taken) and taken[k][1] <= m.start():
            k += 1
        if k < len(taken) and taken[k][0] <= m.start():
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
        if d and (host == d or host.endswith("." + d)):
            return True
    return False
