"""Staff pages for posts, the live-check endpoint and the third party's submission page.

Views parse forms and call ``posts.actions``; they decide nothing. Every page
starts from ``registry_access.accounts_visible_to(user)``: a draft of another unit is a
404. A refused action shows its Japanese reason (``ActionError`` on the form,
``PermissionDenied`` as the 403 page).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from koshiki.citysettings.effective import effective_profile
from koshiki.errors import ActionError, require
from koshiki.posts import access, actions
from koshiki.posts.attention import (
    drafts_to_decide,
    mismatched_publications,
    open_second_check_request,
    publications_before_approval,
    reports_to_confirm,
    second_check_candidates,
)
from koshiki.posts.checking import annotate, counts, marked_parts
from koshiki.posts.counter import TextCount, count_for
from koshiki.posts.diff import diff_html
from koshiki.posts.forms import (
    CorrectionForm,
    DecisionForm,
    DraftForm,
    PublicationForm,
    ReportConfirmForm,
    ScopePostForm,
    ScopesForm,
    SecondCheckForm,
    SecondCheckRequestForm,
    WhenMixin,
)
from koshiki.posts.models import (
    ApprovalRun,
    Draft,
    PostHocReport,
    PreApprovedScope,
    Revision,
    finding_key,
)
from koshiki.posts.states import CorrectionHandling, DraftStatus, RunStatus
from koshiki.registry import access as registry_access
from koshiki.registry.models import Account
from koshiki.ui.outcome import act_and_redirect
from koshiki.ui.throttle import hit, wait_text


def _drafts(request: HttpRequest) -> Any:
    return Draft.objects.filter(account__in=registry_access.accounts_visible_to(request.user)).select_related(
        "account__municipality", "account__owning_unit", "author", "current_revision", "approved_revision"
    )


def _draft(request: HttpRequest, pk: int) -> Draft:
    """The draft if the user may see its account, else 404."""
    return get_object_or_404(_drafts(request), pk=pk)


def _account(request: HttpRequest, pk: int) -> Account:
    qs = registry_access.accounts_visible_to(request.user).select_related(
        "municipality", "owning_unit", "current_policy"
    )
    return get_object_or_404(qs, pk=pk)


def _findings_context(revision_or_parts: Any, findings: list[dict[str, Any]]) -> dict[str, Any]:
    text, alts, links = revision_or_parts
    return {
        "marked": marked_parts(text, alts, links, findings),
        "findings": annotate(findings),
        "counts": counts(findings),
        "checked": True,
    }


def _revision_findings(revision: Revision) -> dict[str, Any]:
    ctx = _findings_context((revision.text, revision.alt_texts, revision.links), revision.findings)
    ctx["revision"] = revision
    return ctx


# ---- lists -------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The user's accounts with their drafts, drafts waiting for the user's decision, reports to confirm."""
    accounts = [
        a
        for a in registry_access.accounts_visible_to(request.user).select_related(
            "owning_unit", "municipality"
        )
    ]
    draft_counts = {
        row["account"]: row
        for row in Draft.objects.filter(account__in=[a.pk for a in accounts])
        .values("account")
        .annotate(
            open=Count("pk", filter=Q(status__in=[DraftStatus.DRAFT, DraftStatus.RETURNED])),
            waiting=Count("pk", filter=Q(status=DraftStatus.SUBMITTED)),
            approved=Count("pk", filter=Q(status=DraftStatus.APPROVED)),
        )
    }
    rows = [
        {
            "account": a,
            "counts": draft_counts.get(a.pk, {}),
            "can_draft": access.can_draft_post(request.user, a) and actions.is_postable(a),
        }
        for a in accounts
    ]
    return render(
        request,
        "posts/index.html",
        {
            "rows": rows,
            "to_decide": drafts_to_decide(request.user),
            "reports": reports_to_confirm(request.user),
            "mismatches": mismatched_publications(request.user),
            "before_approval": publications_before_approval(request.user),
            "postable_states": [str(s) for s in actions.POSTABLE_STATES],
        },
    )


