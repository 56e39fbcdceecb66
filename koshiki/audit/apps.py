"""App config for the audit trail."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "koshiki.audit"
    label = "audit"
    verbose_name = "監査証跡"
    audit_actions = {
        "audit.export.request": "監査証跡の書き出しの依頼",
        "audit.export.done": "監査証跡の書き出しの完了",
        "audit.export.download": "監査証跡の書き出しのダウンロード",
    }
