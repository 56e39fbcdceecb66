"""Versioned city settings: each save is a new row; the newest one is in force."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from koshiki.org.models import Municipality


class CitySettings(models.Model):
    """One version of a city's settings: the profile params it overrides (only the changed ones).

    Rows are never updated: a change inserts version n+1, so what a finding was
    checked against can be read back (``version``) and the audit trail shows
    each change as before -> after.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name="自治体", on_delete=models.PROTECT, related_name="settings_versions"
    )
    version = models.PositiveIntegerField("版")
    values = models.JSONField("設定値（プロファイルから変えた項目）", default=dict)
    reason = models.CharField("変更の理由", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="変更者", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("変更日時")

    class Meta:
        verbose_name = "市の設定"
        verbose_name_plural = "市の設定"
        ordering = ["municipality", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "version"], name="city_settings_one_row_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} 第{self.version}版"
