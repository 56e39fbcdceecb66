"""The load benchmark's other pages keep a flat query count too: each role's home, an account's page, the editor, verify.

Complements ``test_query_counts.py`` (same growth: one extra listed account
with a draft, then five more): the pages ``benchmarks/load/run.py`` measures
must not issue more queries as the city grows, or their CPU per request
grows with it (issue 10 item 10).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koshiki.registry import actions as registry_actions
from tests.personas import account_in
from tests.web.test_query_counts import _client, _grow, _queries

pytestmark = pytest.mark.django_db

HOME_ROLES = ["operator", "head", "bureau_head", "office", "member", "chair", "security", "auditor"]


@pytest.mark.parametrize("who", HOME_ROLES)
def test_home_queries_do_not_grow_for_each_role(kyoto, who):  # noqa: ANN001
    _grow(kyoto, 1)
    _queries(_client(kyoto, who), "/")  # warm: sessions, caches
    before = _queries(_client(kyoto, who), "/")
    _grow(kyoto, 5)
    after = _queries(_client(kyoto, who), "/")
    assert after == before, f"home of {who}: {before} queries with 1 extra account, {after} with 6"


def _pages(city) -> dict[str, tuple[str | None, str]]:  # noqa: ANN001
    account = city.accounts["main"]
    return {
        "account_page": ("office", f"/accounts/{account.pk}/"),
        "editor": ("operator", f"/posts/account/{account.pk}/new/"),
        "verify": (None, f"/public/verify?url=https://x.com/{account.handle}"),
        "verify_unknown": (None, "/public/verify?url=https://x.com/not_an_official_account"),
    }


@pytest.mark.parametrize("page", ["account_page", "editor", "verify", "verify_unknown"])
def test_page_queries_do_not_grow(kyoto, page):  # noqa: ANN001
    who, url = _pages(kyoto)[page]
    _grow(kyoto, 1)
    _queries(_client(kyoto, who), url)
    before = _queries(_client(kyoto, who), url)
    _grow(kyoto, 5)
    after = _queries(_client(kyoto, who), url)
    assert after == before, f"{url}: {before} queries with 1 extra account, {after} with 6"


def _grow_flagged(city, n: int) -> None:  # noqa: ANN001
    """More accounts that each carry an account finding (MFA off), so the flagged list grows too."""
    for i in range(n):
        account = account_in(city, "listed", display_name=f"{city.municipality.name}防災情報{i}")
        registry_actions.do_update_security(city.operator, account, {"mfa_enabled": False})


@pytest.mark.parametrize(("who", "url"), [("office", "/"), ("office", "/accounts/attention/"), ("head", "/")])
def test_flagged_accounts_do_not_add_queries(kyoto, who, url):  # noqa: ANN001
    _grow_flagged(kyoto, 1)
    _queries(_client(kyoto, who), url)
    before = _queries(_client(kyoto, who), url)
    _grow_flagged(kyoto, 5)
    after = _queries(_client(kyoto, who), url)
    assert after == before, f"{url} for {who}: {before} queries with 1 flagged account, {after} with 6"


@pytest.mark.parametrize("url", ["/public/accounts/", "/public/accounts.json", "/public/accounts.csv"])
def test_a_cached_public_answer_costs_one_query_at_any_size(kyoto, url, settings):  # noqa: ANN001
    settings.PUBLIC_VERSION_SECONDS = 0  # the version asked every time (kept, it costs none)
    _grow(kyoto, 6)
    Client().get(url)  # rendered once for this version
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url).status_code == 200
    assert len(ctx.captured_queries) == 1


# Tables whose rows a person can act on only through a role the auditor never holds
# (posts.attention, campaigns.attention, comments.attention).
_WRITERS_TABLES = ('"posts_', '"comments_')


def test_a_read_only_roles_home_asks_nothing_of_posts_or_comments(kyoto):  # noqa: ANN001
    """Lists a role could never keep a row of are not queried (issue 10: home pages' CPU per request)."""
    _grow(kyoto, 2)  # drafts exist: the lists would have rows to filter out
    client = _client(kyoto, "auditor")
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    asked = [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in _WRITERS_TABLES)]
    assert asked == [], asked[:2]


def test_the_section_heads_home_still_lists_what_waits_for_them(kyoto):  # noqa: ANN001
    """The gates skip only lists that could not hold a row: the head still sees a draft to approve."""
    from koshiki.posts import actions as post_actions

    account = kyoto.accounts["main"]
    draft = post_actions.do_create_draft(kyoto.operator, account, "市民まつりは10月5日に開催します。")
    post_actions.do_submit(kyoto.operator, draft)
    html = _client(kyoto, "head").get("/").content.decode()
    assert "あなたの承認を待っている投稿案 1件" in html
    assert "あなたの承認を待っている投稿案" not in _client(kyoto, "auditor").get("/").content.decode()
