"""The third party's link: a bounded text and a limit per link and per address (issue 10 item 6).

The review sent 30 drafts of 60,000 characters through one link in 3 seconds;
each one was stored and put in front of the city.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.actions import MAX_SUBMISSION_TEXT
from koshiki.campaigns.models import CampaignSubmission
from koshiki.campaigns.states import PosterKind
from koshiki.errors import ActionError

pytestmark = pytest.mark.django_db
GOOD = "#PR #京都市 紅葉の永観堂に行ってきました！朝の光がきれいで感動。秋の京都、おすすめです🍁 #紅葉"


@pytest.fixture(autouse=True)
def small_limits(settings, throttle_clock):
    settings.KOSHIKI_CAMPAIGN_SUBMISSIONS = 3
    settings.KOSHIKI_CAMPAIGN_CHECKS = 4
    cache.clear()
    yield
    cache.clear()


def _link(kyoto, name="秋の京都観光プロモーション"):
    _, token = campaign_actions.do_create_campaign(
        kyoto.operator,
        kyoto.account,
        name=name,
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
        poster_account="https://www.instagram.com/tabisuru_mika/",
    )
    return reverse("campaigns:third_party", args=[token]), token


def _submit(url, address="198.51.100.20", text=GOOD, **extra):
    return Client(REMOTE_ADDR=address).post(url, {"submitter_name": "旅するミカ", "text": text, **extra})


def test_submissions_in_a_loop_are_refused_with_429_and_not_stored(kyoto):
    url, _ = _link(kyoto)
    assert [_submit(url).status_code for _ in range(3)] == [200, 200, 200]
    busy = _submit(url)
    assert busy.status_code == 429
    assert "短い時間に提出が続いたため" in busy.content.decode() and "待ってから" in busy.content.decode()
    assert CampaignSubmission.objects.count() == 3


def test_changing_address_does_not_escape_the_links_limit(kyoto):
    url, _ = _link(kyoto)
    codes = [_submit(url, address=f"203.0.113.{n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_one_address_is_limited_across_links(kyoto):
    first, _ = _link(kyoto)
    second, _ = _link(kyoto, name="冬の京都観光プロモーション")
    for _ in range(3):
        _submit(first, address="192.0.2.44")
    assert _submit(second, address="192.0.2.44").status_code == 429
    assert _submit(second, address="192.0.2.45").status_code == 200


def test_checks_have_their_own_limit_and_store_nothing(kyoto):
    url, _ = _link(kyoto)
    codes = [_submit(url, action="check").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert "短い時間にチェックが続いたため" in _submit(url, action="check").content.decode()
    assert CampaignSubmission.objects.count() == 0
    # Checking did not use up the submissions.
    assert _submit(url).status_code == 200


def test_a_text_past_the_limit_is_refused_in_japanese(kyoto):
    url, token = _link(kyoto)
    long_text = GOOD + "あ" * MAX_SUBMISSION_TEXT
    page = _submit(url, text=long_text)
    assert page.status_code == 200 and "本文は10,000字までにしてください" in page.content.decode()
    with pytest.raises(ActionError, match="提出できるのは10,000字までです"):
        campaign_actions.do_submit_campaign_draft(token, long_text, "旅するミカ")
    assert CampaignSubmission.objects.count() == 0
