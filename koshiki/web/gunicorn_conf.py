"""gunicorn settings for production: ``gunicorn -c python:koshiki.web.gunicorn_conf koshiki.web.wsgi``.

Every value comes from the environment (docs/deploy.md lists them):

- ``KOSHIKI_BIND`` (default ``127.0.0.1:8000``): where to listen; behind a front
  server on the same host keep the loopback address.
- ``WEB_CONCURRENCY`` (default ``2 × cores + 1``): worker processes.
- ``KOSHIKI_THREADS`` (default 4): threads per worker (the checker is thread-safe).
- ``KOSHIKI_TIMEOUT`` (default 60): seconds before a stuck worker is restarted.
- ``FORWARDED_ALLOW_IPS`` (gunicorn's own, default ``127.0.0.1``): the front
  servers whose ``X-Forwarded-*`` headers are trusted.
- ``KOSHIKI_PUBLIC_CACHE_DIR`` (default ``$KOSHIKI_DATA_DIR/public-cache``): where the
  workers share the public pages' rendered bodies when no Redis is configured
  (``koshiki.directory.cache``); set it empty to keep them per worker.

Each worker warms the checker up (``koshiki.checker.warm_up``: dictionary, rules,
profiles, lexicons) right after it forks, so that no citizen or employee waits
for it on the first request.
"""

from __future__ import annotations

import json
import os
from typing import Any

from gunicorn.glogging import Logger

from koshiki.checker import warm_up
from koshiki.web.logfilters import redact

# Set before the workers import the settings: they share one rendering of each public body
# (a relative path: under $KOSHIKI_DATA_DIR, which the settings resolve).
os.environ.setdefault("KOSHIKI_PUBLIC_CACHE_DIR", "public-cache")

bind = os.environ.get("KOSHIKI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("KOSHIKI_THREADS") or 4)
worker_class = "gthread"
timeout = int(os.environ.get("KOSHIKI_TIMEOUT") or 60)
graceful_timeout = 30
# A worker is replaced after this many requests (memory stays flat over months).
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"  # stdout, for journald or the container runtime
errorlog = "-"
if os.environ.get("LOG_FORMAT", "text").strip() == "json":
    # One JSON object per request; RedactingLogger escapes the quoted atoms.
    access_log_format = (
        '{"time": "%(t)s", "remote": "%(h)s", "request": "%(r)s", "status": %(s)s, '
        '"bytes": "%(b)s", "ms": %(M)s, "agent": "%(a)s"}'
    )
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger with submission-link tokens masked in the access log (koshiki.web.logfilters)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        escape = self.cfg.access_log_format.startswith("{")
        for key in ("r", "U", "q", "a", "f"):
            if isinstance(atoms.get(key), str):
                value = redact(atoms[key])
                atoms[key] = json.dumps(value, ensure_ascii=False)[1:-1] if escape else value
        return atoms


logger_class = RedactingLogger
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server: Any, worker: Any) -> None:
    """Warm the checker up in each new worker, before it accepts a request."""
    warm_up()
