"""The third party's page as an influencer reads it on a phone (issue 9 item 10): the city's name, findings
in plain words without rule ids or clause numbers, and where each submitted draft stands."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.models import CampaignSubmission
from koshiki.campaigns.states import PosterKind

pytestmark = pytest.mark.django_db

NO_TAG = "紅葉の永観堂に行ってきました！朝の光がきれいで感動。詳しくは bit.ly/3abcde 担当 090-1234-5678"
GOOD = "#PR #京都市 紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 #紅葉"
URL = "https://www.instagram.com/p/Cabc123/"


def _link(city):
    campaign, token = campaign_actions.do_create_campaign(
        city.operator,
        city.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )
    return campaign, reverse("campaigns:third_party", args=[token]), token


def test_the_page_names_the_city_and_not_the_staff_system(kyoto):
    _campaign, url, _token = _link(kyoto)
    html = Client().get(url).content.decode()
    assert re.search(r'id="city-name">京都市 広報課</p>', html)
    assert "公式アカウント管理" not in html and "/login/" not in html and "ログアウト" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_findings_are_in_plain_words_without_rule_ids_or_clause_numbers(kyoto):
    _campaign, url, _token = _link(kyoto)
    client = Client()
    for action in ("check", "submit"):
        html = client.post(
            url, {"submitter_name": "旅するミカ", "text": NO_TAG, "action": action}
        ).content.decode()
        findings = campaign_actions.check_campaign_text(_campaign, NO_TAG)
        rules = {f["rule"] for f in findings}
        assert {"promo.missing_disclosure", "link.shortener", "pii.phone"} <= rules
        for f in findings:
            assert f["rule"] not in html
            assert f"{f['clause']['ref']} " not in html and f["clause"]["title"] not in html
            assert f["message"] in html
        assert "根拠:" not in html and "直してください:" in html and "直し方:" in html


def test_each_submission_shows_its_status_in_the_third_partys_words(kyoto):
    campaign, url, token = _link(kyoto)
    returned = campaign_actions.do_submit_campaign_draft(token, NO_TAG, "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(
        kyoto.head, returned, accept=False, comment="先頭に #PR #京都市 を付けてください"
    )
    approved = campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(kyoto.head, approved, accept=True)
    posted = campaign_actions.do_submit_campaign_draft(token, GOOD + "！", "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(kyoto.head, posted, accept=True)
    campaign_actions.do_record_campaign_publication(
        kyoto.operator, posted, url=URL, text=GOOD + "！", published_at=timezone.now()
    )
    broken = campaign_actions.do_submit_campaign_draft(token, GOOD + "!!", "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(kyoto.head, broken, accept=True)
    campaign_actions.do_record_campaign_publication(
        kyoto.operator, broken, url=URL + "2", text="紅葉きれい🍁", published_at=timezone.now()
    )
    waiting = campaign_actions.do_submit_campaign_draft(token, GOOD + "。", "旅するミカ")
    html = Client().get(url).content.decode()

    def card(s: CampaignSubmission) -> str:
        return re.search(rf'id="submission-{s.number}">(.*?)</li>', html, re.S).group(1)

    assert "差し戻し" in card(returned) and "先頭に #PR #京都市 を付けてください" in card(returned)
    assert "承認済（投稿できます）" in card(approved)
    assert "投稿を確認済み" in card(posted)
    assert "投稿の修正が必要" in card(broken)
    assert "受付済・確認中" in card(waiting) and "確認が終わるまで投稿しないでください" in card(waiting)


def test_the_page_has_no_wide_table_for_a_390_px_screen(kyoto):
    _campaign, url, token = _link(kyoto)
    campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    html = Client().get(url).content.decode()
    assert "<table" not in html
    assert "campaigns/third_party.css" in html and 'class="tp-card"' in html


def test_an_expired_link_page_also_uses_the_third_party_layout(kyoto):
    html = Client().get(reverse("campaigns:third_party", args=["x" * 43])).content.decode()
    assert "このリンクは無効です" in html and "公式アカウント管理" not in html
