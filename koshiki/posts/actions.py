"""Every change to posts: one ``do_*`` function per kind of change.

Each action (1) checks permission through ``org.access``, (2) runs in one
``transaction.atomic()`` holding a row lock (``select_for_update``) on the
rows whose state it guards, (3) guards the current state and inputs, raising
``ActionError`` (Japanese message) or ``PermissionDenied``, and (4) appends an
audit event in the same transaction. The checker runs before the transaction
(pure computation), so locks are held for a few queries only.

What differs between cities (approval chain, scopes, second check, report
deadline, correction handling, campaign rules) is the ``[posts]`` table of the
profile's procedures (``posts.procedures``); nothing here branches on the city.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from koshiki.audit.events import record_event
from koshiki.checker import load_profile
from koshiki.errors import ActionError
from koshiki.fiscal import to_wareki
from koshiki.org import access
from koshiki.org.roles import Role
from koshiki.posts.checking import (
    campaign_profile,
    canonical_text,
    check_parts,
    checker_version,
    clean_parts,
    content_hash,
    counts,
    text_hash,
)
from koshiki.posts.hours import OperatingHours, outside_reason, parse_operating_hours
from koshiki.posts.models import (
    ApprovalDecision,
    ApprovalRun,
    Campaign,
    CampaignPublication,
    CampaignSubmission,
    Draft,
    PostHocReport,
    PreApprovedScope,
    Publication,
    Revision,
    SecondCheck,
    Waiver,
    finding_key,
    finding_where,
)
from koshiki.posts.procedures import HANDLINGS, PostProcedures, load_post_procedures
from koshiki.posts.states import (
    EDITABLE,
    SUBMITTABLE,
    CampaignStatus,
    CorrectionHandling,
    Decision,
    DraftKind,
    DraftStatus,
    PosterKind,
    PrecheckStatus,
    RunStatus,
    SecondCheckResult,
)
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account
from koshiki.registry.states import Status

# Accounts that exist on the platform and are in use: drafts and publications only for these.
POSTABLE_STATES = frozenset({Status.ACQUIRED, Status.LISTING_REQUESTED, Status.REGISTERED, Status.LISTED})
MAX_CAMPAIGN_DAYS = 180
MAX_FUTURE_SKEW = timedelta(minutes=10)
_URL = URLValidator(schemes=["http", "https"])


# ---- helpers -----------------------------------------------------------------------------------


def post_procedures_for(account: Account) -> PostProcedures:
    """The ``[posts]`` procedures of the account's municipality (cached per profile)."""
    return load_post_procedures(account.municipality.profile_id)


def _profile_id(account: Account) -> str:
    return account.municipality.profile_id


def _lock_draft(draft: Draft | int) -> Draft:
    """Re-read the draft with a row lock held until the transaction ends."""
    pk = draft.pk if isinstance(draft, Draft) else draft
    try:
        return (
            Draft.objects.select_for_update(of=("self",))
            .select_related(
                "account__municipality", "account__owning_unit", "current_revision", "approved_revision"
            )
            .get(pk=pk)
        )
    except Draft.DoesNotExist:
        raise ActionError("投稿案が見つかりません") from None


def _require_draft(actor: Any, account: Account) -> None:
    access.require(
        access.can_draft_post(actor, account), "このアカウントの投稿案を扱えるのは、担当者と所属長です"
    )


def _require_postable(account: Account) -> None:
    if account.status not in POSTABLE_STATES:
        raise ActionError(f"「{account.get_status_display()}」のアカウントには投稿できません")


def recent_published_texts(account: Account, exclude_draft: Draft | None = None) -> list[str]:
    """The account's published texts, newest first (``style.repetition``'s context; one query)."""
    qs = Publication.objects.filter(draft__account=account, deleted_at__isnull=True)
    if exclude_draft is not None and exclude_draft.pk:
        qs = qs.exclude(draft=exclude_draft)
    return list(qs.order_by("-published_at", "-pk").values_list("recorded_text", flat=True)[:30])


def check_draft_content(
    account: Account,
    text: str,
    alt_texts: Iterable[str],
    links: Iterable[str],
    exclude_draft: Draft | None = None,
) -> tuple[str, list[str], list[str], list[dict[str, Any]]]:
    """Validate and check a draft's content for ``account`` (what the editor and the live check run)."""
    text, alts, urls = clean_parts(text, alt_texts, links)
    findings = check_parts(
        _profile_id(account), text, alts, urls, recent_posts=recent_published_texts(account, exclude_draft)
    )
    return text, alts, urls, findings


