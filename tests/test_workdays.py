"""Business days of a city office: weekends, national holidays and 年末年始 are closed."""

from __future__ import annotations

from datetime import date

from koshiki.workdays import is_business_day, next_business_day


def test_weekdays_are_open_and_weekends_and_holidays_are_not():
    assert is_business_day(date(2025, 4, 1))  # Tuesday
    assert not is_business_day(date(2025, 4, 5))  # Saturday
    assert not is_business_day(date(2025, 5, 5))  # こどもの日
    assert not is_business_day(date(2025, 12, 29)) and not is_business_day(date(2026, 1, 2))


def test_next_business_day_skips_closed_days():
    assert next_business_day(date(2025, 4, 1)) == date(2025, 4, 1)
    assert next_business_day(date(2025, 5, 3)) == date(2025, 5, 7)  # 憲法記念日〜振替休日
    assert next_business_day(date(2025, 12, 27)) == date(2026, 1, 5)
