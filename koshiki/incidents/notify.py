"""Telling people: one in-app ``Notification`` row per person, behind one function.

``notify(person, subject, link)`` is the only way this app tells anyone, so
the general notifications app (issue 7, being built apart) can replace it in
one place. It writes inside the caller's transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import require
from koshiki.incidents.models import Notification


def notify(person: Person, subject: str, link: str) -> Notification:
    """Leave ``subject`` (Japanese, one line) with a ``link`` in ``person``'s notifications."""
    return Notification.objects.create(
        recipient=person, subject=subject[:300], link=link[:300], created_at=timezone.now()
    )


def unread_for(person: Person) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=person, read_at__isnull=True).order_by("-created_at", "-pk")[
            :50
        ]
    )


def do_mark_read(actor: Person, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (nobody reads another's)."""
    require(notification.recipient_id == actor.pk, "自分あての通知だけを既読にできます")
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification.pk)
        if n.read_at is None:
            n.read_at = timezone.now()
            n.save(update_fields=["read_at"])
            record_event(actor, "notification.read", n, {"read_at": None}, {"read_at": n.read_at})
    return n
