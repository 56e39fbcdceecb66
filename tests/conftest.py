"""Session-wide test set-up: the output names the database the web tests ran against.

The name appears in the report header (verbose runs) and, because the
project's ``addopts`` include ``-q`` which hides the header, again as the
last line of the terminal summary.
"""

from __future__ import annotations

from typing import Any


def _database_description() -> str:
    try:
        from django.conf import settings
        from django.db import connections

        db = settings.DATABASES["default"]
        vendor = connections["default"].vendor
    except Exception as exc:  # Django not configured: checker-only run
        return f"database: (Django not configured: {exc})"
    if vendor == "sqlite":
        test_name = db.get("TEST", {}).get("NAME") or "in-memory"
        return f"database: sqlite (test database: {test_name}; configured file {db['NAME']})"
    name = db.get("TEST", {}).get("NAME") or f"test_{db['NAME']}"
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    return f"database: {vendor} (test database: {name}, with _gwN suffixes under xdist, on {where}, user {db.get('USER')})"


def pytest_report_header(config: Any) -> list[str]:
    return [_database_description()]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if hasattr(config, "workerinput"):  # xdist worker: the controller prints it
        return
    terminalreporter.write_line(_database_description())
