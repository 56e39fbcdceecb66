"""Cost that does not grow with the city: each busy page's query count stays flat as accounts and posts grow.

Each page is loaded once with the test city as built, then again after six
more accounts (listed on the public list, each with a draft post carrying a
finding) and a few dozen more audit events; the number of queries must not move.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koshiki.directory.cache import forget_snapshot
from koshiki.posts import actions as post_actions
from koshiki.registry.models import Account
from tests.personas import account_in

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("operator", "/"),
    "account_list": ("office", "/accounts/"),
    "attention": ("office", "/accounts/attention/"),
    "posts": ("operator", "/posts/"),
    "audit_list": ("auditor", "/audit/"),
    "public_list": (None, "/public/accounts/"),
    "public_json": (None, "/public/accounts.json"),
    "public_csv": (None, "/public/accounts.csv"),
}


def _grow(city, n: int) -> None:  # noqa: ANN001
    for i in range(n):
        account = account_in(
            city, "listed", display_name=f"{city.municipality.name}観光課{i}", handle=f"kanko_{i}"
        )
        Account.objects.filter(pk=account.pk).update(is_listed=True)
        post_actions.do_create_draft(
            city.operator,
            account,
            f"第{i}回 市民まつりのお知らせ。詳しくは担当の携帯 090-1234-56{i:02d} まで。",
        )


def _queries(client: Client, url: str) -> int:
    """Queries of one request with the public bodies' cache empty (the cost of a miss, the worst case).

    The page is asked once unmeasured first: the first view after a change to the city also
    re-checks the stored findings (``refresh_stale``: a constant two queries, whatever the size).
    """
    client.get(url)
    cache.clear()
    forget_snapshot()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def _client(city, who: str | None) -> Client:  # noqa: ANN001
    client = Client()
    if who is not None:
        client.force_login(city.people[who])
    return client


@pytest.mark.parametrize("page", list(PAGES))
def test_page_queries_do_not_grow_with_accounts_posts_or_events(city, page):  # noqa: ANN001
    who, url = PAGES[page]
    _grow(city, 1)
    client = _client(city, who)
    _queries(client, url)  # warm: sessions, caches
    before = _queries(_client(city, who), url)
    _grow(city, 5)
    after = _queries(_client(city, who), url)
    assert after == before, f"{url}: {before} queries with 1 extra account, {after} with 6"
