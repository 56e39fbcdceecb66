"""Bringing comments into the inbox: pasted, imported from CSV, or sent to ``POST /api/comments``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.comments.actions.common import require_staff
from koshiki.comments.classify import Classifier
from koshiki.comments.importers import CommentInput
from koshiki.comments.models import Comment
from koshiki.comments.states import Source
from koshiki.errors import ActionError
from koshiki.posts.models import Publication
from koshiki.registry.models import Account
from koshiki.registry.states import Status

# Comments arrive while an account runs, and after it is suspended (replies to old posts).
RECEIVING_STATES = frozenset(
    {Status.ACQUIRED, Status.LISTING_REQUESTED, Status.REGISTERED, Status.LISTED, Status.SUSPENDED}
)


@dataclass
class ImportResult:
    """What one import did: the new comments and how many were already in the inbox."""

    created: list[Comment] = field(default_factory=list)
    duplicates: int = 0


def do_import_comments(
    actor: Person,
    account: Account,
    comments: Sequence[CommentInput],
    *,
    source: str,
    source_format: str = "",
) -> ImportResult:
    """Store new comments of ``account``, each classified; a re-imported comment is counted, not stored again.

    All or nothing: one transaction for the batch (the rows were validated
    before, by ``importers``). Classification runs before the transaction.
    """
    require_staff(actor, account)
    if source not in Source.values:
        raise ActionError("取込み方法が正しくありません")
    if account.status not in RECEIVING_STATES:
        raise ActionError(f"「{account.get_status_display()}」のアカウントにはコメントを取り込めません")
    if not comments:
        raise ActionError("取り込むコメントがありません")
    platform = account.platform
    keyed: dict[str, CommentInput] = {}
    repeated = 0
    for c in comments:
        key = c.dedup_key(platform)
        if key in keyed:
            repeated += 1
        else:
            keyed[key] = c
    existing = set(
        Comment.objects.filter(account=account, dedup_key__in=list(keyed)).values_list("dedup_key", flat=True)
    )
    fresh = {k: c for k, c in keyed.items() if k not in existing}
    replied_to = {c.in_reply_to for c in fresh.values() if c.in_reply_to}
    publications = {
        p.url: p
        for p in Publication.objects.filter(draft__account=account, url__in=replied_to).select_related(
            "revision"
        )
    }
    now = timezone.now()
    classify = Classifier(account)
    rows = []
    for key, c in fresh.items():
        publication = publications.get(c.in_reply_to)
        result = classify(c.text, c.posted_at, publication.recorded_text if publication else "")
        rows.append(
            Comment(
                account=account,
                source=source,
                source_format=source_format,
                external_id=c.external_id,
                url=c.url,
                author_handle=c.author,
                text=c.text,
                posted_at=c.posted_at,
                in_reply_to_url=c.in_reply_to,
                publication=publication,
                dedup_key=key,
                imported_by=actor,
                imported_at=now,
                **result,
            )
        )
    out = ImportResult(duplicates=len(existing) + repeated)
    with transaction.atomic():
        # A concurrent import of the same file: re-read the keys under the account's row lock.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        taken = set(
            Comment.objects.filter(account=account, dedup_key__in=[r.dedup_key for r in rows]).values_list(
                "dedup_key", flat=True
            )
        )
        new = [row for row in rows if row.dedup_key not in taken]
        out.duplicates += len(rows) - len(new)
        # One INSERT per batch; both databases return the new ids.
        out.created = Comment.objects.bulk_create(new, batch_size=500)
        record_event(
            actor,
            "comments.import",
            account,
            {},
            {"created": len(out.created), "duplicates": out.duplicates},
            details={
                "source": source,
                "format": source_format,
                "comments": [c.pk for c in out.created][:500],
                "actions": _count(c.suggested_action for c in out.created),
            },
        )
    return out


def _count(values: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:  # type: ignore[attr-defined]
        counts[v] = counts.get(v, 0) + 1
    return counts
