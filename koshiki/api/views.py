"""``POST /api/check``, ``GET /api/openapi.json`` and the token page (login required).

The check endpoint authenticates by bearer token only (no session, hence no
CSRF: a cross-site form cannot attach an ``Authorization`` header). Every
refusal is JSON ``{"error": {"code", "message"}}`` with a Japanese message.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from koshiki.api import access
from koshiki.api.actions import do_create_api_token, do_revoke_api_token
from koshiki.api.forms import TokenForm
from koshiki.api.openapi import ERROR_CODES, MAX_BODY_BYTES, openapi_document
from koshiki.api.responses import ApiError, error_response, json_response, token_of
from koshiki.checker.comments import check_comment, comment_report_dict
from koshiki.checker.context import CheckContext, ContextError
from koshiki.checker.engine import DEFAULT_PROFILE
from koshiki.checker.engine import check as run_check
from koshiki.checker.findings import report_dict
from koshiki.checker.profiles import available, load_profile
from koshiki.citysettings.effective import effective_profile
from koshiki.errors import ActionError
from koshiki.org import access as org_access
from koshiki.ui.outcome import act_and_redirect

_REQUEST_KEYS = ("text", "profile", "context", "subject")
SUBJECTS = ("post", "comment")


@csrf_exempt
def check(request: HttpRequest) -> JsonResponse:
    """Check a post's text; the body and the result have the CLI's JSON shape.

    Costs one query for the token (plus the user's roles when no profile is
    given) and the checker's own time; the body is read at most once, capped.
    """
    try:
        if request.method != "POST":
            raise ApiError("method_not_allowed", "このURLは POST で呼んでください")
        token = token_of(request)
        payload = _parse_body(request)
        subject = payload.get("subject", "post") if isinstance(payload, dict) else "post"
        if subject not in SUBJECTS:
            raise ApiError(
                "invalid_request", "subject は post（投稿文）か comment（市民のコメント）で指定してください"
            )
        raw_context = payload.pop("context", None) if subject == "comment" else None
        text, profile_id, context = _parse_payload(payload)
        if profile_id is not None:
            profile = load_profile(profile_id)  # the layered profile (KOSHIKI_PROFILE_DIR, then built-in)
        else:
            # The token's city: its profile with the city's settings over it, as its posts are checked.
            municipality = org_access.municipality_of(token.user)
            profile = effective_profile(municipality) if municipality else load_profile(DEFAULT_PROFILE)
        if subject == "comment":
            try:
                result = check_comment(text, profile, raw_context)
            except ContextError as exc:
                raise ApiError("invalid_context", str(exc)) from None
            return json_response(comment_report_dict(profile.id, result))
    except ApiError as exc:
        return error_response(exc, ERROR_CODES)
    findings = run_check(text, profile, context)
    return json_response(report_dict(profile.id, findings))


def _too_large() -> ApiError:
    return ApiError("payload_too_large", f"リクエスト本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）")


def _parse_body(request: HttpRequest) -> Any:
    """The JSON body, refusing a wrong media type, a body over the limit or bad JSON."""
    if (request.content_type or "").lower() != "application/json":
        raise ApiError("unsupported_media_type", "Content-Type: application/json で JSON を送ってください")
    charset = request.content_params.get("charset", "utf-8").lower().replace("-", "").replace("_", "")
    if charset != "utf8":
        raise ApiError("unsupported_media_type", "JSON は UTF-8 で送ってください（charset=utf-8）")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _too_large()
    # The header can be absent or wrong (chunked uploads under ASGI): cap the actual read too.
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(
            "invalid_json", f"リクエスト本文が UTF-8 として読めません（{exc.start} バイト目）"
        ) from None
    if not raw.strip():
        raise ApiError("invalid_json", "リクエスト本文が空です。JSON オブジェクトを送ってください")
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ApiError(
            "invalid_json", f"リクエスト本文が JSON として読めません（{exc.lineno} 行 {exc.colno} 文字目）"
        ) from None
    except RecursionError:
        raise ApiError("invalid_json", "リクエスト本文の JSON の入れ子が深すぎます") from None
    except ValueError:  # e.g. an integer past Python's 4,300-digit limit
        raise ApiError(
            "invalid_json", "リクエスト本文の JSON に扱えない値（桁数の多すぎる数など）があります"
        ) from None
    try:
        # "\ud800" is valid JSON but no UTF-8 text: it could not be written back in a result.
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(
            "invalid_json", "リクエスト本文に対になっていないサロゲート（\\ud800 など）が含まれています"
        ) from None
    return payload


def _parse_payload(payload: Any) -> tuple[str, str | None, CheckContext]:
    """Text, profile id (None: the user's default) and context, validated like the CLI's batch mode."""
    if not isinstance(payload, dict):
        raise ApiError("invalid_request", "リクエスト本文は JSON オブジェクト（{...}）にしてください")
    unknown = sorted(set(payload) - set(_REQUEST_KEYS))
    if unknown:
        raise ApiError(
            "invalid_request",
            f"不明な項目があります: {', '.join(unknown)}（使える項目: {', '.join(_REQUEST_KEYS)}）",
        )
    text = payload.get("text")
    if not isinstance(text, str):
        raise ApiError("invalid_text", "text は文字列で指定してください")
    profile_id = payload.get("profile")
    if profile_id is not None:
        if not isinstance(profile_id, str):
            raise ApiError("invalid_request", "profile はプロファイル id の文字列で指定してください")
        ids = available()
        if profile_id not in ids:
            raise ApiError(
                "unknown_profile", f"プロファイル「{profile_id}」はありません（利用可能: {', '.join(ids)}）"
            )
    try:
        context = CheckContext.from_dict(payload.get("context"))
    except ContextError as exc:
        raise ApiError("invalid_context", str(exc)) from None
    return text, profile_id, context


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 document (public: it holds no secret and helps tool makers)."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False, "indent": 2})


# ---- the token page ---------------------------------------------------------------------------


def _render_tokens(
    request: HttpRequest, form: TokenForm | None = None, issued: Any = None, status: int = 200
) -> HttpResponse:
    tokens = access.api_tokens_visible_to(request.user)
    response = render(
        request,
        "api/tokens.html",
        {"tokens": tokens, "form": form or TokenForm(), "issued": issued},
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the page may show a secret once
    return response


@login_required
@require_safe
def token_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own tokens, with the form to issue one."""
    return _render_tokens(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Issue a token and show its secret on this response only (never stored, never redirected)."""
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            issued = do_create_api_token(request.user, form.cleaned_data["name"], form.expires_at())
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            return _render_tokens(request, issued=issued)
    return _render_tokens(request, form=form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's token is 404)."""
    token = get_object_or_404(access.api_tokens_visible_to(request.user), pk=pk)
    return act_and_redirect(
        request,
        lambda: do_revoke_api_token(request.user, token),
        f"APIトークン「{token.name}」を失効させました。",
        "api:tokens",
        confirm="トークンの失効",
    )
