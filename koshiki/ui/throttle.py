"""Request throttles for the endpoints anyone can call in a loop, and the client's address.

Issue 10 item 6: the live check (``/posts/check-live/``) runs the checker on
every call, and the third party's submission link takes drafts without a
login (the review sent 30 drafts of 60,000 characters in 3 seconds). ``hit``
counts calls per key in fixed windows in Django's cache (``CACHES``: the
in-process default is per worker, so a limit there is per worker process; a
shared cache such as Redis through ``KOSHIKI_CACHE_URL`` makes it exact — docs/deploy.md).

``client_ip`` is the address the sign-in throttles and these limits count:
``REMOTE_ADDR``, or, when that is one of ``settings.KOSHIKI_TRUSTED_PROXIES``
(addresses or networks of the city's reverse proxies), the rightmost
``X-Forwarded-For`` hop that is not itself a trusted proxy. Without the
setting the header is ignored: a client can write anything in it.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted_proxies() -> list[Network]:
    """``KOSHIKI_TRUSTED_PROXIES`` as networks (a bare address is a /32 or /128); bad entries are skipped."""
    networks = []
    for entry in getattr(settings, "KOSHIKI_TRUSTED_PROXIES", None) or []:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy the rightmost untrusted forwarded hop."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return remote[:45]
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    # Each proxy appends the address it saw; everything left of our own proxies' entries is the client's word.
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop[:45]
    return (hops[0] if hops else remote)[:45]


def hit(scope: str, key: str, limit: int, window: int) -> int | None:
    """Count one call of ``key`` in ``scope``; over ``limit`` in ``window`` seconds: the seconds to wait, else None."""
    now = time.time()
    slot = int(now // window)
    name = f"koshiki:throttle:{scope}:{key}:{slot}"
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # evicted between add and incr: count this call as the first
        cache.set(name, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((slot + 1) * window - now) + 1)


def wait_text(seconds: int) -> str:
    """「約3分」「約40秒」: how long to wait, for a Japanese message."""
    return f"約{-(-seconds // 60)}分" if seconds >= 60 else f"約{seconds}秒"
