"""Images and videos of a draft (issue 11): every change makes a new immutable revision.

An approval covers the exact files of a revision (issue 11.1): adding,
removing, cleaning or describing a file, or recording its rights and consent,
saves a new revision (the same text, the changed files, checked again), and
a draft that was approved needs approval again, as after a text edit. Each
action checks permission (the draft's account: 担当者・所属長), locks the
draft, runs in one transaction and writes one audit event.

Reading and face detection (slow: up to a few hundred milliseconds per
photo) run before the transaction; storing is content-addressed, so a file
stored by a transaction that is then refused is only an unused file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.attachments import media as m
from koshiki.attachments.models import RIGHTS_LABELS, Consent, MediaFile, MediaRecord
from koshiki.audit.events import record_event
from koshiki.citysettings.effective import effective_profile
from koshiki.errors import ActionError
from koshiki.media import MediaError, clean
from koshiki.media.limits import limits_for, problems
from koshiki.posts.actions.common import (
    _lock_draft,
    _new_revision,
    _require_draft,
    _revision_summary,
    check_draft_content,
)
from koshiki.posts.models import Draft, Revision
from koshiki.posts.states import EDITABLE, DraftStatus

MAX_UPLOADS = 10
MAX_ALT_TEXT = 1000
MAX_CONSENT_DOCUMENT = 20 * 1024 * 1024


def _guard_editable(d: Draft) -> None:
    if d.status not in EDITABLE:
        if d.status == DraftStatus.SUBMITTED:
            raise ActionError("承認待ちの投稿案は変更できません。承認の依頼を取り消してから変更してください")
        raise ActionError(f"「{d.get_status_display()}」の投稿案は変更できません")


def platform_problems(draft: Draft, specs: Sequence[m.Spec]) -> list[str]:
    """The account's platform limits (profile data) broken by ``specs``, in Japanese."""
    profile = effective_profile(draft.account.municipality)
    platform = draft.account.platform
    return problems(limits_for(profile.param("media_limits"), platform), platform, specs)


def _media_revision(
    actor: Person,
    draft: Draft,
    change: Callable[[list[m.Spec]], list[m.Spec]],
    action: str,
    details: dict[str, Any],
    *,
    before_change: Callable[[Draft], None] | None = None,
) -> Revision:
    """Lock, apply ``change`` to the current files, save them as a new checked revision, audit."""
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        _guard_editable(d)
        current = d.current_revision
        if before_change is not None:
            before_change(d)
        specs = change(m.specs_of(current))
        text, alts, urls, findings = check_draft_content(
            d.account, current.text, current.alt_texts, current.links, exclude_draft=d
        )
        revision = _new_revision(d, current.number + 1, actor, text, alts, urls, findings, media=specs)
        before = {"status": d.status, "revision": current.number}
        reset = d.status == DraftStatus.APPROVED
        d.current_revision = revision
        if reset:
            # The approval covered the files of the approved revision only (issue 11.1).
            d.status = DraftStatus.DRAFT
            d.approved_revision = None
        d.save(update_fields=["current_revision", "status", "approved_revision", "updated_at"])
        record_event(
            actor,
            action,
            d,
            before,
            {"status": d.status, **_revision_summary(revision)},
            details={**details, "approval_reset": reset},
        )
    return revision


def _at(specs: list[m.Spec], position: int) -> m.Spec:
    if not 0 <= position < len(specs):
        raise ActionError("指定された添付ファイルはこの版にありません")
    return specs[position]


