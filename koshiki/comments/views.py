"""Staff pages for comments: inbox, one comment, import, follows and the monthly summary.

Views parse forms and call ``comments.actions``; they decide nothing. Every
page starts from ``access.comments_visible_to(user)`` (or the visible
accounts), so another unit's comment is a 404. A refused action shows its
Japanese reason; ``PermissionDenied`` is the 403 page.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse as url_reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from koshiki.checker.profiles import load_profile
from koshiki.comments import access, actions
from koshiki.comments.actions.common import procedures_for
from koshiki.comments.forms import (
    CsvImportForm,
    EndFollowForm,
    FilterForm,
    FollowForm,
    ModerationForm,
    PasteForm,
    PublishForm,
    ReplyForm,
    ReverseForm,
    ReviewForm,
)
from koshiki.comments.importers import FORMATS, JST, ImportError_, read_csv, validate
from koshiki.comments.models import (
    Comment,
    FollowRecord,
    ModerationDecision,
    TransparencySummary,
    month_label,
)
from koshiki.comments.states import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    CommentState,
    DecisionKind,
    DecisionState,
    Source,
)
from koshiki.errors import ActionError, require
from koshiki.registry import access as registry_access
from koshiki.registry.models import Account
from koshiki.registry.states import ReplyPolicy
from koshiki.ui.outcome import act_and_redirect

PAGE_SIZE = 50
MAX_UPLOAD = 5 * 1024 * 1024


def _comments(request: HttpRequest) -> Any:
    return access.comments_visible_to(request.user).select_related(
        "account__municipality", "account__owning_unit", "publication__draft"
    )


def _comment(request: HttpRequest, pk: int) -> Comment:
    return get_object_or_404(_comments(request), pk=pk)


def _account(request: HttpRequest, pk: int) -> Account:
    qs = registry_access.accounts_visible_to(request.user).select_related("municipality", "owning_unit")
    return get_object_or_404(qs, pk=pk)


def _handled_accounts(request: HttpRequest) -> list[Account]:
    visible = registry_access.accounts_visible_to(request.user).select_related("municipality", "owning_unit")
    return [a for a in visible.order_by("display_name") if access.can_handle_comments(request.user, a)]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The comments of the accounts the user may see, filtered and paged; pending reviews and follow-ups first."""
    accounts = list(registry_access.accounts_visible_to(request.user).order_by("display_name"))
    form = FilterForm(request.GET or None, accounts=accounts)
    comments = _comments(request)
    if form.is_valid():
        data = form.cleaned_data
        if data["account"]:
            comments = comments.filter(account_id=data["account"])
        if data["state"]:
            comments = comments.filter(state=data["state"])
        if data["category"] == "none":
            comments = comments.filter(category_codes="")
        elif data["category"]:
            comments = comments.filter(category_codes__contains=f" {data['category']} ")
        if data["date_from"]:
            comments = comments.filter(posted_at__gte=datetime.combine(data["date_from"], time(), JST))
        if data["date_to"]:
            end = datetime.combine(data["date_to"] + timedelta(days=1), time(), JST)
            comments = comments.filter(posted_at__lt=end)
    page = Paginator(comments.order_by("-posted_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    visible = access.comments_visible_to(request.user)
    pending = [
        d
        for d in ModerationDecision.objects.filter(comment__in=visible, state=DecisionState.PENDING)
        .select_related("comment__account", "decided_by")
        .order_by("decided_at")
        if d.decided_by_id != request.user.pk
        and access.can_review_moderation(request.user, d.comment.account)
    ]
    return render(
        request,
        "comments/inbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "pending": pending,
            "follow_ups": actions.open_follow_ups(visible),
            "today": timezone.localdate(),
            "can_import": bool(_handled_accounts(request)),
            "open_count": visible.filter(state=CommentState.OPEN).count(),
        },
    )


def _clause_choices(comment: Comment) -> list[tuple[str, str]]:
    """The account policy's clauses a hide or delete may cite, the comment's findings first."""
    profile = load_profile(comment.profile_id)
    specs = profile.comments.get("policy_clauses", {})
    found = [f["rule"] for f in comment.findings]
    order = found + [r for r in CATEGORY_LABELS if r not in found]
    out = []
    for rule in order:
        spec = specs.get(rule)
        if spec is None and rule not in profile.bindings:
            continue
        ref = spec["ref"] if spec else profile.bindings[rule].clause.ref
        title = spec.get("title", "") if spec else profile.bindings[rule].clause.title
        mark = "（指摘あり）" if rule in found else ""
        out.append((rule, f"{ref} {title}{mark}"))
    return out


@login_required
def comment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One comment: text, findings with both citations, the suggested action, decisions, replies, forms."""
    comment = _comment(request, pk)
    account = comment.account
    user = request.user
    can_handle = access.can_handle_comments(user, account)
    procedures = procedures_for(account)
    decisions = list(
        comment.decisions.select_related("decided_by", "reviewed_by", "reverses").order_by("decided_at", "pk")
    )
    replies = list(comment.replies.select_related("draft", "created_by"))
    refusal = (
        actions.reply_refusal(comment, "__probe__") if account.reply_policy == ReplyPolicy.NONE else None
    )
    needs_exception = account.reply_policy == ReplyPolicy.NONE and bool(procedures.reply_exceptions)
    context = {
        "comment": comment,
        "account": account,
        "findings": comment.findings,
        "category_labels": CATEGORY_LABELS,
        "action_label": ACTION_LABELS.get(comment.suggested_action, comment.suggested_action),
        "decisions": decisions,
        "replies": replies,
        "procedures": procedures,
        "can_handle": can_handle,
        "decidable": can_handle and comment.state in (CommentState.OPEN, CommentState.REPLYING),
        "moderation_form": ModerationForm(clauses=_clause_choices(comment)),
        "review_form": ReviewForm(),
        "reverse_form": ReverseForm(),
        "reply_form": ReplyForm(procedures=procedures, needs_exception=needs_exception),
        "reply_blocked": refusal if refusal and not procedures.reply_exceptions else "",
        "can_reply": can_handle and comment.state in actions.replies.REPLYABLE,
        "needs_exception": needs_exception,
        "pending_reviewable": [
            d
            for d in decisions
            if d.state == DecisionState.PENDING and d.decided_by_id != user.pk and can_handle
        ],
        "own_pending": [
            d for d in decisions if d.state == DecisionState.PENDING and d.decided_by_id == user.pk
        ],
        "DecisionState": DecisionState,
        "DecisionKind": DecisionKind,
        "reply_policy_label": account.get_reply_policy_display(),
    }
    return render(request, "comments/comment.html", context)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    require(
        access.can_handle_comments(request.user, comment.account),
        "このアカウントのコメントを扱えるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
    )
    form = ModerationForm(request.POST, clauses=_clause_choices(comment))
    if not form.is_valid():
        messages.error(
            request,
            "判断・条項・理由を確認してください: "
            + "、".join(e for errs in form.errors.values() for e in errs),
        )
        return redirect("comments:comment", pk)
    data = form.cleaned_data
    done = "判断を記録しました" + (
        "。別の職員の確認を待っています"
        if procedures_for(comment.account).needs_second_person and data["kind"] != DecisionKind.NO_ACTION
        else ""
    )
    return act_and_redirect(
        request,
        lambda: actions.do_moderate(
            request.user, comment, kind=data["kind"], rule=data["rule"], reason=data["reason"]
        ),
        done,
        "comments:comment",
        pk,
    )


def _decision(request: HttpRequest, pk: int) -> ModerationDecision:
    return get_object_or_404(
        ModerationDecision.objects.filter(
            comment__in=access.comments_visible_to(request.user)
        ).select_related("comment__account__municipality"),
        pk=pk,
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(
        access.can_handle_comments(request.user, decision.comment.account),
        "このアカウントのコメントを扱えるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "確認の結果を選んでください")
        return redirect("comments:comment", decision.comment_id)
    approve = form.cleaned_data["approve"]
    return act_and_redirect(
        request,
        lambda: actions.do_review_moderation(
            request.user, decision, approve=approve, comment=form.cleaned_data["comment"]
        ),
        "確認を記録しました（判断を実施しました）"
        if approve
        else "確認を記録しました（判断を認めず、未対応に戻しました）",
        "comments:comment",
        decision.comment_id,
    )


@login_required
@require_POST
def reverse(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    require(
        access.can_handle_comments(request.user, decision.comment.account),
        "このアカウントのコメントを扱えるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
    )
    form = ReverseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act_and_redirect(
        request,
        lambda: actions.do_reverse_moderation(request.user, decision, reason=reason),
        "判断を取り消しました。コメントは未対応に戻りました",
        "comments:comment",
        decision.comment_id,
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    require(
        access.can_handle_comments(request.user, comment.account),
        "このアカウントのコメントを扱えるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
    )
    procedures = procedures_for(comment.account)
    needs_exception = comment.account.reply_policy == ReplyPolicy.NONE and bool(procedures.reply_exceptions)
    form = ReplyForm(request.POST, procedures=procedures, needs_exception=needs_exception)
    if not form.is_valid():
        messages.error(
            request,
            "返信の内容を確認してください: " + "、".join(e for errs in form.errors.values() for e in errs),
        )
        return redirect("comments:comment", pk)
    try:
        link = actions.do_start_reply(
            request.user,
            comment,
            kind=form.cleaned_data["kind"],
            text=form.reply_text(),
            exception_id=form.cleaned_data.get("exception", ""),
        )
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("comments:comment", pk)
    messages.success(request, "返信案を作成しました。チェックの結果を確かめて、承認を依頼してください")
    return redirect("posts:draft", link.draft_id)


@login_required
def import_comments(request: HttpRequest) -> HttpResponse:
    """Import a CSV export or paste one comment; a file with a broken row is refused whole, every row named."""
    accounts = _handled_accounts(request)
    csv_form = CsvImportForm(accounts=accounts)
    paste_form = PasteForm(accounts=accounts)
    errors: list[str] = []
    if request.method == "POST":
        require(
            bool(accounts),
            "コメントを取り込めるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
        )
        by_pk = {a.pk: a for a in accounts}
        now = timezone.now()
        if "file" in request.FILES:
            csv_form = CsvImportForm(request.POST, request.FILES, accounts=accounts)
            if csv_form.is_valid():
                upload = csv_form.cleaned_data["file"]
                if upload.size > MAX_UPLOAD:
                    errors = ["ファイルが大きすぎます（5MBまで。分けて取り込んでください）"]
                else:
                    try:
                        fmt, rows, skipped = read_csv(upload.read(), now)
                    except ImportError_ as exc:
                        errors = exc.errors
                    else:
                        return _run_import(
                            request, by_pk[csv_form.cleaned_data["account"]], rows, Source.CSV, fmt, skipped
                        )
        else:
            paste_form = PasteForm(request.POST, accounts=accounts)
            if paste_form.is_valid():
                try:
                    row = validate(paste_form.cleaned_data, now)
                except ValueError as exc:
                    errors = [str(exc)]
                else:
                    return _run_import(
                        request, by_pk[paste_form.cleaned_data["account"]], [row], Source.PASTE, "", 0
                    )
    return render(
        request,
        "comments/import.html",
        {
            "csv_form": csv_form,
            "paste_form": paste_form,
            "errors": errors,
            "formats": FORMATS,
            "accounts": accounts,
        },
    )


def _run_import(
    request: HttpRequest, account: Account, rows: list[Any], source: str, fmt: str, skipped: int
) -> HttpResponse:
    try:
        result = actions.do_import_comments(request.user, account, rows, source=source, source_format=fmt)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("comments:import")
    note = f"（アカウント自身の送信 {skipped}件は除きました）" if skipped else ""
    messages.success(
        request,
        f"{account.display_name}: {len(result.created)}件を取り込みました。既にあった {result.duplicates}件は取り込んでいません{note}",
    )
    return redirect(f"{_inbox_url()}?account={account.pk}")


def _inbox_url() -> str:
    return url_reverse("comments:inbox")


@login_required
def follows(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    procedures = procedures_for(account)
    if request.method == "POST":
        require(
            access.can_register_follow(request.user, account, procedures.follow_approver),
            "このアカウントのフォローを登録できるのは所属長です"
            if procedures.follow_approver
            else "このアカウントのフォローを登録できるのは、担当者と所属長です",
        )
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return act_and_redirect(
            request,
            lambda: actions.do_register_follow(
                request.user,
                account,
                handle=data["handle"],
                name=data["name"],
                url=data["url"],
                kind=data["kind"],
                reason=data["reason"],
                no_prohibited_content=data["no_prohibited_content"],
            ),
            f"@{data['handle'].lstrip('@')} のフォローを記録しました",
            "comments:follows",
            account.pk,
        )
    return render(
        request,
        "comments/follows.html",
        {
            "account": account,
            "procedures": procedures,
            "form": form,
            "end_form": EndFollowForm(),
            "records": FollowRecord.objects.filter(account=account).select_related(
                "registered_by", "ended_by"
            ),
            "can_register": access.can_register_follow(request.user, account, procedures.follow_approver),
            "can_handle": access.can_handle_comments(request.user, account),
            "allowed_labels": [
                lbl
                for k, lbl in FollowRecord._meta.get_field("kind").choices
                if k in procedures.follow_allowed
            ],
        },
    )


@login_required
@require_POST
def end_follow(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(access.follows_visible_to(request.user).select_related("account"), pk=pk)
    require(
        access.can_handle_comments(request.user, record.account),
        "このアカウントのコメントを扱えるのは、アカウントの担当者（委託業者・指定管理者を含む）と所属長です",
    )
    form = EndFollowForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act_and_redirect(
        request,
        lambda: actions.do_end_follow(request.user, record, reason=reason),
        "フォローの解除を記録しました",
        "comments:follows",
        record.account_id,
    )


@login_required
def transparency(request: HttpRequest, account_id: int) -> HttpResponse:
    """The monthly counts of the last twelve months, what is published, and the publish form."""
    account = _account(request, account_id)
    today = timezone.localdate().replace(day=1)
    months = []
    m = today
    for _ in range(12):
        m = (m - timedelta(days=1)).replace(day=1)
        months.append((m, actions.month_counts(account, m)))
    published = {s.month: s for s in TransparencySummary.objects.filter(account=account)}
    if request.method == "POST":
        require(
            access.can_publish_summary(request.user, account),
            "コメント対応の月次公表ができるのは、このアカウントの所属長です",
        )
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        return act_and_redirect(
            request,
            lambda: actions.do_publish_summary(request.user, account, month=month),
            f"{month.year}年{month.month}月のコメント対応を公開一覧に公表しました",
            "comments:transparency",
            account.pk,
        )
    return render(
        request,
        "comments/transparency.html",
        {
            "account": account,
            "months": [(month_label(m), c, published.get(m)) for m, c in months],
            "form": form,
            "can_publish": access.can_publish_summary(request.user, account),
        },
    )
