"""The live check answers a JSON 429 in Japanese past its per-person limit (issue 10 item 6)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEXT = "【お知らせ】本日の市民窓口は17時まで開いています。"


@pytest.fixture(autouse=True)
def small_limit(settings, throttle_clock):
    settings.KOSHIKI_LIVE_CHECK_PER_MINUTE = 3
    cache.clear()
    yield
    cache.clear()


def _check(client, kyoto):
    body = json.dumps({"account": kyoto.account.pk, "text": TEXT})
    return client.post(reverse("posts:check_live"), body, content_type="application/json")


def test_a_person_checking_in_a_loop_gets_a_japanese_json_429(kyoto, client_for):
    client = client_for(kyoto.operator)
    assert [_check(client, kyoto).status_code for _ in range(3)] == [200, 200, 200]
    busy = _check(client, kyoto)
    assert busy.status_code == 429 and busy["Content-Type"] == "application/json"
    assert "チェックの回数が多すぎます" in busy.json()["error"] and "待ってから" in busy.json()["error"]
    assert 1 <= int(busy["Retry-After"]) <= 61


def test_the_limit_is_per_person_not_shared(kyoto, client_for):
    first = client_for(kyoto.operator)
    for _ in range(4):
        _check(first, kyoto)
    assert _check(client_for(kyoto.head), kyoto).status_code == 200


def test_a_new_session_does_not_reset_the_count(kyoto):
    for _ in range(3):
        client = Client()
        client.force_login(kyoto.operator)
        assert _check(client, kyoto).status_code == 200
    again = Client()
    again.force_login(kyoto.operator)
    assert _check(again, kyoto).status_code == 429


def test_the_count_is_shared_by_every_worker(kyoto, client_for):
    """Counted in the database: a worker with an empty memory still sees the calls another answered."""
    client = client_for(kyoto.operator)
    for _ in range(3):
        assert _check(client, kyoto).status_code == 200
        cache.clear()  # the next call lands on "another worker"
    assert _check(client, kyoto).status_code == 429


def test_with_redis_configured_the_count_lives_in_the_cache(kyoto, client_for, settings):
    from koshiki.ui.models import ThrottleCount

    settings.KOSHIKI_THROTTLE_STORE = "cache"
    client = client_for(kyoto.operator)
    assert [_check(client, kyoto).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert not ThrottleCount.objects.exists()


def test_rows_of_past_windows_are_dropped_when_a_new_window_opens(kyoto):
    from koshiki.ui import throttle
    from koshiki.ui.models import ThrottleCount

    ThrottleCount.objects.create(name="check_live:old", slot=1, calls=5, expires=0.0)
    assert throttle.hit("check_live", "someone", 3, 60) is None
    assert list(ThrottleCount.objects.values_list("name", "calls")) == [("check_live:someone", 1)]
    assert [throttle.hit("check_live", "someone", 3, 60) for _ in range(3)][-1] is not None


def test_a_locked_database_counts_in_memory_instead_of_failing(kyoto, client_for, monkeypatch):
    """SQLite answering 'database is locked' must not make the live check a 500."""
    from django.db import OperationalError

    from koshiki.ui import throttle

    def locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("database is locked")

    monkeypatch.setattr(throttle, "_count_in_database", locked)
    client = client_for(kyoto.operator)
    assert [_check(client, kyoto).status_code for _ in range(4)] == [200, 200, 200, 429]