def do_attach_media(actor: Person, draft: Draft, uploads: Sequence[tuple[str, bytes]]) -> Revision:
    """Add uploaded files (name, bytes) to the draft as a new revision; platform limits apply."""
    _require_draft(actor, draft.account)
    if not uploads:
        raise ActionError("添付するファイルを選んでください")
    if len(uploads) > MAX_UPLOADS:
        raise ActionError(f"一度に添付できるファイルは{MAX_UPLOADS}個までです")
    probes = [(name[:200] or "無題", data, m.read_upload(data, name)) for name, data in uploads]
    stored: list[m.Spec] = []

    def change(specs: list[m.Spec]) -> list[m.Spec]:
        # Limits before anything is stored: a refused upload leaves no file behind.
        broken = platform_problems(draft, [*specs, *(found for _, _, found in probes)])
        if broken:
            raise ActionError("／".join(broken))
        for name, data, found in probes:
            stored.append(m.Spec(m.store(data, found, actor), name))
        return specs + stored

    return _media_revision(
        actor,
        draft,
        change,
        "posts.media.attach",
        {
            "files": [
                {"name": n, "sha256": p.sha256, "format": p.format, "size": p.size} for n, _, p in probes
            ]
        },
    )


def do_detach_media(actor: Person, draft: Draft, position: int) -> Revision:
    """Remove the file at ``position`` from the draft (a new revision without it)."""

    def change(specs: list[m.Spec]) -> list[m.Spec]:
        _at(specs, position)
        return specs[:position] + specs[position + 1 :]

    return _media_revision(actor, draft, change, "posts.media.detach", {"position": position})


def do_describe_media(
    actor: Person,
    draft: Draft,
    position: int,
    *,
    alt_text: str,
    decorative: bool = False,
    location_intended: bool = False,
) -> Revision:
    """Set a file's alternative text, decorative mark and intended-location mark (a new revision)."""
    alt = (alt_text or "").replace("\r\n", "\n").strip()
    if len(alt) > MAX_ALT_TEXT:
        raise ActionError(f"代替テキストは{MAX_ALT_TEXT:,}字までで入力してください")

    def change(specs: list[m.Spec]) -> list[m.Spec]:
        spec = _at(specs, position)
        new = m.with_changes(spec, alt_text=alt, decorative=decorative, location_intended=location_intended)
        if new == spec:
            raise ActionError("変更がありません")
        return specs[:position] + [new] + specs[position + 1 :]

    return _media_revision(
        actor,
        draft,
        change,
        "posts.media.describe",
        {"position": position, "decorative": decorative, "location_intended": location_intended},
    )


def do_clean_media(actor: Person, draft: Draft, position: int) -> Revision:
    """「位置情報などを削除」: replace the file with a copy without metadata, as a new revision.

    The copy has another SHA-256, so the revision needs approval like any
    change; the rights and consent recorded for the original are copied to it
    (it is the same picture). ``ActionError`` when the metadata cannot be
    removed (the reason says what to do instead).
    """
    _require_draft(actor, draft.account)
    fresh = Draft.objects.select_related("current_revision").get(pk=draft.pk)
    current = m.specs_of(fresh.current_revision)
    original = _at(current, position).file
    try:
        cleaned = clean(m.read_bytes(original), _at(current, position).name)
        found = m.read_upload(cleaned.data, cleaned.name)
    except MediaError as exc:
        raise ActionError(str(exc)) from exc
    info: dict[str, Any] = {"position": position}

    def change(specs: list[m.Spec]) -> list[m.Spec]:
        spec = _at(specs, position)
        if spec.file.pk != original.pk:
            raise ActionError("ほかの人が添付ファイルを変更しました。画面を開き直してください")
        copy = m.store(cleaned.data, found, actor, cleaned_from=original, removed=cleaned.removed)
        _copy_record(draft, original.sha256, copy.sha256, actor)
        info.update(sha256_before=original.sha256, sha256_after=copy.sha256, removed=list(cleaned.removed))
        return specs[:position] + [m.with_changes(spec, file=copy, name=cleaned.name)] + specs[position + 1 :]

    return _media_revision(actor, draft, change, "posts.media.clean", info)


