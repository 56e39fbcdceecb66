"""Public pages (no login): the list of official accounts, open data, policies and the verify API.

Views only parse the request and render; what is shown is decided in
``directory.public`` and the verify answer in ``directory.verify``. Nothing
here writes to the database.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
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
from koshiki.org.models import Municipality
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


def _city(slug: str | None) -> Municipality | None:
    """The city of ``/public/<slug>/…`` (404 for an unknown one); None for the installation-wide URLs."""
    if slug is None:
        return None
    city = Municipality.objects.filter(slug=slug).first()
    if city is None:
        raise Http404("この自治体の公式アカウント一覧はありません")
    return city


def _registry_etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return public_version(request, kwargs.get("city"))


def _versioned(view: Any) -> Any:
    """Answer 304 when the client's ETag is the registry's current version; else render, tagged and cacheable."""

    conditional = condition(etag_func=_registry_etag)(view)

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        # Weak: the gzipped and the plain body are one resource in two encodings (RFC 9110 8.8.1).
        if response.get("ETag", "").startswith('"'):
            response["ETag"] = "W/" + response["ETag"]
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
def account_list(request: HttpRequest, city: str | None = None) -> HttpResponse:
    """公式アカウント一覧 by genre, each with its state and a link to its operation policy.

    Installation-wide with several cities listed: the index of their own lists instead.
    """
    municipality = _city(city)
    accounts = list(public_accounts(municipality))
    municipalities = sorted({a.municipality.name for a in accounts})
    if municipality is None and len(municipalities) > 1:
        return _city_index(request, accounts)
    rows = [(a, public_state(a)) for a in accounts]
    state_of = {a.pk: state for a, state in rows}
    groups = by_genre(accounts)
    # One city: the list carries the name its guideline gives it (京都市4(2)ア「ソーシャルメディア一覧」).
    title = "公式アカウント一覧"
    if len(municipalities) == 1 or municipality is not None:
        own = municipality or accounts[0].municipality
        title = load_procedures(own.profile_id).list_name(own.name)
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
            .filter(**({"real_account__municipality": municipality} if municipality else {}))
            .select_related("real_account")
            .order_by("-notice_published_at")[:20],
            "city": municipality,
        },
    )


def _city_index(request: HttpRequest, accounts: list[Account]) -> HttpResponse:
    """Several cities in one installation: each city's name, count and links to its own directory."""
    counts: dict[int, int] = {}
    cities: dict[int, Municipality] = {}
    for account in accounts:
        cities[account.municipality_id] = account.municipality
        counts[account.municipality_id] = counts.get(account.municipality_id, 0) + 1
    rows = [(c, counts[pk]) for pk, c in sorted(cities.items(), key=lambda item: item[1].name)]
    return render(request, "directory/city_index.html", {"cities": rows, "count": len(accounts)})


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


def _records(request: HttpRequest, city: str | None = None) -> list[dict[str, Any]]:
    return [account_data(a, _policy_url(request, a)) for a in public_accounts(_city(city))]


