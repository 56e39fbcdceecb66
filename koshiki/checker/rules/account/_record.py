"""Helpers the account rules share: folding names, era dates, profile params, month arithmetic."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING

from koshiki.fiscal import to_wareki

if TYPE_CHECKING:
    from koshiki.checker.profiles import Profile

_SPACE = re.compile(r"\s+")


def fold(value: str) -> str:
    """NFKC, lower-cased, without any whitespace: the form names and URLs are compared in."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value or "").lower())


def wareki(d: date) -> str:
    """An era date for messages; ISO for the rare date before 1873."""
    try:
        return to_wareki(d)
    except ValueError:
        return d.isoformat()


def int_param(profile: Profile, name: str, default: int) -> int:
    """A positive whole number from a profile param; ``ValueError`` naming it otherwise."""
    value = profile.param(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"プロファイルの {name} は1以上の整数で指定してください（{value!r}）")
    return value


def month_param(profile: Profile, name: str, default: int) -> int:
    """A month number (1-12) from a profile param; ``ValueError`` naming it otherwise."""
    value = int_param(profile, name, default)
    if value > 12:
        raise ValueError(f"プロファイルの {name} は1〜12の月で指定してください（{value!r}）")
    return value


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) the month of ``d``."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
