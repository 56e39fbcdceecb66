"""Logging filters: secrets carried in URLs never reach the logs.

A campaign's submission link (``/posts/submit/<token>/``) is the third party's
only credential. Django logs every 4xx/5xx with the request path
("Not Found: /posts/submit/…/", logger ``django.request``) and runserver logs
every request (``django.server``), so the token is replaced by ``[秘匿]``
before any handler writes the record. API tokens travel in the
``Authorization`` header, which Django never logs.
"""

from __future__ import annotations

import json
import logging
import re

_SECRET_IN_PATH = re.compile(r"(/posts/submit/)[^/\s\"'?#]+")
REDACTED = "[秘匿]"


def redact(text: str) -> str:
    """``text`` with every submission-link token replaced by ``[秘匿]``."""
    return _SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrite the record's message (and drop its args) when it names a token-bearing path."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``LOG_FORMAT=json``): time, level, logger, message, and the exception.

    Journald, a container runtime or a log collector reads each line as one record;
    ``ensure_ascii=False`` keeps Japanese messages readable in ``journalctl``.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("status_code", "event", "seq", "hash"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
