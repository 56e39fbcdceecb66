"""The paid third party's submission page on a phone (390 px): it fits the screen, the check
shows what is wrong with the disclosure, and a good draft is submitted (京都市6, 石巻市5)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.models import CampaignSubmission
from koshiki.campaigns.states import PosterKind
from tests.browser.conftest import PHONE, assert_no_sideways_scroll

NO_TAG = "紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 https://www.instagram.com/tabisuru_mika/reel/Cx7aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789/"
GOOD = "#PR #京都市 紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 #紅葉"


def test_the_third_partys_page_fits_a_phone_and_checks_before_submitting(kyoto, open_page):
    _campaign, token = campaign_actions.do_create_campaign(
        kyoto.operator,
        kyoto.account,
        name="秋の京都観光プロモーション（インフルエンサー投稿・長い事業名の折り返し確認）",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
        poster_account="https://www.instagram.com/tabisuru_mika/",
    )
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"/posts/submit/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("投稿案の提出")
    expect(page.get_by_role("heading", name="広告であることの明示のルール")).to_be_visible()
    assert_no_sideways_scroll(page)

    page.get_by_label("お名前（会社名・アカウント名）").fill("旅するミカ")
    page.get_by_role("textbox", name="投稿する本文").fill(NO_TAG)
    page.get_by_role("button", name="チェックする（提出しない）").click()
    result = page.get_by_role("status").filter(has_text="チェックの結果")
    expect(result).to_contain_text("直す必要がある点があります")
    # In plain words for someone outside the city: what to fix and how, without clause numbers.
    expect(result.locator("li.finding-item.error").first).to_contain_text("直してください:")
    expect(result.locator("li.finding-item.error").first).to_contain_text("#PR #京都市")
    assert not CampaignSubmission.objects.exists()
    assert_no_sideways_scroll(page)

    page.get_by_role("textbox", name="投稿する本文").fill(GOOD)
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_role("status").filter(has_text="提出しました")).to_contain_text("提出1")
    # The history of what was sent, as cards that fit a phone (no table to scroll sideways).
    expect(page.locator("#submission-1")).to_contain_text("受付済・確認中")
    assert_no_sideways_scroll(page)
    submission = CampaignSubmission.objects.get()
    assert submission.text == GOOD and submission.submitter_name == "旅するミカ"
