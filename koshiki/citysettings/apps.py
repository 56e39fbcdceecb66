from django.apps import AppConfig


class CitySettingsConfig(AppConfig):
    """市の設定: the governance office's versioned values layered over the city's profile (issue 9 item 5)."""

    name = "koshiki.citysettings"
    label = "citysettings"
    verbose_name = "市の設定"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {"city_settings.change": "市の設定の変更"}

    def ready(self) -> None:
        from django.core import checks

        from koshiki.citysettings.checks import installation_profiles

        checks.register(installation_profiles)