@require_GET
@_versioned
@cached("json")
def accounts_json(request: HttpRequest, city: str | None = None) -> HttpResponse:
    """Open data as JSON (UTF-8): ``{"generated_at", "count", "accounts": [...]}``."""
    records = _records(request, city)
    body = {"generated_at": timezone.localtime().isoformat(timespec="seconds"), "count": len(records),
            "accounts": records}  # fmt: skip
    return _open(JsonResponse(body, json_dumps_params=_JSON))


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@require_GET
@_versioned
@cached("csv")
def accounts_csv(request: HttpRequest, city: str | None = None) -> HttpResponse:
    """Open data as CSV: UTF-8 with BOM (Excel opens it correctly), CRLF, Japanese headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in CSV_COLUMNS])
    for record in _records(request, city):
        writer.writerow([_cell(record[key]) for key, _ in CSV_COLUMNS])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    name = f"official-accounts-{city}.csv" if city else "official-accounts.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _open(response)


def _bad_request(message: str) -> HttpResponse:
    return _open(JsonResponse({"error": message}, status=400, json_dumps_params=_JSON))


@require_GET
@_versioned
@cached("verify", share=False, by_query=True)
def verify(request: HttpRequest, city: str | None = None) -> HttpResponse:
    """``?url=…`` or ``?handle=…`` (optionally ``&platform=x``) -> is it an official account?

    Under ``/public/<city>/verify`` only that city's accounts count as official.
    """
    municipality = _city(city)
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
    prepared = snapshot(public_version(request, city), city)
    answer = verify_ref(
        ref,
        lambda account: _policy_url(request, account),
        municipality,
        listed=prepared.listed,
        closed=prepared.closed,
    )
    answer["query"] = {"platform": ref.platform, "handle": ref.handle}
    return _open(JsonResponse(answer, json_dumps_params=_JSON))


# ---- 「このアカウントは公式？」: the citizens' page over the same answer as the verify API ----

PLATFORM_CHOICES = [("", "わからない（すべての種類から探す）")] + [
    (code, name) for code, name in PLATFORM_NAMES.items() if code != "other"
]


def _looks_like_url(text: str) -> bool:
    """A URL has a path or a scheme; a handle never contains "/" (Instagram handles may contain ".")."""
    return "/" in text.rstrip("/") or text.lower().startswith("www.")


class CheckForm(forms.Form):
    """A handle or a profile URL, and optionally the platform it is on."""

    q = forms.CharField(
        label="アカウントのID または URL",
        max_length=MAX_URL,
        help_text="例: @minato_koho、https://x.com/minato_koho、https://www.instagram.com/…",
        error_messages={
            "required": "ID または URL を入力してください。",
            "max_length": f"{MAX_URL} 文字までで入力してください。",
        },
    )
    platform = forms.ChoiceField(label="ソーシャルメディアの種類", choices=PLATFORM_CHOICES, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get("q") or "").strip()
        if not text:
            return data
        platform = data.get("platform") or None
        if _looks_like_url(text):
            try:
                ref = parse_account_url(text)
            except UrlError as exc:
                self.add_error("q", f"{exc}。")
                return data
            if platform is not None and platform != ref.platform:
                self.add_error(
                    "platform",
                    f"URL は{PLATFORM_NAMES[ref.platform or 'other']}のものです。種類を合わせるか「わからない」を選んでください。",
                )
                return data
        else:
            handle = clean_handle(text)
            if not handle:
                self.add_error("q", "ID または URL を入力してください。")
                return data
            if len(handle) > MAX_HANDLE or any(ch.isspace() or ch in "?#" for ch in handle):
                self.add_error("q", f"ID には空白や ? # を含めず、{MAX_HANDLE} 文字までで入力してください。")
                return data
            ref = AccountRef(platform, handle)
        data["ref"] = ref
        return data


def _answer_kind(answer: dict[str, Any]) -> str:
    if answer["official"]:
        return "official"
    if answer.get("impersonation_of"):
        return "impersonation"
    if answer.get("former_account"):
        return "former"
    if answer["lookalike_of"]:
        return "lookalike"
    return "unknown"


@require_GET
def check(request: HttpRequest, city: str | None = None) -> HttpResponse:
    """「このアカウントは公式？」: a handle or URL answered in plain Japanese (no JavaScript needed).

    Under ``/public/<city>/check`` only that city's accounts count as official, as its verify API.
    """
    municipality = _city(city)
    form = CheckForm(request.GET if "q" in request.GET else None)
    context: dict[str, Any] = {"form": form, "city": municipality}
    if form.is_valid():
        ref = form.cleaned_data["ref"]
        answer = verify_ref(ref, lambda account: reverse("directory:policy", args=[account.pk]), municipality)
        related = [*answer["lookalike_of"], answer.get("impersonation_of"), answer.get("former_account")]
        related = [a for a in related if a]
        # Where to ask: the website of the city whose account it copies (its contact page is there).
        known = Municipality.objects.exclude(website="").order_by("name")
        if municipality is not None:
            known = known.filter(pk=municipality.pk)
        cities = list(known.values("name", "website"))
        named = {a["municipality"] for a in related}
        context.update(
            answer=answer,
            kind=_answer_kind(answer),
            ref=ref,
            # The platform to report on: the one given, else the one of the account it copies.
            platform_name=PLATFORM_NAMES.get(ref.platform or "", "")
            or (related[0]["platform_name"] if related else ""),
            cities=[c for c in cities if c["name"] in named] or cities,
        )
    return render(
        request, "directory/check.html", context, status=200 if form.is_valid() or not form.is_bound else 400
    )
