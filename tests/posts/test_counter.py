"""The editor's character counter per platform (issue 9 item 10): X's weighted count (Japanese and emoji 2,
Latin 1, any URL 23, against 280), the others' plain limits, all from profile data; the live check returns
it and the page shows it in the summary bar that stays in view on a phone."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from koshiki.checker import load_profile
from koshiki.posts import actions
from koshiki.posts.counter import count_for, weighted_length
from tests.personas import account_in

LIMITS = load_profile("standard").param("text_limits")
X = LIMITS["x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kyoto City", 10),  # half-width letters and the space: 1 each
        ("京都市の紅葉", 12),  # Japanese: 2 each
        ("ｶﾀｶﾅ", 8),  # half-width katakana is outside X's light ranges: 2 each
        ("「市政だより」", 14),  # full-width brackets count 2
        ("“quoted”", 8),  # typographic quotes are in X's light ranges
        ("詳しくは https://www.city.kyoto.lg.jp/koho/page/0000123456.html をご覧ください", 47),
        ("申込みは bit.ly/3abcde から", 4 * 2 + 1 + 23 + 1 + 2 * 2),  # a bare host with a real TLD is a URL
        ("紅葉🍁", 6),  # an emoji counts 2
        ("👨‍👩‍👧‍👦", 2),  # a ZWJ family is one emoji
        ("👍🏽", 2),  # a skin tone does not add
        ("🇯🇵", 2),  # a flag: two regional indicators, one emoji
        ("1️⃣", 2),  # a keycap
        ("©️", 2),  # a text symbol made an emoji by U+FE0F
        ("", 0),
    ],
)
def test_x_counts_like_x(text, expected):
    assert weighted_length(text, X) == expected


def test_140_full_width_characters_fill_an_x_post_and_the_141st_goes_over():
    full = count_for("あ" * 140, "x", LIMITS)
    assert full.count == 280 and not full.over and "残り0" in full.text
    over = count_for("あ" * 141, "x", LIMITS)
    assert over.over and over.text.startswith("X: 282 / 280 — 2超過（全角で約1字）")
    assert count_for("a" * 280, "x", LIMITS).count == 280


@pytest.mark.parametrize(
    ("platform", "limit"), [("instagram", 2200), ("facebook", 63206), ("line", 500), ("youtube", 5000)]
)
def test_the_other_platforms_count_each_character_once_against_their_own_limit(platform, limit):
    counter = count_for("市民プールの開場🏊 https://www.city.kyoto.lg.jp/", platform, LIMITS)
    assert counter.limit == limit
    assert counter.count == len("市民プールの開場🏊 https://www.city.kyoto.lg.jp/")
    assert not counter.over


def test_limits_are_profile_data_not_code():
    assert count_for("abc", "other", LIMITS) is None
    city_table = {"x": {**X, "max": 140, "label": "X（旧Twitter）"}}
    counter = count_for("あ" * 71, "x", city_table)
    assert counter.over and counter.text.startswith("X（旧Twitter）: 142 / 140")
    assert load_profile("kyoto").param("text_limits") == LIMITS  # inherited through extends


@pytest.mark.django_db
def test_the_live_check_returns_the_counter_and_the_page_shows_it(kyoto):
    x_account = kyoto.account
    assert x_account.platform == "x"
    client = Client()
    client.force_login(kyoto.operator)
    text = "紅葉まつりは11月3日に開催します🍁 詳しくは https://www.city.kyoto.lg.jp/ をご覧ください"
    response = client.post(
        reverse("posts:check_live"),
        json.dumps({"account": x_account.pk, "text": text}),
        content_type="application/json",
    )
    counter = response.json()["counter"]
    assert counter["limit"] == 280 and counter["count"] == weighted_length(text, X) and not counter["over"]
    assert counter["text"].startswith(f"X: {counter['count']} / 280")
    draft = actions.do_create_draft(kyoto.operator, x_account, text)
    page = client.get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert 'id="live-summary"' in page and 'id="char-counter"' in page
    assert f"X: {counter['count']} / 280" in page and 'href="#findings"' in page


@pytest.mark.django_db
def test_an_empty_text_still_gets_a_counter_and_an_instagram_account_its_own_limit(kyoto):
    insta = account_in(
        kyoto,
        "listed",
        platform="instagram",
        handle="kyoto_insta",
        url="https://www.instagram.com/kyoto_insta/",
    )
    client = Client()
    client.force_login(kyoto.operator)
    response = client.post(
        reverse("posts:check_live"),
        json.dumps({"account": insta.pk, "text": ""}),
        content_type="application/json",
    ).json()
    assert response["counter"]["limit"] == 2200 and response["counter"]["count"] == 0
    assert "posts.css" in client.get(reverse("posts:new", args=[insta.pk])).content.decode()
