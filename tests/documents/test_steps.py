"""A step that asks for forms: offered pre-filled, filed with their SHA-256 in the step's audit event, signed copy optional."""

from __future__ import annotations

import hashlib
import io

import docx
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koshiki.audit.models import AuditEvent
from koshiki.documents.models import FormCopy
from koshiki.registry.models import Account
from tests.personas import account_in

pytestmark = pytest.mark.django_db

SCANNED = b"%PDF-1.4\n% scanned copy of the stamped form 2\n%%EOF\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def last_event(account: Account) -> AuditEvent:
    return (
        AuditEvent.objects.filter(object_type="registry.account", object_id=str(account.pk))
        .order_by("-seq")
        .first()
    )


def test_the_step_offers_its_forms_and_records_the_downloaded_files_digest(city, client_for) -> None:  # noqa: ANN001
    account = account_in(city, "acquired")
    client = client_for(city.people["operator"])
    page = client.get(reverse("registry:step", args=[account.pk, "request_listing"]))
    html = page.content.decode()
    pdf_url = reverse("documents:account_form", args=[account.pk, "listing_request", "pdf"])
    docx_url = reverse("documents:account_form", args=[account.pk, "policy", "docx"])
    assert pdf_url in html and docx_url in html
    assert 'name="form_copy:listing_request"' in html and 'enctype="multipart/form-data"' in html

    downloaded = client.get(pdf_url)
    assert downloaded["Content-Type"] == "application/pdf"
    assert "attachment" in downloaded["Content-Disposition"]
    pdf = downloaded.content
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert (
        f"{city.municipality.name}ソーシャルメディア一覧掲載依頼書" in text and account.display_name in text
    )

    response = client.post(
        reverse("registry:step", args=[account.pk, "request_listing"]),
        {
            "genre": account.genre,
            "documents": ["policy", "listing_request"],
            "form_copy:listing_request": SimpleUploadedFile("様式2_押印済み.pdf", SCANNED, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.status == "listing_requested"

    event = last_event(account)
    assert event.action == "account.request_listing"
    filed = event.summary["details"]["forms"]
    generated_pdf = next(f for f in filed if f["form"] == "listing_request" and f["format"] == "pdf")
    assert generated_pdf["origin"] == "generated"
    assert generated_pdf["sha256"] == sha(pdf)  # the very file the operator downloaded before the step
    uploaded = next(f for f in filed if f["origin"] == "uploaded")
    assert uploaded == {
        "form": "listing_request",
        "origin": "uploaded",
        "format": "pdf",
        "filename": "様式2_押印済み.pdf",
        "sha256": sha(SCANNED),
        "copy": uploaded["copy"],
    }
    assert {(f["form"], f["format"]) for f in filed if f["origin"] == "generated"} == {
        ("policy", "pdf"),
        ("policy", "docx"),
        ("listing_request", "pdf"),
        ("listing_request", "docx"),
    }

    copy = FormCopy.objects.get(pk=uploaded["copy"])
    kept = client.get(reverse("documents:form_copy", args=[account.pk, copy.pk]))
    assert kept.content == SCANNED and copy.sha256 == sha(SCANNED)
    detail = client.get(reverse("registry:account_detail", args=[account.pk])).content.decode()
    assert "様式2_押印済み.pdf" in detail and copy.sha256[:16] in detail


def test_a_step_that_issues_a_form_files_it_too(city, client_for) -> None:  # noqa: ANN001
    account = account_in(city, "listing_requested")
    office = client_for(city.people["office"])
    response = office.post(
        reverse("registry:step", args=[account.pk, "list"]), {"genre": account.genre, "confirm": "on"}
    )
    assert response.status_code == 302
    event = last_event(account)
    forms = {(f["form"], f["format"]) for f in event.summary["details"]["forms"]}
    assert ("listing_notice", "docx") in forms
    copy = FormCopy.objects.get(account=account, form_id="listing_notice", format="docx", step_id="list")
    document = docx.Document(io.BytesIO(bytes(copy.content)))
    assert any("一覧掲載通知書" in p.text for p in document.paragraphs)


def test_a_copy_of_another_type_is_refused_and_nothing_is_filed(city, client_for) -> None:  # noqa: ANN001
    account = account_in(city, "acquired")
    client = client_for(city.people["operator"])
    before, copies = AuditEvent.objects.count(), FormCopy.objects.filter(account=account).count()
    response = client.post(
        reverse("registry:step", args=[account.pk, "request_listing"]),
        {
            "genre": account.genre,
            "documents": ["policy", "listing_request"],
            "form_copy:listing_request": SimpleUploadedFile("scan.exe", b"MZ...", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert (
        "写しは PDF・画像（JPEG/PNG/TIFF）・Word（.docx）のファイルにしてください"
        in response.content.decode()
    )
    account.refresh_from_db()
    assert account.status == "acquired"
    assert FormCopy.objects.filter(account=account).count() == copies  # rolled back with the step
    assert AuditEvent.objects.count() == before


def test_forms_of_another_units_account_are_not_found(city, client_for) -> None:  # noqa: ANN001
    account = account_in(city, "acquired")
    other = client_for(city.people["operator_b"])
    assert other.get(reverse("documents:account_form", args=[account.pk, "policy", "pdf"])).status_code == 404
    auditor = client_for(city.people["auditor"])
    assert (
        auditor.get(reverse("documents:account_form", args=[account.pk, "policy", "pdf"])).status_code == 200
    )
    client = client_for(city.people["operator"])
    assert (
        client.get(reverse("documents:account_form", args=[account.pk, "nosuchform", "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("documents:account_form", args=[account.pk, "policy", "xls"])).status_code == 404
    )


def test_the_account_page_links_every_form_of_the_profile(city, client_for) -> None:  # noqa: ANN001
    account = account_in(city, "listed")
    html = (
        client_for(city.people["operator"])
        .get(reverse("registry:account_detail", args=[account.pk]))
        .content.decode()
    )
    for form_id in ("policy", "unblock_request", "listing_request", "removal_notice"):
        assert reverse("documents:account_form", args=[account.pk, form_id, "pdf"]) in html
        assert reverse("documents:account_form", args=[account.pk, form_id, "docx"]) in html
    assert "様式4 ソーシャルメディア一覧削除依頼書" in html
    assert reverse("documents:roster_xlsx", args=[account.pk]) in html