def _new_revision(
    draft: Draft,
    number: int,
    author: Any,
    text: str,
    alts: list[str],
    urls: list[str],
    findings: list[dict[str, Any]],
    media: list[Any] | None = None,
) -> Revision:
    """Insert revision ``number``; its files are ``media`` (``attachments.media.Spec``), or the
    current revision's when None, checked with the media rules and covered by the hash."""
    from koshiki.attachments import media as attached

    profile_id = _profile_id(draft.account)
    specs = attached.specs_of(draft.current_revision) if media is None else media
    digest = attached.media_digest(draft.account.municipality, specs)
    if specs:
        findings = findings + attached.media_findings(profile_id, draft.account.municipality, specs)
    revision = Revision(
        draft=draft,
        number=number,
        text=text,
        alt_texts=alts,
        links=urls,
        author=author,
        created_at=timezone.now(),
        sha256=content_hash(text, alts, urls, digest),
        text_sha256=text_hash(text),
        profile_id=profile_id,
        checker_version=checker_version(profile_id),
        findings=findings,
    )
    revision.save(force_insert=True)
    attached.attach(revision, specs)
    return revision


def _media_digest_of(draft: Draft, revision: Revision) -> list[dict[str, Any]]:
    from koshiki.attachments import media as attached

    return attached.media_digest(draft.account.municipality, attached.specs_of(revision))


def _revision_summary(revision: Revision) -> dict[str, Any]:
    return {
        "revision": revision.number,
        "sha256": revision.sha256,
        "profile": revision.profile_id,
        "checker_version": revision.checker_version,
        "findings": counts(revision.findings),
    }


def _quote(finding: Mapping[str, Any]) -> str:
    return f"{finding['message']}（{finding_where(finding)}）"


def _refuse_errors(revision: Revision, doing: str) -> None:
    """Issue 4.2: nothing goes forward while an error-level finding remains; the reasons are listed."""
    errors = revision.errors
    if errors:
        listed = "／".join(_quote(f) for f in errors[:3])
        more = f" ほか{len(errors) - 3}件" if len(errors) > 3 else ""
        raise ActionError(f"エラーの指摘が{len(errors)}件残っているため、{doing}できません: {listed}{more}")


def _refuse_stale(revision: Revision, account: Account) -> None:
    """Findings must come from the account's current profile and rules (they are stored per revision)."""
    profile_id = _profile_id(account)
    if revision.profile_id != profile_id or revision.checker_version != checker_version(profile_id):
        raise ActionError(
            "チェックの基準（プロファイル）が更新されました。「チェック」して保存し直してください"
        )


def correction_template(procedures: PostProcedures, original: Draft) -> str:
    """The profile's first text of a correction, dated with the original's publication (「{date}の投稿」)."""
    publication = getattr(original, "publication", None)
    if not procedures.correction_template or publication is None:
        return ""
    published = timezone.localtime(publication.published_at).date()
    return procedures.correction_template.replace("{date}", to_wareki(published))


def _require_correction_words(draft: Draft, revision: Revision) -> None:
    """A correction must say what was wrong, and apologise where its handling asks (安芸高田市4(2)ア).

    The profile's template left unchanged (「（誤）　（正）」 still empty) is refused.
    """
    if draft.kind != DraftKind.CORRECTION:
        return
    procedures = post_procedures_for(draft.account)
    template = correction_template(procedures, draft.corrects) if draft.corrects_id else ""
    if template and canonical_text(revision.text) == canonical_text(template):
        raise ActionError(
            f"訂正の投稿案が雛形のままです。誤っていた内容と正しい内容を書いてください（{procedures.correction_clause}）"
        )
    words = procedures.correction_must_include
    if (
        words
        and draft.correction_handling == CorrectionHandling.FIX_AND_APOLOGISE
        and not any(w in revision.text for w in words)
    ):
        raise ActionError(
            f"訂正の投稿には謝罪の言葉（{'・'.join(words)}のいずれか）を入れてください（{procedures.correction_clause}）"
        )


def _parse_when(value: datetime | None) -> datetime:
    when = value or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + MAX_FUTURE_SKEW:
        raise ActionError("投稿日時が未来になっています。実際に投稿した日時を入力してください")
    return when


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ActionError("投稿のURLを入力してください")
    try:
        _URL(url)
    except ValidationError:
        raise ActionError(f"投稿のURLが正しくありません: {url}") from None
    return url


def operating_hours_for(account: Account, procedures: PostProcedures) -> tuple[OperatingHours | None, str]:
    """The account's operating hours and where they come from (policy, account, profile default)."""
    sources: list[tuple[str, str]] = []
    policy = account.current_policy
    if policy is not None:
        sources.append((policy.operating_hours, "運用ポリシー"))
    sources.append((account.operating_hours, "アカウントの運用時間"))
    boilerplate = load_procedures(_profile_id(account)).policy_text.get("operating_hours", "")
    sources.append((boilerplate, "プロファイルの運用時間"))
    sources.append((procedures.office_hours, "プロファイルの既定の運用時間"))
    for text, origin in sources:
        hours = parse_operating_hours(text or "")
        if hours is not None:
            return hours, origin
    return None, ""


