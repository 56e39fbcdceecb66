"""App config for the organisation (municipality, units, roles)."""

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "koshiki.org"
    label = "org"
    verbose_name = "組織"
    # Related rows each recorded object's ``str()`` reads, loaded with it by audit.labels.
    audit_related = {
        "org.roleassignment": ("user", "unit", "municipality"),
    }
