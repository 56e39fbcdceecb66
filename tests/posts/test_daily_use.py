"""What operators and section heads meet every day: the home page, diffs, corrections that say something,
one finding per problem, an explicit scope, an instruction a city can send, a check before submitting."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.shared import Mm

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.models import CampaignSubmission
from koshiki.campaigns.states import PosterKind
from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.diff import diff_html
from koshiki.posts.models import Draft
from koshiki.posts.states import DraftStatus
from koshiki.registry.states import Status
from tests.personas import WORKDAY_NOON

pytestmark = pytest.mark.django_db

POOL = "市民プールは7月1日にオープンします。"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _approved(city, text=POOL):
    draft = actions.do_create_draft(city.operator, city.account, text)
    actions.do_submit(city.operator, draft)
    actions.do_approve(city.head, draft)
    return draft


def _published(city, text=POOL, recorded=""):
    draft = _approved(city, text)
    actions.do_record_publication(
        city.operator,
        draft,
        url="https://x.com/koho/status/1",
        published_at=WORKDAY_NOON,
        recorded_text=recorded,
    )
    draft.refresh_from_db()
    return draft


# ---- corrections ---------------------------------------------------------------------------------


def test_a_correction_left_as_the_template_is_refused(kyoto):
    original = _published(kyoto)
    correction = actions.do_start_correction(kyoto.operator, original, "オープン日の誤り")
    assert "（誤）　（正）" in correction.current_revision.text
    with pytest.raises(ActionError, match="雛形のままです"):
        actions.do_submit(kyoto.operator, correction)
    actions.do_edit_draft(
        kyoto.operator,
        correction,
        correction.current_revision.text.replace("（誤）　（正）", "（誤）7月1日（正）7月5日"),
    )
    actions.do_submit(kyoto.operator, correction)


def test_a_correction_left_as_the_template_cannot_go_out_under_a_scope_either(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["published"])
    original = _published(kyoto)
    correction = actions.do_start_correction(kyoto.operator, original, "オープン日の誤り")
    with pytest.raises(ActionError, match="雛形のままです"):
        actions.do_post_under_scope(
            kyoto.operator,
            correction,
            "published",
            url="https://x.com/koho/status/9",
            published_at=WORKDAY_NOON,
            no_second_check_reason="不在",
        )


def test_a_correction_cannot_be_published_before_the_original(make_city):
    city = make_city("komae")
    original = _published(city)
    correction = actions.do_start_correction(
        city.operator,
        original,
        "日付の誤り",
        text="【訂正】市民プールのオープンは7月5日です。先の投稿は削除しました。",
    )
    actions.do_submit(city.operator, correction)
    actions.do_approve(city.head, correction)
    with pytest.raises(ActionError, match="元の投稿の日時より前"):
        actions.do_record_publication(
            city.operator,
            correction,
            url="https://x.com/koho/status/2",
            published_at=WORKDAY_NOON - timedelta(hours=1),
            original_deleted=True,
        )
    original.publication.refresh_from_db()
    assert original.publication.deleted_at is None


# ---- one finding per problem ---------------------------------------------------------------------


def test_a_link_that_stands_in_the_text_is_flagged_once(kyoto):
    text = "申込みはこちら https://bit.ly/3kyoto 。"
    draft = actions.do_create_draft(
        kyoto.operator, kyoto.account, text, (), ["https://bit.ly/3kyoto", "https://bit.ly/3kyoto2"]
    )
    shortener = [f["part"] for f in draft.current_revision.findings if f["rule"] == "link.shortener"]
    # The first link is the one in the text; the second (a longer URL) is not in the text.
    assert shortener == ["text", "link:1"]


# ---- differences shown to people -----------------------------------------------------------------


def test_diff_marks_deletions_and_insertions_and_escapes_everything():
    html = diff_html("7月1日に<b>開館</b>\n2行目", "7月5日に<b>開館</b>\n2行目\n<script>x</script>")
    assert '<del class="diff">1</del><ins class="diff">5</ins>' in html
    assert "&lt;b&gt;開館&lt;/b&gt;" in html and "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;</ins>" in html


def test_a_mismatched_publication_shows_where_it_differs(kyoto):
    draft = _published(kyoto, recorded="市民プールは7月2日にオープンします。<script>alert(1)</script>")
    html = login(kyoto.operator).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert '<del class="diff">1</del><ins class="diff">2</ins>' in html
    assert "<script>alert(1)</script>" not in html


def test_the_approver_sees_what_changed_since_the_returned_revision(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, POOL)
    actions.do_submit(kyoto.operator, draft)
    actions.do_return(kyoto.head, draft, "開館時間も書いてください")
    actions.do_edit_draft(kyoto.operator, draft, POOL + "開館は午前9時です。")
    actions.do_submit(kyoto.operator, draft)
    html = login(kyoto.head).get(reverse("posts:approval", args=[draft.pk])).content.decode()
    assert "第1版（差戻し）からの変更" in html
    assert '<ins class="diff">開館は午前9時です。</ins>' in html


def test_a_first_submission_shows_no_changes_section(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, POOL)
    actions.do_submit(kyoto.operator, draft)
    html = login(kyoto.head).get(reverse("posts:approval", args=[draft.pk])).content.decode()
    assert "からの変更" not in html


# ---- what waits for whom ---------------------------------------------------------------------------


def test_home_page_shows_posts_waiting_for_the_section_head_and_the_operator(kyoto):
    waiting = actions.do_create_draft(kyoto.operator, kyoto.account, POOL)
    actions.do_submit(kyoto.operator, waiting)
    returned = actions.do_create_draft(kyoto.operator, kyoto.account, "図書館は休館します。")
    actions.do_submit(kyoto.operator, returned)
    actions.do_return(kyoto.head, returned, "休館の期間を書いてください")
    _approved(kyoto, "動物園は開園します。")
    _published(kyoto, "美術館は開館します。", recorded="美術館は休館します。")

    head = login(kyoto.head).get(reverse("home")).content.decode()
    assert "あなたの承認を待っている投稿案 1件" in head
    assert "承認された本文と違う本文で投稿された記録 1件" in head
    operator = login(kyoto.operator).get(reverse("home")).content.decode()
    assert "差し戻された投稿案" in operator and "承認済み・投稿の記録待ち" in operator
    assert "あなたの承認を待っている投稿案" not in operator
    index = login(kyoto.head).get(reverse("posts:index")).content.decode()
    assert "承認された本文と違う本文で投稿された記録" in index


def test_names_are_shown_family_name_first(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, POOL)
    html = login(kyoto.head).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert "山田 花子" in html and "花子 山田" not in html


def test_accounts_not_in_use_offer_no_new_draft(kyoto):
    kyoto.account.status = Status.SUSPENDED
    kyoto.account.save(update_fields=["status"])
    client = login(kyoto.operator)
    new_url = reverse("posts:new", args=[kyoto.account.pk])
    assert new_url not in client.get(reverse("posts:index")).content.decode()
    page = client.get(reverse("posts:account", args=[kyoto.account.pk])).content.decode()
    assert new_url not in page and "には投稿できません" in page
    response = client.get(new_url)
    assert response.status_code == 302 and not Draft.objects.exists()


# ---- the scope is chosen, never defaulted ----------------------------------------------------------


def test_the_scope_must_be_chosen_when_several_are_approved(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["published", "facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, POOL)
    client = login(kyoto.operator)
    url = reverse("posts:scope_post", args=[draft.pk])
    html = client.get(url).content.decode()
    # The profile's order (a) published before (b) facts, after an empty choice.
    assert html.index("（選んでください）") < html.index("公表済みの内容") < html.index("既成の事実")
    response = client.post(
        url,
        {
            "url": "https://x.com/koho/status/3",
            "published_on": "令和7年6月11日",
            "published_time": "12:00",
            "confirm": "yes",
            "recorded_text": POOL,
            "no_second_check_reason": "不在",
        },
    )
    assert "どの事前承認の範囲の投稿かを選んでください" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT


# ---- paid third parties ----------------------------------------------------------------------------


def _campaign(city):
    return campaign_actions.do_create_campaign(
        city.operator,
        city.account,
        name="秋の観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )


def test_the_instruction_names_the_city_using_koshiki_and_is_a4(kyoto):
    # A city that adopted Kyoto's guideline: the requester is the city itself, not 京都市.
    kyoto.municipality.name = "みなと市"
    kyoto.municipality.save(update_fields=["name"])
    campaign, _ = _campaign(kyoto)
    assert campaign.subject == "みなと市"
    response = login(kyoto.operator).get(reverse("campaigns:instruction", args=[campaign.pk]))
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "#PR #みなと市" in cells and "京都市が依頼" not in text
    # 京都市6(1)ア(イ): first among the hashtags, not at the start of the post.
    assert "必ずハッシュタグの先頭に記載します" in text and "投稿の先頭に記載します" not in text
    assert "山田 花子" in cells


def test_the_third_party_can_check_before_submitting(kyoto):
    _, token = _campaign(kyoto)
    client = Client()
    response = client.post(
        reverse("campaigns:third_party", args=[token]),
        {"submitter_name": "旅するミカ", "text": "紅葉がきれいでした #紅葉 #PR #京都市", "action": "check"},
    )
    html = response.content.decode()
    # Plain words for the third party: the problem and the fix, never the rule id (issue 9 item 10).
    assert "まだ提出していません" in html and "より前に他のハッシュタグ（#紅葉）があります" in html
    assert "promo." not in html
    assert not CampaignSubmission.objects.exists()
    client.post(
        reverse("campaigns:third_party", args=[token]),
        {"submitter_name": "旅するミカ", "text": "#PR #京都市 紅葉がきれいでした #紅葉", "action": "submit"},
    )
    assert CampaignSubmission.objects.count() == 1


def test_a_flagged_campaign_post_can_be_rechecked_after_the_fix(kyoto):
    _, token = _campaign(kyoto)
    good = "#PR #京都市 紅葉がきれいでした #紅葉"
    submission = campaign_actions.do_submit_campaign_draft(token, good, "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=True)
    campaign_actions.do_record_campaign_publication(
        kyoto.operator,
        submission,
        url="https://www.instagram.com/p/C1/",
        text="紅葉がきれいでした #紅葉 #PR #京都市",
        published_at=WORKDAY_NOON,
    )
    client = login(kyoto.operator)
    detail = client.get(reverse("campaigns:detail", args=[submission.campaign_id])).content.decode()
    url = reverse("campaigns:publication", args=[submission.pk])
    assert url in detail and "発信者が直した投稿を再チェックする" in detail
    page = client.get(url).content.decode()
    assert "https://www.instagram.com/p/C1/" in page
    response = client.post(
        url,
        {
            "url": "https://www.instagram.com/p/C1/",
            "published_on": "令和7年6月11日",
            "published_time": "12:00",
            "confirm": "yes",
            "text": good,
        },
        follow=True,
    )
    assert "明示に問題はありません" in response.content.decode()
    submission.publication.refresh_from_db()
    assert submission.publication.disclosure_ok


def test_a_submission_not_accepted_has_no_publication_page(kyoto):
    _, token = _campaign(kyoto)
    submission = campaign_actions.do_submit_campaign_draft(token, "#PR #京都市 紅葉", "旅するミカ")
    response = login(kyoto.operator).get(reverse("campaigns:publication", args=[submission.pk]))
    assert response.status_code == 302
