"""Paid third-party campaigns (京都市6, 石巻市5): registration, written instruction, token link,
the third party's submission checked with paid_third_party on, the approver's pre-check and the
re-check of the published text."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from koshiki.audit.models import AuditEvent
from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.models import Campaign, CampaignSubmission
from koshiki.campaigns.states import PosterKind, PrecheckStatus
from koshiki.errors import ActionError
from koshiki.fiscal import to_wareki
from koshiki.posts.models import finding_key
from tests.personas import WORKDAY_NOON

pytestmark = pytest.mark.django_db

NO_TAG = "紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁"
GOOD = "#PR #京都市 紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 #紅葉"
WRONG_ORDER = "#京都市 #PR 紅葉の永観堂に行ってきました！秋の京都、おすすめです🍁"


def _campaign(city, **kw):
    values = {
        "name": "秋の京都観光プロモーション",
        "poster_name": "旅するミカ",
        "poster_kind": PosterKind.INFLUENCER,
        "expires_at": timezone.now() + timedelta(days=30),
        "poster_account": "https://www.instagram.com/tabisuru_mika/",
    }
    values.update(kw)
    return campaign_actions.do_create_campaign(city.operator, city.account, **values)


def test_campaign_with_a_token_link_from_submission_to_published_recheck(kyoto):
    campaign, token = _campaign(kyoto)
    assert campaign.subject == "京都市" and campaign.relation_tags == ["プロモーション", "PR", "宣伝", "広告"]
    assert token not in str(Campaign.objects.values_list().get()) and len(token) >= 40
    assert token not in str(list(AuditEvent.objects.values_list("summary", flat=True)))

    # The influencer opens the link (no login) and submits a draft without #PR: flagged.
    client = Client()
    page = client.get(reverse("campaigns:third_party", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200 and "#PR #京都市" in html and "#京都市 #PR" in html
    response = client.post(
        reverse("campaigns:third_party", args=[token]), {"submitter_name": "旅するミカ", "text": NO_TAG}
    )
    assert "依頼に基づく投稿であることの明示" in response.content.decode()
    first = CampaignSubmission.objects.get()
    assert [f["rule"] for f in first.errors] == ["promo.missing_disclosure"]
    assert AuditEvent.objects.get(action="posts.campaign.submit").actor is None

    # The section head cannot accept it while the error remains; returns it with a comment.
    with pytest.raises(ActionError, match="エラーの指摘が1件残っているため、投稿を認められません"):
        campaign_actions.do_precheck_campaign_submission(kyoto.head, first, accept=True)
    campaign_actions.do_precheck_campaign_submission(
        kyoto.head, first, accept=False, comment="先頭に #PR #京都市 を付けてください"
    )

    # Fixed draft: accepted.
    second = campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    assert second.number == 2 and not second.errors
    campaign_actions.do_precheck_campaign_submission(
        kyoto.head, second, accept=True, comment="問題ありません"
    )
    second.refresh_from_db()
    assert second.precheck_status == PrecheckStatus.ACCEPTED

    # After publication the operator pastes the published text: re-checked for disclosure.
    publication = campaign_actions.do_record_campaign_publication(
        kyoto.operator,
        second,
        url="https://www.instagram.com/p/Cabc123/",
        text=WRONG_ORDER,
        published_at=WORKDAY_NOON,
    )
    assert publication.disclosure_ok is False and publication.matches is False
    assert "promo.wrong_order" in [f["rule"] for f in publication.findings]
    # The poster fixes the post when asked; the fixed text is checked again on the same record.
    fixed = campaign_actions.do_record_campaign_publication(
        kyoto.operator,
        second,
        url="https://www.instagram.com/p/Cabc123/",
        text=GOOD,
        published_at=WORKDAY_NOON,
    )
    assert fixed.pk == publication.pk and fixed.disclosure_ok and fixed.matches
    recheck = AuditEvent.objects.get(action="posts.campaign.recheck")
    assert recheck.summary["details"]["previous_text"] == WRONG_ORDER
    # A record whose disclosure is fine is final.
    with pytest.raises(ActionError, match="既に記録されています"):
        campaign_actions.do_record_campaign_publication(
            kyoto.operator, second, url="https://www.instagram.com/p/C2/", text=GOOD
        )


def test_good_publication_passes_the_recheck(kyoto):
    campaign, token = _campaign(kyoto)
    submission = campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=True)
    publication = campaign_actions.do_record_campaign_publication(
        kyoto.operator,
        submission,
        url="https://www.instagram.com/p/Cabc124/",
        text=GOOD,
        published_at=WORKDAY_NOON,
    )
    assert publication.disclosure_ok and publication.matches


def test_expired_wrong_and_closed_links_are_refused(kyoto):
    campaign, token = _campaign(kyoto)
    client = Client()
    altered = ("A" if token[0] != "A" else "B") + token[1:]
    wrong = client.get(reverse("campaigns:third_party", args=[altered]))
    assert wrong.status_code == 404 and "このリンクは無効です" in wrong.content.decode()
    with pytest.raises(ActionError, match="無効"):
        campaign_actions.do_submit_campaign_draft("not-a-token", GOOD, "旅するミカ")
    Campaign.objects.filter(pk=campaign.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.post(
        reverse("campaigns:third_party", args=[token]), {"submitter_name": "旅するミカ", "text": GOOD}
    )
    assert expired.status_code == 404 and "有効期限" in expired.content.decode()
    with pytest.raises(ActionError, match="有効期限"):
        campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    assert not CampaignSubmission.objects.exists()
    Campaign.objects.filter(pk=campaign.pk).update(expires_at=timezone.now() + timedelta(days=1))
    campaign_actions.do_close_campaign(kyoto.operator, campaign)
    with pytest.raises(ActionError, match="終了しています"):
        campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")


def test_a_token_belongs_to_one_campaign_and_reissue_replaces_it(kyoto):
    first, token1 = _campaign(kyoto)
    second, token2 = _campaign(
        kyoto, name="冬の京都キャンペーン", poster_name="株式会社ゆき広告", poster_kind=PosterKind.CONTRACTOR
    )
    assert campaign_actions.do_submit_campaign_draft(token2, GOOD, "ゆき広告").campaign == second
    new_token = campaign_actions.do_reissue_campaign_token(kyoto.operator, first)
    with pytest.raises(ActionError, match="無効"):
        campaign_actions.do_submit_campaign_draft(token1, GOOD, "旅するミカ")
    assert campaign_actions.do_submit_campaign_draft(new_token, GOOD, "旅するミカ").campaign == first


def test_executive_committee_as_subject(kyoto):
    campaign, token = _campaign(kyoto, subject="#京都さくら祭実行委員会")
    assert campaign.subject == "京都さくら祭実行委員会"
    ok = campaign_actions.do_submit_campaign_draft(
        token, "#PR #京都さくら祭実行委員会 夜桜がきれいでした🌸", "旅するミカ"
    )
    assert not ok.errors
    bad = campaign_actions.do_submit_campaign_draft(token, "#PR #京都市 夜桜がきれいでした🌸", "旅するミカ")
    assert bad.errors


def test_warnings_need_reasons_in_the_precheck(kyoto):
    campaign, token = _campaign(kyoto)
    submission = campaign_actions.do_submit_campaign_draft(
        token, GOOD + " 問い合わせは075-366-0123へ", "旅するミカ"
    )
    assert submission.warnings and not submission.errors
    with pytest.raises(ActionError, match="了承する理由"):
        campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=True)
    key = finding_key(submission.warnings[0])
    campaign_actions.do_precheck_campaign_submission(
        kyoto.head, submission, accept=True, waivers={key: "観光協会の公開番号"}
    )
    event = AuditEvent.objects.get(action="posts.campaign.precheck")
    assert event.details["waivers"][0]["reason"] == "観光協会の公開番号"


def test_precheck_is_for_the_citys_approver_only(kyoto):
    campaign, token = _campaign(kyoto)
    submission = campaign_actions.do_submit_campaign_draft(token, GOOD, "旅するミカ")
    for user in (kyoto.operator, kyoto.other_head, kyoto.auditor, kyoto.office):
        with pytest.raises(PermissionDenied):
            campaign_actions.do_precheck_campaign_submission(user, submission, accept=True)
    with pytest.raises(ActionError, match="事前確認で投稿を認めた"):
        campaign_actions.do_record_campaign_publication(
            kyoto.operator, submission, url="https://x.com/a/status/1", text=GOOD
        )
    with pytest.raises(ActionError, match="コメント"):
        campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=False)
    campaign_actions.do_precheck_campaign_submission(kyoto.bureau_head, submission, accept=True)
    with pytest.raises(ActionError, match="既に確認されています"):
        campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=False, comment="x")


def test_campaigns_only_where_the_profile_defines_them(make_city):
    city = make_city("akitakata")
    with pytest.raises(ActionError, match="第三者に発信を依頼する場合の定めがありません"):
        _campaign(city)
    ishinomaki = make_city("ishinomaki")
    campaign, token = _campaign(ishinomaki)
    assert campaign.subject == "石巻市"
    assert campaign_actions.do_submit_campaign_draft(
        token, "#石巻市 #PR 金華山に行ってきました", "旅するミカ"
    ).errors


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"name": ""}, "事業名"),
        ({"poster_name": " "}, "発信者"),
        ({"poster_kind": "friend"}, "区分"),
        ({"subject": "京都 市"}, "マーケティング主体"),
        ({"expires_at": "past"}, "今より後"),
        ({"expires_at": "far"}, "180日以内"),
    ],
)
def test_campaign_registration_refuses_bad_input(kyoto, kw, message):
    if kw.get("expires_at") == "past":
        kw["expires_at"] = timezone.now() - timedelta(days=1)
    if kw.get("expires_at") == "far":
        kw["expires_at"] = timezone.now() + timedelta(days=365)
    with pytest.raises(ActionError, match=message):
        _campaign(kyoto, **kw)


def test_only_the_accounts_people_register_campaigns(kyoto):
    for user in (kyoto.other_operator, kyoto.auditor, kyoto.office):
        with pytest.raises(PermissionDenied):
            campaign_actions.do_create_campaign(
                user,
                kyoto.account,
                name="x",
                poster_name="y",
                poster_kind=PosterKind.INFLUENCER,
                expires_at=timezone.now() + timedelta(days=3),
            )


def test_instruction_document_has_the_rules_examples_tag_and_deadline(kyoto):
    deadline = timezone.localdate() + timedelta(days=20)
    campaign, _ = _campaign(kyoto, expires_at=timezone.make_aware(datetime.combine(deadline, time(23, 59))))
    client = Client()
    client.force_login(kyoto.operator)
    response = client.get(reverse("campaigns:instruction", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "旅するミカ 様" in text and "6(1)" in text
    assert (
        "関係タグ（#プロモーション、#PR、#宣伝、#広告 のいずれか）、マーケティング主体（#京都市）の順" in text
    )
    assert "京都市のPR案件としての投稿です。" in text
    assert "#PR #京都市" in cells and "#京都市 #PR" in cells and "#京都市PR" in cells and "#PR京都市" in cells
    assert f"{to_wareki(deadline)}まで" in text
    other = Client()
    other.force_login(kyoto.other_operator)
    assert other.get(reverse("campaigns:instruction", args=[campaign.pk])).status_code == 404


def test_campaign_pages_show_the_link_once_and_run_the_precheck(kyoto):
    client = Client()
    client.force_login(kyoto.operator)
    response = client.post(
        reverse("campaigns:new"),
        {
            "account": kyoto.account.pk,
            "name": "秋の京都観光プロモーション",
            "poster_name": "旅するミカ",
            "poster_kind": "influencer",
            "expires_on": to_wareki(timezone.localdate() + timedelta(days=20)),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "この画面にだけ表示されます" in html
    link = re.search(r"http://testserver(/posts/submit/[^<\s]+/)", html).group(1)
    campaign = Campaign.objects.get()
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert link not in detail
    Client().post(link, {"submitter_name": "旅するミカ", "text": GOOD})
    submission = CampaignSubmission.objects.get()
    head = Client()
    head.force_login(kyoto.head)
    page = head.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "投稿を認める" in page
    response = head.post(
        reverse("campaigns:precheck", args=[submission.pk]), {f"s{submission.pk}-decision": "accept"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.precheck_status == PrecheckStatus.ACCEPTED
    response = client.post(
        reverse("campaigns:publication", args=[submission.pk]),
        {
            "url": "https://www.instagram.com/p/Cx/",
            "published_on": "2025-06-11",
            "published_time": "12:00",
            "confirm": "yes",
            "text": NO_TAG,
        },
        follow=True,
    )
    assert "明示（#PR など）に問題があります" in response.content.decode()
