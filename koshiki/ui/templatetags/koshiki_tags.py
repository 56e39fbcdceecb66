"""Template filters: era dates (令和7年4月1日) for dates and date-times."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from koshiki.checker.profiles import ProfileError, load_profile
from koshiki.fiscal import to_wareki

register = template.Library()


@register.filter
def guideline_name(profile_id: str) -> str:
    """The guideline a profile id stands for, in words (「京都市ソーシャルメディアガイドライン」), never the bare id."""
    try:
        return load_profile(profile_id).name
    except (ProfileError, FileNotFoundError, KeyError):
        return str(profile_id)


@register.filter
def wareki(value: Any) -> str:
    """「令和7年4月1日」 (a date-time adds 「 10:05」 in Japan time); empty stays empty."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{to_wareki(local.date())} {local:%H:%M}"
    if isinstance(value, date):
        return to_wareki(value)
    return str(value)


@register.filter
def yesno_ja(value: Any) -> str:
    """はい / いいえ / 未確認."""
    if value is None:
        return "未確認"
    return "はい" if value else "いいえ"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def person(user: Any) -> str:
    """「佐藤 一郎」: family name first, or the login when no name is recorded."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
