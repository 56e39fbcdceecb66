"""App config for the project package: settings, URL wiring, WSGI (and the history of its old table)."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "koshiki.web"
    label = "web"
    verbose_name = "Koshiki"
