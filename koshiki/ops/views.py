"""``/healthz``: the load balancer's and the service manager's probe; it asks the database."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

log = logging.getLogger("koshiki.ops")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok"}`` when the database answers a query, else 503 with a Japanese reason.

    One query (``SELECT 1``); names no host, user or version, so it may face the internet.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.error("ヘルスチェック: データベースに接続できません（%s）", exc.__class__.__name__)
        response = JsonResponse(
            {"status": "error", "database": "データベースに接続できません"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    response["Cache-Control"] = "no-store"
    return response