def _copy_record(draft: Draft, from_sha: str, to_sha: str, actor: Person) -> None:
    city = draft.account.municipality
    source = MediaRecord.objects.filter(municipality=city, sha256=from_sha).first()
    if source is None or MediaRecord.objects.filter(municipality=city, sha256=to_sha).exists():
        return
    source.pk = None
    source.sha256 = to_sha
    source.recorded_by = actor
    source.updated_at = timezone.now()
    source.save(force_insert=True)


def do_record_media(
    actor: Person,
    draft: Draft,
    position: int,
    *,
    rights_basis: str = "",
    rights_holder: str = "",
    rights_note: str = "",
    people_shown: bool = False,
    consent: str = "",
    consent_who: str = "",
    consent_scope: str = "",
    consent_until: date | None = None,
    consent_document: tuple[str, bytes] | None = None,
    screen_shown: bool = False,
    screen_public: bool = False,
) -> Revision:
    """Record who made the file, on what terms, and whose consent covers the people in it.

    The record belongs to the file (its SHA-256) in this city, so it is reused
    when the same file is attached again; the draft gets a new revision checked
    with it. The consent document (PDF or image) is stored like any file.
    """
    if rights_basis and rights_basis not in RIGHTS_LABELS:
        raise ActionError("権利の根拠を選び直してください")
    if consent not in Consent.values:
        raise ActionError("同意の根拠を選び直してください")
    if consent and consent != Consent.PUBLIC_OFFICIAL and not consent_who.strip():
        raise ActionError("同意した人・団体を入力してください")
    document_bytes = None
    if consent_document is not None:
        name, data = consent_document
        if len(data) > MAX_CONSENT_DOCUMENT:
            raise ActionError("同意書のファイルは20MBまでです")
        document_bytes = (name, data)
    fields = {
        "rights_basis": rights_basis,
        "rights_holder": rights_holder.strip()[:200],
        "rights_note": rights_note.strip(),
        "people_shown": people_shown,
        "consent": consent,
        "consent_who": consent_who.strip()[:200],
        "consent_scope": consent_scope.strip()[:300],
        "consent_until": consent_until,
        "screen_shown": screen_shown,
        "screen_public": screen_public,
    }
    info: dict[str, Any] = {"position": position}

    def write(d: Draft) -> None:
        spec = _at(m.specs_of(d.current_revision), position)
        values = dict(fields)
        if document_bytes is not None:
            values["consent_document"] = _store_document(*document_bytes, actor)
        record, created = MediaRecord.objects.select_for_update().get_or_create(
            municipality=d.account.municipality,
            sha256=spec.file.sha256,
            defaults={**values, "recorded_by": actor},
        )
        if not created:
            for key, value in values.items():
                setattr(record, key, value)
            record.recorded_by = actor
            record.updated_at = timezone.now()
            record.save()
        info.update(
            sha256=spec.file.sha256,
            rights_basis=rights_basis,
            consent=consent,
            consent_until=consent_until.isoformat() if consent_until else "",
            consent_document=record.consent_document.sha256 if record.consent_document_id else "",
        )

    return _media_revision(actor, draft, lambda specs: specs, "posts.media.record", info, before_change=write)


def _store_document(name: str, data: bytes, actor: Person) -> Any:
    """A consent document: PDF, or an image/scan in a supported format; stored by SHA-256 like media."""
    if data.startswith(b"%PDF-"):
        sha = hashlib.sha256(data).hexdigest()
        existing = MediaFile.objects.filter(sha256=sha).first()
        if existing is not None:
            return existing
        storage_name = f"documents/{sha[:2]}/{sha}.pdf"
        if not m.storage().exists(storage_name):
            m.storage().save(storage_name, ContentFile(data))
        return MediaFile.objects.create(
            sha256=sha, format="pdf", kind="document", mime="application/pdf", size=len(data),
            storage_name=storage_name, created_by=actor,
        )  # fmt: skip
    try:
        found = m.read_upload(data, name)
    except ActionError:
        raise ActionError("同意書は PDF か画像（JPEG・PNG など）で添付してください") from None
    return m.store(data, found, actor)
