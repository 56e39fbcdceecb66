"""Campaign pages for staff and the third party's submission page (no login; the token is the credential).

Views parse forms and call ``campaigns.actions``; they decide nothing. Staff
pages start from ``access.campaigns_visible_to(user)``: another unit's
campaign is a 404.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from koshiki.attachments import media as attached
from koshiki.campaigns import access, actions
from koshiki.campaigns.documents import DOCX_TYPE, build_instruction
from koshiki.campaigns.forms import (
    CampaignForm,
    CampaignPublicationForm,
    LinkForm,
    PrecheckForm,
    ThirdPartyForm,
)
from koshiki.campaigns.models import Campaign, CampaignSubmission, SubmissionFile
from koshiki.campaigns.states import PrecheckStatus
from koshiki.errors import ActionError
from koshiki.media import preview
from koshiki.posts import actions as post_actions
from koshiki.posts.checking import annotate, clean_parts, counts, marked_parts
from koshiki.posts.forms import WhenMixin
from koshiki.posts.models import finding_key
from koshiki.registry import access as registry_access
from koshiki.registry.models import Account
from koshiki.ui.outcome import act_and_redirect
from koshiki.ui.throttle import client_ip, hit, wait_text


def _campaigns(request: HttpRequest) -> Any:
    return access.campaigns_visible_to(request.user).select_related(
        "account__municipality", "account__owning_unit", "created_by"
    )


def _campaign_accounts(request: HttpRequest) -> Any:
    ids = [
        a.pk
        for a in registry_access.accounts_visible_to(request.user).select_related(
            "municipality", "owning_unit"
        )
        if post_actions.is_postable(a)
        and access.can_manage_campaign(request.user, a)
        and post_actions.post_procedures_for(a).campaign.enabled
    ]
    return Account.objects.filter(pk__in=ids)


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    items = _campaigns(request).annotate(
        pending=Count("submissions", filter=Q(submissions__precheck_status=PrecheckStatus.PENDING))
    )
    return render(
        request,
        "campaigns/campaigns.html",
        {"campaigns": items, "can_create": _campaign_accounts(request).exists()},
    )


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    accounts = _campaign_accounts(request)
    if not accounts.exists():
        raise PermissionDenied("第三者への発信依頼を登録できるアカウントがありません")
    form = CampaignForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            campaign, token = actions.do_create_campaign(
                request.user,
                form.cleaned_data["account"],
                name=form.cleaned_data["name"],
                poster_name=form.cleaned_data["poster_name"],
                poster_kind=form.cleaned_data["poster_kind"],
                poster_account=form.cleaned_data["poster_account"],
                subject=form.cleaned_data["subject"],
                expires_at=form.expires_at(),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            return _show_link(request, campaign, token)
    return render(request, "campaigns/campaign_new.html", {"form": form})


def _show_link(request: HttpRequest, campaign: Campaign, token: str) -> HttpResponse:
    """The link is shown once, in this response only (only its hash is stored)."""
    link = request.build_absolute_uri(reverse("campaigns:third_party", args=[token]))
    response = render(request, "campaigns/campaign_link.html", {"campaign": campaign, "link": link})
    response["Cache-Control"] = "no-store"
    return response


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(_campaigns(request), pk=pk)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    procedures = post_actions.post_procedures_for(campaign.account)
    can_precheck = access.can_precheck(request.user, campaign.account, procedures)
    submissions = []
    for s in (
        campaign.submissions.select_related("prechecked_by")
        .prefetch_related("files__file")
        .order_by("-number")
    ):
        pub = getattr(s, "publication", None) if s.precheck_status == PrecheckStatus.ACCEPTED else None
        submissions.append(
            {
                "submission": s,
                "files": [
                    {
                        "row": f,
                        "findings": [
                            x for x in annotate(s.findings) if x.get("part") == f"media:{f.position}"
                        ],
                    }
                    for f in s.files.all()
                ],
                "marked": marked_parts(s.text, [], [], s.findings)["text"],
                "findings": annotate(s.findings),
                "counts": counts(s.findings),
                "form": PrecheckForm(warnings=s.warnings, prefix=f"s{s.pk}"),
                "publication": pub,
                "pub_findings": annotate(pub.findings) if pub else [],
                "pub_marked": marked_parts(pub.text, [], [], pub.findings)["text"] if pub else "",
            }
        )
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "procedures": procedures,
            "submissions": submissions,
            "can_manage": access.can_manage_campaign(request.user, campaign.account),
            "can_precheck": can_precheck,
            "link_form": LinkForm(),
            "examples": procedures.campaign.filled(procedures.campaign.correct_examples, campaign.subject),
        },
    )


@login_required
def campaign_instruction(request: HttpRequest, pk: int) -> HttpResponse:
    """The written instruction (.docx) with the profile's disclosure rules and the deadline."""
    campaign = _campaign(request, pk)
    procedures = post_actions.post_procedures_for(campaign.account)
    response = HttpResponse(build_instruction(campaign, procedures), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="instruction-{campaign.pk}.docx"'
    return response


@login_required
@require_POST
def campaign_link(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    access.require_manage(request.user, campaign.account)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "有効期限の日付が読めません。")
        return redirect("campaigns:detail", campaign.pk)
    try:
        token = actions.do_reissue_campaign_token(request.user, campaign, form.expires_at())
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("campaigns:detail", campaign.pk)
    campaign.refresh_from_db()
    return _show_link(request, campaign, token)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return act_and_redirect(
        request,
        lambda: actions.do_close_campaign(request.user, campaign),
        "依頼を終了しました。提出用リンクは使えなくなりました。",
        "campaigns:detail",
        campaign.pk,
        confirm="依頼の終了",
    )


def _submission(request: HttpRequest, pk: int) -> CampaignSubmission:
    qs = access.submissions_visible_to(request.user)
    return get_object_or_404(qs.select_related("campaign__account__municipality"), pk=pk)


@login_required
@require_POST
def precheck(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    account = submission.campaign.account
    procedures = post_actions.post_procedures_for(account)
    access.require_precheck(request.user, account, procedures)
    form = PrecheckForm(request.POST, warnings=submission.warnings, prefix=f"s{submission.pk}")
    if not form.is_valid():
        messages.error(request, "入力が正しくありません。")
        return redirect("campaigns:detail", submission.campaign_id)
    return act_and_redirect(
        request,
        lambda: actions.do_precheck_campaign_submission(
            request.user,
            submission,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
            waivers=form.waivers(finding_key),
        ),
        "事前確認の結果を記録しました。発信者に連絡してください。",
        "campaigns:detail",
        submission.campaign_id,
    )


@login_required
def submission_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """The preview (JPEG) of a file sent with a submission, to staff who may see the campaign."""
    submission = _submission(request, pk)
    sent = get_object_or_404(SubmissionFile.objects.select_related("file"), pk=file_id, submission=submission)
    if not sent.file.preview_name:
        raise Http404("縮小画像がありません")
    response = FileResponse(attached.storage().open(sent.file.preview_name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def campaign_publication(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    if not access.can_manage_campaign(request.user, submission.campaign.account):
        raise PermissionDenied("投稿を記録できるのは、担当アカウントの担当者と所属長です")
    if submission.precheck_status != PrecheckStatus.ACCEPTED:
        messages.error(request, "事前確認で投稿を認めた投稿案についてだけ、投稿を記録できます。")
        return redirect("campaigns:detail", submission.campaign_id)
    existing = getattr(submission, "publication", None)
    initial = WhenMixin.now_initial()
    if existing is not None:
        # Re-check after the poster fixed the post: same post, same time; the fixed text is pasted again.
        when = timezone.localtime(existing.published_at)
        initial = {"url": existing.url, "published_on": when.date(), "published_time": when.strftime("%H:%M")}
    form = CampaignPublicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pub = actions.do_record_campaign_publication(
                request.user,
                submission,
                url=form.cleaned_data["url"],
                text=form.cleaned_data["text"],
                published_at=form.published_at(),
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            if not pub.disclosure_ok:
                messages.error(
                    request,
                    "投稿された本文の明示（#PR など）に問題があります。発信者に修正を依頼してください。",
                )
            elif not pub.matches:
                messages.warning(request, "投稿された本文が事前確認した本文と一致しません。")
            else:
                messages.success(request, "投稿を記録しました。明示に問題はありません。")
            return redirect("campaigns:detail", submission.campaign_id)
    return render(
        request,
        "campaigns/campaign_publication.html",
        {"submission": submission, "campaign": submission.campaign, "form": form, "existing": existing},
    )


def _data_uri(jpeg: bytes | None) -> str:
    """A small preview inlined in the page (the third party has no login to fetch files with)."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii") if jpeg else ""


def _uploads(request: HttpRequest) -> list[tuple[str, bytes]]:
    """The third party's files as (name, bytes); ``ActionError`` for one over the size cap."""
    out = []
    for f in request.FILES.getlist("files"):
        if f.size > settings.KOSHIKI_MEDIA_MAX_BYTES:
            raise ActionError(
                f"「{f.name}」は大きすぎます（{settings.KOSHIKI_MEDIA_MAX_BYTES // 1024 // 1024}MBまで）"
            )
        out.append((f.name, f.read()))
    return out


def _third_party_throttled(request: HttpRequest, token: str) -> str | None:
    """The Japanese refusal when the link or the address sent too much lately (issue 10 item 6), else None.

    Submissions (stored, and each shown to the city) and checks (nothing stored) are
    counted apart, per link and per address, in ``KOSHIKI_CAMPAIGN_WINDOW`` seconds.
    """
    check = request.POST.get("action") == "check"
    scope = "campaign_check" if check else "campaign_submit"
    limit = settings.KOSHIKI_CAMPAIGN_CHECKS if check else settings.KOSHIKI_CAMPAIGN_SUBMISSIONS
    window = settings.KOSHIKI_CAMPAIGN_WINDOW
    waits = [
        hit(scope, f"token:{token[:100]}", limit, window),
        hit(scope, f"ip:{client_ip(request)}", limit, window),
    ]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is None:
        return None
    what = "チェック" if check else "提出"
    return f"短い時間に{what}が続いたため、受け付けを一時的に止めています。{wait_text(wait)}待ってからもう一度お試しください。"


@never_cache
def third_party(request: HttpRequest, token: str) -> HttpResponse:
    """The third party's page (no login): the rules, a form to submit a draft, and the checker's findings."""
    try:
        campaign = actions.campaign_for_token(token)
    except ActionError as exc:
        response = render(request, "campaigns/third_party_invalid.html", {"message": exc.message}, status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    procedures = post_actions.post_procedures_for(campaign.account)
    form = ThirdPartyForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "campaign": campaign,
        "procedures": procedures,
        "rules": procedures.campaign.filled(procedures.campaign.rules, campaign.subject),
        "correct": procedures.campaign.filled(procedures.campaign.correct_examples, campaign.subject),
        "incorrect": procedures.campaign.filled(procedures.campaign.incorrect_examples, campaign.subject),
        "sentences": procedures.campaign.filled(procedures.campaign.sentence_examples, campaign.subject),
        "form": form,
        # The city's pre-check of each draft, shown back here (the link is the third party's only channel).
        "history": campaign.submissions.select_related("publication").order_by("-number")[:50],
    }
    busy = _third_party_throttled(request, token) if request.method == "POST" else None
    if busy is not None:
        form.is_valid()
        form.add_error(None, busy)
        response = render(request, "campaigns/third_party.html", context, status=429)
        response["X-Robots-Tag"] = "noindex"
        return response
    if request.method == "POST" and request.POST.get("action") == "check" and form.is_valid():
        # 「チェックする」: the same check as a submission, nothing stored, so the poster
        # can fix the disclosure before the city sees the draft.
        try:
            body, _, _ = clean_parts(form.cleaned_data["text"], (), ())
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            findings = actions.check_campaign_text(campaign, body)
            try:
                prepared = actions.prepare_campaign_files(
                    campaign, _uploads(request), strip=form.cleaned_data["strip_metadata"]
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
                prepared = []
            findings += actions.check_campaign_files(campaign, prepared)
            context["previews"] = [_data_uri(preview(data)) for _, data, _, _ in prepared]
            context.update(
                {
                    "check_only": True,
                    "marked": marked_parts(body, [], [], findings),
                    "findings": annotate(findings),
                    "counts": counts(findings),
                    "checked": True,
                }
            )
    elif request.method == "POST" and form.is_valid():
        try:
            submission = actions.do_submit_campaign_draft(
                token,
                form.cleaned_data["text"],
                form.cleaned_data["submitter_name"],
                _uploads(request),
                strip_metadata=form.cleaned_data["strip_metadata"],
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            context.update(
                {
                    "submitted": submission,
                    "previews": [
                        _data_uri(attached.read_preview(f.file))
                        for f in submission.files.select_related("file")
                    ],
                    "marked": marked_parts(submission.text, [], [], submission.findings),
                    "findings": annotate(submission.findings),
                    "counts": counts(submission.findings),
                    "checked": True,
                    "form": ThirdPartyForm(
                        initial={"submitter_name": submission.submitter_name, "text": submission.text}
                    ),
                }
            )
    response = render(request, "campaigns/third_party.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
