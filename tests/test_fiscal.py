"""Fiscal years (4月1日始まり) and era dates."""

from __future__ import annotations

from datetime import date

import pytest

from koshiki.fiscal import (
    fiscal_year,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_start,
    parse_wareki,
    to_wareki,
)


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2025, 4, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2024, 2, 29), 2023),
    ],
)
def test_fiscal_year_begins_on_1_april(day, fy):
    assert fiscal_year(day) == fy


def test_fiscal_year_bounds_accept_a_year_or_a_date():
    assert fiscal_year_start(2025) == date(2025, 4, 1)
    assert fiscal_year_end(2025) == date(2026, 3, 31)
    assert fiscal_year_start(date(2026, 2, 10)) == date(2025, 4, 1)
    assert fiscal_year_end(date(2025, 4, 1)) == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2025, 4, 1), "令和7年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 30), "大正元年7月30日"),
    ],
)
def test_to_wareki_and_back(day, text):
    assert to_wareki(day) == text
    assert parse_wareki(text) == day


def test_to_wareki_refuses_dates_before_the_solar_calendar():
    with pytest.raises(ValueError, match="和暦に変換できません"):
        to_wareki(date(1800, 1, 1))


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2025, "令和7年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和７年４月１日", date(2025, 4, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("r7/4/1", date(2025, 4, 1)),
        (" 令和 7 年 4 月 1 日 ", date(2025, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
    ],
)
def test_parse_wareki_accepts_common_notations(text, day):
    assert parse_wareki(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-04-01", "和暦の日付として読めません"),
        ("", "和暦の日付として読めません"),
        ("令和7年2月30日", "存在しない日付です"),
        ("平成32年1月1日", "平成の期間外"),
        ("令和元年4月30日", "令和の期間外"),
        ("令和0年5月1日", "年は1以上"),
    ],
)
def test_parse_wareki_refuses_bad_input_in_japanese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_wareki(text)
