"""The public list, JSON, CSV and verify are rendered once per registry version (issue 10 item 9).

A repeated anonymous request is answered from the cache: at most one query
(the version, which each worker keeps for a second), no template rendered.
Listing, unlisting and a policy change move the version, so the next request
in this process shows the change at once, and in any other within the kept
second. Large bodies are kept gzipped too, for clients that accept it.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koshiki.directory import cache as public_cache
from koshiki.registry import actions
from koshiki.registry.models import Account
from tests.personas import account_in, step_kwargs

pytestmark = pytest.mark.django_db

URLS = ["/public/accounts/", "/public/accounts.json", "/public/accounts.csv"]


@pytest.fixture(autouse=True)
def _empty_cache():  # noqa: ANN202
    cache.clear()
    yield
    cache.clear()


def _get(client: Client, url: str):  # noqa: ANN202
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


def _json_names(client: Client) -> list[str]:
    return [a["display_name"] for a in json.loads(client.get("/public/accounts.json").content)["accounts"]]


def _run(city, account: Account, step_id: str, who: str) -> Account:  # noqa: ANN001
    account = Account.objects.get(pk=account.pk)
    step = city.procedures().step(step_id)
    actions.do_step(account, step_id, actor=city.people[who], **step_kwargs(city, step, account))
    return Account.objects.get(pk=account.pk)


@pytest.mark.parametrize("url", URLS)
def test_a_repeated_anonymous_request_costs_no_query_and_renders_nothing(city, url):  # noqa: ANN001
    account_in(city, "listed", display_name="みなと市 防災情報")
    client = Client()
    first, _ = _get(client, url)
    rendered: list[str] = []
    from django.test.signals import template_rendered

    def seen(sender, template, context, **kwargs):  # noqa: ANN001, ANN003, ANN202
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        again, queries = _get(Client(), url)
    finally:
        template_rendered.disconnect(seen)
    assert again.status_code == 200 and again.content == first.content
    assert queries == 0 and rendered == []  # the version is kept a second, the body per version
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=60"
    assert "みなと市 防災情報" in again.content.decode("utf-8-sig")


def test_an_unlisted_account_disappears_from_the_cached_json_at_once(city):  # noqa: ANN001
    account = account_in(city, "listed", display_name="みなと市 観光案内（終了）")
    client = Client()
    assert "みなと市 観光案内（終了）" in _json_names(client)
    assert "みなと市 観光案内（終了）" in _json_names(client)  # from the cache now
    account = _run(city, account, "request_removal", "head")
    account = _run(city, account, "remove_listing", "office")
    assert not account.is_listed
    assert "みなと市 観光案内（終了）" not in _json_names(client)
    assert "みなと市 観光案内（終了）" not in Client().get("/public/accounts/").content.decode()


def test_a_newly_listed_account_appears_in_the_cached_list_at_once(city):  # noqa: ANN001
    waiting = account_in(city, "listing_requested", display_name="みなと市 子育て応援")
    client = Client()
    assert "みなと市 子育て応援" not in client.get("/public/accounts/").content.decode()
    _run(city, waiting, "list", "office")
    assert "みなと市 子育て応援" in client.get("/public/accounts/").content.decode()
    assert "みなと市 子育て応援" in _json_names(client)


def test_a_policy_change_shows_in_the_cached_csv_at_once(city):  # noqa: ANN001
    account = account_in(city, "listed", display_name="みなと市 防災情報")
    client = Client()
    assert "平日9時から17時まで" not in client.get("/public/accounts.csv").content.decode("utf-8-sig")
    actions.do_revise_policy(
        account,
        values={"purpose": "災害時の避難情報を平日9時から17時まで発信する"},
        reason="発信時間の明記",
        documents=["policy"],
        actor=city.people["head"],
    )
    assert "平日9時から17時まで" in client.get("/public/accounts.csv").content.decode("utf-8-sig")


def test_verify_is_cached_and_stops_calling_an_unlisted_account_official(city):  # noqa: ANN001
    account = account_in(city, "listed", display_name="みなと市 防災情報", handle="minato_bousai")
    url = "/public/verify?handle=minato_bousai&platform=x"
    first, _ = _get(Client(), url)
    assert json.loads(first.content)["official"] is True
    again, queries = _get(Client(), url)
    assert again.content == first.content and queries == 0
    _run(city, _run(city, account, "request_removal", "head"), "remove_listing", "office")
    after = json.loads(Client().get(url).content)
    assert after["official"] is False


def test_verify_prepares_the_official_list_once_per_version(city):  # noqa: ANN001
    account_in(city, "listed", display_name="みなと市 防災情報", handle="minato_bousai")
    Client().get("/public/verify?handle=minato_b0usai")
    version = public_cache.public_version()
    prepared = public_cache.snapshot(version)
    # A different handle misses the body cache but reuses the prepared list: no list query.
    response, queries = _get(Client(), "/public/verify?handle=rninato_bousai")
    assert public_cache.snapshot(version) is prepared
    assert response.status_code == 200 and queries <= 2  # the version, confirmed impersonations
    assert json.loads(response.content)["lookalike_of"][0]["handle"] == "minato_bousai"


def test_signed_in_staff_are_never_served_the_anonymous_copy(city, client_for):  # noqa: ANN001
    account_in(city, "listed", display_name="みなと市 防災情報")
    Client().get("/public/accounts/")  # the anonymous copy is cached
    staff = client_for(city.people["operator"]).get("/public/accounts/")
    # Rendered for the employee (never the shared copy), and never kept by a shared cache.
    assert [t.name for t in staff.templates][:1] == ["directory/account_list.html"]
    assert "public" not in staff.get("Cache-Control", "")
    assert Client().get("/public/accounts/").templates == []


def test_the_cache_key_carries_the_host_so_policy_links_stay_right(city, settings):  # noqa: ANN001
    settings.ALLOWED_HOSTS = ["sns.city.example.lg.jp", "testserver"]
    account_in(city, "listed", display_name="みなと市 防災情報")
    Client().get("/public/accounts.json")
    other = Client().get("/public/accounts.json", HTTP_HOST="sns.city.example.lg.jp")
    urls = [a["policy_url"] for a in json.loads(other.content)["accounts"]]
    assert urls and all(u.startswith("http://sns.city.example.lg.jp/") for u in urls)


def test_threads_that_miss_together_render_the_body_once(monkeypatch):  # noqa: ANN001
    """A fresh worker's threads asking the same cold page wait for one render (a 3,000-account list is ~1 s)."""
    import threading
    import time

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    monkeypatch.setattr(public_cache, "public_version", lambda request, city=None: "v-test")
    renders = []

    def view(request):  # noqa: ANN001, ANN202
        renders.append(1)
        time.sleep(0.2)  # long enough for every thread to miss before the body is stored
        return HttpResponse("一覧", content_type="text/html; charset=utf-8")

    wrapped = public_cache.cached("list")(view)
    bodies = []

    def ask() -> None:
        request = RequestFactory().get("/public/accounts/")
        request.user = AnonymousUser()
        bodies.append(wrapped(request).content.decode())

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bodies == ["一覧"] * 6
    assert len(renders) == 1
    assert public_cache._render_locks == {}  # nothing kept once the body is stored


