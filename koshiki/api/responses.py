"""The token API's JSON answers, shared by ``POST /api/check`` and ``POST /api/comments``.

Every answer carries ``Cache-Control: no-store`` (results quote the sender's
text); every refusal is ``{"error": {"code", "message", "errors"?}}`` with a
Japanese message, ``Allow: POST`` on a 405 and, on a 401, the RFC 6750
challenge (``error="invalid_token"`` only when credentials were sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse

from koshiki.api.models import ApiToken
from koshiki.api.tokens import AuthError, authenticate


class ApiError(Exception):
    """A refused request: its code (the endpoint's status table), a Japanese message, and per-item errors."""

    def __init__(self, code: str, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.errors = code, message, errors


def json_response(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def error_response(exc: ApiError, statuses: Mapping[str, int]) -> JsonResponse:
    """The refusal ``exc`` with the status ``statuses`` gives its code."""
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.errors:
        error["errors"] = exc.errors
    response = json_response({"error": error}, status=statuses[exc.code])
    if response.status_code == 405:
        response["Allow"] = "POST"
    elif response.status_code == 401:
        # RFC 6750 3: no error attribute when the request carried no credentials.
        attribute = "" if exc.code == "token_missing" else ', error="invalid_token"'
        response["WWW-Authenticate"] = f'Bearer realm="koshiki"{attribute}'
    return response


def token_of(request: HttpRequest) -> ApiToken:
    """The request's valid bearer token, or ``ApiError`` with the token's own refusal code."""
    try:
        return authenticate(request.headers.get("Authorization"))
    except AuthError as exc:
        raise ApiError(exc.code, exc.message) from None