@login_required
def account_drafts(request: HttpRequest, account_id: int) -> HttpResponse:
    """The drafts of one account, filtered by status."""
    account = _account(request, account_id)
    status = request.GET.get("status", "")
    drafts = _drafts(request).filter(account=account)
    if status in DraftStatus.values:
        drafts = drafts.filter(status=status)
    procedures = actions.post_procedures_for(account)
    return render(
        request,
        "posts/account_drafts.html",
        {
            "account": account,
            "drafts": drafts[:200],
            "status": status,
            "statuses": DraftStatus.choices,
            "can_draft": access.can_draft_post(request.user, account) and actions.is_postable(account),
            "postable": actions.is_postable(account),
            "procedures": procedures,
            "scopes": PreApprovedScope.objects.filter(account=account, active=True),
        },
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    return render(request, "posts/approvals.html", {"drafts": drafts_to_decide(request.user)})


# ---- the editor --------------------------------------------------------------------------------


@login_required
def draft_new(request: HttpRequest, account_id: int) -> HttpResponse:
    """A new draft: the editor; 「チェック」 re-renders with findings, 「保存」 creates the draft."""
    account = (
        registry_access.accounts_visible_to(request.user)
        .select_related("municipality", "owning_unit", "current_policy")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        return JsonResponse({"error": "このアカウントは見つかりません"}, status=404)
    if not access.can_draft_post(request.user, account):
        raise PermissionDenied("このアカウントの投稿案を作成できるのは、担当者と所属長です")
    if not actions.is_postable(account):
        messages.error(request, f"「{account.get_status_display()}」のアカウントには投稿できません。")
        return redirect("posts:account", account.pk)
    form = DraftForm(request.POST or None, new=True)
    context: dict[str, Any] = {
        "account": account,
        "form": form,
        "draft": None,
        "counter": _counter(account, request.POST.get("text", "")),
    }
    if request.method == "POST" and form.is_valid():
        alts, links = form.alt_texts(), form.link_list()
        if request.POST.get("action") == "check":
            context.update(_live(account, form.cleaned_data["text"], alts, links, None))
        else:
            try:
                draft = actions.do_create_draft(
                    request.user,
                    account,
                    form.cleaned_data["text"],
                    alts,
                    links,
                    kind=form.cleaned_data["kind"],
                    in_reply_to=form.cleaned_data["in_reply_to"],
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "投稿案を保存しました（第1版）。")
                return redirect("posts:draft", draft.pk)
    return render(request, "posts/draft_edit.html", context)


def _counter(account: Account, text: str) -> TextCount | None:
    """The editor's character counter for the account's platform (profile data ``text_limits``)."""
    limits = effective_profile(account.municipality).param("text_limits")
    return count_for(text or "", account.platform, limits)


def _live(
    account: Account, text: str, alts: list[str], links: list[str], draft: Draft | None
) -> dict[str, Any]:
    try:
        text, alts, links, findings = actions.check_draft_content(
            account, text, alts, links, exclude_draft=draft
        )
    except ActionError as exc:
        return {"check_error": exc.message, "counter": _counter(account, text)}
    return {**_findings_context((text, alts, links), findings), "counter": _counter(account, text)}


@login_required
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft: editor while editable, its revisions, approvals, checks and what may be done next."""
    draft = _draft(request, pk)
    account = draft.account
    revision = draft.current_revision
    can_draft = access.can_draft_post(request.user, account)
    editable = can_draft and draft.status in (DraftStatus.DRAFT, DraftStatus.RETURNED, DraftStatus.APPROVED)
    form = DraftForm(request.POST or None, initial=DraftForm.initial_from(revision))
    context = _detail_context(request, draft)
    context.update({"form": form, "editable": editable, "counter": _counter(account, revision.text)})
    context.update(_revision_findings(revision))
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("この投稿案は編集できません")
        if form.is_valid():
            alts, links = form.alt_texts(), form.link_list()
            if request.POST.get("action") == "check":
                context.update(_live(account, form.cleaned_data["text"], alts, links, draft))
                context["unsaved"] = True
            else:
                was_approved = draft.status == DraftStatus.APPROVED
                try:
                    new = actions.do_edit_draft(request.user, draft, form.cleaned_data["text"], alts, links)
                except ActionError as exc:
                    form.add_error(None, exc.message)
                else:
                    note = "。承認後の編集のため、もう一度承認が必要です" if was_approved else ""
                    messages.success(request, f"第{new.number}版を保存しました{note}。")
                    return redirect("posts:draft", draft.pk)
    return render(request, "posts/draft_edit.html", context)


def _detail_context(request: HttpRequest, draft: Draft) -> dict[str, Any]:
    account = draft.account
    user = request.user
    procedures = actions.post_procedures_for(account)
    runs = list(
        draft.approval_runs.select_related("revision", "submitted_by", "cancelled_by").prefetch_related(
            "decisions__approver", "decisions__waivers"
        )
    )
    active = next((r for r in runs if r.status == RunStatus.IN_PROGRESS), None)
    can_draft = access.can_draft_post(user, account)
    revision = draft.current_revision
    can_decide = bool(
        active
        and active.current_role
        and access.can_approve_post(user, account, active.current_role)
        and user.pk not in {draft.author_id, active.revision.author_id, active.submitted_by_id}
    )
    scopes = list(PreApprovedScope.objects.filter(account=account, active=True))
    checks = list(draft.second_checks.select_related("checker", "revision"))
    second_check_open = (
        draft.status in (DraftStatus.DRAFT, DraftStatus.RETURNED)
        and bool(scopes)
        and procedures.second_check_mode != "none"
    )
    check_request = open_second_check_request(draft) if second_check_open else None
    publication = getattr(draft, "publication", None) if draft.status == DraftStatus.PUBLISHED else None
    return {
        "draft": draft,
        "account": account,
        "procedures": procedures,
        "revisions": draft.revisions.select_related("author").order_by("-number"),
        "runs": runs,
        "active_run": active,
        "can_draft": can_draft,
        "can_decide": can_decide,
        "can_submit": can_draft and draft.status in (DraftStatus.DRAFT, DraftStatus.RETURNED),
        "can_scope_post": can_draft
        and draft.status in (DraftStatus.DRAFT, DraftStatus.RETURNED)
        and bool(scopes),
        "can_second_check": (
            second_check_open
            and access.can_second_check_post(user, account)
            and user.pk != revision.author_id
            and (check_request is None or check_request.requested_of_id in (None, user.pk))
        ),
        "check_request": check_request,
        "can_request_check": second_check_open and can_draft,
        "request_check_form": (
            SecondCheckRequestForm(
                candidates=second_check_candidates(draft),
                initial={"checker": check_request.requested_of_id if check_request else ""},
            )
            if second_check_open and can_draft
            else None
        ),
        "can_publish": can_draft and draft.status == DraftStatus.APPROVED,
        "can_correct": can_draft and draft.status == DraftStatus.PUBLISHED,
        "second_checks": checks,
        "second_check_form": SecondCheckForm(initial={"revision": revision.pk}),
        "publication": publication,
        "publication_diff": (
            diff_html(publication.revision.text, publication.recorded_text)
            if publication is not None and not publication.matches
            else None
        ),
        "report": PostHocReport.objects.filter(draft=draft).first(),
        "corrections": draft.corrections.all(),
    }


def _json_id(value: object) -> int | None:
    """A record number from JSON: a positive integer (or its digits as a string), else None.

    Refuses floats (``1e400`` is infinity), booleans and numbers past the database's bigint.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    return None


@login_required
@require_POST
def check_live(request: HttpRequest) -> JsonResponse:
    """Same-origin JSON endpoint the editor calls as the author types (session + CSRF).

    Body: ``{"account": id, "draft": id|null, "text": "...", "alt_texts": [...], "links": [...]}``.
    Returns the findings and the marked HTML of the findings panel. Each person may
    call it ``KOSHIKI_LIVE_CHECK_PER_MINUTE`` times a minute (the editor calls it as
    one types, about once a second at most); past that a JSON 429 in Japanese.
    """
    wait = hit("check_live", str(request.user.pk), settings.KOSHIKI_LIVE_CHECK_PER_MINUTE, 60)
    if wait is not None:
        busy = JsonResponse(
            {"error": f"チェックの回数が多すぎます。{wait_text(wait)}待ってからもう一度お試しください。"},
            status=429,
        )
        busy["Retry-After"] = str(wait)
        return busy
    try:
        data = json.loads(request.body.decode("utf-8"))
    except RequestDataTooBig:
        return JsonResponse({"error": "本文が大きすぎます"}, status=413)
    except ValueError:  # not UTF-8, not JSON, or a number past Python's 4,300-digit limit
        return JsonResponse({"error": "JSON として読めません"}, status=400)
    except RecursionError:
        return JsonResponse({"error": "JSON の入れ子が深すぎます"}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": "JSON オブジェクトで送ってください"}, status=400)
    text, alts, links = data.get("text", ""), data.get("alt_texts", []), data.get("links", [])
    if (
        not isinstance(text, str)
        or not isinstance(alts, list)
        or not isinstance(links, list)
        or not all(isinstance(v, str) for v in alts + links)
    ):
        return JsonResponse(
            {"error": "text は文字列、alt_texts と links は文字列の配列で送ってください"}, status=400
        )
    account_id, draft_id = _json_id(data.get("account")), _json_id(data.get("draft"))
    if account_id is None:
        return JsonResponse({"error": "account はアカウントの番号（正の整数）で指定してください"}, status=400)
    if data.get("draft") not in (None, "", 0) and draft_id is None:
        return JsonResponse({"error": "draft は投稿案の番号（正の整数）で指定してください"}, status=400)
    account = (
        registry_access.accounts_visible_to(request.user)
        .select_related("municipality", "owning_unit", "current_policy")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        return JsonResponse({"error": "このアカウントは見つかりません"}, status=404)
    if not access.can_draft_post(request.user, account):
        return JsonResponse({"error": "このアカウントの投稿案を扱う権限がありません"}, status=403)
    draft = _drafts(request).filter(account=account, pk=draft_id).first() if draft_id is not None else None
    if not text.strip():
        html = render_to_string("posts/_findings.html", {"checked": False}, request=request)
        counter = _counter(account, text)
        return JsonResponse(
            {"findings": [], "counts": counts([]), "html": html, "counter": counter and counter.as_json()}
        )
    ctx = _live(account, text, alts, links, draft)
    if "check_error" in ctx:
        return JsonResponse({"error": ctx["check_error"]}, status=400)
    html = render_to_string("posts/_findings.html", ctx, request=request)
    counter = ctx["counter"]
    return JsonResponse(
        {
            "findings": ctx["findings"],
            "counts": ctx["counts"],
            "html": html,
            "counter": counter and counter.as_json(),
        }
    )


# ---- submit, decide -----------------------------------------------------------------------------


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    procedures = actions.post_procedures_for(draft.account)
    return act_and_redirect(
        request,
        lambda: actions.do_submit(request.user, draft),
        f"{procedures.approver_label}に承認を求めました。",
        "posts:draft",
        draft.pk,
    )


@login_required
@require_POST
def recall(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    reason = request.POST.get("reason", "")
    return act_and_redirect(
        request,
        lambda: actions.do_recall_submission(request.user, draft, reason),
        "承認の依頼を取り消しました。",
        "posts:draft",
        draft.pk,
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    # A read-only role gets its 403 before being asked to confirm.
    require(
        access.can_draft_post(request.user, draft.account),
        "このアカウントの投稿案を扱えるのは、担当者と所属長です",
    )
    reason = request.POST.get("reason", "")
    return act_and_redirect(
        request,
        lambda: actions.do_withdraw_draft(request.user, draft, reason),
        "投稿案を取り下げました。",
        "posts:draft",
        draft.pk,
        confirm="投稿案の取下げ",
    )


@login_required
def approval(request: HttpRequest, pk: int) -> HttpResponse:
    """The approver's page: the exact revision, each warning with a reason field, approve or return."""
    draft = _draft(request, pk)
    run = draft.approval_runs.filter(status=RunStatus.IN_PROGRESS).select_related("revision").first()
    if run is None:
        messages.error(request, "この投稿案は承認を求められていません。")
        return redirect("posts:draft", draft.pk)
    revision = run.revision
    # Refuse a person without the step's role before reading the form (GET and POST alike).
    role = run.current_role
    if role and not access.can_approve_post(request.user, draft.account, role):
        label = actions.post_procedures_for(draft.account).approver_label
        raise PermissionDenied(f"この投稿案を承認できるのは{label}です")
    form = DecisionForm(request.POST or None, warnings=revision.warnings, initial={"revision": revision.pk})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                actions.do_approve(
                    request.user,
                    draft,
                    waivers=form.waivers(finding_key),
                    comment=form.cleaned_data["comment"],
                    revision=form.cleaned_data["revision"],
                )
                messages.success(request, "承認しました。")
            else:
                actions.do_return(
                    request.user, draft, form.cleaned_data["comment"], revision=form.cleaned_data["revision"]
                )
                messages.success(request, "差し戻しました。")
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("posts:draft", draft.pk)
    context = _detail_context(request, draft)
    context.update(_revision_findings(revision))
    context.update({"form": form, "run": run, **_changes_since_last_decision(draft, run)})
    return render(request, "posts/approval.html", context)


def _file_list(revision: Revision) -> list[tuple[str, str]]:
    return list(revision.attachments.order_by("position").values_list("file__sha256", "alt_text"))


def _changes_since_last_decision(draft: Draft, run: ApprovalRun) -> dict[str, Any]:
    """What changed since the revision an approver last returned or approved (shown on the approval page)."""
    previous = (
        draft.approval_runs.filter(
            status__in=[RunStatus.RETURNED, RunStatus.APPROVED], revision__number__lt=run.revision.number
        )
        .select_related("revision")
        .order_by("-revision__number", "-pk")
        .first()
    )
    if previous is None:
        return {}
    old, new = previous.revision, run.revision
    return {
        "previous_run": previous,
        "changes": diff_html(old.text, new.text) if old.text_sha256 != new.text_sha256 else None,
        "other_parts_changed": (old.alt_texts, old.links) != (new.alt_texts, new.links),
        "files_changed": _file_list(old) != _file_list(new),
    }


# ---- scopes, second check, post under scope, reports ------------------------------------------


@login_required
def scopes(request: HttpRequest, account_id: int) -> HttpResponse:
    """The section head sets the pre-approved scopes of an account; others see them."""
    account = _account(request, account_id)
    procedures = actions.post_procedures_for(account)
    rows = {
        s.scope_id: s for s in PreApprovedScope.objects.filter(account=account).select_related("approved_by")
    }
    initial: dict[str, Any] = {}
    for scope_id, row in rows.items():
        initial[f"scope_{scope_id}"] = row.active
        initial[f"note_{scope_id}"] = row.note
    form = ScopesForm(request.POST or None, procedures=procedures, initial=initial)
    can_set = access.can_set_post_scopes(request.user, account)
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied("事前承認の範囲を定められるのは所属長です")
        if form.is_valid():
            try:
                actions.do_set_scopes(request.user, account, form.chosen(), form.notes())
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "事前承認の範囲を保存しました。")
                return redirect("posts:scopes", account.pk)
    scope_rows = [
        {"scope": s, "row": rows.get(s.id), "field": form[f"scope_{s.id}"], "note": form[f"note_{s.id}"]}
        for s in procedures.scopes
    ]
    return render(
        request,
        "posts/scopes.html",
        {
            "account": account,
            "procedures": procedures,
            "form": form,
            "scope_rows": scope_rows,
            "can_set": can_set,
        },
    )


@login_required
@require_POST
def second_check(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    require(
        access.can_second_check_post(request.user, draft.account),
        "複数確認を記録できるのは、このアカウントの担当者と所属長です",
    )
    form = SecondCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "確認の結果を選んでください。")
        return redirect("posts:draft", draft.pk)
    return act_and_redirect(
        request,
        lambda: actions.do_record_second_check(
            request.user,
            draft,
            form.cleaned_data["result"],
            form.cleaned_data["comment"],
            revision=form.cleaned_data["revision"],
        ),
        "複数確認を記録しました。",
        "posts:draft",
        draft.pk,
    )


@login_required
@require_POST
def second_check_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a named colleague (or anyone eligible) for the second check; the action guards who may be named."""
    draft = _draft(request, pk)
    chosen = request.POST.get("checker", "").strip()
    checker = None
    if chosen:
        checker = get_user_model().objects.filter(pk=int(chosen) if chosen.isdigit() else 0).first()
        if checker is None:
            messages.error(request, "確認を依頼する職員を一覧から選んでください。")
            return redirect("posts:draft", draft.pk)
    done = (
        f"{checker.last_name} {checker.first_name}さんに確認を依頼しました。"
        if checker
        else "確認できる職員に確認を依頼しました。"
    )
    return act_and_redirect(
        request,
        lambda: actions.do_request_second_check(request.user, draft, checker),
        done,
        "posts:draft",
        draft.pk,
    )


@login_required
def scope_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a post made under a pre-approved scope; the report goes to the section head."""
    draft = _draft(request, pk)
    account = draft.account
    if not access.can_draft_post(request.user, account):
        raise PermissionDenied("このアカウントの投稿案を扱えるのは、担当者と所属長です")
    procedures = actions.post_procedures_for(account)
    order = {s.id: i for i, s in enumerate(procedures.scopes)}
    active = sorted(
        PreApprovedScope.objects.filter(account=account, active=True), key=lambda s: order.get(s.scope_id, 99)
    )
    choices = [(s.scope_id, s.label) for s in active]
    # The published text is pasted from the platform, never pre-filled: the hash
    # comparison must see what actually went out (issue 4.5).
    initial = WhenMixin.now_initial()
    form = ScopePostForm(request.POST or None, scopes=choices, initial=initial)
    if not _shows_deletion(draft):
        del form.fields["original_deleted"]
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_post_under_scope(
                request.user,
                draft,
                form.cleaned_data["scope"],
                url=form.cleaned_data["url"],
                published_at=form.published_at(),
                recorded_text=form.cleaned_data["recorded_text"],
                no_second_check_reason=form.cleaned_data["no_second_check_reason"],
                original_deleted=form.cleaned_data.get("original_deleted", False),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "範囲内の投稿として記録し、所属長に報告しました。")
            return redirect("posts:draft", draft.pk)
    context = _detail_context(request, draft)
    context.update(_revision_findings(draft.current_revision))
    context.update({"form": form, "show_original_deleted": _shows_deletion(draft)})
    return render(request, "posts/scope_post.html", context)


def _shows_deletion(draft: Draft) -> bool:
    return draft.correction_handling == CorrectionHandling.DELETE_AND_REPOST


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """Post-hoc reports: unconfirmed first, overdue ones marked."""
    qs = PostHocReport.objects.filter(
        draft__account__in=registry_access.accounts_visible_to(request.user)
    ).select_related(
        "draft__account__owning_unit",
        "draft__current_revision",
        "scope",
        "reported_by",
        "confirmed_by",
        "revision",
    )
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.unconfirmed()
    elif show == "overdue":
        qs = qs.overdue()
    items = [
        {"report": r, "can_confirm": access.can_set_post_scopes(request.user, r.draft.account)}
        for r in qs[:300]
    ]
    return render(
        request,
        "posts/reports.html",
        {"items": items, "show": show, "form": ReportConfirmForm(), "now": timezone.now()},
    )


@login_required
@require_POST
def report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    qs = PostHocReport.objects.filter(draft__account__in=registry_access.accounts_visible_to(request.user))
    report = get_object_or_404(qs.select_related("draft__account"), pk=pk)
    form = ReportConfirmForm(request.POST)
    form.is_valid()
    return act_and_redirect(
        request,
        lambda: actions.do_confirm_report(request.user, report, form.cleaned_data.get("comment", "")),
        "報告を確認しました。",
        "posts:reports",
    )


# ---- publication and correction -----------------------------------------------------------------


@login_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the publication of the approved revision (URL, time, the text as it went out)."""
    draft = _draft(request, pk)
    if not access.can_draft_post(request.user, draft.account):
        raise PermissionDenied("投稿を記録できるのは、このアカウントの担当者と所属長です")
    approved = draft.approved_revision or draft.current_revision
    form = PublicationForm(request.POST or None, initial=WhenMixin.now_initial())
    if not _shows_deletion(draft):
        del form.fields["original_deleted"]
    if request.method == "POST" and form.is_valid():
        try:
            pub = actions.do_record_publication(
                request.user,
                draft,
                url=form.cleaned_data["url"],
                published_at=form.published_at(),
                recorded_text=form.cleaned_data["recorded_text"],
                original_deleted=form.cleaned_data.get("original_deleted", False),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            if not pub.matches:
                messages.error(
                    request, "投稿された本文が承認された本文と一致しません。所属長に報告してください。"
                )
            if pub.hours_warning:
                messages.warning(request, pub.hours_warning)
            messages.success(request, "投稿を記録しました。")
            return redirect("posts:draft", draft.pk)
    context = _detail_context(request, draft)
    context.update(_revision_findings(approved))
    context.update({"form": form, "show_original_deleted": _shows_deletion(draft)})
    return render(request, "posts/publication.html", context)


@login_required
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a correction of a published post with the handling the profile allows."""
    original = _draft(request, pk)
    if not access.can_draft_post(request.user, original.account):
        raise PermissionDenied("訂正を始められるのは、このアカウントの担当者と所属長です")
    procedures = actions.post_procedures_for(original.account)
    template = (
        actions.correction_template(procedures, original) if original.status == DraftStatus.PUBLISHED else ""
    )
    form = CorrectionForm(request.POST or None, procedures=procedures, initial={"text": template})
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.do_start_correction(
                request.user,
                original,
                form.cleaned_data["reason"],
                handling=form.cleaned_data["handling"],
                text=form.cleaned_data["text"],
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "訂正の投稿案を作りました。承認（または事前承認の範囲）を経て投稿してください。"
            )
            return redirect("posts:draft", new.pk)
    context = _detail_context(request, original)
    context.update({"form": form, "original": original})
    return render(request, "posts/correction.html", context)
