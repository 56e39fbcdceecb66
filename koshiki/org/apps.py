"""App config for the organisation (municipality, units, roles)."""

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "koshiki.org"
    label = "org"
    verbose_name = "組織"
