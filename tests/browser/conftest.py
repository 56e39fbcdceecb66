"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Playwright never downloads a browser here (the machine is offline and `playwright install`
is not part of the set-up): the tests launch the Chromium that Debian ships, found by
:func:`find_chromium` (``KOSHIKI_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on
the ``PATH``). ``scripts/browser_deps.sh`` installs it with apt where it is missing. Without
it every test of this folder is skipped with a warning that names what is missing, so that
a machine without Chromium still runs the rest of the suite, and nobody mistakes the skip for
a pass.

One browser per xdist worker (pytest-playwright's session-scoped ``browser``), a fresh
context and page per test. The live server (pytest-django's ``live_server``) runs in a
thread of the worker and, on SQLite, shares the worker's in-memory test database; using it
makes every test here transactional (the database is emptied after each test).

People sign in through :func:`sign_in` only: the real login page, the real password check.
"""

from __future__ import annotations

import functools
import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.personas import totp_code

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Only for the browser tests' own personas: set on the test database, never on a real one.
PASSWORD = "ブラウザ試験用-pass-2026"
# The width of a small smartphone (iPhone 12-15): the third party's page must fit it.
PHONE = {"width": 390, "height": 844}
IMPACTS_THAT_FAIL = ("serious", "critical")


def find_chromium() -> str | None:
    """The system Chromium to drive, or None when this machine has none."""
    candidates = [os.environ.get("KOSHIKI_CHROMIUM", ""), *CHROMIUM_PATHS, shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
MISSING = (
    "BROWSER TESTS SKIPPED: no Chromium found (KOSHIKI_CHROMIUM, /usr/bin/chromium, chromium on PATH). "
    "Install Debian's package: `apt-get install -y chromium` (scripts/browser_deps.sh does it)."
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, skip every browser test before any fixture launches a browser, with a
    warning in the summary that says why and how to fix it."""
    if CHROMIUM is not None:
        return
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(str(item.path)).parents]
    if ours:
        warnings.warn(MISSING, pytest.PytestWarning, stacklevel=1)
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def playwright(playwright: Any) -> Iterator[Any]:
    """pytest-playwright's Playwright, with Django's async-safety check off while it lives.

    Playwright's sync API leaves its asyncio loop set as the running loop of the worker's main
    thread from its start to the end of the session, and Django refuses ORM calls from a
    thread with a running loop (SynchronousOnlyOperation) -- in the browser tests and in every
    test the same xdist worker runs after them, and in the database flush after each test.
    All of that code is synchronous, so the check is off for as long as the loop is set.
    """
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium (no download)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """The live server's address, so that ``page.goto("/posts/")`` works (pytest-base-url's fixture)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Japanese browser in Japan's time zone, as the city's staff use it."""
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


class PageErrors:
    """JavaScript errors and Content-Security-Policy refusals seen by the pages of one test."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Any) -> Any:
        page.on("pageerror", lambda exc: self.messages.append(f"{page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.messages.append(f"{page.url}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        return page


@pytest.fixture
def page_errors() -> Iterator[PageErrors]:
    """Fails the test when a page threw a JavaScript error or the CSP refused something it loads."""
    errors = PageErrors()
    yield errors
    assert not errors.messages, "errors in the browser:\n" + "\n".join(errors.messages)


@pytest.fixture
def open_page(new_context: Callable[..., Any], base_url: str, page_errors: PageErrors) -> Callable[..., Any]:
    """``open_page(viewport=None)``: a fresh page in a context of its own (no one signed in)."""

    def make(viewport: dict[str, int] | None = None, **kwargs: Any) -> Any:
        context = new_context(viewport=viewport or {"width": 1280, "height": 900}, **kwargs)
        return page_errors.watch(context.new_page())

    return make


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once per worker (Argon2 costs ~0.2 s of CPU; the login still verifies it)."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def sign_in(page: Any, user: Any) -> Any:
    """Sign ``user`` in through the real login page of ``page``'s live server and land on the home page.

    The one place where a browser test signs someone in: give the persona a password on the
    test database, type the login ID and password, press ログイン, type the second factor's code
    when asked (koshiki.security), wait for the home page.
    """
    user.password = _password_hash()
    user.save(update_fields=["password"])
    page.goto("/login/")
    page.get_by_label("ログインID").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login/"))
    if "/security/verify/" in page.url:
        # Section heads, the office, auditors…: the 6-digit code their authenticator shows now.
        page.get_by_label("確認コード").fill(totp_code(user))
        page.get_by_role("button", name="確認する").click()
        page.wait_for_url(lambda url: "/security/verify/" not in url)
    page.get_by_role("button", name="ログアウト").wait_for()
    return page


@pytest.fixture
def signed_in(open_page: Callable[..., Any]) -> Callable[..., Any]:
    """``signed_in(user, viewport=None)``: a fresh page with ``user`` signed in through the login page."""

    def make(user: Any, viewport: dict[str, int] | None = None) -> Any:
        return sign_in(open_page(viewport), user)

    return make


def axe_violations(page: Any, impacts: tuple[str, ...] = IMPACTS_THAT_FAIL) -> list[dict[str, Any]]:
    """The axe-core violations of the page as shown now, of the given impacts.

    axe-core's script comes from the PyPI package axe-playwright-python (axe.min.js, MPL-2.0).
    """
    from axe_playwright_python.sync_playwright import Axe

    # WCAG 2.1 A and AA plus axe's best practices, the bar a city's web accessibility policy
    # (JIS X 8341-3:2016, AA) sets; "region" etc. are best practices of lower impact.
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, for a failing assertion's message."""
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(f"{v['impact']} {v['id']} ({v['help']}): {node['target']} {node['html'][:160]}")
    return "\n".join(lines)


# Elements whose right edge passes the viewport's, outermost first (for failure messages).
_OVERFLOWING_JS = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const parentBox = el.parentElement ? el.parentElement.getBoundingClientRect() : null;
      if (!parentBox || parentBox.right <= width + 1) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} right=${Math.round(box.right)}`);
      }
    }
  }
  return out;
}"""


def assert_no_sideways_scroll(page: Any) -> None:
    """The page fits its viewport's width: nobody has to scroll sideways to read or press anything."""
    fits = page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert fits, "wider than the screen: " + "; ".join(page.evaluate(_OVERFLOWING_JS))
