"""Rows for showing a revision's files: facts, findings, record (editor, approval and file pages)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from koshiki.attachments import media as m
from koshiki.posts.checking import annotate


def file_rows(draft: Any, revision: Any) -> list[dict[str, Any]]:
    """One dict per attached file of ``revision``, in order, with what the pages show."""
    if revision is None:
        return []
    attachments = list(revision.attachments.select_related("file__cleaned_from").order_by("position"))
    specs = [m.Spec(a.file, a.name, a.alt_text, a.decorative, a.location_intended) for a in attachments]
    records = m.records_for(draft.account.municipality, specs)
    numbered = annotate(revision.findings)
    today = timezone.localdate()
    rows = []
    for i, a in enumerate(attachments):
        record = records.get(a.file.sha256)
        rows.append(
            {
                "position": i,
                "attachment": a,
                "file": a.file,
                "record": record,
                "consent_valid": bool(record and record.consent_valid(today)),
                "consent_expired": bool(record and record.consent_until and record.consent_until < today),
                "findings": [f for f in numbered if f.get("part") == f"{m.PART}:{i}"],
            }
        )
    return rows
