"""Migrations: the models match them, and they build the schema on an empty database of either vendor.

pytest-django already migrates its own fresh test database at the start of
the run; these tests also migrate a brand-new database in a separate process,
exactly as ``manage.py migrate`` does on a new installation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_makemigrations_finds_nothing_to_do():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"models and migrations disagree (exit {exc.code}):\n{out.getvalue()}")


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _assert_fully_migrated(env: dict[str, str]) -> None:
    migrate = _manage(env, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    plan = _manage(env, "showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr
    assert "[X]" in plan.stdout and "[ ]" not in plan.stdout, plan.stdout
    for label in ("audit.0001_initial", "org.0001_initial", "registry.0001_initial"):
        assert label in plan.stdout
    check = _manage(env, "verify_audit")
    assert check.returncode == 0 and "0 件" in check.stdout, check.stderr


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="this run uses PostgreSQL; the PostgreSQL variant runs"
)
def test_migrate_builds_an_empty_sqlite_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KOSHIKI_DATA_DIR"] = str(tmp_path)
    _assert_fully_migrated(env)
    assert (tmp_path / "koshiki.sqlite3").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="this run uses SQLite; the SQLite variant runs")
def test_migrate_builds_an_empty_postgresql_database():
    import psycopg

    db = settings.DATABASES["default"]
    name = f"koshiki_migtest_{uuid.uuid4().hex[:12]}"
    params = {
        "host": db.get("HOST") or "localhost",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or None,
    }
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = params["user"] or ""
        auth = f"{user}:{params['password']}@" if "password" in params else (f"{user}@" if user else "")
        env = dict(os.environ, DATABASE_URL=f"postgres://{auth}{params['host']}:{params['port']}/{name}")
        _assert_fully_migrated(env)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_an_account_role_survives_the_move_of_its_account_to_the_registry():
    """A contractor's role held for an account before ``registry.AccountRole`` existed keeps its account."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("org", "0002_initial"), ("registry", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        city = old.get_model("org", "Municipality").objects.create(name="移行市", profile_id="kyoto")
        unit = old.get_model("org", "OrgUnit").objects.create(
            municipality=city, kind="section", name="広報課", path="/1/"
        )
        user = old.get_model("auth", "User").objects.create(username="itaku_migration")
        account = old.get_model("registry", "Account").objects.create(
            municipality=city, owning_unit=unit, platform="x", handle="iko_koho", display_name="移行市広報"
        )
        role = old.get_model("org", "RoleAssignment").objects.create(
            municipality=city, user=user, role="contractor", account=account, company="株式会社移行"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    from koshiki.org.models import RoleAssignment
    from koshiki.registry.models import AccountRole

    moved = RoleAssignment.objects.get(pk=role.pk)
    assert moved.for_account and moved.company == "株式会社移行"
    assert AccountRole.objects.get(assignment=moved).account_id == account.pk


@pytest.mark.django_db(transaction=True)
def test_existing_cities_get_a_slug_from_their_profile():
    """Two cities on the kyoto profile before slugs existed: ``kyoto`` and ``kyoto-2``, never a clash."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("org", "0003_account_role")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        City = old.get_model("org", "Municipality")
        first = City.objects.create(name="京都市", profile_id="kyoto")
        second = City.objects.create(name="みなと市", profile_id="kyoto")
        third = City.objects.create(name="狛江市", profile_id="komae")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    from koshiki.org.models import Municipality

    slugs = dict(Municipality.objects.values_list("pk", "slug"))
    assert (slugs[first.pk], slugs[second.pk], slugs[third.pk]) == ("kyoto", "kyoto-2", "komae")
