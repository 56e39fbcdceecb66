"""URL finding in post text: boundaries against Japanese, punctuation, hosts vs file names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koshiki.checker.text import Text
from koshiki.checker.urls import find_urls, host_matches


def _found(original: str) -> list[tuple[str, str, str]]:
    """(original surface, scheme, host) of every URL found."""
    text = Text(original)
    out = []
    for url in find_urls(text):
        start, end = text.to_original(url.start, url.end)
        out.append((original[start:end], url.scheme, url.host))
    return out


@pytest.mark.parametrize(
    ("post", "surface"),
    [
        ("詳しくはhttps://www.city.kyoto.lg.jpをご覧ください", "https://www.city.kyoto.lg.jp"),
        (
            "https://www.city.kyoto.lg.jp/page/0000123456.htmlで公開中。",
            "https://www.city.kyoto.lg.jp/page/0000123456.html",
        ),
        ("申込みはhttps://forms.gle/AbC123から", "https://forms.gle/AbC123"),
        ("www.city.kyoto.lg.jpへアクセス", "www.city.kyoto.lg.jp"),
    ],
)
def test_url_stops_at_adjacent_japanese(post, surface):
    assert [s for s, _, _ in _found(post)] == [surface]


@pytest.mark.parametrize(
    ("post", "surface"),
    [
        ("詳細はhttps://example.jp.", "https://example.jp"),
        ("詳細はhttps://example.jp/a/b.html.", "https://example.jp/a/b.html"),
        ("（https://www.city.kyoto.lg.jp/）", "https://www.city.kyoto.lg.jp/"),
        ("(https://example.jp/page)", "https://example.jp/page"),
        ("「https://example.jp/」を参照", "https://example.jp/"),
        ("【https://example.jp/x】", "https://example.jp/x"),
        ("見てね→https://x.gd/AbC)。", "https://x.gd/AbC"),
        ("https://example.jp/?q=1, https://example.jp/b!", "https://example.jp/?q=1"),
    ],
)
def test_trailing_punctuation_and_brackets_are_not_part_of_the_url(post, surface):
    assert _found(post)[0][0] == surface


def test_full_width_url_is_found_and_maps_back_to_the_original():
    post = "詳しくはｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／ＡＢＣをご覧ください"
    assert _found(post) == [("ｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／ＡＢＣ", "https", "bit.ly")]


@pytest.mark.parametrize(
    "post",
    [
        "資料（report.pdf、3.2MB）を掲載しました",
        "円周率は3.14、消費税率は10%です",
        "バージョン1.2.3に更新してください",
        "議事録gijiroku_0415.docxと資料.zipを配布します",
        "お問い合わせは info@city.kyoto.lg.jp まで",
        "「http://」で始まるアドレスにご注意",
        "No.1の人気メニュー",
    ],
)
def test_file_names_decimals_and_mail_addresses_are_not_urls(post):
    assert _found(post) == []


@pytest.mark.parametrize(
    ("post", "host"),
    [
        ("bit.ly/3xYz で申込み", "bit.ly"),
        ("t.co/abc", "t.co"),
        ("詳しくはkyoto-marathon.comで", "kyoto-marathon.com"),
    ],
)
def test_bare_hosts_with_a_real_tld_are_found(post, host):
    assert [(h, s) for _, s, h in _found(post)] == [(host, "")]


def test_non_ascii_host_with_scheme_is_found_whole():
    post = "https://www.сity.kyoto.lg.jp/gyozai/をご覧ください"  # Cyrillic с
    assert _found(post) == [("https://www.сity.kyoto.lg.jp/gyozai/", "https", "www.сity.kyoto.lg.jp")]


def test_japanese_idn_host_needs_a_clear_boundary():
    assert _found("https://京都工芸.jp/ でも購入できます")[0][2] == "京都工芸.jp"
    # Without one, 「example.jpをご覧」 must not become a host.
    assert _found("https://example.jpをご覧ください．Twitterでも")[0][2] == "example.jp"


def test_ip_port_and_userinfo_are_parsed():
    (url,) = find_urls(Text("http://203.0.113.5:8080/admin"))
    assert (url.host, url.path, url.is_ip) == ("203.0.113.5", "/admin", True)
    (url,) = find_urls(Text("https://www.city.kyoto.lg.jp@evil.example.net/login"))
    assert (url.host, url.userinfo) == ("evil.example.net", "www.city.kyoto.lg.jp")
    assert find_urls(Text("http://3232235777/"))[0].is_ip


def test_host_matches_official_domains_and_subdomains_only():
    assert host_matches("www.city.kyoto.lg.jp", ["lg.jp"])
    assert host_matches("city.kyoto.lg.jp", ["*.city.kyoto.lg.jp", "city.kyoto.lg.jp"])
    assert not host_matches("blg.jp", ["lg.jp"])
    assert not host_matches("city.kyoto.lg.jp.example.com", ["lg.jp"])
    assert not host_matches("example.com", [""])


@given(st.text(max_size=300))
def test_find_urls_never_raises_and_spans_are_in_bounds(s):
    text = Text(s)
    for url in find_urls(text):
        assert 0 <= url.start < url.end <= len(text.norm)


def test_many_links_are_found_in_linear_time() -> None:
    # Review fix: each bare host was tested against every scheme URL before it
    # (quadratic: ~1.4 s for 6,000 links); a 100 KB post of links must stay fast.
    import time

    post = " ".join(f"https://a{i}.example.com/x bit.ly/{i}" for i in range(4000))
    t0 = time.perf_counter()
    urls = find_urls(Text(post))
    assert time.perf_counter() - t0 < 1.0
    assert len(urls) == 8000
    assert [u.scheme for u in urls[:2]] == ["https", ""]
