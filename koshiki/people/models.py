"""The people app's one table: initial passwords that their holder has not yet replaced."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class InitialPassword(models.Model):
    """A login whose password someone else chose (issue 10 item 4: single-use initial passwords).

    The row exists from ``do_create_person`` until the person sets a password of
    their own (``do_change_own_password``); while it exists every page sends them
    to the password form (``koshiki.people.middleware``). Nothing else deletes it,
    so whoever chose the first password never knows the one in use.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="initial_password",
        verbose_name="職員",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="初期パスワードを設定した職員",
    )
    set_at = models.DateTimeField("設定日時")

    class Meta:
        verbose_name = "初期パスワード"
        verbose_name_plural = "初期パスワード"
