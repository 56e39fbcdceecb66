"""Who may read and change a city's settings: the governance office (所管課) of that city only."""

from __future__ import annotations

from typing import Any

from koshiki.org.access import can_manage_units, roles_of
from koshiki.org.models import Municipality


def can_change_settings(user: Any, municipality: Municipality) -> bool:
    """The city's own governance office, which also keeps its organisation; no other role or city."""
    return can_manage_units(user, municipality)


def can_view_settings(user: Any, municipality: Municipality) -> bool:
    """Anyone with a role in the city may read its settings (they decide what the checker accepts)."""
    return any(ra.municipality_id == municipality.pk for ra in roles_of(user))
