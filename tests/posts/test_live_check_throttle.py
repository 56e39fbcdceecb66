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
def small_limit(settings):
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
