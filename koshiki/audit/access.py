"""Who may read the audit trail: each city's auditors, their own city's events only."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from koshiki.audit.models import AuditEvent
from koshiki.org.access import has_role, roles_of
from koshiki.org.roles import Role


def can_view_audit(user: Any) -> bool:
    """Auditors browse and export the audit trail (issue 3.6)."""
    return has_role(user, Role.AUDITOR)


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The audit events an auditor may read: their municipality's, and installation-wide ones (NULL).

    Another city's trail is never shown (it names that city's staff and records).
    """
    ids = {ra.municipality_id for ra in roles_of(user) if ra.role == Role.AUDITOR}
    if not ids:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(Q(municipality_id__in=ids) | Q(municipality__isnull=True))


def can_verify_chain(user: Any) -> bool:
    """Auditors and the governance office run the chain verification (it shows counts and hashes, no contents)."""
    return has_role(user, Role.AUDITOR) or has_role(user, Role.GOVERNANCE_OFFICE)
