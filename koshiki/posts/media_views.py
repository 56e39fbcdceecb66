"""Media pages of a draft: upload, one file's facts and records, and the files themselves.

Every byte is served here, never from the storage directly: the user must be
able to see the draft's account (``posts.access.drafts_visible_to``) and the
file must belong to a revision of that draft. Responses are ``private,
no-store`` and ``nosniff``; originals are sent as attachments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from koshiki.attachments import media as m
from koshiki.attachments.models import Attachment, MediaFile
from koshiki.errors import ActionError
from koshiki.posts import access, actions
from koshiki.posts.media_forms import DescribeForm, RecordForm
from koshiki.posts.media_panel import file_rows
from koshiki.posts.models import Draft
from koshiki.posts.states import EDITABLE


def _draft(request: HttpRequest, pk: int) -> Draft:
    qs = access.drafts_visible_to(request.user).select_related("account__municipality", "current_revision")
    return get_object_or_404(qs, pk=pk)


def _editable(request: HttpRequest, draft: Draft) -> bool:
    return access.can_draft_post(request.user, draft.account) and draft.status in EDITABLE


def _uploads(request: HttpRequest, field: str) -> list[tuple[str, bytes]]:
    out = []
    for f in request.FILES.getlist(field):
        if f.size > settings.KOSHIKI_MEDIA_MAX_BYTES:
            raise ActionError(
                f"「{f.name}」は大きすぎます（{settings.KOSHIKI_MEDIA_MAX_BYTES // 1024 // 1024}MBまで）"
            )
        out.append((f.name, f.read()))
    return out


@login_required
@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    if not _editable(request, draft):
        raise PermissionDenied("この投稿案には添付できません")
    try:
        rev = actions.do_attach_media(request.user, draft, _uploads(request, "files"))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"添付して第{rev.number}版を保存しました。")
    return redirect("posts:draft", draft.pk)


@login_required
def detail(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """One attached file of the current revision: facts, findings, alt text, rights and consent."""
    draft = _draft(request, pk)
    editable = _editable(request, draft)
    if request.method == "POST" and not editable:
        raise PermissionDenied("この投稿案は変更できません")
    revision = draft.current_revision
    rows = file_rows(draft, revision)
    if not 0 <= position < len(rows):
        raise Http404("添付ファイルが見つかりません")
    row = rows[position]
    record = row["record"]
    describe = DescribeForm(
        request.POST if request.POST.get("action") == "describe" else None,
        initial={"alt_text": row["attachment"].alt_text, "decorative": row["attachment"].decorative,
                 "location_intended": row["attachment"].location_intended},
    )  # fmt: skip
    initial: dict[str, Any] = {}
    if record is not None:
        initial = {k: getattr(record, k) for k in RecordForm.base_fields if k != "consent_document"}
    record_form = RecordForm(
        request.POST if request.POST.get("action") == "record" else None,
        request.FILES or None,
        initial=initial,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "describe" and describe.is_valid():
                rev = actions.do_describe_media(request.user, draft, position, **describe.cleaned_data)
            elif action == "record" and record_form.is_valid():
                data = dict(record_form.cleaned_data)
                upload = data.pop("consent_document")
                document = (upload.name, upload.read()) if upload else None
                rev = actions.do_record_media(
                    request.user, draft, position, consent_document=document, **data
                )
            elif action == "clean":
                rev = actions.do_clean_media(request.user, draft, position)
            elif action == "detach":
                rev = actions.do_detach_media(request.user, draft, position)
                messages.success(request, f"添付を外して第{rev.number}版を保存しました。")
                return redirect("posts:draft", draft.pk)
            else:
                rev = None
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            if rev is not None:
                messages.success(request, f"第{rev.number}版を保存しました。")
                return redirect("posts:media", draft.pk, position)
    return render(
        request,
        "posts/media/detail.html",
        {"draft": draft, "row": row, "editable": editable, "describe": describe, "record_form": record_form,
         "revision": revision},
    )  # fmt: skip


def _attachment(request: HttpRequest, pk: int, attachment_id: int) -> Attachment:
    draft = _draft(request, pk)
    return get_object_or_404(
        Attachment.objects.select_related("file", "revision"), pk=attachment_id, revision__draft=draft
    )


def _send(file: MediaFile, storage_name: str, content_type: str, download_name: str = "") -> FileResponse:
    try:
        handle = m.storage().open(storage_name, "rb")
    except FileNotFoundError:
        raise Http404("ファイルが保存場所にありません") from None
    response = FileResponse(handle, content_type=content_type, as_attachment=bool(download_name),
                            filename=download_name or None)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def preview_file(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    att = _attachment(request, pk, attachment_id)
    if not att.file.preview_name:
        raise Http404("縮小画像がありません")
    return _send(att.file, att.file.preview_name, "image/jpeg")


@login_required
def original_file(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    att = _attachment(request, pk, attachment_id)
    return _send(att.file, att.file.storage_name, att.file.mime, att.name)


@login_required
def consent_document(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    att = _attachment(request, pk, attachment_id)
    record = m.records_for(att.revision.draft.account.municipality, [m.Spec(att.file, att.name)]).get(
        att.file.sha256
    )
    if record is None or record.consent_document is None:
        raise Http404("同意書がありません")
    doc = record.consent_document
    return _send(doc, doc.storage_name, doc.mime, f"同意書_{att.name}")
