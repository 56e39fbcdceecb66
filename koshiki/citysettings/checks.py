"""System check: every profile along the search path loads, so a broken installation file stops ``manage.py check``."""

from __future__ import annotations

from typing import Any

from django.core import checks

from koshiki.checker.profiles import ProfileError, available, load_profile


def installation_profiles(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """One error per profile that does not load (the message names the file, the key and the problem)."""
    try:
        ids = available()
    except ProfileError as exc:
        return [checks.Error(str(exc), id="koshiki.E001")]
    errors: list[checks.CheckMessage] = []
    for profile_id in ids:
        try:
            load_profile(profile_id)
        except ProfileError as exc:
            errors.append(checks.Error(str(exc), id="koshiki.E001"))
    return errors
