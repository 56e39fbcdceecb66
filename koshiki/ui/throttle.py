"""Request throttles for the endpoints anyone can call in a loop, and the client's address.

Issue 10 item 6: the live check (``/posts/check-live/``) runs the checker on
every call, and the third party's submission link takes drafts without a
login (the review sent 30 drafts of 60,000 characters in 3 seconds). ``hit``
counts calls per key in fixed windows where every worker and host sees them:
in the database (``ThrottleCount``, one atomic upsert per call, ~0.3 ms) by
default, or in Redis when ``KOSHIKI_CACHE_URL`` names one
(``settings.KOSHIKI_THROTTLE_STORE``). The in-process memory cache is never
used for them: with five workers a limit there would be five limits.

``client_ip`` is the address the sign-in throttles and these limits count:
``REMOTE_ADDR``, or, when that is one of ``settings.KOSHIKI_TRUSTED_PROXIES``
(addresses or networks of the city's reverse proxies), the rightmost
``X-Forwarded-For`` hop that is not itself a trusted proxy. Without the
setting the header is ignored: a client can write anything in it.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest

from koshiki.ui.models import ThrottleCount

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
log = logging.getLogger("koshiki.throttle")


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


def _now() -> float:
    """The clock the windows are cut from (one place, so tests can hold it mid-window)."""
    return time.time()


def hit(scope: str, key: str, limit: int, window: int) -> int | None:
    """Count one call of ``key`` in ``scope``; over ``limit`` in ``window`` seconds: the seconds to wait, else None."""
    now = _now()
    slot = int(now // window)
    name = f"{scope}:{key}"[:255]
    if getattr(settings, "KOSHIKI_THROTTLE_STORE", "database") == "cache":
        count = _count_in_cache(f"koshiki:throttle:{name}:{slot}", window)
    else:
        try:
            count = _count_in_database(name, slot, now + window + 1)
        except DatabaseError as exc:
            # A busy SQLite file ("database is locked") must not turn a check into a 500: this
            # call is counted in the worker's memory instead, as before the table existed.
            log.warning("throttle %s counted in memory: %s", scope, exc)
            count = _count_in_cache(f"koshiki:throttle:{name}:{slot}", window)
    if count <= limit:
        return None
    return max(1, int((slot + 1) * window - now) + 1)


def _count_in_cache(name: str, window: int) -> int:
    cache.add(name, 0, timeout=window + 1)
    try:
        return cache.incr(name)
    except ValueError:  # evicted between add and incr: count this call as the first
        cache.set(name, 1, timeout=window + 1)
        return 1


def _count_in_database(name: str, slot: int, expires: float) -> int:
    """One atomic upsert (PostgreSQL and SQLite >= 3.35 both answer RETURNING): no lost count under races."""
    table = connection.ops.quote_name(ThrottleCount._meta.db_table)
    # A savepoint when called inside a transaction: a failed upsert leaves the caller's work intact.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, slot, calls, expires) VALUES (%s, %s, 1, %s)"
            f" ON CONFLICT (name, slot) DO UPDATE SET calls = {table}.calls + 1 RETURNING calls",
            [name, slot, expires],
        )
        count = int(cursor.fetchone()[0])
        if count == 1:  # a new window opened for this key: drop the rows of windows that are over
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [_now()])
    return count


def wait_text(seconds: int) -> str:
    """「約3分」「約40秒」: how long to wait, for a Japanese message."""
    return f"約{-(-seconds // 60)}分" if seconds >= 60 else f"約{seconds}秒"
