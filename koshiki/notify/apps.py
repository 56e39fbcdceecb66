"""App config for notifications: the in-app inbox 「あなたの対応待ち」 and the mail outbox."""

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "koshiki.notify"
    label = "notify"
    verbose_name = "通知"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "notify.read": "通知の既読",
        "notify.read_all": "通知をすべて既読",
        "notify.preference": "通知の受け取り方の変更",
    }
