"""App config for operations (health, daily duties, backup and restore)."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "koshiki.ops"
    label = "ops"
    verbose_name = "運用"
