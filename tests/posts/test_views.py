"""The pages as people use them: the editor with and without JavaScript, approval, publication, scopes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.states import PosterKind
from koshiki.posts import actions
from koshiki.posts.models import Draft, finding_key
from koshiki.posts.states import DraftStatus

pytestmark = pytest.mark.django_db

MOBILE = "夏休み親子工作教室の申込みは担当の携帯090-1234-5678まで。"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_check_button_marks_spans_without_saving(kyoto):
    client = login(kyoto.operator)
    url = reverse("posts:new", args=[kyoto.account.pk])
    page = client.get(url)
    assert page.status_code == 200 and "チェック" in page.content.decode()
    response = client.post(url, {"text": MOBILE, "action": "check", "kind": "post", "links": "bit.ly/3abcde"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="finding error" data-findings="1" title="1. 携帯電話' in html
    assert ">090-1234-5678</mark>" in html
    assert "携帯電話・IP電話の番号" in html and "4(3)ウ" in html and "市の代表番号や担当課の番号" in html
    assert "URL短縮サービス" in html and "リンク 1" in html
    assert not Draft.objects.exists()


def test_saving_creates_the_draft_and_shows_its_findings(kyoto):
    client = login(kyoto.operator)
    response = client.post(
        reverse("posts:new", args=[kyoto.account.pk]),
        {
            "text": MOBILE,
            "action": "save",
            "kind": "post",
            "alt_text_0": "工作教室の様子（講師 山田太郎さん 090-1111-2222）",
        },
    )
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("posts:draft", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    assert "第1版" in page and "画像1の代替テキスト" in page
    parts = {f["part"] for f in draft.current_revision.findings}
    assert {"text", "alt:0"} <= parts


def test_user_text_is_escaped_in_the_marked_view(kyoto):
    client = login(kyoto.operator)
    response = client.post(
        reverse("posts:new", args=[kyoto.account.pk]),
        {"text": "<script>alert(1)</script> 携帯090-1234-5678", "action": "check", "kind": "post"},
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_live_check_endpoint_returns_findings_and_marked_html(kyoto):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kyoto.operator)
    page = client.get(reverse("posts:new", args=[kyoto.account.pk]))
    token = page.cookies["csrftoken"].value
    body = {"account": kyoto.account.pk, "text": MOBILE, "alt_texts": [], "links": ["http://bit.ly/x1"]}
    response = client.post(
        reverse("posts:check_live"), json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    data = response.json()
    assert [f["rule"] for f in data["findings"]][:1] == ["pii.phone"]
    assert '<mark class="finding error"' in data["html"]
    assert data["counts"]["error"] >= 2


def test_live_check_needs_the_csrf_token_and_a_login(kyoto):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kyoto.operator)
    body = json.dumps({"account": kyoto.account.pk, "text": MOBILE})
    assert client.post(reverse("posts:check_live"), body, content_type="application/json").status_code == 403
    anonymous = Client()
    response = anonymous.post(reverse("posts:check_live"), body, content_type="application/json")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("{not json", 400, "JSON"),
        ('["text"]', 400, "オブジェクト"),
        ('{"account": 1, "text": 5}', 400, "文字列"),
        ('{"text": "こんにちは"}', 400, "account"),
        # Issue 10 item 7: these answered 500.
        ('{"account": 1e400, "text": "こんにちは"}', 400, "正の整数"),
        ('{"account": ' + "[" * 100_000 + "]" * 100_000 + ', "text": "x"}', 400, "入れ子が深すぎます"),
        ('{"account": ' + "9" * 5000 + ', "text": "x"}', 400, "JSON として読めません"),
        ('{"account": 99999999999999999999, "text": "x"}', 400, "正の整数"),
        ('{"account": true, "text": "x"}', 400, "正の整数"),
        ('{"account": -3, "text": "x"}', 400, "正の整数"),
        ('{"account": 1, "draft": 2.5, "text": "x"}', 400, "draft"),
        ('{"account": 987654, "text": "x"}', 404, "見つかりません"),
    ],
)
def test_live_check_rejects_malformed_input_with_a_message(kyoto, body, status, message):
    response = login(kyoto.operator).post(reverse("posts:check_live"), body, content_type="application/json")
    assert response.status_code == status and message in response.json()["error"]
    assert response["Content-Type"] == "application/json"


def test_live_check_accepts_the_account_number_as_digits(kyoto):
    body = json.dumps({"account": str(kyoto.account.pk), "draft": None, "text": MOBILE})
    response = login(kyoto.operator).post(reverse("posts:check_live"), body, content_type="application/json")
    assert response.status_code == 200 and response.json()["findings"]


def test_live_check_refuses_oversized_text(kyoto):
    body = json.dumps({"account": kyoto.account.pk, "text": "あ" * 70_000})
    response = login(kyoto.operator).post(reverse("posts:check_live"), body, content_type="application/json")
    assert response.status_code == 400 and "長すぎます" in response.json()["error"]


def test_live_check_for_another_units_account_is_404_and_auditor_is_403(kyoto):
    body = json.dumps({"account": kyoto.account.pk, "text": MOBILE})
    other = login(kyoto.other_operator).post(
        reverse("posts:check_live"), body, content_type="application/json"
    )
    assert other.status_code == 404
    auditor = login(kyoto.auditor).post(reverse("posts:check_live"), body, content_type="application/json")
    assert auditor.status_code == 403


def test_another_units_draft_is_404(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    client = login(kyoto.other_operator)
    for name in (
        "posts:draft",
        "posts:approval",
        "posts:publication",
        "posts:correction",
        "posts:scope_post",
    ):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert client.get(reverse("posts:account", args=[kyoto.account.pk])).status_code == 404


def test_submit_refused_with_the_reason_on_the_page(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, MOBILE)
    client = login(kyoto.operator)
    response = client.post(reverse("posts:submit", args=[draft.pk]), follow=True)
    assert "エラーの指摘が1件残っているため" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT


def test_approval_page_asks_a_reason_for_each_warning(kyoto):
    text = "お問い合わせは文化市民局（075-366-0123）まで。"
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, text)
    actions.do_submit(kyoto.operator, draft)
    assert login(kyoto.operator2).get(reverse("posts:approval", args=[draft.pk])).status_code == 403
    client = login(kyoto.head)
    page = client.get(reverse("posts:approval", args=[draft.pk])).content.decode()
    assert "了承の理由" in page and "075-366-0123" in page
    revision = draft.current_revision
    refused = client.post(
        reverse("posts:approval", args=[draft.pk]), {"decision": "approve", "revision": revision.pk}
    ).content.decode()
    assert "了承する理由を入力してください" in refused
    done = client.post(
        reverse("posts:approval", args=[draft.pk]),
        {"decision": "approve", "revision": revision.pk, "waiver_0": "文化市民局の公開している番号です"},
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    assert draft.approval_runs.get().decisions.get().waivers.get().finding_key == finding_key(
        revision.warnings[0]
    )


def test_return_from_the_approval_page_needs_a_comment(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    actions.do_submit(kyoto.operator, draft)
    client = login(kyoto.head)
    url = reverse("posts:approval", args=[draft.pk])
    rev = draft.current_revision.pk
    assert "差し戻す理由" in client.post(url, {"decision": "return", "revision": rev}).content.decode()
    assert (
        client.post(url, {"decision": "return", "revision": rev, "comment": "時間を追記"}).status_code == 302
    )


def test_publication_form_records_and_flags_a_mismatch(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    actions.do_submit(kyoto.operator, draft)
    actions.do_approve(kyoto.head, draft)
    client = login(kyoto.operator)
    page = client.get(reverse("posts:publication", args=[draft.pk])).content.decode()
    assert "元の誤った投稿を削除した" not in page
    response = client.post(
        reverse("posts:publication", args=[draft.pk]),
        {
            "url": "https://x.com/kyoto_koho/status/10",
            "published_on": "令和7年6月11日",
            "published_time": "12:00",
            "confirm": "yes",
            "recorded_text": "市民プールは7月2日にオープンします。",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "一致しません" in html
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.publication.matches is False


def test_scopes_page_is_for_the_section_head(kyoto):
    url = reverse("posts:scopes", args=[kyoto.account.pk])
    operator = login(kyoto.operator)
    assert "既成の事実" in operator.get(url).content.decode()
    assert operator.post(url, {"scope_published": "on"}).status_code == 403
    head = login(kyoto.head)
    assert (
        head.post(
            url, {"scope_published": "on", "note_published": "市ホームページに掲載済みの内容"}
        ).status_code
        == 302
    )
    assert list(kyoto.account.post_scopes.filter(active=True).values_list("scope_id", flat=True)) == [
        "published"
    ]


def test_index_lists_what_waits_for_the_section_head(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    actions.do_submit(kyoto.operator, draft)
    page = login(kyoto.head).get(reverse("posts:index")).content.decode()
    assert "あなたの承認を待っている投稿案（1件）" in page
    page = login(kyoto.operator2).get(reverse("posts:index")).content.decode()
    assert "あなたの承認を待っている投稿案" not in page


def test_auditor_reads_but_cannot_write(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    client = login(kyoto.auditor)
    assert client.get(reverse("posts:draft", args=[draft.pk])).status_code == 200
    assert client.get(reverse("posts:new", args=[kyoto.account.pk])).status_code == 403
    response = client.post(reverse("posts:draft", args=[draft.pk]), {"text": "書き換え", "action": "save"})
    assert response.status_code == 403
    response = client.post(reverse("posts:submit", args=[draft.pk]))
    assert response.status_code == 403


def test_the_whole_loop_through_the_pages(kyoto):
    operator, head = login(kyoto.operator), login(kyoto.head)
    # 山田 writes the post; the checker flags the mobile number; she saves anyway to come back later.
    operator.post(
        reverse("posts:new", args=[kyoto.account.pk]), {"text": MOBILE, "action": "save", "kind": "post"}
    )
    draft = Draft.objects.get()
    page = operator.post(reverse("posts:submit", args=[draft.pk]), follow=True).content.decode()
    assert "エラーの指摘が1件残っているため" in page
    # She replaces it with the section's published number (a warning the head must acknowledge).
    fixed = "夏休み親子工作教室の申込みは文化市民局（075-366-0123）まで。"
    operator.post(reverse("posts:draft", args=[draft.pk]), {"text": fixed, "action": "save"})
    operator.post(reverse("posts:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    approval_url = reverse("posts:approval", args=[draft.pk])
    assert "075-366-0123" in head.get(approval_url).content.decode()
    head.post(
        approval_url,
        {
            "decision": "approve",
            "revision": draft.current_revision.pk,
            "waiver_0": "文化市民局の代表番号として公開済み",
        },
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    detail = operator.get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert "文化市民局の代表番号として公開済み" in detail and "投稿を記録する" in detail
    operator.post(
        reverse("posts:publication", args=[draft.pk]),
        {
            "url": "https://x.com/kyoto_koho/status/77",
            "published_on": "令和7年6月11日",
            "published_time": "10:30",
            "confirm": "yes",
            "recorded_text": fixed,
        },
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.publication.matches
    detail = operator.get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert "承認された本文と一致しています" in detail and "誤りを訂正する" in detail


def test_every_page_renders_for_the_people_who_use_it(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(
        kyoto.operator,
        kyoto.account,
        "市民プールは7月1日にオープンします。",
        ["プール"],
        ["https://www.city.kyoto.lg.jp/"],
    )
    submitted = actions.do_create_draft(kyoto.operator, kyoto.account, "図書館は月曜休館です。")
    actions.do_submit(kyoto.operator, submitted)
    campaign, _ = campaign_actions.do_create_campaign(
        kyoto.operator,
        kyoto.account,
        name="秋の京都",
        poster_name="旅するミカ",
        poster_kind=PosterKind.INFLUENCER,
        expires_at=timezone.now() + timedelta(days=5),
    )
    operator, head, auditor = login(kyoto.operator), login(kyoto.head), login(kyoto.auditor)
    pages = [
        (operator, reverse("posts:index")),
        (operator, reverse("posts:approvals")),
        (operator, reverse("posts:account", args=[kyoto.account.pk]) + "?status=draft"),
        (operator, reverse("posts:new", args=[kyoto.account.pk])),
        (operator, reverse("posts:draft", args=[draft.pk])),
        (operator, reverse("posts:scope_post", args=[draft.pk])),
        (operator2 := login(kyoto.operator2), reverse("posts:draft", args=[draft.pk])),
        (head, reverse("posts:approval", args=[submitted.pk])),
        (head, reverse("posts:scopes", args=[kyoto.account.pk])),
        (head, reverse("posts:reports") + "?show=all"),
        (operator, reverse("campaigns:list")),
        (operator, reverse("campaigns:new")),
        (operator, reverse("campaigns:detail", args=[campaign.pk])),
        (auditor, reverse("posts:draft", args=[submitted.pk])),
        (auditor, reverse("campaigns:list")),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "複数の職員による確認" in operator2.get(reverse("posts:draft", args=[draft.pk])).content.decode()
