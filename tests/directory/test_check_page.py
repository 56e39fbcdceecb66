"""「このアカウントは公式？」 (/public/check): a citizen types a handle or pastes a profile URL and reads the answer.

The page answers in plain Japanese from the same logic as ``/public/verify``:
公式です (name, 所管課, link to its policy), 公式ではありません with the similar
official account, what to do and whom to tell, or 登録されていません (not
necessarily fake). It works without JavaScript (a GET form) and is linked
from the public list and the 404 page.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koshiki.directory import verify as verify_module
from koshiki.incidents import actions as incident_actions
from koshiki.incidents.states import Kind
from koshiki.org.models import Municipality
from koshiki.registry.states import Status
from tests.directory.test_directory import city, make_account  # noqa: F401  (fixture and builder)
from tests.personas import account_in, make_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def minato(city):  # noqa: F811
    city["municipality"].website = "https://www.city.kyoto.lg.jp/"
    city["municipality"].save(update_fields=["website"])
    koho = make_account(city, display_name="京都市広報", handle="kyoto_city_koho")
    zoo = make_account(city, display_name="京都市動物園", handle="kyoto_city_zoo", platform="instagram",
                       unit=city["zoo"], url="https://www.instagram.com/kyoto_city_zoo/")  # fmt: skip
    old = make_account(city, display_name="京都市 旧観光案内", handle="kyoto_kanko_old", status=Status.CLOSED,
                       listed=False)  # fmt: skip
    return {**city, "koho": koho, "zoo": zoo, "old": old}


def _answer(html: str) -> str:
    """The answer box's text, tags removed (what a screen reader reads out)."""
    match = re.search(r'<section class="answer.*?</section>', html, re.S)
    assert match, "no answer on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group()))


@pytest.mark.parametrize(
    "q",
    ["kyoto_city_koho", "@Kyoto_City_Koho", "https://x.com/kyoto_city_koho", "twitter.com/kyoto_city_koho/status/1",
     "x.com/KYOTO_CITY_KOHO/"],
)  # fmt: skip
def test_an_official_account_is_answered_official_with_its_section_and_policy(client: Client, minato, q):
    response = client.get("/public/check", {"q": q})
    assert response.status_code == 200
    text = _answer(response.content.decode())
    assert "公式です" in text and "公式ではありません" not in text
    assert "京都市広報" in text and "京都市の公式アカウントです" in text
    assert "所管課 総合企画局 広報担当" in text
    assert f'href="/public/accounts/{minato["koho"].pk}/"' in response.content.decode()


@pytest.mark.parametrize(
    ("platform", "handle", "url", "pasted"),
    [
        ("facebook", "kyoto.city.koho", "https://www.facebook.com/kyoto.city.koho", "https://m.facebook.com/kyoto.city.koho/"),
        ("youtube", "kyoto_city_official", "https://www.youtube.com/@kyoto_city_official",
         "youtube.com/@kyoto_city_official/videos"),
        ("line", "@kyotocity", "https://line.me/R/ti/p/@kyotocity", "https://line.me/R/ti/p/@kyotocity"),
    ],
)  # fmt: skip
def test_facebook_youtube_and_line_urls_are_read(client: Client, minato, platform, handle, url, pasted):
    make_account(
        minato, display_name=f"京都市（{platform}）", handle=handle.lstrip("@"), platform=platform, url=url
    )
    text = _answer(client.get("/public/check", {"q": pasted}).content.decode())
    assert "公式です" in text and f"京都市（{platform}）" in text


def test_an_instagram_profile_url_is_checked_on_instagram(client: Client, minato):
    text = _answer(
        client.get("/public/check", {"q": "https://www.instagram.com/kyoto_city_zoo/"}).content.decode()
    )
    assert "公式です" in text and "京都市動物園" in text and "所管課 総合企画局 京都市動物園" in text
    # The same handle on X is not the zoo's account.
    text = _answer(client.get("/public/check", {"q": "https://x.com/kyoto_city_zoo"}).content.decode())
    assert "公式です" not in text


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("kyoto_city_koho_jp", "末尾に _jp が追加されています"),
        ("https://x.com/kyoto_city_koh0", "数字の「0」が英字の「o」の代わりに使われています"),
        ("kyoto_city_kohoo", "「o」が余分に入っています"),
    ],
)
def test_a_lookalike_is_not_official_and_names_the_real_account_and_what_to_do(
    client: Client, minato, q, reason
):
    response = client.get("/public/check", {"q": q})
    text = _answer(response.content.decode())
    assert "公式ではありません" in text and "公式です" not in text.replace("公式ではありません", "")
    assert "似ている公式アカウント" in text and "京都市広報" in text and "@kyoto_city_koho" in text
    assert reason in text
    assert "通報の方法" in text and "市への連絡先" in text
    assert 'href="https://www.city.kyoto.lg.jp/"' in response.content.decode()


