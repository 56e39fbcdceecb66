"""Run manage.py and gunicorn in subprocesses against a throw-away database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
AUDIT_KEY = "みなと市-監査鍵-試験用-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg(sql: str) -> None:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", "postgres", "-c", sql]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    subprocess.run(args, env=env, check=True, capture_output=True)


@contextmanager
def scratch_site(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a separate installation: its own data folder and database, the tests' own vendor.

    On PostgreSQL a database ``koshiki_scratch_<random>`` is created on the test server and
    dropped afterwards; on SQLite the file lives in ``tmp_path``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        KOSHIKI_DATA_DIR=str(tmp_path / "data"),
        KOSHIKI_AUDIT_KEY=AUDIT_KEY,
        KOSHIKI_INITIAL_PASSWORD="minato-Koho-2026!",
        DJANGO_SETTINGS_MODULE="koshiki.web.settings",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    name = None
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        name = f"koshiki_scratch_{uuid.uuid4().hex[:10]}"
        _pg(f"CREATE DATABASE {name}")
        auth = db.get("USER") or "postgres"
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
        )
    try:
        yield env
    finally:
        if name is not None:
            _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def destroy_database(env: dict[str, str]) -> None:
    """Lose the database: delete the SQLite file, or drop and recreate the PostgreSQL database empty."""
    if "DATABASE_URL" in env:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        _pg(f"DROP DATABASE {name} WITH (FORCE)")
        _pg(f"CREATE DATABASE {name}")
    else:
        Path(env["KOSHIKI_DATA_DIR"], "koshiki.sqlite3").unlink()


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python manage.py ARGS`` in the scratch installation; output captured as text."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done