def hours_warning(account: Account, when: datetime) -> str:
    """A Japanese warning when ``when`` lies outside the account's operating hours, else ""."""
    procedures = post_procedures_for(account)
    hours, origin = operating_hours_for(account, procedures)
    if hours is None:
        return ""
    reason = outside_reason(
        timezone.localtime(when),
        hours,
        year_end_break=procedures.year_end_break,
        holidays_closed=procedures.holidays_closed,
    )
    if reason is None:
        return ""
    closed = "（祝日及び年末年始を除く）" if procedures.holidays_closed else ""
    return f"運用時間外の投稿です: {reason}。{origin}の運用時間は {hours.label()}{closed}"


# ---- drafts and revisions ----------------------------------------------------------------------


def do_create_draft(
    actor: Any,
    account: Account,
    text: str,
    alt_texts: Iterable[str] = (),
    links: Iterable[str] = (),
    *,
    kind: str = DraftKind.POST,
    in_reply_to: str = "",
) -> Draft:
    """Start a post or reply draft for ``account`` with its first revision, checked."""
    _require_draft(actor, account)
    if kind not in (DraftKind.POST, DraftKind.REPLY):
        raise ActionError("投稿案の種類が正しくありません（訂正は投稿済みの投稿から始めてください）")
    _require_postable(account)
    text, alts, urls, findings = check_draft_content(account, text, alt_texts, links)
    with transaction.atomic():
        draft = Draft.objects.create(
            account=account, author=actor, kind=kind, in_reply_to=(in_reply_to or "").strip()[:500]
        )
        revision = _new_revision(draft, 1, actor, text, alts, urls, findings)
        draft.current_revision = revision
        draft.save(update_fields=["current_revision"])
        record_event(
            actor,
            "posts.draft.create",
            draft,
            {},
            {"account": account.pk, "kind": kind, "status": draft.status, **_revision_summary(revision)},
        )
    return draft


def do_edit_draft(
    actor: Any, draft: Draft, text: str, alt_texts: Iterable[str] = (), links: Iterable[str] = ()
) -> Revision:
    """Save an edit as a new immutable revision, checked; an approved draft needs approval again.

    Refused while the draft waits for approval, after publication or
    withdrawal, and when nothing changed (unless the profile changed since
    the last check: then the same content is re-checked as a new revision).
    """
    _require_draft(actor, draft.account)
    text, alts, urls, findings = check_draft_content(
        draft.account, text, alt_texts, links, exclude_draft=draft
    )
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in EDITABLE:
            if d.status == DraftStatus.SUBMITTED:
                raise ActionError(
                    "承認待ちの投稿案は編集できません。承認の依頼を取り消してから編集してください"
                )
            raise ActionError(f"「{d.get_status_display()}」の投稿案は編集できません")
        current = d.current_revision
        same = current is not None and current.sha256 == content_hash(
            text, alts, urls, _media_digest_of(d, current)
        )
        if same and current.checker_version == checker_version(_profile_id(d.account)):
            raise ActionError("前の版から変更がありません")
        revision = _new_revision(d, (current.number if current else 0) + 1, actor, text, alts, urls, findings)
        before = {"status": d.status, "revision": current.number if current else None}
        reset = d.status == DraftStatus.APPROVED
        d.current_revision = revision
        if reset:
            # Issue 4.3: any edit after approval needs approval again; the old
            # approval stays tied to the revision it approved.
            d.status = DraftStatus.DRAFT
            d.approved_revision = None
        d.save(update_fields=["current_revision", "status", "approved_revision", "updated_at"])
        record_event(
            actor,
            "posts.draft.edit",
            d,
            before,
            {"status": d.status, **_revision_summary(revision)},
            details={"approval_reset": reset},
        )
    return revision


def do_submit(actor: Any, draft: Draft) -> ApprovalRun:
    """Ask for approval of the current revision along the profile's chain (issue 4.2-4.3).

    Refused while an error-level finding remains (the reasons are in the message).
    """
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status not in SUBMITTABLE:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は承認を求められません")
        _require_postable(d.account)
        revision = d.current_revision
        _refuse_stale(revision, d.account)
        _refuse_errors(revision, "承認を求めることが")
        _require_correction_words(d, revision)
        procedures = post_procedures_for(d.account)
        now = timezone.now()
        run = ApprovalRun.objects.create(
            draft=d,
            revision=revision,
            chain=list(procedures.approval_chain),
            submitted_by=actor,
            submitted_at=now,
        )
        before = d.status
        d.status = DraftStatus.SUBMITTED
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.submit",
            d,
            {"status": before},
            {"status": d.status, "run": run.pk, **_revision_summary(revision)},
            details={
                "chain": run.chain,
                "clause": procedures.approval_clause,
                "warnings": len(revision.warnings),
            },
        )
    return run


