"""Replies to comments: a reply is a post draft (same checker, same approval chain) linked to the comment.

The account's published reply policy decides whether a reply may be drafted
at all: an account that does not reply refuses reply drafts except in the
profile's exception categories (安芸高田市3(2)ア〜エ), each named on the reply.
An interim reply (「確認してお答えします」, 京都市4(3)イ) is one of the
profile's templates and opens a follow-up that stays open until an answer
to the same comment is published.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.comments.actions.common import lock_comment, procedures_for, require_staff
from koshiki.comments.models import Comment, ReplyLink
from koshiki.comments.states import CommentState, ReplyKind
from koshiki.errors import ActionError
from koshiki.posts import actions as post_actions
from koshiki.posts.states import DraftKind, DraftStatus
from koshiki.registry.states import ReplyPolicy
from koshiki.ui.rows import rows_if_any
from koshiki.workdays import is_business_day

REPLYABLE = frozenset({CommentState.OPEN, CommentState.NO_ACTION, CommentState.REPLYING})


def business_days_after(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (weekends, holidays and 12/29-1/3 skipped)."""
    d = start
    left = days
    while left > 0:
        d += timedelta(days=1)
        if is_business_day(d):
            left -= 1
    return d


def reply_refusal(comment: Comment, exception_id: str) -> str | None:
    """Why the account's reply policy refuses a reply to this comment, or None when it may be drafted."""
    account = comment.account
    if account.reply_policy != ReplyPolicy.NONE:
        return None
    procedures = procedures_for(account)
    if not procedures.reply_exceptions:
        return (
            "このアカウントの運用ポリシーは「返信しない」です。"
            "このプロファイルには返信しない方針の例外の定めがないため、返信案は作れません"
        )
    if not exception_id:
        labels = "、".join(f"{e.clause} {e.label}" for e in procedures.reply_exceptions)
        return f"このアカウントの運用ポリシーは「返信しない」です。例外（{labels}）のどれに当たるかを選んでください"
    if procedures.exception(exception_id) is None:
        return "選んだ例外はこのプロファイルの定めにありません"
    return None


def do_start_reply(
    actor: Person, comment: Comment, *, kind: str, text: str, exception_id: str = ""
) -> ReplyLink:
    """Create a reply draft (posts, kind reply) linked to the comment, after the reply-policy check."""
    account = comment.account
    require_staff(actor, account)
    if kind not in ReplyKind.values:
        raise ActionError("返信の種類が正しくありません")
    procedures = procedures_for(account)
    refusal = reply_refusal(comment, exception_id)
    if refusal:
        raise ActionError(refusal)
    if kind == ReplyKind.INTERIM and text.strip() not in procedures.interim_templates:
        raise ActionError(
            "一次回答は、プロファイルの文例から選んでください（内容は後の正式な回答で伝えます）"
        )
    exception = procedures.exception(exception_id) if exception_id else None
    with transaction.atomic():
        c = lock_comment(comment)
        if c.state not in REPLYABLE:
            raise ActionError(f"「{c.get_state_display()}」のコメントには返信できません")
        open_links = ReplyLink.objects.filter(comment=c, kind=kind).exclude(
            draft__status__in=[DraftStatus.WITHDRAWN, DraftStatus.PUBLISHED]
        )
        if open_links.exists():
            raise ActionError("このコメントには作成中の同じ種類の返信案があります。そちらを使ってください")
        if (
            kind == ReplyKind.INTERIM
            and ReplyLink.objects.filter(comment=c, kind=ReplyKind.INTERIM)
            .exclude(draft__status=DraftStatus.WITHDRAWN)
            .exists()
        ):
            raise ActionError("一次回答は一度だけです。正式な回答を作成してください")
        draft = post_actions.do_create_draft(
            actor, account, text, kind=DraftKind.REPLY, in_reply_to=c.url or c.in_reply_to_url
        )
        now = timezone.now()
        link = ReplyLink.objects.create(
            comment=c,
            draft=draft,
            kind=kind,
            exception_id=exception.id if exception else "",
            exception_label=f"{exception.clause} {exception.label}".strip() if exception else "",
            answer_due=business_days_after(timezone.localdate(), procedures.interim_answer_days)
            if kind == ReplyKind.INTERIM
            else None,
            created_by=actor,
            created_at=now,
        )
        before = c.state
        c.state = CommentState.REPLYING
        c.save(update_fields=["state"])
        record_event(
            actor,
            "comments.reply.start",
            link,
            {"comment_state": before},
            {"comment_state": c.state, "draft": draft.pk, "kind": kind},
            details={"comment": c.pk, "exception": link.exception_label, "answer_due": link.answer_due},
        )
    return link


def open_follow_ups(comments: object) -> list[ReplyLink]:
    """Interim replies that went out and whose comment has no published answer yet (oldest due first)."""
    answered = ReplyLink.objects.filter(kind=ReplyKind.ANSWER, draft__status=DraftStatus.PUBLISHED).values(
        "comment_id"
    )
    interim = (
        ReplyLink.objects.filter(
            comment__in=comments, kind=ReplyKind.INTERIM, draft__status=DraftStatus.PUBLISHED
        )
        .exclude(comment_id__in=answered)
        .order_by("answer_due", "pk")
    )
    return rows_if_any(interim, None, "comment__account", "draft")