def test_what_to_do_names_the_platform_and_only_the_copied_citys_website(client: Client, minato):
    Municipality.objects.create(
        name="さくら市", profile_id="standard", website="https://www.city.sakura.example.jp/"
    )
    html = client.get("/public/check", {"q": "@kyoto_city_koho_official"}).content.decode()
    text = _answer(html)
    # Typed without a platform: the report goes to the platform of the account it copies.
    assert "X（旧Twitter）の「報告」（通報）機能" in text
    assert "京都市 公式サイト" in text and "さくら市" not in text
    # Not registered and like nothing: every city's website is offered to ask.
    text = _answer(client.get("/public/check", {"q": "sakura_hanami_club"}).content.decode())
    assert "京都市 公式サイト" in text and "さくら市 公式サイト" in text


def test_an_unknown_handle_is_not_registered_but_not_called_fake(client: Client, minato):
    text = _answer(client.get("/public/check", {"q": "@osaka_tabemono_club"}).content.decode())
    assert "登録されていません" in text
    assert "偽物とは限りません" in text and "確かめる方法" in text
    assert "公式ではありません" not in text and "似ている公式アカウント" not in text


def test_a_closed_accounts_handle_is_not_official_any_more(client: Client, minato):
    text = _answer(client.get("/public/check", {"q": "kyoto_kanko_old"}).content.decode())
    assert "公式ではありません（以前の公式アカウント）" in text and "廃止" in text


def test_a_confirmed_impersonation_stays_not_official_naming_the_real_account():
    kyoto = make_city("kyoto")
    real = account_in(kyoto, "listed", handle="kyoto_city_koho", url="https://x.com/kyoto_city_koho",
                      display_name="京都市広報")  # fmt: skip
    incident = incident_actions.do_open_incident(
        kyoto.operator, kyoto.municipality, kind=Kind.IMPERSONATION, account=real, title="偽の広報アカウント"
    )
    incident_actions.do_confirm_impersonation(kyoto.head, incident, platform="x", handle="@kyoto_koho_info")
    text = _answer(Client().get("/public/check", {"q": "https://x.com/kyoto_koho_info"}).content.decode())
    assert "公式ではありません（なりすましと確認済み）" in text
    assert (
        "京都市がなりすましと確認したアカウントです" in text and "京都市広報" in text and "通報の方法" in text
    )
    # The API says the same: official false, naming the real account.
    data = Client().get("/public/verify", {"handle": "kyoto_koho_info", "platform": "x"}).json()
    assert data["official"] is False and data["impersonation_of"]["handle"] == "kyoto_city_koho"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": ""}, "ID または URL を入力してください。"),
        ({"q": "   @  "}, "ID または URL を入力してください。"),
        ({"q": "https://lin.ee/AbCdEf"}, "短縮URLからはアカウントを特定できません"),
        ({"q": "https://www.city.kyoto.lg.jp/koho/"}, "対応していないURLです"),
        ({"q": "https://x.com/search?q=kyoto"}, "このURLからはアカウントを特定できません"),
        ({"q": "kyoto city koho"}, "ID には空白や ? # を含めず"),
        ({"q": "a" * 501}, "500 文字までで入力してください。"),
        ({"q": "https://x.com/kyoto_city_koho", "platform": "instagram"}, "URL はX（旧Twitter）のものです"),
        ({"q": "kyoto_city_koho", "platform": "tiktok"}, "正しく選択してください"),
    ],
)
def test_bad_input_gets_a_japanese_error_next_to_the_field_and_no_answer(
    client: Client, minato, query, message
):
    response = client.get("/public/check", query)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'role="alert"' in html
    assert '<section class="answer' not in html


def test_the_empty_page_is_a_labelled_form_that_needs_no_javascript(client: Client, minato):
    response = client.get("/public/check")
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>このアカウントは公式？</h1>" in html
    assert '<form method="get" action="/public/check"' in html
    assert '<label for="id_q">アカウントのID または URL</label>' in html
    assert '<label for="id_platform">ソーシャルメディアの種類</label>' in html
    assert "<script" not in html and '<section class="answer' not in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


def test_the_public_list_and_the_404_page_link_to_the_check_page(client: Client, minato):
    assert 'href="/public/check"' in client.get("/public/accounts/").content.decode()
    missing = client.get("/public/accounts/999999/")
    assert missing.status_code == 404 and 'href="/public/check"' in missing.content.decode()


def test_the_page_escapes_what_was_typed(client: Client, minato):
    html = client.get("/public/check", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html


def test_official_handle_forms_are_computed_once_per_handle(client: Client, minato, monkeypatch):
    calls = []
    real = verify_module.official_forms

    def counting(handle):
        calls.append(handle)
        return real(handle)

    monkeypatch.setattr(verify_module, "official_forms", counting)
    monkeypatch.setattr(verify_module, "_forms_cache", {})
    client.get("/public/check", {"q": "kyoto_city_koh0"})
    first = len(calls)
    assert first >= 1
    with CaptureQueriesContext(connection) as queries:
        for q in ("kyoto_city_kohoo", "kyoto_city_koho_jp", "osaka_city"):
            client.get("/public/check", {"q": q})
    assert len(calls) == first  # no official handle was prepared again
    assert len(queries.captured_queries) <= 3 * 5
    # A new official handle is prepared when it is first compared against.
    make_account(minato, display_name="京都市 防災", handle="kyoto_city_bousai")
    client.get("/public/check", {"q": "kyoto_city_b0usai"})
    assert "kyoto_city_bousai" in calls[first:]