def _active_run(d: Draft) -> ApprovalRun:
    run = (
        ApprovalRun.objects.select_for_update()
        .filter(draft=d, status=RunStatus.IN_PROGRESS)
        .select_related("revision")
        .first()
    )
    if run is None:
        raise ActionError("進行中の承認手続がありません")
    return run


def _end_run(run: ApprovalRun, status: RunStatus, when: datetime | None = None) -> None:
    """Close an approval run as returned or cancelled (the caller holds its lock)."""
    run.status = status
    run.finished_at = when or timezone.now()
    run.save(update_fields=["status", "finished_at"])


def _guard_decider(actor: Any, d: Draft, run: ApprovalRun, revision: Revision | int | None) -> str:
    """The role the actor decides as; refuses the wrong role, self-approval and a stale page."""
    role = run.current_role
    procedures = post_procedures_for(d.account)
    access.require(
        role is not None and access.can_approve_post(actor, d.account, role),
        f"この投稿案を承認・差戻しできるのは{Role(role).label if role else procedures.approver_label}です",
    )
    if actor.pk in {d.author_id, run.revision.author_id, run.submitted_by_id}:
        raise ActionError("自分が作成した投稿案は承認・差戻しできません")
    if run.decisions.filter(approver=actor).exists():
        raise ActionError(
            "この承認手続では既に判断しています（同じ人が二つの段階を承認することはできません）"
        )
    if revision is not None:
        rev_pk = revision.pk if isinstance(revision, Revision) else int(revision)
        if rev_pk != run.revision_id:
            raise ActionError("確認した版と承認を求められている版が違います。画面を開き直してください")
    return role


def do_approve(
    actor: Any,
    draft: Draft,
    *,
    waivers: Mapping[str, str] | None = None,
    comment: str = "",
    revision: Revision | int | None = None,
) -> ApprovalDecision:
    """Approve the revision under approval as the chain's current role (京都市4(1)イ(ウ)a).

    Each warning finding must be acknowledged with a reason (``waivers``: the
    finding's key -> reason); the waivers are stored and written to the audit
    trail. The approval is tied to the exact revision; the last step of the
    chain makes the draft approved.
    """
    waivers = {k: (v or "").strip() for k, v in (waivers or {}).items()}
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.SUBMITTED:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は承認できません")
        run = _active_run(d)
        role = _guard_decider(actor, d, run, revision)
        rev = run.revision
        _refuse_errors(rev, "承認")
        missing = [f for f in rev.warnings if not waivers.get(finding_key(f))]
        if missing:
            listed = "／".join(_quote(f) for f in missing[:3])
            raise ActionError(f"警告{len(missing)}件について、了承する理由を入力してください: {listed}")
        now = timezone.now()
        decision = ApprovalDecision.objects.create(
            run=run,
            step=run.step,
            role=role,
            approver=actor,
            decision=Decision.APPROVE,
            comment=(comment or "").strip(),
            decided_at=now,
        )
        waived = []
        for f in rev.warnings:
            key = finding_key(f)
            Waiver.objects.create(
                decision=decision,
                finding_key=key,
                rule=f["rule"],
                part=f.get("part", "text"),
                message=f["message"],
                reason=waivers[key],
            )
            waived.append(
                {
                    "rule": f["rule"],
                    "where": finding_where(f),
                    "message": f["message"],
                    "reason": waivers[key],
                }
            )
        run.step += 1
        before = {"status": d.status, "step": run.step - 1}
        if run.step >= len(run.chain):
            run.status = RunStatus.APPROVED
            run.finished_at = now
            d.status = DraftStatus.APPROVED
            d.approved_revision = rev
            d.save(update_fields=["status", "approved_revision", "updated_at"])
        run.save(update_fields=["step", "status", "finished_at"])
        record_event(
            actor,
            "posts.draft.approve",
            d,
            before,
            {
                "status": d.status,
                "step": run.step,
                "run": run.pk,
                "revision": rev.number,
                "sha256": rev.sha256,
            },
            details={"role": role, "comment": decision.comment, "waivers": waived},
        )
    return decision


def do_return(
    actor: Any, draft: Draft, comment: str, *, revision: Revision | int | None = None
) -> ApprovalDecision:
    """Return the draft to its author with comments (the run ends; the author edits and submits again)."""
    comment = (comment or "").strip()
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.SUBMITTED:
            raise ActionError(f"「{d.get_status_display()}」の投稿案は差し戻せません")
        run = _active_run(d)
        role = _guard_decider(actor, d, run, revision)
        if not comment:
            raise ActionError("差し戻す理由（コメント）を入力してください")
        now = timezone.now()
        decision = ApprovalDecision.objects.create(
            run=run,
            step=run.step,
            role=role,
            approver=actor,
            decision=Decision.RETURN,
            comment=comment,
            decided_at=now,
        )
        _end_run(run, RunStatus.RETURNED, now)
        d.status = DraftStatus.RETURNED
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.return",
            d,
            {"status": DraftStatus.SUBMITTED},
            {"status": d.status, "run": run.pk, "revision": run.revision.number},
            details={"role": role, "comment": comment},
        )
    return decision


