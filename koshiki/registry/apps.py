"""App config for the official-account registry."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "koshiki.registry"
    label = "registry"
    verbose_name = "公式アカウント台帳"
