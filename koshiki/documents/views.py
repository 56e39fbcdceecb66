"""Downloads: an account's forms filled now (DOCX/PDF), its filed copies, and the Excel exports.

Every view reads only (GET, no state change); the base queryset is
``registry.access.accounts_visible_to`` so another unit's account is 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header

from koshiki.documents.excel import XLSX_TYPE, registry_sheet, roster_sheet, workbook_bytes
from koshiki.documents.models import FormCopy
from koshiki.documents.render import CONTENT_TYPES, render
from koshiki.documents.steps import filled_for_account
from koshiki.fiscal import to_wareki
from koshiki.registry import access
from koshiki.registry.models import Account


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _account(request: HttpRequest, pk: int) -> Account:
    qs = access.accounts_visible_to(request.user).select_related(
        "municipality", "owning_unit", "current_policy", "current_internal_rule", "responsible_user"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def account_form(request: HttpRequest, pk: int, form_id: str, fmt: str) -> HttpResponse:
    """The account's form filled from the registry now, as DOCX or PDF (same bytes a step would file today)."""
    account = _account(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        form = filled_for_account(account, form_id)
    except KeyError:
        raise Http404 from None
    return _download(render(form, fmt), CONTENT_TYPES[fmt], form.filename(fmt, account.display_name))


@login_required
def form_copy(request: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    """A filed copy exactly as kept (its SHA-256 is in the step's audit event)."""
    account = _account(request, pk)
    copy = get_object_or_404(FormCopy, pk=copy_pk, account=account)
    content_type = CONTENT_TYPES.get(copy.format, "application/octet-stream")
    return _download(bytes(copy.content), content_type, copy.filename)


@login_required
def registry_xlsx(request: HttpRequest) -> HttpResponse:
    """The registry and rosters of every account the user may see, as one workbook."""
    accounts = access.accounts_visible_to(request.user)
    today = timezone.localdate()
    data = workbook_bytes([registry_sheet(accounts, today), roster_sheet(accounts, today)])
    return _download(data, XLSX_TYPE, f"公式アカウント台帳_{to_wareki(today)}.xlsx")


@login_required
def roster_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """One account's operator roster (current and past members) as a workbook."""
    account = _account(request, pk)
    today = timezone.localdate()
    sheet = roster_sheet(Account.objects.filter(pk=account.pk), today, include_removed=True)
    return _download(
        workbook_bytes([sheet]), XLSX_TYPE, f"運用者名簿_{account.display_name}_{to_wareki(today)}.xlsx"
    )
