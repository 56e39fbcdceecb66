"""The public directory (no login): the list, open data, policy pages and the verify API."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from koshiki.directory.public import CSV_COLUMNS
from koshiki.org.models import Municipality, OrgUnit
from koshiki.registry.models import Account, OperationPolicy
from koshiki.registry.states import Genre, PolicyKind, Status

pytestmark = pytest.mark.django_db

LISTED_AT = datetime(2025, 4, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def city():
    kyoto = Municipality.objects.create(name="京都市", profile_id="kyoto")
    unit = OrgUnit.objects.create(municipality=kyoto, kind=OrgUnit.Kind.SECTION, name="広報担当")
    unit.path = f"/{unit.pk}/"
    unit.save(update_fields=["path"])
    zoo = OrgUnit.objects.create(municipality=kyoto, kind=OrgUnit.Kind.FACILITY, name="京都市動物園")
    zoo.path = f"/{zoo.pk}/"
    zoo.save(update_fields=["path"])
    author = get_user_model().objects.create_user("koho", password="correct horse battery")
    return {"municipality": kyoto, "unit": unit, "zoo": zoo, "author": author}


def make_account(city, *, display_name, handle, platform="x", status=Status.LISTED, listed=True,
                 genre=Genre.GOVERNMENT, unit=None, url=None, policy=True, **extra):  # fmt: skip
    account = Account.objects.create(
        municipality=city["municipality"],
        owning_unit=unit or city["unit"],
        platform=platform,
        handle=handle,
        url=url if url is not None else (f"https://x.com/{handle}" if platform == "x" and handle else ""),
        display_name=display_name,
        purpose="市政情報を迅速に発信し、市民の皆さんの利便性を高めること。",
        content="イベント情報や行政情報",
        reply_policy_text="個別の回答は行いませんので、あらかじめ御了承ください。",
        genre=genre,
        status=status,
        is_listed=listed,
        listed_at=LISTED_AT if listed or status == Status.CLOSED else None,
        registration_email="koho@city.kyoto.lg.jp",
        **extra,
    )
    if policy:
        version = OperationPolicy.objects.create(
            account=account,
            kind=PolicyKind.PUBLIC,
            version=1,
            unit_label=f"総合企画局 {account.owning_unit.name}",
            responsible="広報担当課長",
            content="市のイベント情報や行政情報",
            purpose="市政情報を迅速に発信し、市民の皆さんの利便性を高めること。",
            platform_label="X（旧ツイッター）",
            account_name=display_name,
            registered_url=account.url,
            period_start=date(2024, 4, 1),
            reply_policy="個別の回答は行いませんので、あらかじめ御了承ください。",
            notes="(1) 法律、法令等に違反する内容、又は違反するおそれがあるもの",
            created_by=city["author"],
        )
        internal = OperationPolicy.objects.create(
            account=account,
            kind=PolicyKind.INTERNAL_RULE,
            version=1,
            body="パスワードは金庫の封筒に保管する（非公開）",
            created_by=city["author"],
        )
        Account.objects.filter(pk=account.pk).update(current_policy=version, current_internal_rule=internal)
        account.refresh_from_db()
    return account


@pytest.fixture
def accounts(city):
    main = make_account(city, display_name="京都市", handle="kyoto_city")
    zoo = make_account(city, display_name="京都市動物園", handle="kyoto_city_zoo", unit=city["zoo"],
                       genre=Genre.TOURISM, platform="instagram", url="https://www.instagram.com/kyoto_city_zoo/")  # fmt: skip
    stopped = make_account(city, display_name="京都市 旧イベント情報", handle="kyoto_event", status=Status.RETAINED,
                           redirect_to=main)  # fmt: skip
    suspended = make_account(city, display_name="京都市 防災", handle="kyoto_bousai", status=Status.SUSPENDED,
                             genre=Genre.LIVING)  # fmt: skip
    draft = make_account(
        city, display_name="京都市 新規申請中", handle="kyoto_new", status=Status.DRAFT, listed=False
    )
    applied_but_flagged = make_account(city, display_name="京都市 審査中", handle="kyoto_review",
                                       status=Status.UNDER_REVIEW, listed=True)  # fmt: skip
    closed = make_account(city, display_name="京都市 旧観光案内", handle="kyoto_kanko_old", status=Status.CLOSED,
                          listed=False)  # fmt: skip
    return {"main": main, "zoo": zoo, "stopped": stopped, "suspended": suspended, "draft": draft,
            "applied": applied_but_flagged, "closed": closed}  # fmt: skip


# ---- the HTML list ----


def test_list_shows_listed_accounts_by_genre_without_login(client: Client, accounts):
    response = client.get("/public/accounts/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("京都市動物園", "京都市 旧イベント情報", "京都市 防災"):
        assert name in html
    assert html.index("暮らしの情報") < html.index("観光・文化・産業") < html.index("市政情報")
    # The list is called what the city's guideline calls it (京都市4(2)ア).
    assert "<h1>京都市ソーシャルメディア一覧</h1>" in html


def test_list_never_shows_applications_or_closed_unlisted_accounts(client: Client, accounts):
    html = client.get("/public/accounts/").content.decode()
    assert "新規申請中" not in html
    assert "審査中" not in html
    assert "旧観光案内" not in html


def test_list_marks_suspended_and_stopped_accounts(client: Client, accounts):
    html = client.get("/public/accounts/").content.decode()
    assert "休止中" in html
    assert "運用停止（アカウントは保全）" in html
    assert "情報は「京都市」で発信しています" in html


def test_empty_list_says_so(client: Client, city):
    html = client.get("/public/accounts/").content.decode()
    assert "掲載している公式アカウントはありません" in html


# ---- the policy page ----


def test_policy_page_shows_the_public_policy_and_never_the_internal_rule(client: Client, accounts):
    response = client.get(f"/public/accounts/{accounts['main'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "個別の回答は行いませんので" in html
    assert "令和6年4月1日" in html  # 運用開始日 in the Japanese era
    assert "第1版" in html
    assert "金庫" not in html


@pytest.mark.parametrize("which", ["draft", "applied", "closed"])
def test_policy_page_of_an_unlisted_account_is_404(client: Client, accounts, which):
    assert client.get(f"/public/accounts/{accounts[which].pk}/").status_code == 404


def test_policy_page_of_a_stopped_account_points_to_the_main_account(client: Client, accounts):
    html = client.get(f"/public/accounts/{accounts['stopped'].pk}/").content.decode()
    assert "運用停止（アカウントは保全）です" in html
    assert f"/public/accounts/{accounts['main'].pk}/" in html


# ---- open data ----


def test_json_has_the_documented_keys_for_every_listed_account(client: Client, accounts):
    response = client.get("/public/accounts.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    names = {a["display_name"] for a in data["accounts"]}
    assert names == {"京都市", "京都市動物園", "京都市 旧イベント情報", "京都市 防災"}
    assert data["count"] == 4
    keys = [key for key, _ in CSV_COLUMNS]
    for record in data["accounts"]:
        assert list(record) == keys
    main = next(a for a in data["accounts"] if a["handle"] == "kyoto_city")
    assert main["status"] == "active" and main["platform"] == "x" and main["genre"] == "government"
    assert main["policy_url"].endswith(f"/public/accounts/{accounts['main'].pk}/")
    assert main["listed_on"] == "2025-04-10"
    assert "金庫" not in response.content.decode()
    stopped = next(a for a in data["accounts"] if a["handle"] == "kyoto_event")
    assert stopped["status"] == "stopped" and stopped["redirect_to"] == accounts["main"].pk


def test_csv_is_utf8_with_bom_and_japanese_headers_for_excel(client: Client, accounts):
    response = client.get("/public/accounts.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [header for _, header in CSV_COLUMNS]
    assert len(rows) == 5
    assert b"\r\n" in body


def test_csv_defuses_cells_excel_would_run_as_formulas(client: Client, city):
    make_account(city, display_name='=HYPERLINK("http://evil.example")', handle="kyoto_formula")
    text = client.get("/public/accounts.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


# ---- the verify API ----


@pytest.mark.parametrize(
    "query",
    [
        {"url": "https://x.com/kyoto_city"},
        {"url": "https://twitter.com/Kyoto_City/status/1790000000000000000"},
        {"handle": "@kyoto_city"},
        {"handle": "KYOTO_CITY", "platform": "x"},
        {"url": "https://www.instagram.com/kyoto_city_zoo/"},
    ],
)
def test_verify_recognises_official_accounts(client: Client, accounts, query):
    response = client.get("/public/verify", query)
    assert response.status_code == 200
    data = response.json()
    assert data["official"] is True
    assert data["account"]["municipality"] == "京都市"
    assert data["lookalike_of"] == []
    assert "公式アカウントです" in data["message"]


def test_verify_flags_a_lookalike_with_the_reason(client: Client, accounts):
    data = client.get("/public/verify", {"url": "https://x.com/kyot0_city"}).json()
    assert data["official"] is False and data["account"] is None
    (similar,) = data["lookalike_of"]
    assert similar["handle"] == "kyoto_city"
    assert "数字の「0」が英字の「o」の代わりに使われています" in similar["reason"]
    assert "なりすまし" in data["message"]


def test_verify_unrelated_account_is_neither_official_nor_lookalike(client: Client, accounts):
    data = client.get("/public/verify", {"url": "https://x.com/osaka_city"}).json()
    assert data == {**data, "official": False, "account": None, "lookalike_of": []}


def test_verify_lookalikes_only_on_the_same_platform(client: Client, accounts):
    # kyoto_city_zoo is official on Instagram only; on X the look-alike is of kyoto_city? No: of nothing on X.
    data = client.get("/public/verify", {"url": "https://x.com/kyoto_city_zo0"}).json()
    assert data["official"] is False
    assert all(s["platform"] == "x" for s in data["lookalike_of"])


def test_verify_stopped_account_is_still_official_and_says_so(client: Client, accounts):
    data = client.get("/public/verify", {"handle": "kyoto_event"}).json()
    assert data["official"] is True
    assert "運用停止" in data["message"]


def test_verify_closed_account_handle_is_not_official_any_more(client: Client, accounts):
    data = client.get("/public/verify", {"handle": "kyoto_kanko_old"}).json()
    assert data["official"] is False
    assert "以前" in data["message"] and "廃止" in data["message"]


def test_an_account_deleted_while_awaiting_removal_from_the_list_is_no_longer_official(
    client: Client, city, accounts
):
    # 京都市4(2)イ: the section deletes the account first and then asks (様式4) to be unlisted;
    # until the office removes it, the list marks it closed and verify never calls it official,
    # since anyone may register the freed handle again.
    make_account(city, display_name="京都市 花火大会2024", handle="kyoto_hanabi", status=Status.CLOSING,
                 deleted_on_platform_at=date(2025, 3, 1))  # fmt: skip
    data = client.get("/public/verify", {"handle": "kyoto_hanabi"}).json()
    assert data["official"] is False
    assert "以前" in data["message"] and "廃止" in data["message"]
    html = client.get("/public/accounts/").content.decode()
    assert "廃止（アカウント削除済み）" in html
    # The freed handle may belong to someone else now: no link to it.
    assert 'href="https://x.com/kyoto_hanabi"' not in html and "@kyoto_hanabi" in html
    record = next(
        a for a in client.get("/public/accounts.json").json()["accounts"] if a["handle"] == "kyoto_hanabi"
    )
    assert record["status"] == "closed"


def test_verify_applications_are_not_official(client: Client, accounts):
    for handle in ("kyoto_new", "kyoto_review"):
        assert client.get("/public/verify", {"handle": handle}).json()["official"] is False


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "url または handle を指定してください"),
        ({"url": ""}, "url が空です"),
        ({"url": "   "}, "url が空です"),
        ({"handle": "@"}, "handle が空です"),
        ({"handle": "a" * 101}, "handle が長すぎます"),
        ({"url": "https://x.com/" + "a" * 600}, "url が長すぎます"),
        ({"url": "https://x.com/a", "handle": "a"}, "どちらか一方だけ"),
        ({"url": "https://www.city.kyoto.lg.jp/"}, "対応していないURL"),
        ({"url": "https://lin.ee/AbCdEf"}, "短縮URL"),
        ({"handle": "kyoto city"}, "空白"),
        ({"handle": "kyoto_city", "platform": "tiktok"}, "platform は"),
        ({"url": "https://x.com/kyoto_city", "platform": "instagram"}, "一致しません"),
    ],
)
def test_verify_rejects_bad_parameters_with_a_japanese_message(client: Client, accounts, query, message):
    response = client.get("/public/verify", query)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_public_pages_refuse_writes(client: Client, accounts):
    assert client.post("/public/verify", {"handle": "kyoto_city"}).status_code == 405
    assert client.post("/public/accounts/").status_code == 405