def do_recall_submission(actor: Any, draft: Draft) -> Draft:
    """Take back a request for approval before anyone decided it (the draft becomes editable again)."""
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status != DraftStatus.SUBMITTED:
            raise ActionError(f"「{d.get_status_display()}」の投稿案には取り消す承認依頼がありません")
        run = _active_run(d)
        _end_run(run, RunStatus.CANCELLED)
        d.status = DraftStatus.DRAFT
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.recall",
            d,
            {"status": DraftStatus.SUBMITTED},
            {"status": d.status, "run": run.pk},
        )
    return d


def do_withdraw_draft(actor: Any, draft: Draft, reason: str = "") -> Draft:
    """Abandon a draft that was not published (an approval in progress is cancelled)."""
    _require_draft(actor, draft.account)
    with transaction.atomic():
        d = _lock_draft(draft)
        if d.status in (DraftStatus.PUBLISHED, DraftStatus.WITHDRAWN):
            raise ActionError(f"「{d.get_status_display()}」の投稿案は取り下げられません")
        before = d.status
        if d.status == DraftStatus.SUBMITTED:
            _end_run(_active_run(d), RunStatus.CANCELLED)
        d.status = DraftStatus.WITHDRAWN
        d.save(update_fields=["status", "updated_at"])
        record_event(
            actor,
            "posts.draft.withdraw",
            d,
            {"status": before},
            {"status": d.status},
            details={"reason": (reason or "").strip()},
        )
    return d


# ---- pre-approved scopes, second check, post-hoc report ------------------------------------------


def do_set_scopes(
    actor: Any, account: Account, scope_ids: Iterable[str], notes: Mapping[str, str] | None = None
) -> list[PreApprovedScope]:
    """Set which scopes operators of ``account`` may post in without prior approval (京都市4(1)イ(ウ)b).

    The section head only; the scope ids are the profile's. Scopes not named
    are switched off (kept for history).
    """
    access.require(access.can_set_post_scopes(actor, account), "事前承認の範囲を定められるのは所属長です")
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


def do_record_second_check(
    actor: Any, draft: Draft, result: str, comment: str = "", *, revision: Revision | int | None = None
) -> SecondCheck:
    """A second person checks the current revision before it is posted under a scope (京都市4(1)イ(ウ)c)."""
    access.require(
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
        check = SecondCheck.objects.create(
            draft=d, revision=rev, checker=actor, result=result, comment=comment, checked_at=timezone.now()
        )
        record_event(
            actor,
            "posts.draft.second_check",
            d,
            {},
            {"revision": rev.number, "sha256": rev.sha256, "result": result},
            details={"comment": comment, "clause": post_procedures_for(d.account).second_check_clause},
        )
    return check


def _publish(
    actor: Any,
    d: Draft,
    rev: Revision,
    url: str,
    published_at: datetime,
    recorded_text: str,
    original_deleted: bool,
) -> Publication:
    """Record the publication of ``rev`` (inside the caller's transaction, ``d`` locked)."""
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
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    d.status = DraftStatus.PUBLISHED
    # The registry's dormancy check (川崎市5(9)) reads the account's last post date.
    day = timezone.localtime(published_at).date()
    Account.objects.filter(pk=d.account_id).exclude(last_posted_at__gte=day).update(last_posted_at=day)
    return publication


def _apply_correction_handling(actor: Any, d: Draft, original_deleted: bool, when: datetime) -> None:
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


def do_post_under_scope(
    actor: Any,
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
        publication = _publish(actor, d, rev, url, when, recorded_text, original_deleted)
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
                "second_check": check.pk if check else None,
                "no_second_check_reason": report.no_second_check_reason,
                "clause": procedures.scope_clause,
                "report_clause": procedures.report_clause,
                "due_at": report.due_at,
            },
        )
    return report


def do_confirm_report(actor: Any, report: PostHocReport, comment: str = "") -> PostHocReport:
    """The section head confirms a post made under a scope (京都市4(1)イ(ウ)d 「所属長は内容を確認する」)."""
    account = report.draft.account
    access.require(access.can_set_post_scopes(actor, account), "報告を確認できるのは所属長です")
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
    return r


# ---- publication and corrections ----------------------------------------------------------------


