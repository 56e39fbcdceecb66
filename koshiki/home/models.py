"""The home app's one table: failed sign-ins, for the login throttles (koshiki.home.login)."""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    """One failed sign-in for a login ID from an address (kept a day; the account's are cleared on success).

    Not an audit record: the delays it leads to are audited (``auth.login.lock``,
    ``auth.login.address_limit``). ``username`` is the ID's skeleton
    (``koshiki.identifiers.skeleton``), so every spelling of one ID counts together.
    """

    username = models.CharField("ログインID（正規化）", max_length=150)
    ip = models.CharField("接続元", max_length=45, blank=True)
    created_at = models.DateTimeField("日時", db_index=True)

    class Meta:
        verbose_name = "ログイン失敗"
        verbose_name_plural = "ログイン失敗"
        # The table was born in the project package (``web``); it keeps its name so no data moves.
        db_table = "web_loginfailure"
        # Per account whatever the address, and per address across accounts (koshiki.home.login).
        indexes = [
            models.Index(fields=["username", "created_at"], name="login_failure_account_idx"),
            models.Index(fields=["ip", "created_at"], name="login_failure_address_idx"),
        ]
