"""App config for the JSON API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "koshiki.api"
    label = "api"
    verbose_name = "API"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "api.token.create": "APIトークンの発行",
        "api.token.revoke": "APIトークンの失効",
    }
