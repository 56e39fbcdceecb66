"""Every change to a paid third-party campaign: one ``do_*`` function per kind of change.

Like every action: permission through ``campaigns.access``, one
``transaction.atomic()`` with row locks on what it guards, a Japanese refusal
(``ActionError`` / ``PermissionDenied``) for a wrong state or role, and one
audit event in the same transaction. The action codes keep their
``posts.campaign.*`` names (the trail written before the app moved reads the same).
What differs between cities is the ``[posts.campaign]`` table of the profile's procedures.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from koshiki.actors import Person
from koshiki.attachments import media as attached
from koshiki.audit.events import record_event
from koshiki.campaigns import access
from koshiki.campaigns.models import Campaign, CampaignPublication, CampaignSubmission, SubmissionFile
from koshiki.campaigns.states import CampaignStatus, PosterKind, PrecheckStatus
from koshiki.citysettings.effective import effective_profile
from koshiki.errors import ActionError
from koshiki.fiscal import to_wareki
from koshiki.media import Probe
from koshiki.media.limits import limits_for
from koshiki.media.limits import problems as media_problems
from koshiki.posts.actions.common import (
    _check_url,
    _parse_when,
    _profile_id,
    account_profile,
    post_procedures_for,
)
from koshiki.posts.checking import (
    campaign_profile,
    check_parts,
    checker_version,
    clean_parts,
    counts,
    text_hash,
)
from koshiki.posts.models import finding_key
from koshiki.posts.notices import prechecker_told, submission_settled
from koshiki.registry.freeze import require_not_frozen
from koshiki.registry.models import Account

MAX_CAMPAIGN_DAYS = 180


MAX_FILES = 10

# A campaign post is a caption (Instagram 2,200 characters, X 140 in Japanese); the link needs no
# more, and without a bound anyone holding it could send 60,000-character drafts in a loop.
MAX_SUBMISSION_TEXT = 10_000


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
    actor: Person,
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
    access.require_manage(actor, account)
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
    profile = effective_profile(account.municipality)
    # The requester is the city using Koshiki (京都市6(2)): its own name unless an
    # executive committee or the like is named; the profile's example subject only
    # when the municipality has no name.
    subject = _clean_subject(subject or account.municipality.name or profile.param("marketing_subject", ""))
    expires_at = _clean_expiry(expires_at)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        require_not_frozen(account, "第三者への発信依頼を作成")
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


def do_reissue_campaign_token(actor: Person, campaign: Campaign, expires_at: datetime | None = None) -> str:
    """Issue a new submission link (the old one stops working); optionally a new expiry."""
    access.require_manage(actor, campaign.account)
    new_expiry = _clean_expiry(expires_at) if expires_at is not None else None
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        c = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if c.status != CampaignStatus.ACTIVE:
            raise ActionError("終了した依頼のリンクは発行できません")
        require_not_frozen(c.account_id, "提出リンクを発行")
        before = {"expires_at": c.expires_at}
        c.token_hash = token_digest(token)
        if new_expiry is not None:
            c.expires_at = new_expiry
        c.save(update_fields=["token_hash", "expires_at"])
        record_event(actor, "posts.campaign.reissue_link", c, before, {"expires_at": c.expires_at})
    return token


def do_close_campaign(actor: Person, campaign: Campaign) -> Campaign:
    """End the campaign: its link stops working."""
    access.require_manage(actor, campaign.account)
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
    if campaign.account.frozen_at is not None:
        # Emergency freeze (issue 7 item 6): the third party's link is suspended, not revoked.
        raise ActionError("このリンクは現在一時停止されています。依頼元の担当者に確認してください")
    if campaign.expires_at <= timezone.now():
        raise ActionError(
            f"このリンクの有効期限（{to_wareki(timezone.localtime(campaign.expires_at).date())}）が過ぎています"
        )
    return campaign


def check_campaign_text(campaign: Campaign, text: str) -> list[dict[str, Any]]:
    """Check a third party's text with ``paid_third_party`` on and the campaign's subject."""
    profile = campaign_profile(account_profile(campaign.account), campaign.subject)
    return check_parts(profile, text, paid_third_party=True, author_kind=campaign.poster_kind)


def prepare_campaign_files(
    campaign: Campaign, uploads: Sequence[tuple[str, bytes]], *, strip: bool = True
) -> list[tuple[str, bytes, Probe, tuple[str, ...]]]:
    """Read (and, with ``strip``, clean) a third party's files; refuse what breaks the platform's limits."""
    if len(uploads) > MAX_FILES:
        raise ActionError(f"一度に提出できるファイルは{MAX_FILES}個までです")
    prepared = [attached.prepare_upload(data, name[:200] or "無題", strip=strip) for name, data in uploads]
    account = campaign.account
    limits = effective_profile(account.municipality).param("media_limits")
    broken = media_problems(
        limits_for(limits, account.platform), account.platform, [p for _, _, p, _ in prepared]
    )
    if broken:
        raise ActionError("／".join(broken))
    return prepared


def check_campaign_files(
    campaign: Campaign, prepared: Sequence[tuple[str, bytes, Probe, tuple[str, ...]]]
) -> list[dict[str, Any]]:
    """Findings of the files as the city will see them (part ``media:i``); nothing is stored."""
    specs = [attached.Spec(attached.unsaved_file(p), name) for name, _, p, _ in prepared]
    return attached.media_findings(_profile_id(campaign.account), campaign.account.municipality, specs)


def do_submit_campaign_draft(
    token: str,
    text: str,
    submitter_name: str,
    files: Sequence[tuple[str, bytes]] = (),
    *,
    strip_metadata: bool = True,
) -> CampaignSubmission:
    """A third party submits a draft through the campaign's link (no login; issue 4.7).

    The draft is checked with ``paid_third_party`` on; its images and videos
    (issue 11.4) are read, cleaned of location and camera metadata unless the
    poster unticks it, held to the platform's limits and checked with the media
    rules, so the city's pre-check sees them as it sees a draft's files. The
    audit event names the submitter as entered, with no user (the link is the
    credential).
    """
    submitter_name = (submitter_name or "").strip()
    if not submitter_name:
        raise ActionError("提出者の名前を入力してください")
    if len(text or "") > MAX_SUBMISSION_TEXT:
        raise ActionError(
            f"本文が長すぎます（{len(text):,}字。提出できるのは{MAX_SUBMISSION_TEXT:,}字までです）"
        )
    body, _, _ = clean_parts(text, (), ())
    campaign = campaign_for_token(token)
    findings = check_campaign_text(campaign, body)
    prepared = prepare_campaign_files(campaign, files, strip=strip_metadata)
    findings += check_campaign_files(campaign, prepared)
    with transaction.atomic():
        c = campaign_for_token(token, lock=True)
        require_not_frozen(c.account_id, "第三者の投稿案を受け付け")
        number = (c.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        submission = CampaignSubmission.objects.create(
            campaign=c,
            number=number,
            text=body,
            submitter_name=submitter_name[:200],
            submitted_at=timezone.now(),
            sha256=text_hash(body),
            profile_id=_profile_id(c.account),
            checker_version=checker_version(account_profile(c.account)),
            findings=findings,
        )
        for i, (name, data, found, removed) in enumerate(prepared):
            stored = attached.store(data, found, None, removed=removed)
            SubmissionFile.objects.create(submission=submission, position=i, file=stored, name=name)
        record_event(
            None,
            "posts.campaign.submit",
            submission,
            {},
            {"campaign": c.pk, "number": number, "sha256": submission.sha256, "findings": counts(findings)},
            details={
                "submitter": submission.submitter_name,
                "via": "提出リンク",
                "files": [
                    {"name": n, "sha256": p.sha256, "metadata_removed": list(r)} for n, _, p, r in prepared
                ],
            },
        )
        prechecker_told(submission, post_procedures_for(c.account).approval_chain)
    return submission


def do_precheck_campaign_submission(
    actor: Person,
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
    access.require_precheck(actor, account, procedures)
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
        submission_settled(s)
    return s


def do_record_campaign_publication(
    actor: Person,
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
    access.require_manage(actor, account)
    url = _check_url(url)
    when = _parse_when(published_at)
    body, _, _ = clean_parts(text, (), ())
    findings = check_campaign_text(submission.campaign, body)
    with transaction.atomic():
        s = CampaignSubmission.objects.select_for_update().select_related("campaign").get(pk=submission.pk)
        if s.precheck_status != PrecheckStatus.ACCEPTED:
            raise ActionError("事前確認で投稿を認めた投稿案についてだけ、投稿を記録できます")
        require_not_frozen(s.campaign.account_id, "第三者の投稿を記録")
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
            "prechecked_at": s.prechecked_at,
            "before_precheck": s.prechecked_at is not None and when < s.prechecked_at,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        }
        after = {
            "submission": s.pk,
            "matches": values["matches"],
            "disclosure_ok": disclosure_ok,
            "before_precheck": values["before_precheck"],
        }
        details = {"url": url, "published_at": when, "findings": counts(findings)}
        if existing is None:
            publication = CampaignPublication.objects.create(submission=s, **values)
            record_event(actor, "posts.campaign.publish", publication, {}, after, details=details)
            _flag_before_precheck(actor, publication)
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
        _flag_before_precheck(actor, existing)
    return existing


def before_precheck_finding(publication: CampaignPublication) -> dict[str, str]:
    """The error finding a third party's post published before the city's pre-check carries."""
    published = timezone.localtime(publication.published_at).strftime("%Y-%m-%d %H:%M")
    checked = (
        timezone.localtime(publication.prechecked_at).strftime("%Y-%m-%d %H:%M")
        if publication.prechecked_at
        else ""
    )
    return {
        "rule": "posts.before_approval",
        "severity": "error",
        "message": f"承認前の投稿: 投稿日時（{published}）が事前確認の日時（{checked}）より前です",
    }


def _flag_before_precheck(actor: Person, publication: CampaignPublication) -> None:
    """Record the 「承認前の投稿」 error in the trail (京都市6(1) 「発信内容の事前確認」; issue 9 item 3).

    The post is already out, so the record is kept, never refused; the section
    head and the office see it on their home page and the campaign's page.
    """
    if not publication.before_precheck:
        return
    record_event(
        actor,
        "posts.campaign.before_precheck",
        publication,
        {},
        {"before_precheck": True},
        details={
            "finding": before_precheck_finding(publication),
            "published_at": publication.published_at,
            "prechecked_at": publication.prechecked_at,
            "submission": publication.submission_id,
        },
    )
