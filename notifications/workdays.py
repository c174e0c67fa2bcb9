"""Dutch working days: Monday to Friday, without the national public holidays."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter(year: int) -> date:
    """Return Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Return the Dutch public holidays of a year that fall on a weekday or not."""
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1), sunday + timedelta(days=1), kings_day, sunday + timedelta(days=39),
        sunday + timedelta(days=50), date(year, 12, 25), date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(date(year, 5, 5))  # Bevrijdingsdag is a day off once every five years
    return frozenset(days)


def is_workday(day: date) -> bool:
    """Tell whether a day is a working day."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def workdays_before(day: date, count: int) -> date:
    """Return the working day that lies ``count`` working days before ``day``."""
    current = day
    left = count
    while left > 0:
        current -= timedelta(days=1)
        if is_workday(current):
            left -= 1
    return current
