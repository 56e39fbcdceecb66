"""Several cities in one installation (issue 9 item 6): each city's own public directory.

A prefecture's shared cloud runs 京都市 and 狛江市 side by side: each city's
list, JSON, CSV and verify answer show only its own accounts, while
/public/accounts/ becomes the index of cities (and stays the list itself in a
single-city installation).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koshiki.errors import ActionError
from koshiki.org.models import Municipality
from koshiki.people.actions import do_create_municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cities(make_city):  # noqa: ANN001, ANN201
    return make_city("kyoto"), make_city("komae")


def _handles_json(client: Client, url: str) -> set[str]:
    return {a["handle"] for a in client.get(url).json()["accounts"]}


def _handles_csv(client: Client, url: str) -> set[str]:
    body = client.get(url).content.decode("utf-8-sig")
    return {row["ID"] for row in csv.DictReader(io.StringIO(body))}


def test_each_city_gets_a_slug_from_its_profile(two_cities):
    kyoto, komae = two_cities
    assert (kyoto.municipality.slug, komae.municipality.slug) == ("kyoto", "komae")
    # A second city on the same profile is numbered, never a clash.
    assert Municipality.objects.create(name="みなと市", profile_id="kyoto").slug == "kyoto-2"


def test_a_citys_list_json_csv_show_only_its_own_accounts(two_cities):
    kyoto, komae = two_cities
    client = Client()
    page = client.get("/public/kyoto/accounts/").content.decode()
    assert "京都市広報" in page and "狛江市広報" not in page
    assert "京都市ソーシャルメディア一覧" in page  # the list's name in 京都市4(2)ア
    assert _handles_json(client, "/public/kyoto/accounts.json") == {"kyoto_koho", "kyoto_kanko"}
    assert _handles_json(client, "/public/komae/accounts.json") == {"komae_koho", "komae_kanko"}
    assert _handles_csv(client, "/public/komae/accounts.csv") == {"komae_koho", "komae_kanko"}
    assert "official-accounts-komae.csv" in client.get("/public/komae/accounts.csv")["Content-Disposition"]
    komae_page = client.get("/public/komae/accounts/").content.decode()
    assert "京都市広報" not in komae_page and "/public/komae/accounts.csv" in komae_page


def test_verify_under_a_city_knows_only_that_citys_accounts(two_cities):
    client = Client()
    own = client.get("/public/kyoto/verify", {"handle": "kyoto_koho", "platform": "x"}).json()
    assert own["official"] is True and own["account"]["municipality"] == "京都市"
    elsewhere = client.get("/public/komae/verify", {"handle": "kyoto_koho", "platform": "x"}).json()
    assert elsewhere["official"] is False and elsewhere["account"] is None
    # The installation-wide verify still knows both.
    assert client.get("/public/verify", {"handle": "komae_koho"}).json()["official"] is True


def test_the_installation_list_becomes_an_index_of_cities(two_cities):
    html = Client().get("/public/accounts/").content.decode()
    assert "公式アカウント一覧（自治体別）" in html
    assert 'href="/public/kyoto/accounts/"' in html and 'href="/public/komae/accounts/"' in html
    assert "京都市の公式アカウント一覧" in html and "狛江市の公式アカウント一覧" in html


def test_a_single_city_installation_keeps_its_list_at_public_accounts(make_city):
    make_city("kyoto")
    html = Client().get("/public/accounts/").content.decode()
    assert "京都市ソーシャルメディア一覧" in html and "自治体別" not in html and "京都市広報" in html


def test_an_unknown_city_is_a_404(two_cities):
    client = Client()
    for url in ("/public/osaka/accounts/", "/public/osaka/accounts.json", "/public/osaka/verify?handle=a"):
        assert client.get(url).status_code == 404, url


def test_a_citys_etag_is_its_own_and_revalidates_without_a_query(two_cities):
    kyoto, komae = two_cities
    client = Client()
    first = client.get("/public/kyoto/accounts.json")
    assert first["ETag"] != client.get("/public/komae/accounts.json")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/public/kyoto/accounts.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and len(queries.captured_queries) == 0
    # A change in 狛江市's registry leaves 京都市's cached copy valid.
    komae.account.display_name = "狛江市広報（公式）"
    komae.account.save()
    assert client.get("/public/kyoto/accounts.json", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_slug_is_checked_when_a_city_is_created(two_cities):
    with pytest.raises(ActionError, match="半角英小文字"):
        do_create_municipality(None, "港区", "standard", slug="Minato City")
    with pytest.raises(ActionError, match="既にほかの自治体"):
        do_create_municipality(None, "みなと市", "kyoto", slug="komae")
    assert do_create_municipality(None, "みなと市", "kyoto", slug="minato").slug == "minato"


def test_a_citys_check_page_answers_from_its_own_list(two_cities):
    client = Client()
    own = client.get("/public/kyoto/check", {"q": "@kyoto_koho"}).content.decode()
    assert "このアカウントは京都市の公式？" in own and "公式アカウントです" in own
    # 狛江市's page does not vouch for 京都市's account, and points back to its own list.
    other = client.get("/public/komae/check", {"q": "@kyoto_koho"}).content.decode()
    assert "公式アカウントです" not in other and "登録されていません" in other
    assert 'href="/public/komae/accounts/"' in other and 'action="/public/komae/check"' in other
    # The city's list links to the city's own check page.
    assert 'href="/public/komae/check"' in client.get("/public/komae/accounts/").content.decode()
    assert client.get("/public/osaka/check", {"q": "@kyoto_koho"}).status_code == 404
