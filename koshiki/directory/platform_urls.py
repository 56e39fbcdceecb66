"""Which account a platform URL points at: ``https://x.com/NAME`` -> ("x", "NAME").

Pure Python (no Django), used by the public verify API and to fill in a
handle from an account's registered URL. Recognised forms:

- X: ``x.com/NAME``, ``twitter.com/NAME`` (also ``www.``, ``mobile.``), a post
  ``x.com/NAME/status/123`` names its account;
- Instagram: ``instagram.com/NAME/`` (a post ``/p/…`` names no account);
- Facebook: ``facebook.com/NAME``, ``fb.com/NAME``, ``m.facebook.com/NAME``,
  ``facebook.com/profile.php?id=123`` (the id is the handle),
  ``facebook.com/people/Name/123`` (the id);
- YouTube: ``youtube.com/@NAME``, ``/c/NAME``, ``/user/NAME``, ``/channel/UC…``;
- LINE: ``line.me/R/ti/p/@ID``, ``line.me/ti/p/@ID``, ``page.line.me/ID``.

``lin.ee`` short links and other shorteners cannot be resolved offline and are
refused with a message saying so. Input is bounded (``MAX_URL``) and nothing
here touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

MAX_URL = 500
MAX_HANDLE = 100

PLATFORM_NAMES = {
    "x": "X（旧Twitter）",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "line": "LINE",
    "youtube": "YouTube",
    "other": "その他",
}

_HOSTS = {
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "youtube.com": "youtube",
    "line.me": "line",
    "page.line.me": "line",
}
_HOST_PREFIXES = ("www.", "mobile.", "m.", "web.", "ja-jp.", "ja.", "business.")
_SHORT_HOSTS = {"lin.ee", "t.co", "youtu.be", "fb.me", "bit.ly", "instagr.am"}
# First path segments that are pages of the platform, not accounts.
_RESERVED = {
    "x": {"home", "search", "explore", "i", "intent", "share", "hashtag", "settings", "notifications", "messages",
          "login", "signup", "tos", "privacy", "compose", "lists"},
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts", "direct", "tv", "about", "legal"},
    "facebook": {"groups", "events", "watch", "marketplace", "photo", "photo.php", "story.php", "permalink.php",
                 "sharer", "sharer.php", "login", "help", "policies", "hashtag", "share", "plugins", "dialog"},
    "youtube": {"watch", "results", "feed", "playlist", "shorts", "embed", "live", "redirect", "account"},
}  # fmt: skip
_HANDLE = re.compile(r"^[^\s/?#]{1,100}$")


class UrlError(ValueError):
    """The text is not an account URL we can read; the message is Japanese and one line."""


@dataclass(frozen=True, slots=True)
class AccountRef:
    """An account named by a URL or typed by hand: platform (None if unknown) and handle."""

    platform: str | None
    handle: str


def clean_handle(value: str) -> str:
    """A typed handle without ``@``, surrounding spaces or a trailing slash (case kept)."""
    return (value or "").strip().lstrip("@＠").strip().rstrip("/")


def _platform_of(host: str) -> str | None:
    host = host.lower().rstrip(".")
    if host in _HOSTS:
        return _HOSTS[host]
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host[len(prefix) :] in _HOSTS:
            return _HOSTS[host[len(prefix) :]]
    return None


def parse_account_url(url: str) -> AccountRef:
    """The platform and handle a URL points at; ``UrlError`` (Japanese) when it names no account."""
    # Not NFKC-folded: a full-width handle in a URL is no real account's, and
    # folding it would hide a look-alike (ｋｙｏｔｏ -> kyoto).
    text = (url or "").strip()
    if not text:
        raise UrlError("URL を指定してください")
    if len(text) > MAX_URL:
        raise UrlError(f"URL が長すぎます（{MAX_URL} 文字まで）")
    if not re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.IGNORECASE):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise UrlError("URL として読めません") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlError("http または https の URL を指定してください")
    if host in _SHORT_HOSTS:
        raise UrlError("短縮URLからはアカウントを特定できません。アカウントのページのURLを指定してください")
    platform = _platform_of(host)
    if platform is None:
        raise UrlError(
            "対応していないURLです（X・Facebook・Instagram・LINE・YouTube のアカウントのURLを指定してください）"
        )
    segments = [unquote(s) for s in parts.path.split("/") if s]
    handle = _handle_from(platform, host, segments, parse_qs(parts.query))
    if not handle or not _HANDLE.match(handle):
        raise UrlError("このURLからはアカウントを特定できません。アカウントのページのURLを指定してください")
    return AccountRef(platform, handle)


def _handle_from(platform: str, host: str, segments: list[str], query: dict[str, list[str]]) -> str:
    if platform == "line":
        if host.endswith("page.line.me"):
            return clean_handle(segments[0]) if segments else ""
        # line.me/R/ti/p/@abc or line.me/ti/p/@abc
        lowered = [s.lower() for s in segments]
        for marker in (["r", "ti", "p"], ["ti", "p"]):
            n = len(marker)
            if lowered[:n] == marker and len(segments) > n:
                return clean_handle(segments[n])
        return ""
    if platform == "facebook":
        if segments and segments[0].lower() == "profile.php":
            return (query.get("id") or [""])[0]
        if len(segments) >= 3 and segments[0].lower() == "people":
            return segments[2]
        if len(segments) >= 3 and segments[0].lower() == "pages":
            return segments[-1]
    if platform == "youtube" and segments:
        first = segments[0]
        if first.startswith("@"):
            return clean_handle(first)
        if first.lower() in ("c", "user", "channel") and len(segments) > 1:
            return segments[1]
        if first.lower() in _RESERVED["youtube"]:
            return ""
        return ""  # youtube.com/NAME (legacy custom URL) is ambiguous: refuse
    if not segments:
        return ""
    first = segments[0]
    if first.lower() in _RESERVED.get(platform, set()):
        return ""
    return clean_handle(first)
