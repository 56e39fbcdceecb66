"""Who may issue, see and revoke an API token: its own user only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from koshiki.api.models import ApiToken


def can_manage_api_tokens(user: Any) -> bool:
    """Any signed-in, active user may issue API tokens for themself (never for someone else)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_manage_api_token(user: Any, token: Any) -> bool:
    """A token is seen and revoked only by the user it belongs to; no role reaches another's."""
    return can_manage_api_tokens(user) and token.user_id == user.pk


def api_tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens (another user's token is 404, never listed)."""
    if not can_manage_api_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)
