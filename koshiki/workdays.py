"""Business days of a Japanese city office: no weekends, national holidays or 年末年始.

Used to put due dates (periodic checks of a stopped account, 狛江市4(5)エ) on a
day the office is open. ``jpholiday`` holds the holiday table offline.
"""

from __future__ import annotations

from datetime import date, timedelta

import jpholiday


def is_business_day(d: date) -> bool:
    """Open on ``d``: a weekday, not a national holiday, not 12/29-1/3 (年末年始, 行政機関の休日に関する法律1条)."""
    if d.weekday() >= 5 or jpholiday.is_holiday(d):
        return False
    return not ((d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3))


def next_business_day(d: date) -> date:
    """``d`` itself when open, else the next open day (at most ~10 iterations)."""
    while not is_business_day(d):
        d += timedelta(days=1)
    return d
