"""Storing files, reading their records and checking them: what the actions and views share.

Files live in the ``koshiki_media`` storage of ``settings.STORAGES`` (local
files under ``$KOSHIKI_DATA_DIR/media`` by default; a city can name another
Django storage backend with ``KOSHIKI_MEDIA_STORAGE``). The storage is never
served directly: every byte goes out through a view that checks who may see
the draft (or holds the campaign link), so files of unpublished drafts are
never public.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from koshiki.attachments.models import Attachment, MediaFile, MediaRecord
from koshiki.checker.engine import check, check_media
from koshiki.checker.subjects import MediaFacts
from koshiki.errors import ActionError
from koshiki.media import MediaError, Probe, clean, preview, probe

STORAGE_ALIAS = "koshiki_media"
_EXT = {
    "jpeg": ".jpg",
    "png": ".png",
    "webp": ".webp",
    "heic": ".heic",
    "gif": ".gif",
    "mp4": ".mp4",
    "mov": ".mov",
}
PART = "media"


def storage() -> Any:
    return storages[STORAGE_ALIAS]


@dataclass(frozen=True)
class Spec:
    """A file as it is (or will be) attached to a revision."""

    file: MediaFile
    name: str
    alt_text: str = ""
    decorative: bool = False
    location_intended: bool = False

    @property
    def format(self) -> str:
        return self.file.format

    @property
    def kind(self) -> str:
        return self.file.kind

    @property
    def size(self) -> int:
        return self.file.size

    @property
    def duration(self) -> float | None:
        return self.file.duration


def read_upload(data: bytes, name: str) -> Probe:
    """Probe an uploaded file (faces included); ``ActionError`` with the Japanese reason when unreadable."""
    try:
        return probe(data, name)
    except MediaError as exc:
        raise ActionError(f"「{name}」: {exc}") from exc


def store(data: bytes, found: Probe, actor: Any, *, cleaned_from: MediaFile | None = None,
          removed: Sequence[str] = ()) -> MediaFile:  # fmt: skip
    """The ``MediaFile`` for ``data``, stored once by its SHA-256 (an existing one is returned as is)."""
    existing = MediaFile.objects.filter(sha256=found.sha256).first()
    if existing is not None:
        return existing
    name = f"files/{found.sha256[:2]}/{found.sha256}{_EXT[found.format]}"
    if not storage().exists(name):
        storage().save(name, ContentFile(data))
    preview_name = ""
    try:
        small = preview(data)
    except (MediaError, OSError):
        small = None
    if small:
        preview_name = f"previews/{found.sha256[:2]}/{found.sha256}.jpg"
        if not storage().exists(preview_name):
            storage().save(preview_name, ContentFile(small))
    return MediaFile.objects.create(
        sha256=found.sha256,
        format=found.format,
        kind=found.kind,
        mime=found.mime,
        size=found.size,
        width=found.width,
        height=found.height,
        duration=found.duration,
        location_tags=list(found.location_tags),
        location_text=found.location_text,
        metadata_tags=list(found.metadata_tags),
        faces=found.faces,
        notes=list(found.notes),
        storage_name=name,
        preview_name=preview_name,
        cleaned_from=cleaned_from,
        removed_tags=list(removed),
        created_by=actor,
    )


def unsaved_file(found: Probe) -> MediaFile:
    """A ``MediaFile`` for a probe that is not stored (a check that keeps nothing)."""
    return MediaFile(
        sha256=found.sha256, format=found.format, kind=found.kind, mime=found.mime, size=found.size,
        width=found.width, height=found.height, duration=found.duration,
        location_tags=list(found.location_tags), location_text=found.location_text,
        metadata_tags=list(found.metadata_tags), faces=found.faces,
    )  # fmt: skip


def prepare_upload(data: bytes, name: str, *, strip: bool) -> tuple[str, bytes, Probe, tuple[str, ...]]:
    """(name, bytes, probe, removed tags) of an upload, cleaned first when ``strip`` and it has metadata.

    ``ActionError`` (Japanese) when the file cannot be read or cleaned.
    """
    found = read_upload(data, name)
    if not (strip and found.has_metadata):
        return name, data, found, ()
    try:
        cleaned = clean(data, name)
    except MediaError as exc:
        raise ActionError(f"「{name}」: {exc}") from exc
    return cleaned.name, cleaned.data, read_upload(cleaned.data, cleaned.name), cleaned.removed


def read_preview(file: MediaFile) -> bytes | None:
    """The stored preview JPEG of ``file``, or None when none was made."""
    if not file.preview_name:
        return None
    with storage().open(file.preview_name, "rb") as fh:
        return fh.read()


def read_bytes(file: MediaFile) -> bytes:
    with storage().open(file.storage_name, "rb") as fh:
        return fh.read()


def specs_of(revision: Any) -> list[Spec]:
    """The files attached to ``revision`` (none for a revision made before media existed)."""
    if revision is None:
        return []
    return [
        Spec(a.file, a.name, a.alt_text, a.decorative, a.location_intended)
        for a in revision.attachments.select_related("file").order_by("position")
    ]


def records_for(municipality: Any, specs: Iterable[Spec]) -> dict[str, MediaRecord]:
    shas = {s.file.sha256 for s in specs}
    if not shas:
        return {}
    rows = MediaRecord.objects.filter(municipality=municipality, sha256__in=shas).select_related(
        "consent_document"
    )
    return {r.sha256: r for r in rows}


def facts_for(spec: Spec, record: MediaRecord | None, today: Any = None) -> MediaFacts:
    """The checker's view of one attached file: what was read, what the uploader set, what is recorded."""
    today = today or timezone.localdate()
    f = spec.file
    return MediaFacts(
        kind=f.kind,
        name=spec.name,
        has_location=bool(f.location_tags),
        location_tags=tuple(f.location_tags),
        metadata_removed=f.metadata_removed and not f.location_tags,
        location_intended=spec.location_intended,
        faces_detected=f.faces,
        people_marked_by_uploader=bool(record and record.people_shown),
        consent_recorded=bool(record and record.consent_valid(today)),
        public_official_recorded=bool(record and record.consent == "public_official"),
        rights_basis=record.rights_basis if record else "",
        rights_note=" ".join(x for x in (record.rights_holder, record.rights_note) if x) if record else "",
        screen_marked=bool(record and record.screen_shown),
        screen_public=bool(record and record.screen_public),
        alt_text=spec.alt_text,
        decorative=spec.decorative or f.kind == "video",
    )


