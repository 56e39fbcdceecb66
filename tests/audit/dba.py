"""A cursor as someone with database access: on PostgreSQL the append-only trigger is bypassed.

``session_replication_role = replica`` (a superuser's right) skips ordinary
triggers for the transaction, which is what a database administrator tampering
with the trail would do; the tests then show that the keyed chain still catches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def dba_cursor() -> Iterator[Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
