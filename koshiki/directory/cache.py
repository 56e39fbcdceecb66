"""The public directory's bodies, rendered once per registry version (issue 10 item 9).

A disaster or an impersonation wave sends citizens to the public list and
the verify API by the thousand; each answer is the same until the registry
changes. So an anonymous request costs at most one query (the version, which
every list, unlist, policy change or confirmed impersonation moves) and, when
the body for that version is already in the cache, no rendering at all.

- The version is kept in each process for ``PUBLIC_VERSION_SECONDS`` (1 s by
  default; ``KOSHIKI_PUBLIC_VERSION_SECONDS``): its query reads every account
  row of the city (1.7 ms of PostgreSQL at 3,000 accounts, 0.2 ms at 300), so
  under a wave of citizens it runs once a second per worker instead of once per
  request. A save or delete of an account, an impersonation or a city in this
  process drops the kept versions at once (``_registry_changed``); another
  worker sees the change within that second — a hijacked account unlisted at
  12:00:00 is called official by no worker after 12:00:01.
- Bodies are kept gzip-compressed as well (once, when rendered) and served so
  to clients that accept it (``Vary: Accept-Encoding``; browsers always do): a
  3,000-account list is 1.4 MB of HTML and 35 KB compressed (the load benchmark's
  alike accounts; a real list compresses less), and copying the
  large body out of the cache and into the socket was most of a cached
  answer's cost.

- The cache is Django's (``CACHES["default"]``: each worker's memory by
  default, Redis with ``KOSHIKI_CACHE_URL``). Without Redis the production
  server adds ``CACHES["public"]``, a directory the workers of one host share:
  a body one worker rendered is read there by the others and by the workers
  that replace recycled ones, so a list is rendered once per host and version. The version is part of every
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

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from koshiki.directory.public import handle_of, is_official, public_accounts
from koshiki.directory.verify import official_forms_of
from koshiki.incidents.models import Impersonation
from koshiki.org.models import Municipality
from koshiki.registry.models import Account
from koshiki.registry.states import Status

TIMEOUT = 3600  # old versions' entries simply age out
_HEADERS = ("Content-Disposition", "Access-Control-Allow-Origin")
# Smaller bodies (a verify answer) gain nothing worth a header from compression.
GZIP_FROM = 1024
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")

# city slug (None: installation-wide) -> (monotonic time it was read, version)
_versions: dict[str | None, tuple[float, str]] = {}


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
    seconds = float(getattr(settings, "PUBLIC_VERSION_SECONDS", 1.0))
    kept = _versions.get(city)
    now = time.monotonic()
    if kept is not None and now - kept[0] < seconds:
        version = kept[1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(_version_sql(city is not None), [city] * 7 if city is not None else [])
            row = cursor.fetchone()
        version = hashlib.sha256(repr((city, *(str(v) for v in row))).encode()).hexdigest()[:32]
        if seconds > 0:
            _versions[city] = (now, version)
    if request is not None:
        memo[city] = version
        request._koshiki_public_version = memo  # type: ignore[attr-defined]
    return version


def forget_versions() -> None:
    """Drop this process's kept versions: the next request of every city asks the database."""
    _versions.clear()


def _registry_changed(**kwargs: Any) -> None:
    """A signal receiver: a row the public pages show was saved or deleted in this process.

    Dropped at once (a thread of this process reading before the commit may keep the old
    version for up to a second) and again after the commit (so none keeps it longer).
    """
    forget_versions()
    if connection.in_atomic_block:
        transaction.on_commit(forget_versions)


# Connected when this module is first imported (the URL map imports it): a process that never
# imported it keeps no version to drop.
for _model in (Account, Impersonation, Municipality):
    for _signal in (post_save, post_delete):
        _signal.connect(_registry_changed, sender=_model, dispatch_uid=f"public-version-{_model.__name__}")


