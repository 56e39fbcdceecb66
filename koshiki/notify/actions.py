"""The inbox's state changes: mark read, mark all read, choose immediate mails or a daily digest (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.errors import ActionError, require
from koshiki.notify.models import Delivery, Notification, Preference


def do_mark_read(actor: Person, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (nobody reads another person's inbox)."""
    require(notification.recipient_id == actor.pk, "他の職員の通知は操作できません")
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification.pk)
        if n.read_at is not None:
            return n
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
        record_event(
            actor, "notify.read", n, {"read_at": None}, {"read_at": n.read_at}, municipality=n.municipality
        )
    return n


def do_mark_all_read(actor: Person) -> int:
    """Mark every unread notification of the actor read; the number marked."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .unread()
            .filter(recipient=actor)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise ActionError("未読の通知はありません")
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        record_event(actor, "notify.read_all", actor, {}, {"count": len(ids)})
    return len(ids)


def do_set_delivery(actor: Person, delivery: str) -> Preference:
    """Choose immediate mails or one daily digest for the actor's own notifications."""
    if delivery not in Delivery.values:
        raise ActionError("メールの受け取り方が正しくありません")
    with transaction.atomic():
        pref = Preference.objects.select_for_update().filter(user=actor).first()
        before = pref.delivery if pref else Delivery.IMMEDIATE
        if pref is None:
            pref = Preference.objects.create(user=actor, delivery=delivery)
        elif pref.delivery != delivery:
            pref.delivery = delivery
            pref.save(update_fields=["delivery", "updated_at"])
        record_event(actor, "notify.preference", pref, {"delivery": before}, {"delivery": delivery})
    return pref
