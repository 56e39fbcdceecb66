"""Forms at lifecycle steps: generate the step's forms, keep them with any uploaded copy, report their digests.

``file_step_forms`` is this app's ``step_filers`` entry (``apps.py``): the
registry's step runner calls it inside the step's transaction, after the
step's changes are applied. For every form the step submits (``documents``)
or issues (``issues``) it renders the PDF and the DOCX from the registry at
that moment, stores them as ``FormCopy`` rows, and returns the digests for
the step's own audit event. Signed or scanned copies sent with the step
(file inputs ``form_copy:<form id>``) are checked and stored the same way. Cost: two
renders per form (≈ 50 ms) and one insert per file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.utils import timezone

from koshiki.documents.catalog import load_catalog
from koshiki.documents.facts import facts_from_account
from koshiki.documents.fill import FilledForm, fill
from koshiki.documents.models import FormCopy
from koshiki.documents.render import render_docx, render_pdf, sha256_hex
from koshiki.errors import ActionError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_TYPES = {"pdf", "jpg", "jpeg", "png", "tif", "tiff", "docx"}


UPLOAD_PREFIX = "form_copy:"  # the step page's file inputs are named form_copy:<form id>


@dataclass(frozen=True)
class FormUpload:
    """A signed or scanned copy of one of the step's forms, as uploaded."""

    form_id: str
    filename: str
    content: bytes


def uploads_from(attachments: Mapping[str, Any]) -> list[FormUpload]:
    """The ``form_copy:<form id>`` files among a step's attachments; size checked before reading."""
    uploads = []
    for name, upload in attachments.items():
        if not name.startswith(UPLOAD_PREFIX) or upload is None:
            continue
        if upload.size > MAX_UPLOAD_BYTES:
            raise ActionError("写しのファイルは10MB以下にしてください")
        uploads.append(FormUpload(name[len(UPLOAD_PREFIX) :], upload.name, upload.read()))
    return uploads


def step_form_ids(step: Any) -> list[str]:
    """The ids of the forms a step submits or issues, in order, without repeats."""
    seen: list[str] = []
    for doc in (*step.documents, *step.issues):
        if doc.id not in seen:
            seen.append(doc.id)
    return seen


def applicant_name(account: Any) -> str:
    """The person named as 担当 on the forms: the application's applicant, else the responsible person."""
    application = getattr(account, "application", None) if account.pk else None
    user = application.applicant if application is not None else account.responsible_user
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def filled_for_account(account: Any, form_id: str, on: date | None = None) -> FilledForm:
    """The account's form ``form_id`` filled from the registry now (``KeyError`` for an unknown form)."""
    spec = load_catalog(account.municipality.profile_id).get(form_id)
    facts = facts_from_account(account, applicant=applicant_name(account))
    return fill(spec, facts, on or timezone.localdate())


def _store(
    actor: Any,
    account: Any,
    form_id: str,
    label: str,
    step_id: str,
    origin: str,
    fmt: str,
    filename: str,
    data: bytes,
) -> dict[str, Any]:
    copy = FormCopy.objects.create(
        account=account,
        form_id=form_id,
        form_label=label,
        step_id=step_id,
        origin=origin,
        format=fmt,
        filename=filename,
        content=data,
        size=len(data),
        sha256=sha256_hex(data),
        created_by=actor,
    )
    return {
        "form": form_id,
        "origin": origin,
        "format": fmt,
        "filename": filename,
        "sha256": copy.sha256,
        "copy": copy.pk,
    }


def file_step_forms(actor: Any, account: Any, step: Any, attachments: Mapping[str, Any]) -> dict[str, Any]:
    """Generate and keep the step's forms (and an uploaded copy); ``{"forms": [...]}`` for the audit event.

    Must run inside the step's transaction. Refuses an upload for a form the
    step does not ask for, of another type, or empty, with a Japanese message.
    """
    form_ids = step_form_ids(step)
    uploads = uploads_from(attachments)
    if not form_ids:
        if uploads:
            raise ActionError("この手続には提出する様式がありません")
        return {}
    catalog = load_catalog(account.municipality.profile_id)
    on = timezone.localdate()
    records = []
    for form_id in form_ids:
        spec = catalog.get(form_id)
        form = filled_for_account(account, form_id, on)
        for fmt, data in (("pdf", render_pdf(form)), ("docx", render_docx(form))):
            filename = form.filename(fmt, account.display_name)
            records.append(
                _store(
                    actor,
                    account,
                    form_id,
                    spec.label,
                    step.id,
                    FormCopy.Origin.GENERATED,
                    fmt,
                    filename,
                    data,
                )
            )
    for upload in uploads:
        if upload.form_id not in form_ids:
            raise ActionError("この手続の様式ではない写しです")
        ext = PurePath(upload.filename).suffix.lower().lstrip(".")
        if ext not in UPLOAD_TYPES:
            raise ActionError("写しは PDF・画像（JPEG/PNG/TIFF）・Word（.docx）のファイルにしてください")
        if not upload.content:
            raise ActionError("写しのファイルが空です")
        name = PurePath(upload.filename).name[-200:]
        records.append(
            _store(
                actor,
                account,
                upload.form_id,
                catalog.get(upload.form_id).label,
                step.id,
                FormCopy.Origin.UPLOADED,
                ext,
                name,
                upload.content,
            )
        )
    return {"forms": records}
