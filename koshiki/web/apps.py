"""App config for the web project (base templates, static files, template tags)."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "koshiki.web"
    label = "web"
    verbose_name = "Koshiki"
