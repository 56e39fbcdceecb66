"""``POST /api/comments``: the entry point for comments sent by other tools (platform adapters later).

Authenticates with the same per-user bearer token as ``POST /api/check``
(``koshiki.api.tokens``); no session, hence no CSRF. The token's user must be
allowed to handle the account's comments (operators, contractors for their own
accounts, section heads); an auditor's token is refused. The batch is
all-or-nothing: one bad item and nothing is stored, every bad item named.

Request: ``{"account": 12 | "handle", "comments": [{"author", "text",
"posted_at", "url"?, "id"?, "in_reply_to"?}, ...]}``. Response 201:
``{"account", "created": [{"id", "state", "action", "categories",
"findings"}], "duplicates"}``; errors ``{"error": {"code", "message",
"errors"?}}`` with a Japanese message (docs/api.md).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from koshiki.api.responses import ApiError, error_response, json_response, token_of
from koshiki.comments import access, actions
from koshiki.comments.importers import validate
from koshiki.comments.states import Source
from koshiki.errors import ActionError
from koshiki.registry import access as registry_access

MAX_BODY = 1024 * 1024
MAX_ITEMS = 1000
STATUS = {
    "invalid_json": 400,
    "invalid_request": 400,
    "invalid_comments": 400,
    "refused": 400,
    "token_missing": 401,
    "token_invalid": 401,
    "token_revoked": 401,
    "token_expired": 401,
    "forbidden": 403,
    "unknown_account": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
}
_FIELDS = {"author", "text", "posted_at", "url", "id", "in_reply_to"}


def _body(request: HttpRequest) -> Any:
    if (request.content_type or "").lower() != "application/json":
        raise ApiError("unsupported_media_type", "Content-Type: application/json で JSON を送ってください")
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise ApiError(
            "payload_too_large",
            f"リクエスト本文が大きすぎます（{MAX_BODY // 1024}KBまで。分けて送ってください）",
        )
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError("invalid_json", "リクエスト本文が JSON（UTF-8）として読めません") from None


def _account(user: Any, ref: Any) -> Any:
    visible = registry_access.accounts_visible_to(user).select_related("municipality", "owning_unit")
    if isinstance(ref, int) and not isinstance(ref, bool):
        account = visible.filter(pk=ref).first()
    elif isinstance(ref, str) and ref.strip():
        account = visible.filter(handle__iexact=ref.strip().lstrip("@")).first()
    else:
        raise ApiError(
            "invalid_request", "account にアカウントの番号（整数）かID（文字列）を指定してください"
        )
    if account is None:
        raise ApiError(
            "unknown_account", "指定のアカウントが見つからないか、このトークンの利用者には見えません"
        )
    if not access.can_handle_comments(user, account):
        raise ApiError("forbidden", "このトークンの利用者は、このアカウントのコメントを取り込めません")
    return account


@csrf_exempt
def comments(request: HttpRequest) -> JsonResponse:
    """Store a batch of comments for one account; each comes back with its state and suggested action."""
    try:
        if request.method != "POST":
            raise ApiError("method_not_allowed", "このURLは POST で呼んでください")
        token = token_of(request)
        payload = _body(request)
        if not isinstance(payload, dict):
            raise ApiError("invalid_request", 'JSON オブジェクト（{"account", "comments"}）を送ってください')
        unknown = sorted(set(payload) - {"account", "comments"})
        if unknown:
            raise ApiError("invalid_request", f"不明な項目があります: {', '.join(unknown)}")
        items = payload.get("comments")
        if not isinstance(items, list) or not items:
            raise ApiError("invalid_request", "comments にコメントの配列（1件以上）を指定してください")
        if len(items) > MAX_ITEMS:
            raise ApiError("payload_too_large", f"一度に送れるのは {MAX_ITEMS} 件までです")
        # The request's shape first, then the account: the answer does not depend on which ids exist.
        account = _account(token.user, payload.get("account"))
        now = timezone.now()
        rows, errors = [], []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                errors.append(f"comments[{i}]: オブジェクトで指定してください")
                continue
            extra = sorted(set(item) - _FIELDS)
            if extra:
                errors.append(f"comments[{i}]: 不明な項目があります: {', '.join(extra)}")
                continue
            try:
                rows.append(validate({**item, "external_id": item.get("id", "")}, now))
            except ValueError as exc:
                errors.append(f"comments[{i}]: {exc}")
        if errors:
            raise ApiError(
                "invalid_comments",
                f"{len(errors)}件のコメントに問題があるため、1件も取り込んでいません",
                errors,
            )
        try:
            result = actions.do_import_comments(
                token.user, account, rows, source=Source.API, source_format="api"
            )
        except PermissionDenied as exc:
            raise ApiError("forbidden", str(exc) or "このアカウントのコメントは取り込めません") from None
        except ActionError as exc:
            raise ApiError("refused", exc.message) from None
    except ApiError as exc:
        return error_response(exc, STATUS)
    return json_response(
        {
            "account": account.pk,
            "created": [
                {
                    "id": c.pk,
                    "state": c.state,
                    "action": c.suggested_action,
                    "categories": c.categories,
                    "findings": c.findings,
                }
                for c in result.created
            ],
            "duplicates": result.duplicates,
        },
        201,
    )
