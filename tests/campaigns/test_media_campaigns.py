"""Media on the third party's page (issue 11.4): a paid post's photos are pre-checked too."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.models import SubmissionFile
from koshiki.errors import ActionError
from koshiki.posts.models import finding_key
from tests.campaigns.test_campaigns import GOOD, _campaign
from tests.media import samples
from tests.posts.test_media import media_storage  # noqa: F401  (autouse storage fixture)


def test_third_party_photos_are_cleaned_checked_and_shown_to_the_city(kyoto):
    campaign, token = _campaign(kyoto)
    page = Client().post(
        reverse("campaigns:third_party", args=[token]),
        {
            "submitter_name": "旅するミカ",
            "text": GOOD,
            "strip_metadata": "on",
            "files": [SimpleUploadedFile("eikando.jpg", samples.jpeg(faces=1), content_type="image/jpeg")],
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and "提出しました" in html
    assert 'src="data:image/jpeg;base64,' in html  # the poster sees what was sent, cleaned
    assert "media.consent" in html or "同意が記録されていません" in html
    sent = SubmissionFile.objects.select_related("file", "submission").get()
    assert sent.file.location_tags == [] and sent.file.metadata_removed
    assert "EXIF GPSLatitude" in sent.file.removed_tags
    rules = {f["rule"] for f in sent.submission.findings if f.get("part") == "media:0"}
    assert "media.consent" in rules and "media.location" not in rules

    staff = Client()
    staff.force_login(kyoto.operator)
    detail = staff.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "eikando.jpg" in detail and "位置情報などを削除済み" in detail
    preview = staff.get(reverse("campaigns:file", args=[sent.submission.pk, sent.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    assert Client().get(reverse("campaigns:file", args=[sent.submission.pk, sent.pk])).status_code == 302


def test_a_photo_kept_with_its_location_blocks_the_city_pre_check(kyoto):
    campaign, token = _campaign(kyoto)
    submission = campaign_actions.do_submit_campaign_draft(
        token, GOOD, "旅するミカ", [("IMG_0412.jpg", samples.jpeg())], strip_metadata=False
    )
    assert any(f["rule"] == "media.location" and f["severity"] == "error" for f in submission.findings)
    waivers = {finding_key(f): "確認済み" for f in submission.warnings}
    try:
        campaign_actions.do_precheck_campaign_submission(kyoto.head, submission, accept=True, waivers=waivers)
    except ActionError as exc:
        assert "位置情報" in exc.message
    else:
        raise AssertionError("accepted a photo with its location")


def test_check_only_keeps_nothing_and_limits_apply(kyoto):
    campaign, token = _campaign(kyoto)  # an X account: no HEIC, up to 4 images
    page = Client().post(
        reverse("campaigns:third_party", args=[token]),
        {
            "submitter_name": "旅するミカ",
            "text": GOOD,
            "action": "check",
            "files": [SimpleUploadedFile("IMG_0001.HEIC", samples.image("heic"), content_type="image/heic")],
        },
    )
    assert "HEIC" in page.content.decode() and "投稿できません" in page.content.decode()
    assert SubmissionFile.objects.count() == 0