def do_record_publication(
    actor: Any,
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
        publication = _publish(actor, d, rev, url, when, recorded_text, original_deleted)
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
                "original_deleted": bool(original_deleted),
            },
        )
    return publication


def do_start_correction(
    actor: Any, original: Draft, reason: str, *, handling: str = "", text: str = ""
) -> Draft:
    """Start a correction draft linked to a published post, with the handling the profile allows (issue 4.6).

    Kyoto and Ishinomaki: admit and correct, never delete (4(4)ア(イ), 3(4)ア(イ));
    Komae's policy sample: delete and post the correction (第5条2項);
    Akitakata: fix and apologise (4(2)ア). The correction goes through
    approval (or a scope) like any draft.
    """
    _require_draft(actor, original.account)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("どこが誤っていたかを入力してください")
    procedures = post_procedures_for(original.account)
    handling = handling or procedures.default_handling
    if handling not in procedures.correction_handlings:
        allowed = "・".join(HANDLINGS[h] for h in procedures.correction_handlings)
        raise ActionError(
            f"このガイドラインでは「{HANDLINGS.get(handling, handling)}」は選べません（{procedures.correction_clause}: {allowed}）"
        )
    with transaction.atomic():
        o = _lock_draft(original)
        if o.status != DraftStatus.PUBLISHED:
            raise ActionError("訂正できるのは投稿済みの投稿だけです")
        open_correction = o.corrections.exclude(
            status__in=[DraftStatus.PUBLISHED, DraftStatus.WITHDRAWN]
        ).first()
        if open_correction is not None:
            raise ActionError(f"この投稿の訂正案（#{open_correction.pk}）が既にあります")
        if not (text or "").strip():
            text = correction_template(procedures, o) or o.current_revision.text
        body, alts, urls, findings = check_draft_content(o.account, text, (), (), exclude_draft=None)
        d = Draft.objects.create(
            account=o.account,
            author=actor,
            kind=DraftKind.CORRECTION,
            corrects=o,
            correction_handling=handling,
            correction_reason=reason,
        )
        revision = _new_revision(d, 1, actor, body, alts, urls, findings)
        d.current_revision = revision
        d.save(update_fields=["current_revision"])
        record_event(
            actor,
            "posts.correction.start",
            d,
            {},
            {"kind": d.kind, "corrects": o.pk, "handling": handling, **_revision_summary(revision)},
            details={"reason": reason, "clause": procedures.correction_clause},
        )
    return d


# ---- paid third-party campaigns ----------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _clean_subject(subject: str) -> str:
    subject = (subject or "").strip().lstrip("#＃").strip()
    if not subject or any(c.isspace() for c in subject) or "#" in subject or "＃" in subject:
        raise ActionError(
            "マーケティング主体は「京都市」「○○実行委員会」のように空白と#を含まない名前で入力してください"
        )
    return subject[:100]


def _clean_expiry(expires_at: datetime) -> datetime:
    if expires_at is None:
        raise ActionError("提出リンクの有効期限を入力してください")
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    now = timezone.now()
    if expires_at <= now:
        raise ActionError("提出リンクの有効期限は今より後にしてください")
    if expires_at > now + timedelta(days=MAX_CAMPAIGN_DAYS):
        raise ActionError(f"提出リンクの有効期限は{MAX_CAMPAIGN_DAYS}日以内にしてください")
    return expires_at


def do_create_campaign(
    actor: Any,
    account: Account,
    *,
    name: str,
    poster_name: str,
    poster_kind: str,
    expires_at: datetime,
    poster_account: str = "",
    subject: str = "",
) -> tuple[Campaign, str]:
    """Register a paid third-party campaign and its submission link (京都市6, 石巻市5).

    Returns the campaign and the token; only the token's SHA-256 is stored, so
    the link can be shown once (a new one can be issued later).
    """
    _require_draft(actor, account)
    procedures = post_procedures_for(account)
    if not procedures.campaign.enabled:
        raise ActionError("このガイドラインには、第三者に発信を依頼する場合の定めがありません")
    name, poster_name = (name or "").strip(), (poster_name or "").strip()
    if not name:
        raise ActionError("事業名を入力してください")
    if not poster_name:
        raise ActionError("発信者（委託事業者・インフルエンサー）の名前を入力してください")
    if poster_kind not in PosterKind.values:
        raise ActionError("発信者の区分を選んでください")
    profile = load_profile(_profile_id(account))
    # The requester is the city using Koshiki (京都市6(2)): its own name unless an
    # executive committee or the like is named; the profile's example subject only
    # when the municipality has no name.
    subject = _clean_subject(subject or account.municipality.name or profile.param("marketing_subject", ""))
    expires_at = _clean_expiry(expires_at)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            account=account,
            name=name[:200],
            poster_name=poster_name[:200],
            poster_kind=poster_kind,
            poster_account=(poster_account or "").strip()[:300],
            subject=subject,
            relation_tags=list(profile.param("relation_tags", [])),
            token_hash=token_digest(token),
            expires_at=expires_at,
            created_by=actor,
        )
        record_event(
            actor,
            "posts.campaign.create",
            campaign,
            {},
            {
                "account": account.pk,
                "name": campaign.name,
                "poster": campaign.poster_name,
                "poster_kind": poster_kind,
                "subject": subject,
                "expires_at": expires_at,
            },
            details={"clause": procedures.campaign.clause},
        )
    return campaign, token


