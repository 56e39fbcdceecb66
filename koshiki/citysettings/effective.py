"""The profile a city's posts and accounts are checked against: the built-in one with its settings over it.

Layering, lowest first: the built-in profile (and what it ``extends``), the
installation directory (``KOSHIKI_PROFILE_DIR``, read by ``load_profile``),
then the newest ``CitySettings`` version of the city. One query per call (the
newest version's number and values); the layered profile is cached per
(profile, city, settings version), so a save takes effect at the next check
in every process without a restart.
"""

from __future__ import annotations

import json
from typing import Any

from koshiki.checker.profiles import Profile, load_profile
from koshiki.checker.settings import apply_settings
from koshiki.citysettings.models import CitySettings
from koshiki.org.models import Municipality

# (base profile object, city, settings version, values) -> layered profile. The base is the
# object load_profile caches, so a changed installation directory (a new base) is a new key;
# the values are part of the key so a restored or rolled-back database never meets a stale entry.
_CACHE: dict[tuple[int, int, int, str], Profile] = {}
_CACHE_LIMIT = 256


def current_settings(municipality: Municipality | int) -> CitySettings | None:
    """The city's settings in force (its newest version), or None when it never changed any."""
    pk = municipality.pk if isinstance(municipality, Municipality) else municipality
    return CitySettings.objects.filter(municipality_id=pk).order_by("-version").first()


def settings_values(municipality: Municipality | int) -> tuple[int, dict[str, Any]]:
    """(version, values) in force; (0, {}) before the first change."""
    row = current_settings(municipality)
    return (row.version, dict(row.values)) if row is not None else (0, {})


def effective_profile(municipality: Municipality) -> Profile:
    """The city's profile with its settings layered over it (cached per settings version)."""
    base = load_profile(municipality.profile_id)
    version, values = settings_values(municipality)
    if version == 0:
        return base
    key = (id(base), municipality.pk, version, json.dumps(values, sort_keys=True, ensure_ascii=False))
    profile = _CACHE.get(key)
    if profile is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        # Values were validated when saved; a key the profile dropped since is skipped, not fatal.
        valid = {k: v for k, v in values.items() if _applies(base, k, v)}
        profile = _CACHE[key] = apply_settings(base, valid)
    return profile


def _applies(base: Profile, key: str, value: Any) -> bool:
    try:
        apply_settings(base, {key: value})
    except ValueError:
        return False
    return True


def clear_cache() -> None:
    _CACHE.clear()
