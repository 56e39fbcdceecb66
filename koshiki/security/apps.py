"""App config for the staff's second factor (TOTP and recovery codes) and the idle timeout."""

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "koshiki.security"
    label = "security"
    verbose_name = "2段階認証"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "security.second_factor.enrol": "2段階認証の設定",
        "security.second_factor.fail": "2段階認証の確認コードの誤り",
        "security.second_factor.reset": "2段階認証のリセット",
        "security.recovery_code.use": "予備コードの使用",
        "security.recovery_code.regenerate": "予備コードの再発行",
    }

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from koshiki.security.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="koshiki.security.idle_clock")
