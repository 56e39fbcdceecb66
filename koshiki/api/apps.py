"""App config for the JSON API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "koshiki.api"
    label = "api"
    verbose_name = "API"
