"""App config for the staff home page and sign-in."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "koshiki.home"
    label = "home"
    verbose_name = "ホーム・ログイン"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "auth.login.lock": "ログインの待ち時間の開始（失敗の連続）",
        "auth.login.address_limit": "接続元からのログインの一時停止",
    }
