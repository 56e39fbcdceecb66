"""Per-user API tokens: only a SHA-256 digest and a short prefix of the secret are stored."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token a user issued for a tool (a browser extension, a CMS).

    The secret is shown once when issued (``actions.do_create_api_token``) and
    kept only as ``token_hash`` (SHA-256 hex of the whole secret): a copy of the
    database does not let anyone call the API. ``prefix`` (the first characters
    of the secret, not enough to guess the rest) lets the user tell tokens apart
    in the list. Tokens are revoked, never deleted, so the list keeps history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="利用者",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("名前", max_length=100)
    prefix = models.CharField("先頭文字列", max_length=16)
    token_hash = models.CharField("ハッシュ（SHA-256）", max_length=64, unique=True)
    created_at = models.DateTimeField("発行日時", default=timezone.now)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)
    expires_at = models.DateTimeField("有効期限", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now: datetime | None = None) -> bool:
        """Neither revoked nor expired (the owner's being active is checked on use)."""
        return self.revoked_at is None and not self.is_expired(now)

    @property
    def status_label(self) -> str:
        """有効 / 失効 / 期限切れ, as shown in the token list."""
        if self.revoked_at is not None:
            return "失効"
        return "期限切れ" if self.is_expired() else "有効"