def do_reissue_campaign_token(actor: Any, campaign: Campaign, expires_at: datetime | None = None) -> str:
    """Issue a new submission link (the old one stops working); optionally a new expiry."""
    _require_draft(actor, campaign.account)
    new_expiry = _clean_expiry(expires_at) if expires_at is not None else None
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        c = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if c.status != CampaignStatus.ACTIVE:
            raise ActionError("終了した依頼のリンクは発行できません")
        before = {"expires_at": c.expires_at}
        c.token_hash = token_digest(token)
        if new_expiry is not None:
            c.expires_at = new_expiry
        c.save(update_fields=["token_hash", "expires_at"])
        record_event(actor, "posts.campaign.reissue_link", c, before, {"expires_at": c.expires_at})
    return token


def do_close_campaign(actor: Any, campaign: Campaign) -> Campaign:
    """End the campaign: its link stops working."""
    _require_draft(actor, campaign.account)
    with transaction.atomic():
        c = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if c.status == CampaignStatus.CLOSED:
            raise ActionError("この依頼は既に終了しています")
        c.status = CampaignStatus.CLOSED
        c.save(update_fields=["status"])
        record_event(
            actor, "posts.campaign.close", c, {"status": CampaignStatus.ACTIVE}, {"status": c.status}
        )
    return c


def campaign_for_token(token: str, *, lock: bool = False) -> Campaign:
    """The campaign a link's token belongs to; ``ActionError`` when unknown, expired or closed."""
    if not token or len(token) > 200:
        raise ActionError("このリンクは無効です。依頼元の担当者に確認してください")
    qs = Campaign.objects.select_related("account__municipality")
    if lock:
        qs = qs.select_for_update(of=("self",))
    wanted = token_digest(token)
    campaign = qs.filter(token_hash=wanted).first()
    # Only the hash is stored; the constant-time comparison is what accepts the link.
    if campaign is None or not hmac.compare_digest(campaign.token_hash, wanted):
        raise ActionError("このリンクは無効です。依頼元の担当者に確認してください")
    if campaign.status != CampaignStatus.ACTIVE:
        raise ActionError("この依頼は終了しています")
    if campaign.expires_at <= timezone.now():
        raise ActionError(
            f"このリンクの有効期限（{to_wareki(timezone.localtime(campaign.expires_at).date())}）が過ぎています"
        )
    return campaign


def check_campaign_text(campaign: Campaign, text: str) -> list[dict[str, Any]]:
    """Check a third party's text with ``paid_third_party`` on and the campaign's subject."""
    profile = campaign_profile(_profile_id(campaign.account), campaign.subject)
    return check_parts(profile, text, paid_third_party=True, author_kind=campaign.poster_kind)


