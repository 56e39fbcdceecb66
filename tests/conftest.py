"""Session-wide test set-up: the personas as fixtures, and the database the web tests ran against.

The fixtures build the one set of personas of ``tests/personas.py`` (imported
when a fixture runs, so a checker-only run never loads Django models). The
database's name appears in the report header (verbose runs) and, because the
project's ``addopts`` include ``-q`` which hides the header, again as the
last line of the terminal summary.
"""

from __future__ import annotations

from typing import Any

import pytest


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


@pytest.fixture(autouse=True)
def _public_cache_per_test(request):  # noqa: ANN001, ANN202
    """Each web test starts with an empty public-page cache (two tests' registries could share a version)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    from django.conf import settings
    from django.core.cache import cache, caches

    from koshiki.directory.cache import forget_snapshot, forget_versions
    from koshiki.registry.stored_findings import forget_clean_marks

    cache.clear()
    if "public" in settings.CACHES:  # the production server's shared directory, when a test sets one
        caches["public"].clear()
    forget_snapshot()
    forget_versions()
    forget_clean_marks()  # a rolled-back database may reuse a user's and an account's ids
    yield


@pytest.fixture
def throttle_clock(monkeypatch):  # noqa: ANN001, ANN201
    """Hold the throttles' clock in the middle of a minute: a test's calls never straddle two windows.

    The throttles count in fixed windows (koshiki.ui.throttle); without this a test that
    makes four calls fails when the minute turns between the third and the fourth.
    """
    from koshiki.ui import throttle

    monkeypatch.setattr(throttle, "_now", lambda: 1_800_000_030.0)  # 30 s into a minute


# ---- the one set of personas (tests/personas.py) as fixtures ------------------------------------


@pytest.fixture
def city(db):  # noqa: ANN001, ANN201
    """The kyoto-profile test city with a person in every role (tests/personas.py)."""
    from tests.personas import make_city

    return make_city("kyoto")


@pytest.fixture
def make_city(db):  # noqa: ANN001, ANN201
    """``make_city(profile)``: a test city on that profile with 広報課's X account and 観光課's Instagram account."""
    from functools import partial

    from tests.personas import make_city as build

    return partial(build, posting_accounts=True)


@pytest.fixture
def kyoto(db):  # noqa: ANN001, ANN201
    """The kyoto test city with its two posting accounts (the posts and campaigns tests)."""
    from tests.personas import make_city as build

    return build("kyoto", posting_accounts=True)


@pytest.fixture
def client_for():  # noqa: ANN201
    """``client_for(user)``: a test client logged in as ``user`` (no password hashing)."""
    from django.test import Client

    def make(user) -> Client:  # noqa: ANN001
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _second_factor_at_force_login(request):  # noqa: ANN001, ANN202
    """``client.force_login(user)`` also passes the second factor, with the user's real TOTP device.

    Staff with a required role cannot reach a page on a password alone
    (koshiki.security.middleware); this gives every test the session a person has
    after typing their code (``tests.personas.verify_second_factor``), without a
    setting that would weaken the middleware. ``@pytest.mark.password_only`` keeps
    Django's plain force_login, for the tests of the second factor itself.
    """
    if request.node.get_closest_marker("password_only"):
        yield
        return
    from django.test.client import ClientMixin

    plain = ClientMixin.force_login

    def force_login(self, user, backend=None) -> None:  # noqa: ANN001
        from tests.personas import verify_second_factor

        plain(self, user, backend)
        verify_second_factor(self, user)

    # A patch of its own, not the test's ``monkeypatch``: a test that calls ``monkeypatch.undo()``
    # (to stop faking the clock, say) must not undo the second factor with it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ClientMixin, "force_login", force_login)
        yield


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "password_only: client.force_login signs in with the password only (no second factor)"
    )


@pytest.fixture
def mail_settings(settings):  # noqa: ANN001, ANN201
    """Mails kept in memory and links built on the test city's address (duties, notify, rosters)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KOSHIKI_BASE_URL = "https://koshiki.city.test.lg.jp"
    return settings
