"""Publication records: the posted text compared with the approved revision, out-of-hours warnings."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError
from koshiki.posts.actions.common import (
    _check_url,
    _lock_draft,
    _parse_when,
    _require_draft,
    _require_postable,
    hours_warning,
    post_procedures_for,
)
from koshiki.posts.checking import (
    text_hash,
)
from koshiki.posts.models import (
    ApprovalRun,
    Draft,
    Publication,
    Revision,
)
from koshiki.posts.states import (
    CorrectionHandling,
    DraftKind,
    DraftStatus,
    RunStatus,
)
from koshiki.registry.freeze import require_not_frozen
from koshiki.registry.models import Account


def _publish(
    actor: Person,
    d: Draft,
    rev: Revision,
    url: str,
    published_at: datetime,
    recorded_text: str,
    original_deleted: bool,
    approved_at: datetime | None = None,
) -> Publication:
    """Record the publication of ``rev`` (inside the caller's transaction, ``d`` locked).

    A publication time earlier than ``approved_at`` (the approval of that
    revision, or of the scope it was posted under) is recorded, never refused
    (the post is out), with the error finding 「承認前の投稿」 and its own
    audit event (issue 9 item 3).
    """
    recorded = (recorded_text or "").strip() or rev.text
    if d.kind == DraftKind.CORRECTION:
        _apply_correction_handling(actor, d, original_deleted, published_at)
    elif original_deleted:
        raise ActionError("訂正ではない投稿で元の投稿の削除は記録できません")
    digest = text_hash(recorded)
    publication = Publication.objects.create(
        draft=d,
        revision=rev,
        url=url,
        published_at=published_at,
        recorded_text=recorded,
        recorded_sha256=digest,
        matches=digest == rev.text_sha256,
        hours_warning=hours_warning(d.account, published_at),
        approved_at=approved_at,
        before_approval=approved_at is not None and published_at < approved_at,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if publication.before_approval:
        record_event(
            actor,
            "posts.publication.before_approval",
            publication,
            {},
            {"before_approval": True},
            details={
                "finding": before_approval_finding(publication),
                "published_at": published_at,
                "approved_at": approved_at,
                "draft": d.pk,
                "revision": rev.number,
            },
        )
    d.status = DraftStatus.PUBLISHED
    # The registry's dormancy check (川崎市5(9)) reads the account's last post date.
    day = timezone.localtime(published_at).date()
    Account.objects.filter(pk=d.account_id).exclude(last_posted_at__gte=day).update(last_posted_at=day)
    return publication


def before_approval_finding(publication: Publication) -> dict[str, str]:
    """The error finding a publication before its approval carries (for the audit trail and pages)."""
    published = timezone.localtime(publication.published_at).strftime("%Y-%m-%d %H:%M")
    approved = (
        timezone.localtime(publication.approved_at).strftime("%Y-%m-%d %H:%M")
        if publication.approved_at
        else ""
    )
    return {
        "rule": "posts.before_approval",
        "severity": "error",
        "message": f"承認前の投稿: 投稿日時（{published}）が承認日時（{approved}）より前です",
    }


def _apply_correction_handling(actor: Person, d: Draft, original_deleted: bool, when: datetime) -> None:
    """Enforce the handling chosen for a correction on the original post's record."""
    procedures = post_procedures_for(d.account)
    original = Publication.objects.select_for_update().filter(draft_id=d.corrects_id).first()
    if original is not None and when < original.published_at:
        raise ActionError(
            "訂正の投稿日時が元の投稿の日時より前になっています。訂正を投稿した日時を入力してください"
        )
    if d.correction_handling == CorrectionHandling.DELETE_AND_REPOST:
        # 狛江市ポリシー見本第5条2項: 直ちに削除するとともに、訂正した内容を改めて発信する。
        if not original_deleted:
            raise ActionError(
                f"元の投稿を削除したことを確認してから記録してください（{procedures.correction_clause}）"
            )
        if original is not None and original.deleted_at is None:
            original.deleted_at, original.deleted_by = when, actor
            original.save(update_fields=["deleted_at", "deleted_by"])
    elif original_deleted:
        # 京都市4(4)ア(イ): 削除は「隠ぺい」と捉えられるため、削除せず訂正する。
        raise ActionError(
            f"このガイドラインでは誤った投稿を削除せずに訂正します（{procedures.correction_clause}）。元の投稿は残してください"
        )


def do_record_publication(
    actor: Person,
    draft: Draft,
    *,
    url: str,
    published_at: datetime | None = None,
    recorded_text: str = "",
    original_deleted: bool = False,
) -> Publication:
    """Record that the approved revision was published: URL, time and the text as published (issue 4.5).

    The recorded text is compared with the approved revision by hash; a
    mismatch is stored and flagged, not refused (the post is already out).
    A time outside the policy's operating hours is stored as a warning. An
    empty ``recorded_text`` means the caller published the approved text
    itself (a future platform adapter); the page always asks for the text
    pasted from the platform.
    """
    _require_draft(actor, draft.account)
    url = _check_url(url)
    when = _parse_when(published_at)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.APPROVED:
            if d.status == DraftStatus.PUBLISHED:
                raise ActionError("この投稿は既に記録されています")
            raise ActionError(
                f"「{d.get_status_display()}」の投稿案は投稿を記録できません。先に承認を受けてください"
            )
        rev = d.approved_revision
        if rev is None or d.current_revision_id != rev.pk:
            raise ActionError("承認された版と最新の版が違います。もう一度承認を受けてください")
        _require_postable(d.account)
        require_not_frozen(d.account, "投稿を記録")
        approved_at = (
            ApprovalRun.objects.filter(draft=d, revision=rev, status=RunStatus.APPROVED)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        publication = _publish(actor, d, rev, url, when, recorded_text, original_deleted, approved_at)
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.publish",
            d,
            {"status": DraftStatus.APPROVED},
            {"status": d.status, "publication": publication.pk, "revision": rev.number, "sha256": rev.sha256},
            details={
                "url": url,
                "published_at": when,
                "matches": publication.matches,
                "recorded_sha256": publication.recorded_sha256,
                "hours_warning": publication.hours_warning,
                "before_approval": publication.before_approval,
                "original_deleted": bool(original_deleted),
            },
        )
    return publication
