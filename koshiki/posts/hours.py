"""Operating hours: read the policy's 運用時間 text and tell whether a moment falls outside it.

The policy form (京都市様式1・石巻市様式1) states the hours as
「○曜日から○曜日までの○時○分から○時○分まで（祝日及び年末年始を除く）」.
``parse_operating_hours`` reads that sentence (and 「平日 8:30〜17:15」-like
variants); ``outside_reason`` names why a moment is outside: the year-end
break, a public holiday (``jpholiday``, offline), the weekday or the time.
Pure functions; no database, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time

import jpholiday

from koshiki.workdays import YEAR_END_BREAK, in_year_end_break

WEEKDAY_NAMES = "月火水木金土日"  # date.weekday(): Monday = 0

_DAY = r"([月火水木金土日])(?:曜日?)?"
_TIME = r"(\d{1,2})(?:時(?:(\d{1,2})分)?|:(\d{2}))"
_SEP = r"\s*(?:から|~|-|〜|～|ー|―)\s*"
_DAY_RANGE = re.compile(_DAY + _SEP + _DAY)
_TIME_RANGE = re.compile(_TIME + r"(?:半)?" + _SEP + _TIME)
_HALF = re.compile(r"(\d{1,2})時半")


@dataclass(frozen=True)
class OperatingHours:
    """Days of the week (0 = Monday) and the daily window [start, end)."""

    weekdays: frozenset[int]
    start: time
    end: time

    def label(self) -> str:
        days = sorted(self.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            day_text = f"{WEEKDAY_NAMES[days[0]]}曜日から{WEEKDAY_NAMES[days[-1]]}曜日"
        else:
            day_text = "・".join(f"{WEEKDAY_NAMES[d]}曜日" for d in days)
        return f"{day_text} {self.start:%H:%M}〜{self.end:%H:%M}"


def _clock(hour: str, minute_kanji: str | None, minute_colon: str | None) -> time | None:
    h = int(hour)
    m = int(minute_kanji or minute_colon or 0)
    if h == 24 and m == 0:
        return time(23, 59, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return time(h, m)


def parse_operating_hours(text: str) -> OperatingHours | None:
    """Read 「月曜日から金曜日までの8時45分から17時30分まで」; None when it cannot be read.

    「平日」 means Monday to Friday, 「毎日」 every day; 「8時半」 is 8:30.
    """
    if not text:
        return None
    norm = unicodedata.normalize("NFKC", text)
    norm = _HALF.sub(lambda m: f"{m[1]}時30分", norm)
    weekdays: frozenset[int] | None = None
    day_range = _DAY_RANGE.search(norm)
    if day_range:
        first, last = WEEKDAY_NAMES.index(day_range[1]), WEEKDAY_NAMES.index(day_range[2])
        if first <= last:
            weekdays = frozenset(range(first, last + 1))
        else:
            weekdays = frozenset(list(range(first, 7)) + list(range(0, last + 1)))
    elif "平日" in norm:
        weekdays = frozenset(range(5))
    elif "毎日" in norm:
        weekdays = frozenset(range(7))
    time_range = _TIME_RANGE.search(norm)
    if weekdays is None or time_range is None:
        return None
    start = _clock(time_range[1], time_range[2], time_range[3])
    end = _clock(time_range[4], time_range[5], time_range[6])
    if start is None or end is None or start >= end:
        return None
    return OperatingHours(weekdays, start, end)


def outside_reason(
    moment: datetime,
    hours: OperatingHours,
    *,
    year_end_break: tuple[tuple[int, int], tuple[int, int]] | None = YEAR_END_BREAK,
    holidays_closed: bool = True,
) -> str | None:
    """Why ``moment`` (local time) is outside the operating hours, or None when inside.

    The reason is Japanese and names the rule that applies first: the year-end
    break, a public holiday (with its name), the weekday, the time of day.
    """
    day = moment.date()
    if in_year_end_break(day, year_end_break):
        return f"年末年始（{day.month}月{day.day}日）"
    if holidays_closed:
        name = jpholiday.is_holiday_name(day)
        if name:
            return f"祝日（{name}）"
    if day.weekday() not in hours.weekdays:
        return f"{WEEKDAY_NAMES[day.weekday()]}曜日"
    clock = moment.time().replace(tzinfo=None)
    if not (hours.start <= clock < hours.end):
        return f"時間外（{clock:%H:%M}）"
    return None
