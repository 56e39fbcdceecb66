"""A third party's post published before the city's pre-check (京都市6(1); issue 9 item 3): recorded, never
refused, with the error 「承認前の投稿」 shown to the section head and the office, and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.audit.models import AuditEvent
from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.attention import publications_before_precheck
from koshiki.campaigns.models import CampaignPublication
from koshiki.campaigns.states import PosterKind
from koshiki.errors import ActionError

pytestmark = pytest.mark.django_db

GOOD = "#PR #京都市 紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 #紅葉"
URL = "https://www.instagram.com/p/Cabc123/"


def _accepted(city):
    campaign, token = campaign_actions.do_create_campaign(
        city.operator,
        city.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )
    submission = campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(city.head, submission, accept=True)
    submission.refresh_from_db()
    return submission


def test_a_post_published_before_the_precheck_is_recorded_with_the_error_and_audited(kyoto):
    submission = _accepted(kyoto)
    early = submission.prechecked_at - timedelta(hours=3)
    publication = campaign_actions.do_record_campaign_publication(
        kyoto.operator, submission, url=URL, text=GOOD, published_at=early
    )
    assert publication.before_precheck and publication.prechecked_at == submission.prechecked_at
    event = AuditEvent.objects.get(action="posts.campaign.before_precheck")
    assert event.details["finding"]["severity"] == "error"
    assert event.details["finding"]["message"].startswith("承認前の投稿: 投稿日時")
    assert event.actor_id == kyoto.operator.pk


def test_a_post_published_after_the_precheck_is_not_flagged(kyoto):
    submission = _accepted(kyoto)
    publication = campaign_actions.do_record_campaign_publication(
        kyoto.operator, submission, url=URL, text=GOOD, published_at=timezone.now()
    )
    assert not publication.before_precheck
    assert not AuditEvent.objects.filter(action="posts.campaign.before_precheck").exists()
    assert publications_before_precheck(kyoto.head) == []


def test_the_section_head_and_the_office_see_it_and_the_operator_and_another_unit_do_not(kyoto):
    submission = _accepted(kyoto)
    campaign_actions.do_record_campaign_publication(
        kyoto.operator,
        submission,
        url=URL,
        text=GOOD,
        published_at=submission.prechecked_at - timedelta(days=1),
    )
    publication = CampaignPublication.objects.get()
    assert publications_before_precheck(kyoto.head) == [publication]
    assert publications_before_precheck(kyoto.office) == [publication]
    assert publications_before_precheck(kyoto.operator) == []
    assert publications_before_precheck(kyoto.other_head) == []
    client = Client()
    client.force_login(kyoto.head)
    home = client.get(reverse("home")).content.decode()
    assert "エラー: 承認前の投稿 — 「秋の京都観光プロモーション」提出1" in home
    detail = client.get(reverse("campaigns:detail", args=[submission.campaign_id])).content.decode()
    assert "が事前確認の日時" in detail and f'id="before-precheck-{submission.pk}"' in detail


def test_a_submission_not_yet_prechecked_still_cannot_be_recorded(kyoto):
    campaign, token = campaign_actions.do_create_campaign(
        kyoto.operator,
        kyoto.account,
        name="冬の京都観光",
        poster_name="株式会社京都旅行",
        poster_kind=PosterKind.CONTRACTOR,
        expires_at=timezone.now() + timedelta(days=30),
    )
    pending = campaign_actions.do_submit_campaign_draft(token, GOOD, "担当 木村")
    with pytest.raises(ActionError, match="事前確認で投稿を認めた投稿案についてだけ"):
        campaign_actions.do_record_campaign_publication(kyoto.operator, pending, url=URL, text=GOOD)
    assert not CampaignPublication.objects.exists()