def test_another_workers_change_is_seen_within_the_kept_seconds(city, settings):  # noqa: ANN001
    """A change this process did not make (no signal here) reaches readers once the kept version ages out."""
    import time

    settings.PUBLIC_VERSION_SECONDS = 0.3
    account = account_in(city, "listed", display_name="みなと市 防災情報")
    client = Client()
    etag = client.get("/public/accounts.json")["ETag"]
    # Another worker unlisting the account: a bare UPDATE, so this process is not told.
    Account.objects.filter(pk=account.pk).update(is_listed=False)
    assert client.get("/public/accounts.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    time.sleep(0.35)
    fresh = client.get("/public/accounts.json", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and "みなと市 防災情報" not in _json_names(client)


def test_with_no_kept_seconds_every_request_asks_the_version(city, settings):  # noqa: ANN001
    settings.PUBLIC_VERSION_SECONDS = 0
    account_in(city, "listed", display_name="みなと市 防災情報")
    Client().get("/public/accounts/")
    _, queries = _get(Client(), "/public/accounts/")
    assert queries == 1


@pytest.mark.parametrize("url", URLS)
def test_large_bodies_are_served_gzipped_to_clients_that_accept_it(city, url):  # noqa: ANN001
    import gzip

    for n in range(8):  # enough rows for a body worth compressing
        account_in(city, "listed", display_name=f"みなと市 地域情報{n}", handle=f"minato_area{n}")
    first = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")  # rendered, then packed
    plain = Client().get(url)
    for attempt, packed in (("rendered", first), ("cached", Client().get(url, HTTP_ACCEPT_ENCODING="gzip"))):
        assert packed["Content-Encoding"] == "gzip", attempt
        assert gzip.decompress(packed.content) == plain.content, attempt
        assert len(packed.content) < len(plain.content) / 3
    assert "Content-Encoding" not in plain
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"] and response["ETag"].startswith('W/"')
    # The weak ETag still revalidates (the comparison is weak, RFC 9110 13.1.2).
    assert Client().get(url, HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304


def test_a_small_answer_is_not_compressed(city):  # noqa: ANN001
    account_in(city, "listed", display_name="みなと市 防災情報", handle="minato_bousai")
    answer = Client().get("/public/verify?handle=minato_bousai", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200 and "Content-Encoding" not in answer
    assert json.loads(answer.content)["official"] is True


def test_a_worker_with_an_empty_memory_reads_the_body_another_worker_rendered(city, settings, tmp_path):  # noqa: ANN001
    """The production server shares rendered bodies through a directory: a recycled worker renders nothing."""
    from django.core.cache import caches
    from django.test.signals import template_rendered

    settings.CACHES = {
        **settings.CACHES,
        "public": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "public-cache"),
        },
    }
    account_in(city, "listed", display_name="みなと市 防災情報")
    first = Client().get("/public/accounts/", HTTP_ACCEPT_ENCODING="gzip")
    assert first.templates  # rendered by "worker 1"
    cache.clear()  # "worker 2": a fresh process, nothing in its memory
    rendered: list[str] = []

    def seen(sender, template, context, **kwargs):  # noqa: ANN001, ANN003, ANN202
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        again = Client().get("/public/accounts/", HTTP_ACCEPT_ENCODING="gzip")
        plain = Client().get("/public/accounts/")
    finally:
        template_rendered.disconnect(seen)
    assert rendered == []
    assert again.content == first.content and again["Content-Encoding"] == "gzip"
    assert "みなと市 防災情報" in plain.content.decode()
    assert list((tmp_path / "public-cache").iterdir())  # kept on disk for the host's workers
    caches["public"].clear()


def test_verify_answers_are_not_written_to_the_shared_directory(city, settings, tmp_path):  # noqa: ANN001
    """One file per made-up query string would let anyone fill the host's disk: verify stays in memory."""
    settings.CACHES = {
        **settings.CACHES,
        "public": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "public-cache"),
        },
    }
    account_in(city, "listed", display_name="みなと市 防災情報", handle="minato_bousai")
    for n in range(5):
        assert Client().get(f"/public/verify?handle=someone{n}").status_code == 200
    folder = tmp_path / "public-cache"
    assert not folder.exists() or not list(folder.iterdir())
    Client().get("/public/accounts.json")
    assert list(folder.iterdir())  # the large bodies are shared


@pytest.mark.parametrize("url", URLS)
def test_a_made_up_query_string_does_not_cost_another_render(city, url):  # noqa: ANN001
    """The list, JSON and CSV read no query string: ?anything is the same entry, not a new render."""
    from django.test.signals import template_rendered

    account_in(city, "listed", display_name="みなと市 防災情報")
    first = Client().get(url)
    rendered: list[str] = []
    calls: list[int] = []

    def seen(sender, template, context, **kwargs):  # noqa: ANN001, ANN003, ANN202
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        for n in range(3):
            again, queries = _get(Client(), f"{url}?nocache={n}")
            calls.append(queries)
            assert again.content == first.content
    finally:
        template_rendered.disconnect(seen)
    assert rendered == [] and calls == [0, 0, 0]
