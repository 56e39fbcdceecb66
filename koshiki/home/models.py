"""The home app's one table: failed sign-ins, for the login lockout (koshiki.home.login)."""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    """One failed sign-in for a user name from an address (kept a day; cleared on success).

    Not an audit record: the lockout it leads to is audited (``auth.login.lock``).
    """

    username = models.CharField("ユーザー名（小文字）", max_length=150)
    ip = models.CharField("接続元", max_length=45, blank=True)
    created_at = models.DateTimeField("日時", db_index=True)

    class Meta:
        verbose_name = "ログイン失敗"
        verbose_name_plural = "ログイン失敗"
        # The table was born in the project package (``web``); it keeps its name so no data moves.
        db_table = "web_loginfailure"
        indexes = [models.Index(fields=["username", "ip", "created_at"], name="web_login_failure_idx")]
