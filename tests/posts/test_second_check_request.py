"""The second check asked of a named colleague (京都市4(1)イ(ウ)c; issue 9 item 10): only that person may
record it while the request is open, it reaches their queue, and nobody names themselves or the author."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.notify.models import Notification
from koshiki.posts import actions
from koshiki.posts.attention import posts_attention, second_check_candidates
from koshiki.posts.models import SecondCheckRequest
from koshiki.posts.states import SecondCheckRequestStatus, SecondCheckResult

pytestmark = pytest.mark.django_db

FACT = "本日開催の「京都マラソン2026」は、9時に西京極総合運動公園をスタートしました。"


@pytest.fixture
def draft(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    return actions.do_create_draft(kyoto.operator, kyoto.account, FACT)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_the_named_colleague_may_record_the_check(kyoto, draft):
    actions.do_request_second_check(kyoto.operator, draft, kyoto.operator2)
    for other in (kyoto.head, kyoto.head2):
        with pytest.raises(ActionError, match="佐藤 次郎さんに依頼されています"):
            actions.do_record_second_check(other, draft, SecondCheckResult.CONFIRMED)
    check = actions.do_record_second_check(kyoto.operator2, draft, SecondCheckResult.CONFIRMED, "日時を確認")
    request = SecondCheckRequest.objects.get()
    assert check.checker == kyoto.operator2
    assert request.status == SecondCheckRequestStatus.DONE and request.closed_at == check.checked_at


def test_the_request_reaches_the_named_persons_queue_and_home_page(kyoto, draft):
    actions.do_request_second_check(kyoto.operator, draft, kyoto.operator2)
    told = Notification.objects.filter(kind="posts.second_check")
    assert [n.recipient for n in told] == [kyoto.operator2]
    assert [r.draft for r in posts_attention(kyoto.operator2).second_checks] == [draft]
    assert posts_attention(kyoto.head).second_checks == []
    assert posts_attention(kyoto.operator).second_checks == []
    home = login(kyoto.operator2).get(reverse("home")).content.decode()
    assert f"内容の確認（複数の職員による確認）を依頼された投稿案 #{draft.pk}" in home
    event = AuditEvent.objects.get(action="posts.draft.second_check_request")
    assert event.after["requested_of"] == kyoto.operator2.pk
    actions.do_record_second_check(kyoto.operator2, draft, SecondCheckResult.CONFIRMED)
    assert not Notification.objects.filter(kind="posts.second_check", settled_at__isnull=True).exists()
    assert posts_attention(kyoto.operator2).second_checks == []


def test_an_unnamed_request_goes_to_everyone_eligible_but_the_author(kyoto, draft):
    actions.do_request_second_check(kyoto.operator, draft, None)
    recipients = set(
        Notification.objects.filter(kind="posts.second_check").values_list("recipient", flat=True)
    )
    assert kyoto.operator2.pk in recipients and kyoto.head.pk in recipients
    assert kyoto.operator.pk not in recipients and kyoto.other_operator.pk not in recipients
    actions.do_record_second_check(kyoto.head, draft, SecondCheckResult.CONFIRMED)
    assert SecondCheckRequest.objects.get().status == SecondCheckRequestStatus.DONE


def test_nobody_names_themselves_or_the_author(kyoto, draft):
    with pytest.raises(ActionError, match="自分自身に確認を依頼することはできません"):
        actions.do_request_second_check(kyoto.operator, draft, kyoto.operator)
    with pytest.raises(ActionError, match="投稿案を書いた職員には"):
        actions.do_request_second_check(kyoto.head, draft, kyoto.operator)
    assert not SecondCheckRequest.objects.exists()


@pytest.mark.parametrize("who", ["other_operator", "office", "auditor", "nobody"])
def test_a_person_who_cannot_check_this_account_cannot_be_named(kyoto, draft, who):
    with pytest.raises(ActionError, match="このアカウントの投稿を確認できません"):
        actions.do_request_second_check(kyoto.operator, draft, getattr(kyoto, who))
    assert getattr(kyoto, who) not in second_check_candidates(draft)


@pytest.mark.parametrize("who", ["other_operator", "other_head", "auditor", "office"])
def test_outsiders_cannot_request_a_check(kyoto, draft, who):
    with pytest.raises(PermissionDenied):
        actions.do_request_second_check(getattr(kyoto, who), draft, kyoto.operator2)


def test_no_request_once_the_draft_waits_for_approval_or_is_published(kyoto, draft):
    actions.do_submit(kyoto.operator, draft)
    with pytest.raises(ActionError, match="「承認待ち」の投稿案には確認を依頼できません"):
        actions.do_request_second_check(kyoto.operator, draft, kyoto.operator2)


def test_a_new_request_replaces_the_open_one(kyoto, draft):
    first = actions.do_request_second_check(kyoto.operator, draft, kyoto.operator2)
    actions.do_request_second_check(kyoto.operator, draft, kyoto.head2)
    first.refresh_from_db()
    assert first.status == SecondCheckRequestStatus.CANCELLED
    with pytest.raises(ActionError, match="中村 健さんに依頼されています"):
        actions.do_record_second_check(kyoto.operator2, draft, SecondCheckResult.CONFIRMED)
    actions.do_record_second_check(kyoto.head2, draft, SecondCheckResult.CONFIRMED)


def test_the_draft_page_lets_the_author_name_a_colleague_and_hides_the_form_from_others(kyoto, draft):
    author = login(kyoto.operator)
    page = author.get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert 'id="second-check-request-form"' in page and "佐藤 次郎" in page
    assert f'<option value="{kyoto.operator.pk}">山田 花子</option>' not in page
    response = author.post(
        reverse("posts:second_check_request", args=[draft.pk]), {"checker": kyoto.operator2.pk}, follow=True
    )
    assert "佐藤 次郎さんに確認を依頼しました" in response.content.decode()
    head_page = login(kyoto.head).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert 'id="second-check-form"' not in head_page and "佐藤 次郎さんに確認を依頼しています" in head_page
    named = login(kyoto.operator2).get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert 'id="second-check-form"' in named
    bad = author.post(reverse("posts:second_check_request", args=[draft.pk]), {"checker": "abc"}, follow=True)
    assert "一覧から選んでください" in bad.content.decode()
