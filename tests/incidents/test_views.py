"""The incident pages: what each person sees and may press; another unit's incident is a 404."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koshiki.audit.models import AuditEvent
from koshiki.incidents import actions
from koshiki.incidents.models import Evidence
from koshiki.incidents.states import Kind
from koshiki.notify.models import Notification
from koshiki.registry.models import Account

pytestmark = pytest.mark.django_db


def test_open_an_incident_and_walk_it_through_the_pages(kyoto, client_for):
    op = client_for(kyoto.operator)
    page = op.get(reverse("incidents:new"))
    assert page.status_code == 200 and "京都市4(4)ア" in page.content.decode()
    response = op.post(
        reverse("incidents:new"),
        {
            "kind": Kind.FLAMING,
            "account": kyoto.account.pk,
            "title": "混雑案内への批判",
            "description": "昼から批判が続く",
        },
    )
    incident = kyoto.account.incidents.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "incidents:detail", args=[incident.pk]
    )
    html = op.get(response["Location"]).content.decode()
    assert "次にすること:" in html and "反論や抗弁は控えるなど" in html
    # A skipped step is refused with the guideline's words, shown as a message.
    refused = op.post(reverse("incidents:step", args=[incident.pk, "correct"]), follow=True).content.decode()
    assert "先に「反論や抗弁は控えるなど" in refused
    op.post(reverse("incidents:step", args=[incident.pk, "stay_calm"]), {"note": "返信を控えた"})
    # The section head is told, opens the notification, lands on the incident.
    note = Notification.objects.get(recipient=kyoto.head)
    head = client_for(kyoto.head)
    assert "混雑案内への批判" in head.get(reverse("incidents:index")).content.decode()
    landed = head.post(reverse("notify:open", args=[note.pk]))
    assert landed["Location"] == reverse("incidents:detail", args=[incident.pk])
    note.refresh_from_db()
    assert note.read_at is not None
    # Evidence upload: the file's SHA-256 in the trail; the file downloads again unchanged.
    png = b"\x89PNG\r\n\x1a\n" + b"screen" * 100
    op.post(
        reverse("incidents:evidence", args=[incident.pk]),
        {"file": SimpleUploadedFile("画面.png", png, "image/png")},
    )
    ev = Evidence.objects.get()
    assert (
        AuditEvent.objects.get(action="incident.evidence").summary["after"]["sha256"]
        == hashlib.sha256(png).hexdigest()
    )
    download = head.get(reverse("incidents:evidence_file", args=[incident.pk, ev.pk]))
    assert download.content == png and download["Content-Disposition"].startswith("attachment")
    # The head freezes the account from the incident page and lifts it with a reason.
    unticked = head.post(
        reverse("incidents:freeze", args=[kyoto.account.pk]),
        {"reason": "炎上の拡大", "incident": incident.pk},
        follow=True,
    )
    assert "緊急停止は取り消せません。確認の欄にチェックを入れて" in unticked.content.decode()
    assert not Account.objects.get(pk=kyoto.account.pk).is_frozen
    assert not AuditEvent.objects.filter(action__contains="freeze").exists()
    head.post(
        reverse("incidents:freeze", args=[kyoto.account.pk]),
        {"reason": "炎上の拡大", "incident": incident.pk, "confirm": "yes"},
    )
    assert Account.objects.get(pk=kyoto.account.pk).is_frozen
    assert "緊急停止中" in head.get(reverse("incidents:index")).content.decode()
    lifted = head.post(reverse("incidents:unfreeze", args=[kyoto.account.pk]), {"reason": ""}, follow=True)
    assert "解除の理由を入力してください" in lifted.content.decode()
    # The login that froze it cannot lift it (a taken-over login must not undo the freeze).
    head.post(
        reverse("incidents:unfreeze", args=[kyoto.account.pk]),
        {"reason": "沈静化を確認", "incident": incident.pk},
    )
    assert Account.objects.get(pk=kyoto.account.pk).is_frozen
    client_for(kyoto.office).post(
        reverse("incidents:unfreeze", args=[kyoto.account.pk]),
        {"reason": "沈静化を確認", "incident": incident.pk},
    )
    assert not Account.objects.get(pk=kyoto.account.pk).is_frozen


def test_another_units_incident_is_a_404_and_auditors_only_read(kyoto, client_for):
    incident = actions.do_open_incident(
        kyoto.operator,
        kyoto.municipality,
        kind=Kind.HIJACK,
        account=kyoto.account,
        title="心当たりのない投稿",
    )
    other = client_for(kyoto.other_operator)
    assert other.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert other.post(reverse("incidents:step", args=[incident.pk, "confirm"])).status_code == 404
    auditor = client_for(kyoto.auditor)
    html = auditor.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "済んだことを記録" not in html and "記録を保存する" not in html
    assert auditor.post(reverse("incidents:step", args=[incident.pk, "confirm"])).status_code == 403
    assert (
        other.post(reverse("incidents:freeze", args=[kyoto.account.pk]), {"reason": "x"}).status_code == 404
    )
    assert auditor.post(reverse("incidents:freeze_all"), {"reason": "x"}).status_code == 403


def test_the_office_sees_the_city_wide_switch_and_a_head_does_not(kyoto, client_for):
    assert (
        "全アカウントを緊急停止する"
        in client_for(kyoto.office).get(reverse("incidents:index")).content.decode()
    )
    assert (
        "全アカウントを緊急停止する"
        not in client_for(kyoto.head).get(reverse("incidents:index")).content.decode()
    )
    office = client_for(kyoto.office)
    office.post(reverse("incidents:freeze_all"), {"reason": "不正アクセスの疑い"})
    assert not Account.objects.filter(municipality=kyoto.municipality, frozen_at__isnull=False).exists()
    office.post(reverse("incidents:freeze_all"), {"reason": "不正アクセスの疑い", "confirm": "yes"})
    assert Account.objects.filter(municipality=kyoto.municipality, frozen_at__isnull=False).count() == 2


def test_nobody_reads_another_persons_notification(kyoto, client_for):
    incident = actions.do_open_incident(
        kyoto.operator, kyoto.municipality, kind=Kind.FLAMING, account=kyoto.account, title="批判"
    )
    actions.do_complete_step(kyoto.operator, incident, "stay_calm")
    note = Notification.objects.filter(recipient=kyoto.head).first()
    assert client_for(kyoto.head2).post(reverse("notify:open", args=[note.pk])).status_code == 404