def do_submit_campaign_draft(token: str, text: str, submitter_name: str) -> CampaignSubmission:
    """A third party submits a draft through the campaign's link (no login; issue 4.7).

    The draft is checked with ``paid_third_party`` on; the audit event names
    the submitter as entered, with no user (the link is the credential).
    """
    submitter_name = (submitter_name or "").strip()
    if not submitter_name:
        raise ActionError("提出者の名前を入力してください")
    body, _, _ = clean_parts(text, (), ())
    campaign = campaign_for_token(token)
    findings = check_campaign_text(campaign, body)
    with transaction.atomic():
        c = campaign_for_token(token, lock=True)
        number = (c.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        submission = CampaignSubmission.objects.create(
            campaign=c,
            number=number,
            text=body,
            submitter_name=submitter_name[:200],
            submitted_at=timezone.now(),
            sha256=text_hash(body),
            profile_id=_profile_id(c.account),
            checker_version=checker_version(_profile_id(c.account)),
            findings=findings,
        )
        record_event(
            None,
            "posts.campaign.submit",
            submission,
            {},
            {"campaign": c.pk, "number": number, "sha256": submission.sha256, "findings": counts(findings)},
            details={"submitter": submission.submitter_name, "via": "提出リンク"},
        )
    return submission


def do_precheck_campaign_submission(
    actor: Any,
    submission: CampaignSubmission,
    *,
    accept: bool,
    comment: str = "",
    waivers: Mapping[str, str] | None = None,
) -> CampaignSubmission:
    """The city's approver checks a third party's draft before it is posted (京都市6(1) 「発信内容の事前確認」).

    Accepting is refused while an error remains (e.g. a missing 「#PR #京都市」)
    and needs a reason for each warning; returning needs a comment.
    """
    account = submission.campaign.account
    procedures = post_procedures_for(account)
    access.require(
        any(access.can_approve_post(actor, account, role) for role in procedures.approval_chain),
        f"第三者の投稿案を確認できるのは{procedures.approver_label}です",
    )
    comment = (comment or "").strip()
    waivers = {k: (v or "").strip() for k, v in (waivers or {}).items()}
    with transaction.atomic():
        s = CampaignSubmission.objects.select_for_update().select_related("campaign").get(pk=submission.pk)
        if s.precheck_status != PrecheckStatus.PENDING:
            raise ActionError(f"この投稿案は既に確認されています（{s.get_precheck_status_display()}）")
        if accept:
            if s.errors:
                listed = "／".join(f["message"] for f in s.errors[:3])
                raise ActionError(
                    f"エラーの指摘が{len(s.errors)}件残っているため、投稿を認められません: {listed}"
                )
            missing = [f for f in s.warnings if not waivers.get(finding_key(f))]
            if missing:
                raise ActionError(f"警告{len(missing)}件について、了承する理由を入力してください")
            s.precheck_waivers = {finding_key(f): waivers[finding_key(f)] for f in s.warnings}
            s.precheck_status = PrecheckStatus.ACCEPTED
        else:
            if not comment:
                raise ActionError("修正を依頼する内容（コメント）を入力してください")
            s.precheck_status = PrecheckStatus.RETURNED
        s.prechecked_by, s.prechecked_at, s.precheck_comment = actor, timezone.now(), comment
        s.save(
            update_fields=[
                "precheck_status",
                "prechecked_by",
                "prechecked_at",
                "precheck_comment",
                "precheck_waivers",
            ]
        )
        record_event(
            actor,
            "posts.campaign.precheck",
            s,
            {"precheck_status": PrecheckStatus.PENDING},
            {"precheck_status": s.precheck_status},
            details={
                "campaign": s.campaign_id,
                "comment": comment,
                "waivers": [
                    {"rule": f["rule"], "message": f["message"], "reason": s.precheck_waivers[finding_key(f)]}
                    for f in s.warnings
                    if accept
                ],
            },
        )
    return s


def do_record_campaign_publication(
    actor: Any,
    submission: CampaignSubmission,
    *,
    url: str,
    text: str,
    published_at: datetime | None = None,
) -> CampaignPublication:
    """Record the third party's post as published and re-check it for disclosure (issue 4.7).

    ``disclosure_ok`` is False when the published text has any finding of a
    promo rule at error or warning level: the city must then ask the poster to
    fix it (京都市6(1)). Once the poster has fixed the post, the record is
    checked again with the fixed text (the earlier text stays in the audit trail).
    """
    account = submission.campaign.account
    _require_draft(actor, account)
    url = _check_url(url)
    when = _parse_when(published_at)
    body, _, _ = clean_parts(text, (), ())
    findings = check_campaign_text(submission.campaign, body)
    with transaction.atomic():
        s = CampaignSubmission.objects.select_for_update().select_related("campaign").get(pk=submission.pk)
        if s.precheck_status != PrecheckStatus.ACCEPTED:
            raise ActionError("事前確認で投稿を認めた投稿案についてだけ、投稿を記録できます")
        existing = CampaignPublication.objects.select_for_update().filter(submission=s).first()
        if existing is not None and existing.disclosure_ok:
            raise ActionError("この投稿案の投稿は既に記録されています（明示に問題はありません）")
        disclosure_ok = not any(
            f["rule"].startswith("promo.") and f["severity"] in ("error", "warning") for f in findings
        )
        digest = text_hash(body)
        values = {
            "url": url,
            "published_at": when,
            "text": body,
            "sha256": digest,
            "matches": digest == s.sha256,
            "findings": findings,
            "disclosure_ok": disclosure_ok,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        }
        after = {"submission": s.pk, "matches": values["matches"], "disclosure_ok": disclosure_ok}
        details = {"url": url, "published_at": when, "findings": counts(findings)}
        if existing is None:
            publication = CampaignPublication.objects.create(submission=s, **values)
            record_event(actor, "posts.campaign.publish", publication, {}, after, details=details)
            return publication
        # The poster fixed the disclosure after being asked to: check the fixed post.
        before = {
            "sha256": existing.sha256,
            "matches": existing.matches,
            "disclosure_ok": existing.disclosure_ok,
            "findings": counts(existing.findings),
        }
        details["previous_text"] = existing.text
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(values))
        record_event(actor, "posts.campaign.recheck", existing, before, after, details=details)
    return existing