def media_findings(profile_id: str, municipality: Any, specs: Sequence[Spec]) -> list[dict[str, Any]]:
    """Findings of every attached file (media rules, and text rules on its alt text), part ``media:i``."""
    records = records_for(municipality, specs)
    out: list[dict[str, Any]] = []
    for i, spec in enumerate(specs):
        part = f"{PART}:{i}"
        out += findings_json(check_media(facts_for(spec, records.get(spec.file.sha256)), profile_id), part)
        if spec.alt_text:
            out += findings_json(check(spec.alt_text, profile_id, {"author_kind": "official"}), part)
    return out


def findings_json(findings: Iterable[Any], part: str) -> list[dict[str, Any]]:
    """Findings as the JSON a revision stores, each with its ``part`` (as ``posts.checking`` does)."""
    return [{**f.as_dict(), "part": part} for f in findings]


def media_digest(municipality: Any, specs: Sequence[Spec]) -> list[dict[str, Any]]:
    """What of the files a revision's content hash covers: bytes, texts, flags and records."""
    records = records_for(municipality, specs)
    out = []
    for s in specs:
        record = records.get(s.file.sha256)
        out.append(
            {
                "sha256": s.file.sha256,
                "name": s.name,
                "alt_text": s.alt_text.strip(),
                "decorative": s.decorative,
                "location_intended": s.location_intended,
                "record": record.fingerprint() if record else None,
            }
        )
    return out


def digest_text(digest: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(digest, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def attach(revision: Any, specs: Sequence[Spec]) -> None:
    Attachment.objects.bulk_create(
        Attachment(
            revision=revision,
            position=i,
            file=s.file,
            name=s.name,
            alt_text=s.alt_text,
            decorative=s.decorative,
            location_intended=s.location_intended,
        )
        for i, s in enumerate(specs)
    )


def with_changes(spec: Spec, **changes: Any) -> Spec:
    return replace(spec, **changes)
