"""Images and videos on drafts (issue 11): real files made by the tests, through the actions.

Location found and removed as a new revision that needs approval again;
faces prompt for consent; rights and consent recorded once per file and
reused; per-platform limits; files stored once by SHA-256.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from koshiki.attachments.models import Attachment, MediaFile, MediaRecord
from koshiki.audit.models import AuditEvent
from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.actions import media as media_actions
from koshiki.posts.models import finding_key
from koshiki.posts.states import DraftStatus
from tests.media import samples

TEXT = "鴨川の河川敷で花壇の植え替えをしました。ボランティアの皆さん、ありがとうございました。"


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "koshiki_media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def _rules(revision, part="media:0"):
    return {f["rule"] for f in revision.findings if f.get("part") == part}


def _approve(city, draft):
    draft.refresh_from_db()
    waivers = {finding_key(f): "広報課で確認済み" for f in draft.current_revision.warnings}
    actions.do_submit(city.operator, draft)
    return actions.do_approve(city.head, draft, waivers=waivers)


def test_location_found_then_removed_as_a_new_revision_that_needs_approval(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    photo = samples.jpeg()
    rev = media_actions.do_attach_media(kyoto.operator, draft, [("IMG_0412.jpg", photo)])
    assert rev.number == 2 and "media.location" in _rules(rev)
    location = next(f for f in rev.findings if f["rule"] == "media.location")
    assert location["severity"] == "error" and "EXIF GPSLatitude" in location["message"]
    with pytest.raises(ActionError, match="位置情報"):
        actions.do_submit(kyoto.operator, draft)

    cleaned = media_actions.do_clean_media(kyoto.operator, draft, 0)
    assert cleaned.number == 3 and "media.location" not in _rules(cleaned)
    (att,) = cleaned.attachments.select_related("file__cleaned_from")
    assert att.file.sha256 != hashlib.sha256(photo).hexdigest()
    assert att.file.cleaned_from.sha256 == hashlib.sha256(photo).hexdigest()
    assert att.file.metadata_removed and att.file.location_tags == []
    assert "EXIF GPSLatitude" in att.file.removed_tags
    assert cleaned.sha256 != rev.sha256
    event = AuditEvent.objects.filter(action="posts.media.clean").get()
    assert event.summary["details"]["sha256_after"] == att.file.sha256

    _approve(kyoto, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED and draft.approved_revision_id == cleaned.pk
    # The approval covers exactly these files: any change to them needs approval again.
    media_actions.do_describe_media(kyoto.operator, draft, 0, alt_text="鴨川の河川敷の花壇")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and draft.approved_revision is None


def test_an_added_image_after_approval_needs_approval_again(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    media_actions.do_attach_media(kyoto.operator, draft, [("flowers.jpg", samples.jpeg(gps=False))])
    _approve(kyoto, draft)
    draft.refresh_from_db()
    approved = draft.approved_revision
    media_actions.do_attach_media(kyoto.operator, draft, [("more.png", samples.image("png", gps=False))])
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and draft.approved_revision is None
    assert approved.attachments.count() == 1 and draft.current_revision.attachments.count() == 2


def test_a_media_warning_needs_a_waiver_reason_like_a_text_warning(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    rev = media_actions.do_attach_media(kyoto.operator, draft, [("flowers.jpg", samples.jpeg(gps=False))])
    assert "media.rights" in _rules(rev)
    actions.do_submit(kyoto.operator, draft)
    with pytest.raises(ActionError, match="権利の記録"):
        actions.do_approve(kyoto.head, draft, waivers={})
    key = next(finding_key(f) for f in rev.warnings if f["rule"] == "media.rights")
    decision = actions.do_approve(kyoto.head, draft, waivers={key: "広報課職員が撮影（記録漏れ）"})
    assert decision.waivers.get().rule == "media.rights"


def test_faces_prompt_for_consent_and_the_record_is_reused_for_the_same_file(kyoto):
    photo = samples.jpeg(faces=2, gps=False)
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    rev = media_actions.do_attach_media(kyoto.operator, draft, [("undokai.jpg", photo)])
    assert {"media.consent", "media.rights"} <= _rules(rev)
    until = timezone.localdate() + timedelta(days=365)
    consent_pdf = b"%PDF-1.4\n% \xe5\x90\x8c\xe6\x84\x8f\xe6\x9b\xb8\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    rev = media_actions.do_record_media(
        kyoto.operator,
        draft,
        0,
        rights_basis="own_work",
        rights_holder="広報担当 山田",
        people_shown=True,
        consent="guardian",
        consent_who="写っている児童2名の保護者",
        consent_scope="市の公式SNS・広報紙への掲載",
        consent_until=until,
        consent_document=("同意書.pdf", consent_pdf),
    )
    assert not {"media.consent", "media.rights"} & _rules(rev)
    record = MediaRecord.objects.get()
    assert record.consent_document.mime == "application/pdf"

    # The same photo on another draft: the record comes with it.
    other = actions.do_create_draft(kyoto.operator2, kyoto.account, "運動会のようすです。")
    rev2 = media_actions.do_attach_media(kyoto.operator2, other, [("IMG_2001.jpg", photo)])
    assert not {"media.consent", "media.rights"} & _rules(rev2)
    assert MediaFile.objects.filter(kind="image").count() == 1  # stored once by SHA-256
    assert MediaRecord.objects.count() == 1


def test_expired_consent_counts_as_no_consent(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    media_actions.do_attach_media(kyoto.operator, draft, [("event.jpg", samples.jpeg(faces=1, gps=False))])
    rev = media_actions.do_record_media(
        kyoto.operator, draft, 0, rights_basis="own_work", consent="person", consent_who="出演者本人",
        consent_until=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    assert "media.consent" in _rules(rev)


def test_cleaned_copy_keeps_the_record_of_the_original(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    media_actions.do_attach_media(kyoto.operator, draft, [("IMG_0412.jpg", samples.jpeg())])
    media_actions.do_record_media(kyoto.operator, draft, 0, rights_basis="own_work", rights_holder="広報担当")
    rev = media_actions.do_clean_media(kyoto.operator, draft, 0)
    assert not {"media.location", "media.rights"} & _rules(rev)
    assert MediaRecord.objects.count() == 2


def test_video_location_is_found_and_removed(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    rev = media_actions.do_attach_media(
        kyoto.operator, draft, [("IMG_0007.MOV", samples.video("mov", iphone=True))]
    )
    assert "media.location" in _rules(rev)
    rev = media_actions.do_clean_media(kyoto.operator, draft, 0)
    assert "media.location" not in _rules(rev)
    assert rev.attachments.get().file.format == "mov"


def test_a_text_edit_keeps_the_files(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    media_actions.do_attach_media(kyoto.operator, draft, [("IMG_0412.jpg", samples.jpeg())])
    rev = actions.do_edit_draft(kyoto.operator, draft, TEXT + "\n次回は7月です。")
    assert rev.attachments.count() == 1 and "media.location" in _rules(rev)
    with pytest.raises(ActionError, match="変更がありません"):
        actions.do_edit_draft(kyoto.operator, draft, TEXT + "\n次回は7月です。")


def test_platform_limits_from_profile_data_refuse_in_japanese(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)  # an X account
    five = [(f"photo{i}.png", samples.image("png", gps=False, size=(200 + i, 150))) for i in range(5)]
    with pytest.raises(ActionError, match="画像は4枚まで"):
        media_actions.do_attach_media(kyoto.operator, draft, five)
    with pytest.raises(ActionError, match="HEIC"):
        media_actions.do_attach_media(kyoto.operator, draft, [("IMG_0001.HEIC", samples.image("heic"))])
    media_actions.do_attach_media(kyoto.operator, draft, [("photo.png", samples.image("png", gps=False))])
    with pytest.raises(ActionError, match="画像と動画を同じ投稿に付けられません"):
        media_actions.do_attach_media(
            kyoto.operator, draft, [("clip.mp4", samples.video("mp4", location=None))]
        )
    assert MediaFile.objects.count() == 1  # refused uploads store nothing
    # Instagram takes HEIC (the other section's account).
    insta = actions.do_create_draft(kyoto.other_operator, kyoto.other_account, "紅葉の見頃です。")
    rev = media_actions.do_attach_media(
        kyoto.other_operator, insta, [("IMG_0001.HEIC", samples.image("heic"))]
    )
    assert rev.attachments.get().file.format == "heic"


def test_limits_per_platform_as_data():
    from types import SimpleNamespace

    from koshiki.checker.profiles import load_profile
    from koshiki.media.limits import limits_for, problems

    limits = load_profile("kyoto").param("media_limits")
    big = SimpleNamespace(name="big.jpg", format="jpeg", kind="image", size=6 * 1024 * 1024, duration=None)
    long = SimpleNamespace(name="long.mp4", format="mp4", kind="video", size=10_000, duration=200.0)
    assert any("5MB" in p for p in problems(limits_for(limits, "x"), "x", [big]))
    assert problems(limits_for(limits, "facebook"), "facebook", [big]) == []
    assert any("2分20秒" in p for p in problems(limits_for(limits, "x"), "x", [long]))
    assert any("画像を投稿できません" in p for p in problems(limits_for(limits, "youtube"), "youtube", [big]))


def test_files_are_stored_once_and_not_under_a_public_path(kyoto, media_storage):
    photo = samples.jpeg(gps=False)
    for _ in range(2):
        d = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
        media_actions.do_attach_media(kyoto.operator, d, [("same.jpg", photo)])
    sha = hashlib.sha256(photo).hexdigest()
    assert MediaFile.objects.get().sha256 == sha
    stored = list(media_storage.rglob(f"{sha}*"))
    assert [p.name for p in stored if p.parent.parent.name == "files"] == [f"{sha}.jpg"]
    assert storages["koshiki_media"].exists(f"files/{sha[:2]}/{sha}.jpg")
    assert Attachment.objects.count() == 2


def test_only_the_drafts_people_may_change_its_files(kyoto):
    from django.core.exceptions import PermissionDenied

    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    with pytest.raises(PermissionDenied):
        media_actions.do_attach_media(
            kyoto.other_operator, draft, [("x.png", samples.image("png", gps=False))]
        )


def test_unreadable_upload_is_refused_in_japanese(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, TEXT)
    with pytest.raises(ActionError, match="「memo.jpg」: 対応していないファイル形式"):
        media_actions.do_attach_media(kyoto.operator, draft, [("memo.jpg", "メモ".encode())])
