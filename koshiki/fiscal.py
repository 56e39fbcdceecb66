"""Japanese fiscal years (4月1日始まり) and era dates (令和7年4月1日), without Django.

One helper for the whole product: the checker's account rules (yearly roster,
year-end review) and the web application's forms and duties both use it, so a
fiscal year or an era date is computed the same way everywhere.

- ``fiscal_year(d)``: the Western year in which the fiscal year containing
  ``d`` began (2026-03-31 -> 2025, i.e. 令和7年度);
- ``fiscal_year_start(fy)`` / ``fiscal_year_end(fy)``: 1 April / 31 March
  (accept a fiscal year or any date inside one);
- ``to_wareki(d)``: 「令和7年4月1日」 (the first year of an era is 元年);
- ``fiscal_year_label(fy)``: 「令和7年度」;
- ``parse_wareki(s)``: the reverse of ``to_wareki`` for form input
  (「令和7年4月1日」「R7.4.1」「令和元年5月1日」, full-width digits allowed).

Everything is pure and O(1); nothing reads the clock except callers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

FISCAL_YEAR_START_MONTH = 4  # 地方自治法208条: 会計年度は4月1日に始まり翌年3月31日に終わる


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese era: its name, one-letter abbreviation and first day."""

    name: str
    letter: str
    start: date


# Eras since the Gregorian calendar was adopted (明治6年 = 1873); earlier dates
# are refused rather than converted wrongly.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("明治", "M", date(1873, 1, 1)),
)
_EARLIEST = ERAS[-1].start


def _fy(value: int | date) -> int:
    return fiscal_year(value) if isinstance(value, date) else int(value)


def fiscal_year(d: date) -> int:
    """The fiscal year containing ``d``, named by the Western year it began in."""
    return d.year if d.month >= FISCAL_YEAR_START_MONTH else d.year - 1


def fiscal_year_start(fy: int | date) -> date:
    """1 April of fiscal year ``fy`` (or of the fiscal year containing a date)."""
    return date(_fy(fy), FISCAL_YEAR_START_MONTH, 1)


def fiscal_year_end(fy: int | date) -> date:
    """31 March ending fiscal year ``fy`` (or the fiscal year containing a date)."""
    return date(_fy(fy) + 1, 3, 31)


def era_of(d: date) -> Era:
    """The era in effect on ``d``; ``ValueError`` before 1873 (明治6年)."""
    for era in ERAS:
        if d >= era.start:
            return era
    raise ValueError(
        f"{d.isoformat()} は和暦に変換できません（{_EARLIEST.isoformat()} 以降の日付を指定してください）"
    )


def _year_label(era: Era, western_year: int) -> str:
    n = western_year - era.start.year + 1
    return f"{era.name}{'元' if n == 1 else n}年"


def to_wareki(d: date) -> str:
    """「令和7年4月1日」: the date in the era in effect that day (元年 for year 1)."""
    era = era_of(d)
    return f"{_year_label(era, d.year)}{d.month}月{d.day}日"


def fiscal_year_label(fy: int | date) -> str:
    """「令和7年度」: the fiscal year named in the latest era begun by its first year.

    FY 2019 (2019-04-01 to 2020-03-31) is 令和元年度, as the government named it
    once the era changed on 1 May 2019; FY 1988 is 昭和63年度.
    """
    year = _fy(fy)
    for era in ERAS:
        if era.start.year <= year:
            return _year_label(era, year) + "度"
    raise ValueError(f"{year} 年度は和暦に変換できません")


_WAREKI = re.compile(
    r"^\s*(?P<era>令和|平成|昭和|大正|明治|[RHSTM])\s*(?P<year>元|\d{1,2})\s*[年./\-]\s*"
    r"(?P<month>\d{1,2})\s*[月./\-]\s*(?P<day>\d{1,2})\s*日?\s*$",
    re.IGNORECASE,
)


def parse_wareki(value: str) -> date:
    """Parse 「令和7年4月1日」「R7.4.1」「令和元年5月1日」 (any width) into a date.

    Raises ``ValueError`` with a Japanese message when the text is not an era
    date, the day does not exist, or the date lies outside the named era
    (「平成32年」 is refused: that day is 令和2年).
    """
    text = unicodedata.normalize("NFKC", value or "")
    m = _WAREKI.match(text)
    if not m:
        raise ValueError(f"和暦の日付として読めません: 「{value}」（例: 令和7年4月1日）")
    key = m.group("era").upper()
    era = next(e for e in ERAS if key in (e.name, e.letter))
    n = 1 if m.group("year") == "元" else int(m.group("year"))
    if n < 1:
        raise ValueError(f"年は1以上で指定してください: 「{value}」")
    try:
        d = date(era.start.year + n - 1, int(m.group("month")), int(m.group("day")))
    except ValueError:
        raise ValueError(f"存在しない日付です: 「{value}」") from None
    index = ERAS.index(era)
    later = ERAS[index - 1] if index else None
    if d < era.start or (later is not None and d >= later.start):
        actual = to_wareki(d) if d >= _EARLIEST else d.isoformat()
        raise ValueError(f"{era.name}の期間外の日付です: 「{value}」（{actual}）")
    return d
