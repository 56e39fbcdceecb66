"""Account URLs of the five platforms name an account; other URLs are refused in Japanese."""

from __future__ import annotations

import pytest

from koshiki.directory.platform_urls import AccountRef, UrlError, clean_handle, parse_account_url


@pytest.mark.parametrize(
    ("url", "platform", "handle"),
    [
        ("https://x.com/kyoto_city", "x", "kyoto_city"),
        ("https://twitter.com/Kyoto_City/status/1790000000000000000", "x", "Kyoto_City"),
        ("x.com/kyoto_city?lang=ja", "x", "kyoto_city"),
        ("https://mobile.twitter.com/kyoto_city", "x", "kyoto_city"),
        ("https://www.instagram.com/kyoto_city/", "instagram", "kyoto_city"),
        ("https://www.facebook.com/IshinomakiCityOffice/", "facebook", "IshinomakiCityOffice"),
        ("https://m.facebook.com/profile.php?id=100064123456789", "facebook", "100064123456789"),
        ("https://www.youtube.com/@kyotocity", "youtube", "kyotocity"),
        ("https://www.youtube.com/channel/UCabcdefghijklmnop", "youtube", "UCabcdefghijklmnop"),
        ("https://line.me/R/ti/p/@kyoto_city", "line", "kyoto_city"),
        ("https://page.line.me/kyoto_city", "line", "kyoto_city"),
    ],
)
def test_account_urls_name_their_account(url, platform, handle):
    assert parse_account_url(url) == AccountRef(platform, handle)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "URL を指定してください"),
        ("https://lin.ee/AbCdEf", "短縮URL"),
        ("https://bit.ly/3abc", "短縮URL"),
        ("https://www.city.kyoto.lg.jp/sogo/page/0000265130.html", "対応していないURL"),
        ("https://x.com/", "アカウントを特定できません"),
        ("https://x.com/search?q=京都市", "アカウントを特定できません"),
        ("https://www.instagram.com/p/Cabc123/", "アカウントを特定できません"),
        ("https://www.youtube.com/watch?v=abc", "アカウントを特定できません"),
        ("ftp://x.com/kyoto_city", "http または https"),
        ("https://x.com/" + "a" * 600, "長すぎます"),
        ("http://[::1", "URL として読めません"),
    ],
)
def test_other_urls_are_refused_in_japanese(url, message):
    with pytest.raises(UrlError, match=message):
        parse_account_url(url)


def test_clean_handle_strips_at_signs_and_spaces():
    assert clean_handle(" @kyoto_city/ ") == "kyoto_city"
    assert clean_handle("＠kyoto_city") == "kyoto_city"
