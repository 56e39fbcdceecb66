"""Helpers shared by the posts actions: procedures, locks, guards, content checks, operating hours.

No ``do_*`` function lives here; each module of the package imports what it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from koshiki.actors import Person
from koshiki.attachments import media as attached
from koshiki.checker.profiles import Profile
from koshiki.citysettings.effective import effective_profile
from koshiki.errors import ActionError, require
from koshiki.fiscal import to_wareki
from koshiki.posts import access
from koshiki.posts.checking import (
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
    Draft,
    Publication,
    Revision,
    finding_where,
)
from koshiki.posts.procedures import PostProcedures, load_post_procedures
from koshiki.posts.states import (
    CorrectionHandling,
    DraftKind,
)
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account
from koshiki.registry.states import Status

POSTABLE_STATES = frozenset({Status.ACQUIRED, Status.LISTING_REQUESTED, Status.REGISTERED, Status.LISTED})
MAX_FUTURE_SKEW = timedelta(minutes=10)
_URL = URLValidator(schemes=["http", "https"])


# ---- helpers -----------------------------------------------------------------------------------


def post_procedures_for(account: Account) -> PostProcedures:
    """The ``[posts]`` procedures of the account's municipality (cached per profile)."""
    return load_post_procedures(account.municipality.profile_id)


def _profile_id(account: Account) -> str:
    return account.municipality.profile_id


def account_profile(account: Account) -> Profile:
    """The profile the account's posts are checked against: its city's, with the city's settings over it."""
    return effective_profile(account.municipality)


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


def _require_draft(actor: Person, account: Account) -> None:
    require(access.can_draft_post(actor, account), "このアカウントの投稿案を扱えるのは、担当者と所属長です")


def is_postable(account: Account) -> bool:
    """May posts of this account be approved and published in its current state (profile data)?"""
    return account.status in post_procedures_for(account).posting_states


def _require_postable(account: Account) -> None:
    """Refuse while the profile's procedures do not yet (or no longer) allow posting (issue 9 item 2)."""
    procedures = post_procedures_for(account)
    if account.status not in procedures.posting_states:
        allowed = "・".join(Status(s).label for s in procedures.posting_states)
        raise ActionError(
            f"「{account.get_status_display()}」のアカウントには投稿できません（投稿できる状態: {allowed}）"
        )


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
        account_profile(account),
        text,
        alts,
        urls,
        recent_posts=recent_published_texts(account, exclude_draft),
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
    media: list[attached.Spec] | None = None,
) -> Revision:
    """Insert revision ``number``; its files are ``media``, or the current revision's when None.

    The files are checked with the media rules (findings of part ``media:i``)
    and covered by the content hash, so an approval covers exactly them.
    """
    profile_id = _profile_id(draft.account)
    specs = attached.specs_of(draft.current_revision) if media is None else media
    city = draft.account.municipality
    if specs:
        findings = findings + attached.media_findings(profile_id, city, specs)
    revision = Revision(
        draft=draft,
        number=number,
        text=text,
        alt_texts=alts,
        links=urls,
        author=author,
        created_at=timezone.now(),
        sha256=content_hash(text, alts, urls, attached.media_digest(city, specs)),
        text_sha256=text_hash(text),
        profile_id=profile_id,
        checker_version=checker_version(account_profile(draft.account)),
        findings=findings,
    )
    revision.save(force_insert=True)
    attached.attach(revision, specs)
    return revision


def _media_digest_of(draft: Draft, revision: Revision | None) -> list[dict[str, Any]]:
    """The media part of ``revision``'s content hash (empty without files)."""
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
    current = checker_version(account_profile(account))
    if revision.profile_id != profile_id or revision.checker_version != current:
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
