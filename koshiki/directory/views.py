"""Public pages (no login): the list of official accounts, open data, policies and the verify API.

Views only parse the request and render; what is shown is decided in
``directory.public`` and the verify answer in ``directory.verify``. Nothing
here writes to the database.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_GET

from koshiki.comments.public import published_summaries
from koshiki.directory.cache import cached, public_version, snapshot
from koshiki.directory.platform_urls import (
    MAX_HANDLE,
    MAX_URL,
    PLATFORM_NAMES,
    AccountRef,
    UrlError,
    clean_handle,
    parse_account_url,
)
from koshiki.directory.public import (
    CSV_COLUMNS,
    account_data,
    by_genre,
    public_accounts,
    public_policy,
    public_state,
)
from koshiki.directory.verify import verify as verify_ref
from koshiki.incidents.models import Impersonation
from koshiki.registry.lifecycle import load_procedures
from koshiki.registry.models import Account
from koshiki.registry.states import POLICY_FIELDS

_JSON = {"ensure_ascii": False}
# Cells Excel would run as a formula (CSV injection); such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _policy_url(request: HttpRequest, account: Account) -> str:
    return request.build_absolute_uri(reverse("directory:policy", args=[account.pk]))


# Browsers and proxies may keep the public list a minute, then revalidate by ETag (one query).
PUBLIC_MAX_AGE = 60


def _registry_etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return public_version(request)


def _versioned(view: Any) -> Any:
    """Answer 304 when the client's ETag is the registry's current version; else render, tagged and cacheable."""

    conditional = condition(etag_func=_registry_etag)(view)

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        # A signed-in employee's copy stays no-store (koshiki.web.middleware): it carries the staff header.
        if response.status_code in (200, 304) and not request.user.is_authenticated:
            response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        return response

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _open(response: HttpResponse) -> HttpResponse:
    """Open data and the verify API may be read from any site (no cookies are involved)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@_versioned
@cached("list")
def account_list(request: HttpRequest) -> HttpResponse:
    """公式アカウント一覧 by genre, each with its state and a link to its operation policy."""
    accounts = list(public_accounts())
    municipalities = sorted({a.municipality.name for a in accounts})
    rows = [(a, public_state(a)) for a in accounts]
    state_of = {a.pk: state for a, state in rows}
    groups = by_genre(accounts)
    # One city: the list carries the name its guideline gives it (京都市4(2)ア「ソーシャルメディア一覧」).
    title = "公式アカウント一覧"
    if len(municipalities) == 1:
        city = accounts[0].municipality
        title = load_procedures(city.profile_id).list_name(city.name)
    return render(
        request,
        "directory/account_list.html",
        {
            "title": title,
            "groups": groups,
            "state_of": state_of,
            "municipalities": municipalities,
            "count": len(accounts),
            "platform_names": PLATFORM_NAMES,
            # Published warnings about confirmed impersonations (incidents app; 京都市4(4)イ, 安芸高田市4(2)イ).
            "notices": Impersonation.objects.filter(notice_published_at__isnull=False)
            .select_related("real_account")
            .order_by("-notice_published_at")[:20],
        },
    )


@require_GET
def account_policy(request: HttpRequest, pk: int) -> HttpResponse:
    """The published operation policy (様式1) of one listed account; 404 for anything not listed."""
    account = public_accounts().filter(pk=pk).first()
    if account is None:
        raise Http404("公式アカウント一覧にないアカウントです")
    policy = public_policy(account)
    fields = []
    if policy is not None:
        for name, label in POLICY_FIELDS.items():
            value = getattr(policy, name)
            if value not in (None, ""):
                fields.append((name, label, value))
    code, label = public_state(account)
    return render(
        request,
        "directory/account_policy.html",
        {
            "account": account,
            "policy": policy,
            "fields": fields,
            "state_code": code,
            "state_label": label,
            "listed_on": timezone.localdate(account.listed_at) if account.listed_at else None,
            "policy_on": timezone.localdate(policy.created_at) if policy is not None else None,
            "moderation_summaries": published_summaries(account),
        },
    )


def _records(request: HttpRequest) -> list[dict[str, Any]]:
    return [account_data(a, _policy_url(request, a)) for a in public_accounts()]


@require_GET
@_versioned
@cached("json")
def accounts_json(request: HttpRequest) -> HttpResponse:
    """Open data as JSON (UTF-8): ``{"generated_at", "count", "accounts": [...]}``."""
    records = _records(request)
    body = {"generated_at": timezone.localtime().isoformat(timespec="seconds"), "count": len(records),
            "accounts": records}  # fmt: skip
    return _open(JsonResponse(body, json_dumps_params=_JSON))


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@require_GET
@_versioned
@cached("csv")
def accounts_csv(request: HttpRequest) -> HttpResponse:
    """Open data as CSV: UTF-8 with BOM (Excel opens it correctly), CRLF, Japanese headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in CSV_COLUMNS])
    for record in _records(request):
        writer.writerow([_cell(record[key]) for key, _ in CSV_COLUMNS])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="official-accounts.csv"'
    return _open(response)


def _bad_request(message: str) -> HttpResponse:
    return _open(JsonResponse({"error": message}, status=400, json_dumps_params=_JSON))


@require_GET
@_versioned
@cached("verify")
def verify(request: HttpRequest) -> HttpResponse:
    """``?url=…`` or ``?handle=…`` (optionally ``&platform=x``) -> is it an official account?"""
    url = request.GET.get("url")
    handle = request.GET.get("handle")
    platform = request.GET.get("platform")
    if url is None and handle is None:
        return _bad_request("url または handle を指定してください（例: ?url=https://x.com/NAME）")
    if url is not None and handle is not None:
        return _bad_request("url と handle はどちらか一方だけを指定してください")
    if platform is not None and platform not in PLATFORM_NAMES:
        return _bad_request(f"platform は {' / '.join(PLATFORM_NAMES)} のいずれかで指定してください")
    if url is not None:
        if not url.strip():
            return _bad_request("url が空です")
        if len(url) > MAX_URL:
            return _bad_request(f"url が長すぎます（{MAX_URL} 文字まで）")
        try:
            ref = parse_account_url(url)
        except UrlError as exc:
            return _bad_request(str(exc))
        if platform is not None and platform != ref.platform:
            return _bad_request("platform と url のソーシャルメディアの種類が一致しません")
    else:
        assert handle is not None
        if len(handle) > MAX_HANDLE:
            return _bad_request(f"handle が長すぎます（{MAX_HANDLE} 文字まで）")
        cleaned = clean_handle(handle)
        if not cleaned:
            return _bad_request("handle が空です")
        if any(ch.isspace() or ch in "/?#" for ch in cleaned):
            return _bad_request("handle に空白や / ? # は使えません（URL は url で指定してください）")
        ref = AccountRef(platform, cleaned)
    prepared = snapshot(public_version(request))
    answer = verify_ref(
        ref, lambda account: _policy_url(request, account), listed=prepared.listed, closed=prepared.closed
    )
    answer["query"] = {"platform": ref.platform, "handle": ref.handle}
    return _open(JsonResponse(answer, json_dumps_params=_JSON))
