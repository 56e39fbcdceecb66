"""Helpers shared by the incidents actions: the playbook of an incident, locks, timeline, telling people."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import actor_label
from koshiki.errors import ActionError
from koshiki.incidents import access
from koshiki.incidents.models import Incident, TimelineEntry
from koshiki.incidents.notify import tell_people
from koshiki.incidents.playbooks import KindPlaybook, Playbook, load_playbook
from koshiki.incidents.states import IncidentStatus
from koshiki.org.roles import Role


def playbook_of(incident: Incident) -> Playbook:
    return load_playbook(incident.profile_id)


def kind_playbook(incident: Incident) -> KindPlaybook:
    return playbook_of(incident).kind(incident.kind)


def lock_incident(incident: Incident | int) -> Incident:
    """Re-read the incident with a row lock held until the transaction ends."""
    pk = incident.pk if isinstance(incident, Incident) else incident
    found = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("account__owning_unit", "account__municipality", "municipality")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ActionError("事案が見つかりません")
    return found


def require_open(incident: Incident) -> None:
    if incident.status != IncidentStatus.OPEN:
        raise ActionError("この事案は完了しています。新しい事案として起票してください")


def add_entry(incident: Incident, actor: Person | None, kind: str, text: str) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident, at=timezone.now(), actor=actor, kind=kind, text=text
    )


def incident_link(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def tell(incident: Incident, actor: Person, roles: tuple[str, ...], subject: str) -> list[Any]:
    """Notify everyone holding each role for the incident's account, in the listed order; returns them."""
    told: list[Any] = []
    for role in roles:
        for person in access.holders_for(incident.municipality_id, incident.account, role):
            if person.pk == actor.pk or person in told:
                continue
            told.append(person)
    tell_people(told, subject, incident_link(incident), municipality=incident.municipality)
    if told:
        names = "、".join(actor_label(p) for p in told)
        role_names = "・".join(Role(r).label for r in roles)
        add_entry(incident, actor, "notified", f"{role_names}に連絡: {names}")
    return told
