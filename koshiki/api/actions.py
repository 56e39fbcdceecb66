"""Issuing and revoking API tokens (each one transaction with its audit event).

A user manages only their own tokens (``api.access.can_manage_api_token``).
The audit event names the token by id, name and prefix; neither the secret nor
its digest ever enters the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.api import access
from koshiki.api.models import ApiToken
from koshiki.api.tokens import PREFIX_LENGTH, digest, new_secret
from koshiki.audit.events import record_event, snapshot
from koshiki.errors import ActionError, require

MAX_ACTIVE_TOKENS = 10
_AUDIT_FIELDS = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at")


@dataclass(frozen=True)
class IssuedToken:
    """A newly issued token and its secret: the only moment the secret exists in clear."""

    token: ApiToken
    secret: str


def do_create_api_token(actor: Person, name: str, expires_at: datetime | None = None) -> IssuedToken:
    """Issue a token for ``actor`` themself; returns the secret to show once.

    Locks the actor's user row so two concurrent requests cannot both pass the
    limit of ``MAX_ACTIVE_TOKENS`` usable tokens.
    """
    require(access.can_manage_api_tokens(actor), "APIトークンを発行するにはログインしてください")
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("トークンの名前（使う道具や用途）を入力してください")
    if len(name) > 100:
        raise ActionError("トークンの名前は100文字以内で入力してください")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ActionError("有効期限には今より後の日時を指定してください")
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        usable = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).exclude(expires_at__lte=now)
        if usable.count() >= MAX_ACTIVE_TOKENS:
            raise ActionError(
                f"有効なAPIトークンは{MAX_ACTIVE_TOKENS}個までです。使っていないトークンを失効させてください"
            )
        secret = new_secret()
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            token_hash=digest(secret),
            created_at=now,
            expires_at=expires_at,
        )
        record_event(actor, "api.token.create", token, {}, snapshot(token, _AUDIT_FIELDS))
    return IssuedToken(token, secret)


def do_revoke_api_token(actor: Person, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; it stops working at once and stays listed."""
    require(access.can_manage_api_token(actor, token), "自分のAPIトークン以外は失効できません")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise ActionError("このAPIトークンは既に失効しています")
        before = snapshot(locked, ["revoked_at"])
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            actor,
            "api.token.revoke",
            locked,
            before,
            snapshot(locked, ["revoked_at"]),
            details={"name": locked.name, "prefix": locked.prefix},
        )
    return locked
