"""The one action that changes a city's settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from koshiki.actors import Person
from koshiki.audit.events import record_event
from koshiki.checker.profiles import load_profile
from koshiki.checker.settings import apply_settings, parse_settings, setting
from koshiki.citysettings import access
from koshiki.citysettings.models import CitySettings
from koshiki.errors import ActionError, require
from koshiki.org.models import Municipality

MAX_REASON = 500


class SettingsError(ActionError):
    """Values refused; ``errors`` maps each key to its Japanese problem (shown beside its field)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        listed = "／".join(f"{_label(k)}: {v}" for k, v in self.errors.items())
        super().__init__(f"設定を保存できません（{listed}）")


def _label(key: str) -> str:
    item = setting(key)
    return item.label if item is not None else key


def do_change_city_settings(
    actor: Person,
    municipality: Municipality,
    form: Mapping[str, str],
    *,
    reason: str = "",
    bootstrap: bool = False,
) -> CitySettings:
    """Save the city's settings as a new version (governance office of that city only).

    ``form`` holds the settings page's text per key (a list one item per
    line). Only values that differ from the profile are stored, so a value
    the office leaves as it is keeps following the profile. ``bootstrap``
    skips the permission check for set-up commands (load_demo).
    """
    if not bootstrap:
        require(
            access.can_change_settings(actor, municipality),
            "市の設定を変更できるのは、その市の所管課です",
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ActionError(f"変更の理由は{MAX_REASON}字までです")
    values, errors = parse_settings(form)
    if errors:
        raise SettingsError(errors)
    with transaction.atomic():
        # The city's row lock queues two offices saving at once: versions stay 1, 2, 3 ...
        city = Municipality.objects.select_for_update().get(pk=municipality.pk)
        base = load_profile(city.profile_id)
        previous = CitySettings.objects.filter(municipality=city).order_by("-version").first()
        before: dict[str, Any] = dict(previous.values) if previous is not None else {}
        after = {k: v for k, v in before.items() if k not in values}
        after.update({k: v for k, v in values.items() if v != base.param(k)})
        try:
            apply_settings(base, after)
        except ValueError as exc:
            raise ActionError(f"設定を保存できません（{exc}）") from None
        if after == before:
            raise ActionError("変更がありません")
        row = CitySettings.objects.create(
            municipality=city,
            version=(previous.version if previous is not None else 0) + 1,
            values=after,
            reason=reason,
            created_by=actor,
            created_at=timezone.now(),
        )
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        record_event(
            actor,
            "city_settings.change",
            city,
            {k: before.get(k, base.param(k)) for k in changed},
            {k: after.get(k, base.param(k)) for k in changed},
            details={"version": row.version, "profile": city.profile_id, "reason": reason},
            municipality=city,
        )
    return row
