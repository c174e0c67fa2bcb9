"""Due dates with their precision: "Q4 2025" is due 2025-12-31 and keeps saying "Q4 2025"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

PRECISIONS = ("day", "month", "quarter", "half", "year")

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
ORDINALS = {"eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4, "4e": 4}


class DueError(ValueError):
    """A due text that cannot be read."""


@dataclass(frozen=True)
class Due:
    """A due date: the last day of the stated period, its precision and the text as stated."""

    date: date
    precision: str
    text: str

    @property
    def label(self) -> str:
        """Return the text to display (the plan's own words, never an invented day)."""
        return self.text


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2200:
        raise DueError(f"jaar {year} valt buiten het bereik 1900-2200")
    return year


# Each pattern yields the end of one period: (end date, precision).
_PERIOD_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"^(?:in\s+)?(\d{4})$"), lambda m: (date(_year(m[1]), 12, 31), "year")),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
     lambda m: (date(_year(m[1]), int(m[2]), int(m[3])), "day")),
    (re.compile(r"^(?:per\s+|op\s+)?(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$"),
     lambda m: (date(_year(m[3]), _month(m[2]), int(m[1])), "day")),
    (re.compile(r"^(\d{4})-(\d{2})$"),
     lambda m: (_month_end(_year(m[1]), _month_number(int(m[2]))), "month")),
    (re.compile(r"^([a-z]+)\.?\s+(\d{4})$"),
     lambda m: (_month_end(_year(m[2]), _month(m[1])), "month")),
    (re.compile(r"^q([1-4])\s+(\d{4})$"), lambda m: _quarter(m[2], m[1])),
    (re.compile(r"^(\d{4})-q([1-4])$"), lambda m: _quarter(m[1], m[2])),
    (re.compile(r"^(eerste|tweede|derde|vierde|[1-4]e)\s+kwartaal\s+(\d{4})$"),
     lambda m: _quarter(m[2], ORDINALS[m[1]])),
    (re.compile(r"^h([12])\s+(\d{4})$"), lambda m: _half(m[2], m[1])),
    (re.compile(r"^(\d{4})-h([12])$"), lambda m: _half(m[1], m[2])),
    (re.compile(r"^(eerste|tweede|1e|2e)\s+(?:helft|halfjaar)\s+(?:van\s+)?(\d{4})$"),
     lambda m: _half(m[2], ORDINALS[m[1]])),
]


def _month(name: str) -> int:
    try:
        return MONTHS[name]
    except KeyError:
        raise DueError(f"'{name}' is geen maand") from None


def _month_number(month: int) -> int:
    if not 1 <= month <= 12:
        raise DueError(f"maand {month} bestaat niet")
    return month


def _quarter(year: str, quarter: str | int) -> tuple[date, str]:
    return _month_end(_year(year), int(quarter) * 3), "quarter"


def _half(year: str, half: str | int) -> tuple[date, str]:
    return _month_end(_year(year), int(half) * 6), "half"


def _period_end(text: str) -> tuple[date, str]:
    for pattern, build in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return build(match)  # type: ignore[operator]
            except ValueError as exc:
                if isinstance(exc, DueError):
                    raise
                raise DueError(f"'{text}' is geen bestaande datum") from None
    raise DueError(f"'{text}' is geen herkenbare termijn")


_RANGE = re.compile(r"^(?P<first>.+?)\s*(?:-|–|—|t/m|tot en met)\s*(?P<last>.+)$")
_YEAR_SUFFIX = re.compile(r"\s(\d{4})$")


def parse_due(value: object) -> Due:
    """Read a due date as a plan states it ("Q4 2025", "Q1-Q2 2026", "per 1 januari 2026")."""
    if isinstance(value, date):
        return Due(value, "day", value.isoformat())
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise DueError("geen termijn opgegeven")
    text = " ".join(value.split())
    normal = text.lower().replace(":", "").strip()
    try:
        end, precision = _period_end(normal)
    except DueError:
        match = None if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", normal) else _RANGE.match(normal)
        if not match:
            raise
        last = match["last"].strip()
        first = match["first"].strip()
        end, precision = _period_end(last)
        year = _YEAR_SUFFIX.search(last)
        # "Q1-Q2 2026": the first part borrows the year of the last one.
        first_full = first if _YEAR_SUFFIX.search(first) or not year else f"{first} {year[1]}"
        start, _ = _period_end(first_full)
        if start > end:
            raise DueError(f"'{text}': het begin ligt na het einde") from None
    return Due(end, precision, text)


def due_from_parts(due: date, precision: str, text: str) -> Due:
    """Rebuild a Due from stored fields."""
    return Due(due, precision, text)
