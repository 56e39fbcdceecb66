"""App config for the audit trail."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "koshiki.audit"
    label = "audit"
    verbose_name = "監査証跡"
