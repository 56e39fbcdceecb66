"""Pre-approved scopes, the second check, posting under a scope and the post-hoc report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.posts import access
from koshiki.posts.actions.common import (
    _check_url,
    _lock_draft,
    _parse_when,
    _refuse_errors,
    _refuse_stale,
    _require_correction_words,
    _require_draft,
    _require_postable,
    _revision_summary,
    post_procedures_for,
)
from koshiki.posts.actions.publications import _publish
from koshiki.posts.attention import second_check_candidates
from koshiki.posts.models import (
    Draft,
    PostHocReport,
    PreApprovedScope,
    Revision,
    SecondCheck,
    SecondCheckRequest,
)
from koshiki.posts.notices import (
    draft_settled,
    second_check_settled,
    second_checkers_told,
    section_head_told_report,
)
from koshiki.posts.states import (
    SUBMITTABLE,
    SecondCheckRequestStatus,
    SecondCheckResult,
)
from koshiki.registry.freeze import require_not_frozen
from koshiki.registry.models import Account


def do_set_scopes(
    actor: Person, account: Account, scope_ids: Iterable[str], notes: Mapping[str, str] | None = None
) -> list[PreApprovedScope]:
    """Set which scopes operators of ``account`` may post in without prior approval (京都市4(1)イ(ウ)b).

    The section head only; the scope ids are the profile's. Scopes not named
    are switched off (kept for history).
    """
    require(access.can_set_post_scopes(actor, account), "事前承認の範囲を定められるのは所属長です")
    procedures = post_procedures_for(account)
    wanted = set(scope_ids)
    notes = {k: (v or "").strip() for k, v in (notes or {}).items()}
    if not procedures.scopes:
        raise ActionError(
            f"このガイドラインには事前承認の範囲の定めがありません。すべての投稿に{procedures.approver_label}の承認が必要です（{procedures.approval_clause}）"
        )
    unknown = sorted(wanted - procedures.scope_ids)
    if unknown:
        raise ActionError(f"ガイドラインにない範囲です: {', '.join(unknown)}")
    with transaction.atomic():
        Account.objects.select_for_update(of=("self",)).filter(pk=account.pk).first()
        existing = {
            s.scope_id: s for s in PreApprovedScope.objects.select_for_update().filter(account=account)
        }
        before = sorted(k for k, s in existing.items() if s.active)
        now = timezone.now()
        for scope in procedures.scopes:
            row = existing.get(scope.id)
            if scope.id in wanted:
                if row is None:
                    row = PreApprovedScope.objects.create(
                        account=account,
                        scope_id=scope.id,
                        label=scope.label,
                        clause=scope.clause,
                        note=notes.get(scope.id, ""),
                        approved_by=actor,
                        approved_at=now,
                    )
                    existing[scope.id] = row
                elif not row.active or row.note != notes.get(scope.id, row.note):
                    row.active = True
                    row.note = notes.get(scope.id, row.note)
                    row.label, row.clause = scope.label, scope.clause
                    row.approved_by, row.approved_at = actor, now
                    row.revoked_by, row.revoked_at = None, None
                    row.save()
            elif row is not None and row.active:
                row.active = False
                row.revoked_by, row.revoked_at = actor, now
                row.save(update_fields=["active", "revoked_by", "revoked_at"])
        after = sorted(k for k, s in existing.items() if s.active)
        record_event(
            actor,
            "posts.scopes.set",
            ("registry.account", account.pk),
            {"scopes": before},
            {"scopes": after},
            details={"clause": procedures.scope_clause, "notes": {k: notes.get(k, "") for k in after}},
        )
    return [existing[k] for k in after]


def do_request_second_check(actor: Person, draft: Draft, checker: Any | None = None) -> SecondCheckRequest:
    """Ask a named colleague (or, with ``checker`` None, anyone eligible) to do the second check (京都市4(1)イ(ウ)c).

    The named person must be able to check this account's posts and must not be
    the author of the revision; nobody names themselves. While the request is
    open only the named person may record the check; it shows in their
    「あなたの対応待ち」 and on their home page. A new request replaces an open one.
    """
    _require_draft(actor, draft.account)
    procedures = post_procedures_for(draft.account)
    if procedures.second_check_mode == "none":
        raise ActionError("このガイドラインには複数の職員による確認の定めがありません")
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in SUBMITTABLE:
            raise ActionError(f"「{d.get_status_display()}」の投稿案には確認を依頼できません")
        rev = d.current_revision
        if checker is not None:
            if checker.pk == actor.pk:
                raise ActionError("自分自身に確認を依頼することはできません。別の職員を選んでください")
            if checker.pk in {rev.author_id, d.author_id}:
                raise ActionError("投稿案を書いた職員には複数確認を依頼できません。別の職員を選んでください")
            if not checker.is_active or not access.can_second_check_post(checker, d.account):
                raise ActionError(
                    "この職員はこのアカウントの投稿を確認できません（担当者か所属長を選んでください）"
                )
        previous = (
            SecondCheckRequest.objects.select_for_update(of=("self",))
            .filter(draft=d, status=SecondCheckRequestStatus.OPEN)
            .first()
        )
        now = timezone.now()
        if previous is not None:
            previous.status, previous.closed_at = SecondCheckRequestStatus.CANCELLED, now
            previous.save(update_fields=["status", "closed_at"])
        request = SecondCheckRequest.objects.create(
            draft=d, revision=rev, requested_by=actor, requested_of=checker, requested_at=now
        )
        record_event(
            actor,
            "posts.draft.second_check_request",
            d,
            {"requested_of": previous.requested_of_id if previous else None},
            {"requested_of": checker.pk if checker else None, "revision": rev.number},
            details={
                "requested_of": str(checker) if checker else "確認できる職員のだれでも",
                "replaces": previous.pk if previous else None,
                "clause": procedures.second_check_clause,
            },
        )
        second_checkers_told(actor, d, [checker] if checker else second_check_candidates(d))
    return request


def do_record_second_check(
    actor: Person, draft: Draft, result: str, comment: str = "", *, revision: Revision | int | None = None
) -> SecondCheck:
    """A second person checks the current revision before it is posted under a scope (京都市4(1)イ(ウ)c)."""
    require(
        access.can_second_check_post(actor, draft.account),
        "複数確認を記録できるのは、このアカウントの担当者と所属長です",
    )
    if result not in SecondCheckResult.values:
        raise ActionError("確認の結果を選んでください")
    comment = (comment or "").strip()
    if result == SecondCheckResult.PROBLEM and not comment:
        raise ActionError("問題の内容をコメントに書いてください")
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in SUBMITTABLE:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は確認の対象ではありません")
        rev = d.current_revision
        if (
            revision is not None
            and (revision.pk if isinstance(revision, Revision) else int(revision)) != rev.pk
        ):
            raise ActionError("確認した版が最新の版ではありません。画面を開き直してください")
        if actor.pk == rev.author_id:
            raise ActionError("自分が書いた版の複数確認はできません。別の職員に確認を依頼してください")
        request = (
            SecondCheckRequest.objects.select_for_update(of=("self",))
            .filter(draft=d, status=SecondCheckRequestStatus.OPEN)
            .select_related("requested_of")
            .first()
        )
        if request is not None and request.requested_of_id not in (None, actor.pk):
            raise ActionError(
                f"この投稿案の確認は{request.requested_of.last_name} {request.requested_of.first_name}さんに依頼されています"
            )
        check = SecondCheck.objects.create(
            draft=d, revision=rev, checker=actor, result=result, comment=comment, checked_at=timezone.now()
        )
        if request is not None:
            request.status, request.closed_at = SecondCheckRequestStatus.DONE, check.checked_at
            request.save(update_fields=["status", "closed_at"])
            second_check_settled(d)
        record_event(
            actor,
            "posts.draft.second_check",
            d,
            {},
            {"revision": rev.number, "sha256": rev.sha256, "result": result},
            details={"comment": comment, "clause": post_procedures_for(d.account).second_check_clause},
        )
    return check


def do_post_under_scope(
    actor: Person,
    draft: Draft,
    scope_id: str,
    *,
    url: str,
    published_at: datetime | None = None,
    recorded_text: str = "",
    no_second_check_reason: str = "",
    original_deleted: bool = False,
) -> PostHocReport:
    """Record a post made without prior approval under an approved scope, and report it (京都市4(1)イ(ウ)b-d).

    The current revision must have no error and no warning (a warning needs
    the section head's judgement before posting); the second person's check
    of this exact revision is required or, when the profile says 「可能な限り」,
    replaced by a recorded reason. Creates the publication record and the
    post-hoc report the section head confirms.
    """
    _require_draft(actor, draft.account)
    url = _check_url(url)
    when = _parse_when(published_at)
    reason = (no_second_check_reason or "").strip()
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in SUBMITTABLE:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は範囲内の投稿として記録できません")
        _require_postable(d.account)
        require_not_frozen(d.account, "事前承認の範囲で投稿")
        procedures = post_procedures_for(d.account)
        scope = PreApprovedScope.objects.filter(account=d.account, scope_id=scope_id, active=True).first()
        if scope is None:
            raise ActionError(
                f"この範囲は{procedures.approver_label}に承認されていません。承認を求めてください"
            )
        rev = d.current_revision
        _refuse_stale(rev, d.account)
        _refuse_errors(rev, "範囲内の投稿として記録")
        if rev.warnings:
            raise ActionError(
                f"警告が{len(rev.warnings)}件あるため、事前承認の範囲では投稿できません。{procedures.approver_label}の承認を求めてください"
            )
        _require_correction_words(d, rev)
        check = (
            SecondCheck.objects.filter(draft=d, revision=rev)
            .exclude(checker=actor)
            .order_by("-checked_at", "-pk")
            .first()
        )
        if check is not None and check.result == SecondCheckResult.PROBLEM:
            raise ActionError(f"複数確認で問題が指摘されています: {check.comment}")
        if procedures.second_check_mode == "required" and check is None:
            raise ActionError(f"別の職員による内容の確認が必要です（{procedures.second_check_clause}）")
        if procedures.second_check_mode == "when_possible" and check is None and not reason:
            raise ActionError(
                f"別の職員による内容の確認を受けるか、確認できなかった理由を記録してください（{procedures.second_check_clause}）"
            )
        before_status = d.status
        publication = _publish(actor, d, rev, url, when, recorded_text, original_deleted, scope.approved_at)
        d.approved_revision = rev
        d.scope = scope
        d.save(update_fields=["status", "approved_revision", "scope", "updated_at"])
        now = timezone.now()
        report = PostHocReport.objects.create(
            draft=d,
            revision=rev,
            scope=scope,
            second_check=check,
            no_second_check_reason="" if check else reason,
            reported_by=actor,
            reported_at=now,
            due_at=now + timedelta(days=procedures.report_deadline_days),
        )
        record_event(
            actor,
            "posts.draft.post_under_scope",
            d,
            {"status": before_status},
            {
                "status": d.status,
                "scope": scope.scope_id,
                "report": report.pk,
                "publication": publication.pk,
                **_revision_summary(rev),
            },
            details={
                "url": url,
                "matches": publication.matches,
                "hours_warning": publication.hours_warning,
                "before_approval": publication.before_approval,
                "second_check": check.pk if check else None,
                "no_second_check_reason": report.no_second_check_reason,
                "clause": procedures.scope_clause,
                "report_clause": procedures.report_clause,
                "due_at": report.due_at,
            },
        )
        section_head_told_report(actor, report)
    return report


def do_confirm_report(actor: Person, report: PostHocReport, comment: str = "") -> PostHocReport:
    """The section head confirms a post made under a scope (京都市4(1)イ(ウ)d 「所属長は内容を確認する」)."""
    account = report.draft.account
    require(access.can_set_post_scopes(actor, account), "報告を確認できるのは所属長です")
    with transaction.atomic():
        r = PostHocReport.objects.select_for_update().select_related("draft").get(pk=report.pk)
        if r.confirmed_at is not None:
            raise ActionError("この報告は既に確認されています")
        if actor.pk in {r.reported_by_id, r.revision.author_id}:
            raise ActionError("自分の投稿の報告は確認できません。別の所属長に確認を依頼してください")
        overdue = r.is_overdue
        r.confirmed_by, r.confirmed_at, r.comment = actor, timezone.now(), (comment or "").strip()
        r.save(update_fields=["confirmed_by", "confirmed_at", "comment"])
        record_event(
            actor,
            "posts.report.confirm",
            r,
            {"confirmed": False},
            {"confirmed": True},
            details={"draft": r.draft_id, "comment": r.comment, "was_overdue": overdue},
        )
        draft_settled(r.draft)
    return r
