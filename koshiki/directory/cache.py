"""The public directory's bodies, rendered once per registry version (issue 10 item 9).

A disaster or an impersonation wave sends citizens to the public list and
the verify API by the thousand; each answer is the same until the registry
changes. So an anonymous request costs one query (the version, which every
list, unlist, policy change or confirmed impersonation moves) and, when the
body for that version is already in the cache, no rendering at all.

- The cache is Django's (``CACHES["default"]``: each worker's memory by
  default, Redis with ``KOSHIKI_CACHE_URL``). The version is part of every
  key, so an entry made before a change is never read after it, in any
  worker: invalidation needs no message between processes.
- Only anonymous requests are served from or stored into it: a signed-in
  employee's page carries the staff header and is never shared.
- The key holds the host and scheme (the bodies carry absolute policy URLs),
  the path (one city's list is not another's; each city's version counts
  only its own rows, so one city's change leaves another's entries valid) and a digest of the query.
- ``snapshot(version, city)`` keeps the list verify compares against, loaded once
  per version in each process, with the comparison forms of every official
  handle prepared (``verify.official_forms_of``) when it is loaded, not per request.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse

from koshiki.directory.public import handle_of, is_official, public_accounts
from koshiki.directory.verify import official_forms_of
from koshiki.incidents.models import Impersonation
from koshiki.org.models import Municipality
from koshiki.registry.models import Account
from koshiki.registry.states import Status

TIMEOUT = 3600  # old versions' entries simply age out
_HEADERS = ("Content-Disposition", "Access-Control-Allow-Origin")


def _version_sql(city: bool) -> str:
    account = connection.ops.quote_name(Account._meta.db_table)
    impersonation = connection.ops.quote_name(Impersonation._meta.db_table)
    municipality = connection.ops.quote_name(Municipality._meta.db_table)
    # One city's pages (/public/<slug>/…) count only that city's rows, so a change in another
    # city leaves their cached copies and ETags valid; %s is the slug, bound by the driver.
    own = f"municipality_id = (SELECT id FROM {municipality} WHERE slug = %s)" if city else "1 = 1"
    accounts = f"FROM {account} WHERE {own}"
    impersonations = f"FROM {impersonation} WHERE {own}"
    return (
        f"SELECT (SELECT COUNT(*) {accounts}), (SELECT COUNT(*) {accounts} AND is_listed),"
        f" (SELECT MAX(updated_at) {accounts}), (SELECT MAX(current_policy_id) {accounts}),"
        f" (SELECT COUNT(*) {impersonations}), (SELECT MAX(id) {impersonations}),"
        f" (SELECT MAX(notice_published_at) {impersonations})"
    )


def public_version(request: HttpRequest | None = None, city: str | None = None) -> str:
    """A fingerprint of everything the public pages of ``city`` (a slug; None: all) show, in one query.

    Changes when an account is added, listed, unlisted or otherwise saved
    (``updated_at``), when a new policy version becomes current, and when an
    impersonation is confirmed or its notice published. Memoised on the request.
    """
    memo: dict[str | None, str] = getattr(request, "_koshiki_public_version", None) or {}
    if city in memo:
        return memo[city]
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(city is not None), [city] * 7 if city is not None else [])
        row = cursor.fetchone()
    version = hashlib.sha256(repr((city, *(str(v) for v in row))).encode()).hexdigest()[:32]
    if request is not None:
        memo[city] = version
        request._koshiki_public_version = memo  # type: ignore[attr-defined]
    return version


def _key(kind: str, request: HttpRequest, version: str) -> str:
    query = hashlib.sha256(request.META.get("QUERY_STRING", "").encode()).hexdigest()[:24]
    # The path names the city (/public/<slug>/…), so two cities' lists never share an entry.
    path = hashlib.sha256(request.path.encode()).hexdigest()[:16]
    return f"koshiki:public:{kind}:{version}:{request.scheme}://{request.get_host()}:{path}:{query}"


_render_locks: dict[str, threading.Lock] = {}
_render_locks_guard = threading.Lock()


def _render_lock(key: str) -> threading.Lock:
    with _render_locks_guard:
        return _render_locks.setdefault(key, threading.Lock())


def _forget_render_lock(key: str, lock: threading.Lock) -> None:
    """Drop a key's lock when its render is over (keys carry the version: the dict must not grow).

    Only that very lock: a newer one for the key belongs to threads still rendering.
    """
    with _render_locks_guard:
        if _render_locks.get(key) is lock:
            del _render_locks[key]


def _from_cache(hit: tuple[int, str, bytes, list[tuple[str, str]]]) -> HttpResponse:
    status, content_type, body, headers = hit
    response = HttpResponse(body, content_type=content_type, status=status)
    for name, value in headers:
        response[name] = value
    return response


def cached(kind: str) -> Callable[[Any], Any]:
    """Serve an anonymous GET from the cache for the current version; render and store it on a miss."""

    def decorate(view: Any) -> Any:
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            key = _key(kind, request, public_version(request, kwargs.get("city")))
            hit = cache.get(key)
            if hit is not None:
                return _from_cache(hit)
            # One render per key at a time in this process: after a change (or in a fresh
            # worker) the threads that miss together wait for the first one's body instead of
            # each rendering it (a 3,000-account list costs ~1 s of CPU to render).
            lock = _render_lock(key)
            try:
                with lock:
                    hit = cache.get(key)
                    if hit is not None:
                        return _from_cache(hit)
                    response = view(request, *args, **kwargs)
                    if response.status_code < 500 and not response.streaming:
                        headers = [(h, response[h]) for h in _HEADERS if response.has_header(h)]
                        cache.set(
                            key,
                            (response.status_code, response["Content-Type"], response.content, headers),
                            TIMEOUT,
                        )
                    return response
            finally:
                _forget_render_lock(key, lock)

        wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
        return wrapped

    return decorate


@dataclass(frozen=True)
class Snapshot:
    """What verify compares against, for one version of one city's (or every city's) list."""

    version: str
    listed: list[Account]
    closed: list[Account]


_snapshots: dict[str | None, Snapshot] = {}
_lock = threading.Lock()


def snapshot(version: str, city: str | None = None) -> Snapshot:
    """The public list and the formerly listed closed accounts of ``city`` for ``version`` (once per process)."""
    current = _snapshots.get(city)
    if current is not None and current.version == version:
        return current
    with _lock:
        current = _snapshots.get(city)
        if current is not None and current.version == version:
            return current
        municipality = None if city is None else Municipality.objects.filter(slug=city).first()
        closed = Account.objects.filter(status=Status.CLOSED, listed_at__isnull=False, is_listed=False)
        if municipality is not None:
            closed = closed.filter(municipality=municipality)
        listed = list(public_accounts(municipality))
        # The official handles' comparison forms, prepared once here for every request of this version.
        official_forms_of([handle_of(a) for a in listed if is_official(a)])
        prepared = Snapshot(version, listed, list(closed.select_related("municipality")))
        _snapshots[city] = prepared
        return prepared


def forget_snapshot() -> None:
    """Drop this process's prepared lists (tests measuring the cost of a new version use it)."""
    with _lock:
        _snapshots.clear()
