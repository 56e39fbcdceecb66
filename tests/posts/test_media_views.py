"""Media pages: upload, previews behind access checks, the clean button, the approval page shows each file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from koshiki.posts import actions
from koshiki.posts.actions import media as media_actions
from tests.media import samples
from tests.personas import make_city
from tests.posts.test_media import TEXT, media_storage  # noqa: F401  (autouse storage fixture)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_preview_and_clean_through_the_pages(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    client = login(kyoto.operator)
    upload = SimpleUploadedFile("IMG_0412.jpg", samples.jpeg(), content_type="image/jpeg")
    response = client.post(reverse("posts:media_add", args=[draft.pk]), {"files": [upload]})
    assert response.status_code == 302
    page = client.get(reverse("posts:draft", args=[draft.pk])).content.decode()
    assert "位置情報あり" in page and "EXIF GPSLatitude" in page and "北緯35.0116" in page
    draft.refresh_from_db()
    att = draft.current_revision.attachments.get()
    preview = client.get(reverse("posts:media_preview", args=[draft.pk, att.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    assert "no-store" in preview["Cache-Control"]
    assert b"".join(preview.streaming_content)[:3] == b"\xff\xd8\xff"

    detail = client.get(reverse("posts:media", args=[draft.pk, 0])).content.decode()
    assert "位置情報などを削除" in detail
    cleaned = client.post(reverse("posts:media", args=[draft.pk, 0]), {"action": "clean"})
    assert cleaned.status_code == 302
    page = client.get(reverse("posts:media", args=[draft.pk, 0])).content.decode()
    assert "位置情報などを削除済み" in page


def test_files_are_not_visible_outside_the_draft(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    rev = media_actions.do_attach_media(kyoto.operator, draft, [("IMG_0412.jpg", samples.jpeg())])
    att = rev.attachments.get()
    url = reverse("posts:media_original", args=[draft.pk, att.pk])
    assert Client().get(url).status_code == 302  # to the login page
    other_city = make_city("komae", posting_accounts=True)
    assert login(other_city.operator).get(url).status_code == 404
    assert login(kyoto.head).get(url).status_code == 200


def test_a_wrong_upload_gives_a_japanese_message(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    client = login(kyoto.operator)
    upload = SimpleUploadedFile("IMG_0001.HEIC", samples.image("heic"), content_type="image/heic")
    response = client.post(reverse("posts:media_add", args=[draft.pk]), {"files": [upload]}, follow=True)
    assert "X（旧Twitter）には HEIC のファイル「IMG_0001.HEIC」を投稿できません" in response.content.decode()


def test_the_approval_page_shows_each_file_with_findings_record_and_a_waiver_field(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    media_actions.do_attach_media(kyoto.operator, draft, [("IMG_0412.jpg", samples.jpeg(faces=2))])
    media_actions.do_clean_media(kyoto.operator, draft, 0)
    media_actions.do_record_media(
        kyoto.operator, draft, 0, rights_basis="own_work", rights_holder="広報担当 山田"
    )
    actions.do_submit(kyoto.operator, draft)
    page = login(kyoto.head).get(reverse("posts:approval", args=[draft.pk])).content.decode()
    assert "位置情報などを削除済み" in page
    assert "職員が職務で撮影・作成した" in page and "広報担当 山田" in page
    assert "人分の顔" in page and "media.consent" in page
    assert "添付ファイル 1" in page  # the waiver field names the file like a text part


@pytest.mark.django_db
def test_media_pages_need_login(client):
    assert client.get(reverse("posts:media", args=[1, 0])).status_code == 302


def test_the_approval_page_says_when_files_changed_since_the_last_decision(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    media_actions.do_attach_media(kyoto.operator, draft, [("a.png", samples.image("png", gps=False))])
    actions.do_submit(kyoto.operator, draft)
    actions.do_return(kyoto.head, draft, "写真を差し替えてください")
    media_actions.do_detach_media(kyoto.operator, draft, 0)
    media_actions.do_attach_media(
        kyoto.operator, draft, [("b.png", samples.image("png", gps=False, size=(640, 480)))]
    )
    actions.do_submit(kyoto.operator, draft)
    page = login(kyoto.head).get(reverse("posts:approval", args=[draft.pk])).content.decode()
    assert "添付の画像・動画が変更されています" in page and "b.png" in page
