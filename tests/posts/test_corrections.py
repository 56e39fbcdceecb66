"""Corrections by profile: Kyoto/Ishinomaki admit and correct (never delete), Komae deletes and reposts,
Akitakata fixes and apologises; Kawasaki may choose. The correction is a linked draft that goes through
approval like any other."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.states import CorrectionHandling, DraftKind, DraftStatus
from tests.personas import WORKDAY_NOON

pytestmark = pytest.mark.django_db

WRONG = "市民プールは7月1日（火）にオープンします。"
RIGHT_KYOTO = "【訂正】7月1日（火）とお知らせした市民プールのオープンは、正しくは7月5日（土）です。おわびして訂正いたします。"


def _published(city, text=WRONG):
    draft = actions.do_create_draft(city.operator, city.account, text)
    actions.do_submit(city.operator, draft)
    actions.do_approve(city.head, draft)
    actions.do_record_publication(
        city.operator, draft, url="https://x.com/koho/status/1", published_at=WORKDAY_NOON
    )
    draft.refresh_from_db()
    return draft


def _approve(city, draft):
    actions.do_submit(city.operator, draft)
    actions.do_approve(city.head, draft)


@pytest.mark.parametrize("profile", ["kyoto", "ishinomaki", "standard"])
def test_admit_and_correct_never_delete(make_city, profile):
    city = make_city(profile)
    original = _published(city)
    correction = actions.do_start_correction(city.operator, original, "オープン日が誤っていた")
    assert correction.kind == DraftKind.CORRECTION and correction.corrects == original
    assert correction.correction_handling == CorrectionHandling.CORRECT
    assert correction.current_revision.text.startswith(
        "【訂正】令和7年6月11日にお知らせした内容に誤りがありました"
    )
    with pytest.raises(ActionError, match="は選べません"):
        actions.do_start_correction(
            city.operator, original, "x", handling=CorrectionHandling.DELETE_AND_REPOST
        )
    actions.do_edit_draft(city.operator, correction, RIGHT_KYOTO)
    _approve(city, correction)
    with pytest.raises(ActionError, match="削除せずに訂正します"):
        actions.do_record_publication(
            city.operator,
            correction,
            url="https://x.com/koho/status/2",
            published_at=WORKDAY_NOON,
            original_deleted=True,
        )
    actions.do_record_publication(
        city.operator, correction, url="https://x.com/koho/status/2", published_at=WORKDAY_NOON
    )
    original.publication.refresh_from_db()
    assert original.publication.deleted_at is None


def test_komae_deletes_and_posts_the_correction(make_city):
    city = make_city("komae")
    original = _published(city)
    with pytest.raises(ActionError, match="は選べません.*ポリシー見本第5条2項"):
        actions.do_start_correction(
            city.operator, original, "日付の誤り", handling=CorrectionHandling.CORRECT
        )
    correction = actions.do_start_correction(city.operator, original, "日付の誤り")
    assert correction.correction_handling == CorrectionHandling.DELETE_AND_REPOST
    actions.do_edit_draft(
        city.operator, correction, "【訂正】市民プールのオープンは7月5日（土）です。先の投稿は削除しました。"
    )
    _approve(city, correction)
    with pytest.raises(ActionError, match="元の投稿を削除したことを確認"):
        actions.do_record_publication(
            city.operator, correction, url="https://x.com/koho/status/3", published_at=WORKDAY_NOON
        )
    actions.do_record_publication(
        city.operator,
        correction,
        url="https://x.com/koho/status/3",
        published_at=WORKDAY_NOON,
        original_deleted=True,
    )
    original.publication.refresh_from_db()
    assert original.publication.deleted_at is not None and original.publication.deleted_by == city.operator


def test_akitakata_fixes_and_apologises(make_city):
    city = make_city("akitakata")
    original = _published(city)
    correction = actions.do_start_correction(
        city.operator, original, "日付の誤り", text="市民プールのオープンは7月5日（土）です。"
    )
    assert correction.correction_handling == CorrectionHandling.FIX_AND_APOLOGISE
    with pytest.raises(ActionError, match="謝罪の言葉.*4\\(2\\)ア"):
        actions.do_submit(city.operator, correction)
    actions.do_edit_draft(
        city.operator,
        correction,
        "【お詫びと訂正】市民プールのオープンは7月5日（土）です。申し訳ありませんでした。",
    )
    run = actions.do_submit(city.operator, correction)
    assert run.revision.number == 2


def test_kawasaki_may_choose_between_correcting_and_apologising(make_city):
    city = make_city("kawasaki")
    original = _published(city)
    correction = actions.do_start_correction(
        city.operator, original, "日付の誤り", handling=CorrectionHandling.FIX_AND_APOLOGISE
    )
    assert correction.correction_handling == CorrectionHandling.FIX_AND_APOLOGISE


def test_corrections_only_of_published_posts_and_one_at_a_time(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, WRONG)
    with pytest.raises(ActionError, match="投稿済みの投稿だけ"):
        actions.do_start_correction(kyoto.operator, draft, "誤り")
    original = _published(kyoto)
    with pytest.raises(ActionError, match="どこが誤っていたか"):
        actions.do_start_correction(kyoto.operator, original, "  ")
    first = actions.do_start_correction(kyoto.operator, original, "日付の誤り")
    with pytest.raises(ActionError, match=f"訂正案（#{first.pk}）が既にあります"):
        actions.do_start_correction(kyoto.operator2, original, "日付の誤り")
    actions.do_withdraw_draft(kyoto.operator, first)
    assert actions.do_start_correction(kyoto.operator2, original, "日付の誤り").status == DraftStatus.DRAFT


def test_correction_page_offers_only_the_profiles_handlings(kyoto, make_city):
    original = _published(kyoto)
    client = Client()
    client.force_login(kyoto.operator)
    page = client.get(reverse("posts:correction", args=[original.pk])).content.decode()
    assert "元の投稿は削除しない" in page and "元の投稿を削除し" not in page and "4(4)ア(イ)" in page
    response = client.post(
        reverse("posts:correction", args=[original.pk]),
        {"handling": "correct", "reason": "日付の誤り", "text": RIGHT_KYOTO},
    )
    assert response.status_code == 302
    komae = make_city("komae")
    k_original = _published(komae)
    client.force_login(komae.operator)
    page = client.get(reverse("posts:correction", args=[k_original.pk])).content.decode()
    assert "元の投稿を削除し、訂正した内容を改めて投稿する" in page and "ポリシー見本第5条2項" in page
