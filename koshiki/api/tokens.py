"""Making, hashing and checking bearer tokens (``Authorization: Bearer ksk_...``).

A token is ``ksk_`` followed by 43 URL-safe characters (256 random bits). The
database keeps its SHA-256 digest: a random 256-bit secret needs no salt or
slow hash (those protect guessable passwords), and a digest can be looked up
through a unique index in one query.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from koshiki.api.access import can_manage_api_tokens
from koshiki.api.models import ApiToken

TOKEN_PREFIX = "ksk_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # shown in lists; 48 of the 256 random bits
_TOKEN_RE = re.compile(r"ksk_[A-Za-z0-9_-]{43}")
_BEARER_RE = re.compile(r"bearer +(\S+) *", re.IGNORECASE)
# Writing last_used_at on every call would make each check a write; a minute is
# precise enough to tell a token in use from a forgotten one.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def new_secret() -> str:
    """A fresh token secret (``secrets``: the OS's CSPRNG)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex of the secret, the only form stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuthError(Exception):
    """A request is not authenticated; ``code`` and the Japanese ``message`` go to the client."""

    code: str
    message: str


def authenticate(authorization: str | None) -> ApiToken:
    """The usable token named by an ``Authorization`` header, or ``AuthError``.

    Costs one query (token and user), plus one conditional UPDATE of
    ``last_used_at`` at most once a minute per token.
    """
    if not authorization:
        raise AuthError(
            "token_missing", "APIトークンがありません。Authorization: Bearer <トークン> を付けてください"
        )
    match = _BEARER_RE.fullmatch(authorization)
    if match is None:
        raise AuthError(
            "token_invalid", "Authorization ヘッダーは「Bearer <トークン>」の形で指定してください"
        )
    secret = match.group(1)
    token = None
    if _TOKEN_RE.fullmatch(secret):
        wanted = digest(secret)
        token = ApiToken.objects.select_related("user").filter(token_hash=wanted).first()
        # The index finds the row; the constant-time comparison is what accepts it.
        if token is not None and not hmac.compare_digest(token.token_hash, wanted):
            token = None
    if token is None:
        raise AuthError("token_invalid", "APIトークンが正しくありません")
    now = timezone.now()
    if token.revoked_at is not None:
        raise AuthError("token_revoked", "このAPIトークンは失効しています。新しいトークンを発行してください")
    if token.is_expired(now):
        raise AuthError(
            "token_expired", "このAPIトークンは有効期限が切れています。新しいトークンを発行してください"
        )
    if not can_manage_api_tokens(token.user):
        raise AuthError("token_invalid", "このAPIトークンの利用者は無効になっています")
    _touch(token, now)
    return token


def _touch(token: ApiToken, now: datetime) -> None:
    """Record the use; a conditional UPDATE, so concurrent calls never overwrite a later time."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=now - LAST_USED_GRANULARITY).update(
        last_used_at=now
    )
    token.last_used_at = now
