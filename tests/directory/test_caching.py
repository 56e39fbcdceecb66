"""The public list, JSON and CSV carry the registry's version as ETag: a revalidation costs one query.

The version changes when an account is listed or unlisted and when its policy
changes, so a cached copy never outlives the list it shows.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koshiki.registry import actions
from koshiki.registry.models import Account
from tests.personas import account_in

pytestmark = pytest.mark.django_db

URLS = ["/public/accounts/", "/public/accounts.json", "/public/accounts.csv"]


@pytest.mark.parametrize("url", URLS)
def test_public_pages_revalidate_by_etag_and_change_with_the_list(city, url):  # noqa: ANN001
    account = account_in(city, "listed", display_name="みなと市 防災情報")
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    # Within the second the worker keeps the version: a revalidation asks nothing at all.
    assert again.status_code == 304 and len(queries.captured_queries) == 0

    # A policy change makes a new version...
    actions.do_revise_policy(
        account,
        values={"operating_hours": "毎日9時から17時まで"},
        reason="運用時間の変更",
        documents=["policy"],
        actor=city.people["head"],
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # ...and so does taking the account off the list.
    etag = changed["ETag"]
    account = Account.objects.get(pk=account.pk)
    account.is_listed = False
    account.save()
    unlisted = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unlisted.status_code == 200 and unlisted["ETag"] != etag
    assert "みなと市 防災情報" not in unlisted.content.decode("utf-8-sig")
