"""Notifications for each workflow step, delivered through Django's locmem mail backend.

Each step tells whoever must act next, in the inbox and by mail after commit;
the mail is plain Japanese text with a link, and never carries the post's text.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.states import PosterKind
from koshiki.notify.actions import do_mark_read, do_set_delivery
from koshiki.notify.models import Delivery, MailStatus, Notification, OutboxMail
from koshiki.notify.service import deliver, queue_digests
from koshiki.posts import actions as post_actions
from koshiki.registry import actions
from tests.personas import (
    committee_decides,
    give_mail_addresses,
    make_city,
    new_account,
    path_to,
    step_kwargs,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

POST = "【お知らせ】11月3日（月・祝）に市民文化祭を開催します。詳しくは市ホームページをご覧ください。"


def _to(address_part: str) -> list[str]:
    return [m.subject for m in mail.outbox if any(address_part in a for a in m.to)]


def test_post_submission_approval_and_return_tell_the_next_person(django_capture_on_commit_callbacks):
    city = make_city("kyoto", posting_accounts=True)
    give_mail_addresses()
    draft = post_actions.do_create_draft(city.operator, city.account, POST)
    with django_capture_on_commit_callbacks(execute=True):
        post_actions.do_submit(city.operator, draft)
    # 京都市4(1)イ(ウ)a: the section heads above the account are asked; never the author.
    assert any("承認を依頼されました" in s for s in _to("kyo_head@"))
    assert any("承認を依頼されました" in s for s in _to("kyo_bureau_head@"))
    assert not _to("kyo_operator@")
    message = next(m for m in mail.outbox if "kyo_head@" in m.to[0])
    assert message.body.startswith("田中 一郎 様")
    assert f"https://koshiki.city.test.lg.jp/posts/{draft.pk}/approval/" in message.body
    assert "市民文化祭" not in message.body and "市民文化祭" not in message.subject  # never the post's text
    assert Notification.objects.filter(recipient=city.head, kind="posts.approve").count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_actions.do_return(city.head, draft, "日付の曜日を確認してください。")
    assert _to("kyo_operator@") == [f"[Koshiki] 投稿案 #{draft.pk}（京都市広報）が差し戻されました"]

    post_actions.do_edit_draft(city.operator, draft, POST + "（再掲）")
    post_actions.do_submit(city.operator, draft)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_actions.do_approve(city.head, draft)
    assert any("承認されました" in s for s in _to("kyo_operator@"))


def test_a_third_partys_draft_asks_the_city_for_its_precheck(django_capture_on_commit_callbacks):
    city = make_city("kyoto", posting_accounts=True)
    give_mail_addresses()
    _, token = campaign_actions.do_create_campaign(
        city.operator,
        city.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
        poster_account="https://www.instagram.com/tabisuru_mika/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission = campaign_actions.do_submit_campaign_draft(
            token, "#PR #京都市 紅葉の永観堂へ🍁", "旅するミカ"
        )
    subjects = _to("kyo_head@")
    assert subjects == [
        "[Koshiki] 「秋の京都観光プロモーション」に第三者から投稿案が届きました（提出1）。事前確認してください"
    ]
    n = Notification.objects.get(recipient=city.head, kind="posts.campaign.precheck")
    assert n.url == reverse("campaigns:precheck", args=[submission.pk])


def test_application_steps_tell_the_office_the_committee_and_on_return_the_applicant(
    django_capture_on_commit_callbacks,
):
    city = make_city("komae")
    give_mail_addresses()
    account = new_account(city)
    submit = path_to(city, "under_review")[-1]
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_step(account, submit.id, actor=city.people["head"], **step_kwargs(city, submit, account))
    # 狛江市4(2)ウ: the committee decides next, so its members and chair are told.
    assert any("行政情報化推進委員会が承認する" in s for s in _to("kom_member"))
    assert any("行政情報化推進委員会が承認する" in s for s in _to("kom_chair"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        committee_decides(city, account, "return", "運用ポリシーの返信方針が不明確なため")
    # The return goes back to the applicant (the operator who created the application).
    assert _to("kom_operator") == [f"[Koshiki] 「{account.display_name}」の申請が差し戻されました"]
    body = next(m.body for m in mail.outbox if "kom_operator" in m.to[0])
    assert "運用ポリシーの返信方針が不明確なため" in body


def test_a_failed_send_never_blocks_the_action_and_is_retried(django_capture_on_commit_callbacks, settings):
    city = make_city("kyoto", posting_accounts=True)
    give_mail_addresses()
    draft = post_actions.do_create_draft(city.operator, city.account, POST)
    settings.EMAIL_BACKEND = "tests.notify.broken_mail.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        post_actions.do_submit(city.operator, draft)  # no exception: the action stands
    draft.refresh_from_db()
    assert draft.status == "submitted"
    pending = OutboxMail.objects.filter(recipient=city.head).get()
    assert (
        pending.status == MailStatus.PENDING
        and pending.attempts == 1
        and "ConnectionRefused" in pending.last_error
    )
    # Not yet due again: nothing is tried; once due, the relay is back and it goes out once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver() == (0, 0)
    later = timezone.now() + timedelta(minutes=6)
    sent, failed = deliver(now=later)
    assert failed == 0 and sent >= 1
    assert OutboxMail.objects.get(pk=pending.pk).status == MailStatus.SENT
    assert deliver(now=later + timedelta(hours=1)) == (0, 0)


def test_digest_people_get_one_mail_a_day_and_read_marks_are_their_own(django_capture_on_commit_callbacks):
    city = make_city("kyoto", posting_accounts=True)
    give_mail_addresses()
    do_set_delivery(city.head, Delivery.DIGEST)
    draft = post_actions.do_create_draft(city.operator, city.account, POST)
    with django_capture_on_commit_callbacks(execute=True):
        post_actions.do_submit(city.operator, draft)
    assert not _to("kyo_head@")  # no immediate mail
    assert Notification.objects.filter(recipient=city.head).exists()  # but in the inbox
    today = timezone.localdate()
    assert queue_digests(today) == 1
    assert queue_digests(today) == 0  # once a day
    deliver()
    digest = [m for m in mail.outbox if "kyo_head@" in m.to[0]]
    assert len(digest) == 1 and "対応待ち 1件" in digest[0].subject
    n = Notification.objects.get(recipient=city.head)
    with pytest.raises(PermissionDenied):
        do_mark_read(city.operator, n)  # someone else's inbox
    do_mark_read(city.head, n)


def test_inbox_page_shows_unread_and_opens_the_page(django_capture_on_commit_callbacks):
    city = make_city("kyoto", posting_accounts=True)
    draft = post_actions.do_create_draft(city.operator, city.account, POST)
    post_actions.do_submit(city.operator, draft)
    client = Client()
    client.force_login(city.head)
    page = client.get(reverse("notify:inbox"))
    assert "あなたの対応待ち" in page.content.decode() and "承認を依頼されました" in page.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "対応待ち" in home
    n = Notification.objects.get(recipient=city.head)
    response = client.post(reverse("notify:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == f"/posts/{draft.pk}/approval/"
    n.refresh_from_db()
    assert n.read_at is not None
    other = Client()
    other.force_login(city.operator)
    assert other.post(reverse("notify:open", args=[n.pk])).status_code == 404


def test_a_later_step_settles_the_earlier_notifications_so_the_inbox_shows_what_still_waits():
    city = make_city("kyoto", posting_accounts=True)
    draft = post_actions.do_create_draft(city.operator, city.account, POST)
    post_actions.do_submit(city.operator, draft)
    assert Notification.objects.unread().filter(recipient=city.bureau_head).count() == 1
    post_actions.do_approve(city.head, draft)  # one approval ends kyoto's chain
    # The other section head's request is settled (someone approved); the author now has the next step.
    assert not Notification.objects.unread().filter(recipient=city.bureau_head).exists()
    assert Notification.objects.unread().filter(recipient=city.operator, kind="posts.approved").count() == 1


def test_the_precheck_result_appears_on_the_third_partys_campaign_page():
    city = make_city("kyoto", posting_accounts=True)
    _, token = campaign_actions.do_create_campaign(
        city.operator,
        city.account,
        name="秋の京都観光プロモーション",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=30),
    )
    submission = campaign_actions.do_submit_campaign_draft(token, "紅葉の永観堂へ🍁", "旅するミカ")
    campaign_actions.do_precheck_campaign_submission(
        city.head, submission, accept=False, comment="冒頭に「#PR #京都市」を入れてください"
    )
    assert not Notification.objects.unread().filter(kind="posts.campaign.precheck").exists()
    page = Client().get(reverse("campaigns:third_party", args=[token])).content.decode()
    assert "提出した投稿案と市の確認の状況" in page and "差し戻し" in page
    assert "冒頭に「#PR #京都市」を入れてください" in page
