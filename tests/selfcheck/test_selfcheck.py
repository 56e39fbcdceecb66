"""Staff self-check of a private post (京都市5): any staff member, profile-data rules, nothing stored or logged."""

from __future__ import annotations

import logging
from dataclasses import replace
from types import MappingProxyType

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koshiki.checker.profiles import available, load_profile
from koshiki.selfcheck.private import check_private, private_use
from tests.personas import make_city

POST = (
    "来週の定例で決まる予定の駅前再開発、まだ非公表の素案だけど図書館が入るらしい。"
    "係長の携帯は090-1234-5678、こんなこともできないなんて本当に無能だ。"
)


def _rows() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_staff_member_without_any_role_sees_private_use_findings_with_section_5_clauses(client_for):
    city = make_city("kyoto")
    nobody = city.people["nobody"]  # no role at all
    client = client_for(nobody)
    page = client.get(reverse("selfcheck:index"))
    assert page.status_code == 200
    assert "貼り付けた文章は保存も記録もしません" in page.content.decode()
    response = client.post(reverse("selfcheck:index"), {"text": POST})
    html = response.content.decode()
    assert response.status_code == 200
    assert "5(2)エ" in html and "5(1)キ" in html  # deliberation, insult: Kyoto section 5
    assert "5(1)ウ" in html and "4(3)ウ" not in html  # pii cites the private-use clause, not the official one
    assert "無能" in html and '<mark class="finding error"' in html


@pytest.mark.django_db
def test_the_self_check_stores_and_logs_nothing(client_for, caplog):
    city = make_city("kyoto")
    client = client_for(city.people["operator"])
    client.get(reverse("selfcheck:index"))
    before = _rows()
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("selfcheck:index"), {"text": POST})
    assert response.status_code == 200
    assert _rows() == before
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert not any("090-1234-5678" in q["sql"] or "無能" in q["sql"] for q in queries.captured_queries)
    assert not any("無能" in r.getMessage() or "090-1234-5678" in r.getMessage() for r in caplog.records)
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_login_is_required(client):
    response = client.get(reverse("selfcheck:index"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_kawasaki_has_no_private_use_provision_and_the_page_says_so(client_for):
    city = make_city("kawasaki")
    html = client_for(city.people["operator"]).get(reverse("selfcheck:index")).content.decode()
    assert "私的な利用については定めていません" in html and "<textarea" not in html
    assert check_private(POST, "kawasaki") == []


@pytest.mark.django_db
def test_too_long_text_is_refused_in_japanese(client_for):
    city = make_city("kyoto")
    html = (
        client_for(city.people["nobody"])
        .post(reverse("selfcheck:index"), {"text": "あ" * 5001})
        .content.decode()
    )
    assert "5,000字まで" in html


@pytest.mark.parametrize("profile", available())
def test_every_profile_names_only_existing_rules_for_private_use(profile):
    use = private_use(profile)
    assert isinstance(use.rules, tuple)
    for rule in use.refs:
        assert rule in use.rules


def test_a_profile_asking_for_a_personal_view_statement_gets_one_checked():
    base = load_profile("standard")
    params = dict(base.params)
    params["private_use"] = {
        **params["private_use"],
        "personal_view_notice": True,
        "personal_view_ref": "9(9)",
        "personal_view_title": "個人の見解であることの明記",
    }
    prof = replace(base, params=MappingProxyType(params))
    post = "市役所の職員ですが、今日の花火大会は最高でした。"
    found = [f for f in check_private(post, prof) if f.rule == "private.personal_view"]
    assert found and found[0].clause.ref == "9(9)"
    assert not [
        f for f in check_private(post + "（投稿は個人の見解です）", prof) if f.rule == "private.personal_view"
    ]
    assert not [
        f for f in check_private("今日の花火大会は最高でした。", prof) if f.rule == "private.personal_view"
    ]
