"""Telling people along a playbook: one inbox entry each, through ``koshiki.notify``.

``tell_people(people, subject, link, municipality=...)`` is the only way this
app tells anyone. The people are told in the playbook's order in one call, so
the earlier entries about the incident are settled once, before the new ones
are written (calling the delivery once per person would settle each
colleague's entry as soon as the next one was told). Delivery (the inbox
「あなたの対応待ち」 and e-mail, immediate or digest, sent after commit) runs
inside the caller's transaction; the incident's timeline records who was told.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from koshiki.actors import Person
from koshiki.notify import service as delivery
from koshiki.notify.models import Notification

KIND = "incidents.step"


def topic_of(link: str) -> str:
    """The notification topic of an incident page: a later step settles what the earlier one asked."""
    return f"incident:{link}"[:100]


def tell_people(
    people: Sequence[Person], subject: str, link: str, *, municipality: Any
) -> list[Notification]:
    """Tell each of ``people`` (in order) ``subject`` (Japanese, one line), pointing at ``link``."""
    return delivery.notify(
        people, kind=KIND, title=subject, url=link, topic=topic_of(link), municipality=municipality
    )


def unread_for(person: Person) -> list[Notification]:
    """The person's incident notices still waiting (neither read nor settled), newest first."""
    return list(
        Notification.objects.unread().filter(recipient=person, kind=KIND).order_by("-created_at", "-pk")[:50]
    )
