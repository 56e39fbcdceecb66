"""Telling people along a playbook: the incident's own record of who was told, delivered by ``notify``.

``notify(person, subject, link)`` is the only way this app tells anyone. It
writes the incident's ``Notification`` row (the playbook's record of who was
told, and when) and hands delivery to the general notifications app
(``koshiki.notify``: the inbox 「あなたの対応待ち」 and e-mail, immediate or
digest, sent after commit), all inside the caller's transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import require
from koshiki.incidents.models import Notification
from koshiki.notify import service as delivery


def notify(person: Person, subject: str, link: str) -> Notification:
    """Record that ``person`` is told ``subject`` (Japanese, one line) and deliver it with a ``link``."""
    row = Notification.objects.create(
        recipient=person, subject=subject[:300], link=link[:300], created_at=timezone.now()
    )
    # The link names the incident page; its notifications settle together as the playbook moves on.
    delivery.notify([person], kind="incidents.step", title=subject[:300], url=link, topic=f"incident:{link}")
    return row


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
