"""Business days of a Japanese city office: no weekends, national holidays or 年末年始.

Used to put due dates (periodic checks of a stopped account, 狛江市4(5)エ) on a
day the office is open. ``jpholiday`` holds the holiday table offline.
"""

from __future__ import annotations

from datetime import date, timedelta

import jpholiday

# 年末年始: 12/29-1/3 (行政機関の休日に関する法律1条); (month, day) pairs, inclusive.
YEAR_END_BREAK: tuple[tuple[int, int], tuple[int, int]] = ((12, 29), (1, 3))


def in_year_end_break(
    day: date, window: tuple[tuple[int, int], tuple[int, int]] | None = YEAR_END_BREAK
) -> bool:
    """True when ``day`` lies in the break (a window like 12-29 to 01-03 spans the new year)."""
    if window is None:
        return False
    start, end = window
    key = (day.month, day.day)
    if start <= end:
        return start <= key <= end
    return key >= start or key <= end


def is_business_day(d: date) -> bool:
    """Open on ``d``: a weekday, not a national holiday, not in the year-end break."""
    if d.weekday() >= 5 or jpholiday.is_holiday(d):
        return False
    return not in_year_end_break(d)


def next_business_day(d: date) -> date:
    """``d`` itself when open, else the next open day (at most ~10 iterations)."""
    while not is_business_day(d):
        d += timedelta(days=1)
    return d