def _key(kind: str, request: HttpRequest, version: str, by_query: bool) -> str:
    # A body that does not read the query string is one entry whatever is appended to the URL
    # (else /public/accounts/?1, ?2, … would each cost a render: ~1 s of CPU at 3,000 accounts).
    query = (
        hashlib.sha256(request.META.get("QUERY_STRING", "").encode()).hexdigest()[:24] if by_query else "-"
    )
    # The path names the city (/public/<slug>/…), so two cities' lists never share an entry.
    path = hashlib.sha256(request.path.encode()).hexdigest()[:16]
    # "v2": entries carry their encoding since 2026-12-07; a shared Redis may still hold the
    # older four-field entries of a previous release under the same version.
    return f"koshiki:public:v2:{kind}:{version}:{request.scheme}://{request.get_host()}:{path}:{query}"


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


# status, content type, body, headers to restore, Content-Encoding ("" or "gzip")
Entry = tuple[int, str, bytes, list[tuple[str, str]], str]


def _entries(response: HttpResponse) -> tuple[Entry, Entry]:
    """What the cache keeps of a rendered response: the plain entry and the one for gzip clients.

    Two keys, not one entry holding both: the memory cache unpickles a whole entry on every
    read, and a browser's request should copy the 35 KB it is sent, not the 1.4 MB beside it.
    """
    body = response.content
    headers = [(h, response[h]) for h in _HEADERS if response.has_header(h)]
    plain: Entry = (response.status_code, response["Content-Type"], body, headers, "")
    if len(body) < GZIP_FROM:
        return plain, plain
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    if len(packed) >= len(body):
        return plain, plain
    return plain, (response.status_code, response["Content-Type"], packed, headers, "gzip")


def _from_cache(hit: Entry) -> HttpResponse:
    status, content_type, body, headers, encoding = hit
    response = HttpResponse(body, content_type=content_type, status=status)
    if encoding:
        response["Content-Encoding"] = encoding
    for name, value in headers:
        response[name] = value
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _shared() -> Any:
    """The host's shared level (``CACHES["public"]``, a directory), or None when there is none."""
    return caches["public"] if "public" in settings.CACHES else None


def _lookup(key: str, share: bool) -> Entry | None:
    """This worker's memory first, then the host's shared directory (copied into memory on a hit)."""
    hit = cache.get(key)
    if hit is None and share:
        shared = _shared()
        hit = shared.get(key) if shared is not None else None
        if hit is not None:
            cache.set(key, hit, TIMEOUT)
    return hit


def cached(kind: str, share: bool = True, by_query: bool = False) -> Callable[[Any], Any]:
    """Serve an anonymous GET from the cache for the current version; render and store it on a miss.

    ``share``: also keep the body in the host's shared directory. Only for the few large
    bodies (list, JSON, CSV): verify answers are small, cheap to compute and one per query
    string, and anyone could make the host write a file per made-up query.
    ``by_query``: the view reads the query string (verify), so each one is its own entry.
    """

    def decorate(view: Any) -> Any:
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            key = _key(kind, request, public_version(request, kwargs.get("city")), by_query)
            packed = bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
            wanted = key + ":gzip" if packed else key
            hit = _lookup(wanted, share)
            if hit is not None:
                return _from_cache(hit)
            # One render per key at a time in this process: after a change (or in a fresh
            # worker) the threads that miss together wait for the first one's body instead of
            # each rendering it (a 3,000-account list costs ~1 s of CPU to render).
            lock = _render_lock(key)
            try:
                with lock:
                    hit = _lookup(wanted, share)
                    if hit is not None:
                        return _from_cache(hit)
                    response = view(request, *args, **kwargs)
                    if response.status_code >= 500 or response.streaming:
                        return response
                    plain, gzipped = _entries(response)
                    entries = {key: plain, key + ":gzip": gzipped}
                    cache.set_many(entries, TIMEOUT)
                    shared = _shared() if share else None
                    if shared is not None:
                        shared.set_many(entries, TIMEOUT)
                    return _from_cache(gzipped if packed else plain)
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
