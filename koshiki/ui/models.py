"""Counters of the request throttles (``koshiki.ui.throttle``), kept where every worker sees them."""

from __future__ import annotations

from django.db import models


class ThrottleCount(models.Model):
    """How many calls one key made in one fixed window: one row per key and window.

    In the database (not each worker's memory) so that a limit is the same whichever of
    the server's workers, or hosts, answers; rows of past windows are deleted as new
    windows open (``throttle.hit``).
    """

    name = models.CharField(max_length=255)
    slot = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)
    expires = models.FloatField(help_text="Unix time after which the row is no longer read")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="ui_throttle_name_slot")]
        indexes = [models.Index(fields=["expires"], name="ui_throttle_expires")]

    def __str__(self) -> str:
        return f"{self.name} @{self.slot}: {self.calls}"
