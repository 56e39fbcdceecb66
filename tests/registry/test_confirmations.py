"""Irreversible actions ask for a ticked box that works without JavaScript (issue 9 item 10): the step
pages that list, suspend or close an account, the publication records, ending a campaign or a role,
closing a committee meeting; refusals by role
still come first (a read-only role gets its 403, not a request to confirm)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.audit.models import AuditEvent
from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.models import Campaign
from koshiki.campaigns.states import CampaignStatus, PosterKind
from koshiki.committees.models import Meeting
from koshiki.org.models import RoleAssignment
from koshiki.posts import actions as post_actions
from koshiki.registry.models import Account
from koshiki.registry.states import Status
from tests.personas import account_in, make_city, open_meeting

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_removing_an_account_from_the_list_needs_the_box_ticked(kyoto):
    account = account_in(kyoto, "closing")
    office = login(kyoto.office)
    url = reverse("registry:step", args=[account.pk, "remove_listing"])
    page = office.get(url).content.decode()
    assert 'name="confirm"' in page and "は取り消せないことを確認しました" in page
    unticked = office.post(url, {"reasons": ""})
    assert unticked.status_code == 200
    assert "取り消せません。確認の欄にチェックを入れてください" in unticked.content.decode()
    assert Account.objects.get(pk=account.pk).status == Status.CLOSING
    office.post(url, {"reasons": "", "confirm": "on"})
    assert Account.objects.get(pk=account.pk).status == Status.CLOSED


def test_a_reversible_step_asks_for_no_box(kyoto):
    account = account_in(kyoto, "listed")
    page = (
        login(kyoto.operator).get(reverse("registry:step", args=[account.pk, "record_url"])).content.decode()
    )
    assert 'name="confirm"' not in page


def test_recording_a_publication_needs_the_box_ticked(kyoto):
    text = "市民プールは7月1日に開場します。"
    draft = post_actions.do_create_draft(kyoto.operator, kyoto.account, text)
    post_actions.do_submit(kyoto.operator, draft)
    post_actions.do_approve(kyoto.head, draft)
    client = login(kyoto.operator)
    form = {
        "url": "https://x.com/kyoto_koho/status/10",
        "published_on": "令和7年6月11日",
        "published_time": "12:00",
        "recorded_text": text,
    }
    unticked = client.post(reverse("posts:publication", args=[draft.pk]), form)
    assert "投稿の記録は取り消せません。確認の欄にチェックを入れてください" in unticked.content.decode()
    draft.refresh_from_db()
    assert draft.status == "approved"
    client.post(reverse("posts:publication", args=[draft.pk]), {**form, "confirm": "yes"})
    draft.refresh_from_db()
    assert draft.status == "published"


def test_ending_a_campaign_needs_the_box_ticked_and_an_outsider_still_gets_403(kyoto):
    campaign, _token = campaign_actions.do_create_campaign(
        kyoto.operator,
        kyoto.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )
    url = reverse("campaigns:close", args=[campaign.pk])
    assert login(kyoto.auditor).post(url).status_code == 403
    client = login(kyoto.operator)
    refused = client.post(url, follow=True)
    assert "依頼の終了は取り消せません" in refused.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE
    # The refused attempt left no trace: the action ran in a savepoint that was rolled back.
    assert not AuditEvent.objects.filter(action="posts.campaign.close").exists()
    client.post(url, {"confirm": "yes"})
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    assert AuditEvent.objects.filter(action="posts.campaign.close").count() == 1


def test_every_confirmation_box_is_a_required_checkbox_without_inline_script(kyoto):
    draft = post_actions.do_create_draft(kyoto.operator, kyoto.account, "図書館の休館日のお知らせです。")
    html = login(kyoto.operator).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert '<input type="checkbox" name="confirm" value="yes" id="withdraw-confirm" required>' in html
    assert "<script>" not in html and "onclick" not in html


def test_ending_a_role_needs_the_box_ticked(kyoto):
    role = RoleAssignment.objects.get(user=kyoto.operator, ended_at__isnull=True)
    office = login(kyoto.office)
    page = office.get(reverse("org:overview")).content.decode()
    assert f'id="confirm-role-end-{role.pk}" required' in page
    url = reverse("org:role_end", args=[role.pk])
    refused = office.post(url, follow=True).content.decode()
    assert "役割の終了は取り消せません" in refused
    assert RoleAssignment.objects.get(pk=role.pk).ended_at is None
    assert not AuditEvent.objects.filter(action="org.role.end").exists()
    office.post(url, {"confirm": "yes"})
    assert RoleAssignment.objects.get(pk=role.pk).ended_at is not None


def test_closing_a_committee_meeting_needs_the_box_ticked():
    city = make_city("komae")
    meeting = open_meeting(city, "令和8年度 第2回 行政情報化推進委員会")
    office = login(city.people["office"])
    url = reverse("committees:close", args=[meeting.pk])
    minutes = {"minutes": "新規申請はなく、運用状況の報告を受けた。"}
    refused = office.post(url, minutes, follow=True).content.decode()
    assert "議事録の確定と会議の終了は取り消せません" in refused
    assert Meeting.objects.get(pk=meeting.pk).closed_at is None
    office.post(url, {**minutes, "confirm": "yes"})
    assert Meeting.objects.get(pk=meeting.pk).closed_at is not None
