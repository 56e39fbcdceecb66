"""Template filters of the posts pages: the checking criteria in words."""

from __future__ import annotations

from typing import Any

from django import template

from koshiki.checker.profiles import ProfileError, load_profile

register = template.Library()


@register.filter
def criteria(revision: Any) -> str:
    """「京都市ソーシャルメディアガイドラインに基づくチェック（規則の版 0.1.0）」 for a revision's findings.

    Staff read which guideline judged the text; the hash that tells two rule
    sets apart stays in the audit trail and the revision's record.
    """
    profile_id = getattr(revision, "profile_id", "") or ""
    version = (getattr(revision, "checker_version", "") or "").split("+", 1)[0]
    try:
        name = load_profile(profile_id).name
    except (ProfileError, FileNotFoundError, KeyError):
        name = profile_id
    suffix = f"（規則の版 {version}）" if version else ""
    return f"{name}に基づくチェック{suffix}"
