"""Periods and due terms: one grammar to read them, one place to write them in Dutch.

A period is a month, quarter, half year or year ("2026-H1"). A due term is what a plan writes
for a deadline ("Q4 2025", "Q1-Q2 2026", "per 1 januari 2026"): due on the last day of the
period it names, keeping its own words and precision for display. The grammar is a table of
patterns, one row per spelling, so a new spelling is a new row. Periods and due terms share
that grammar, which is why they share this module past 300 lines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, ClassVar

MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")
MONTH_NUMBERS = {
    **{name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
ORDINALS = {"eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4, "4e": 4}
PRECISIONS = ("day", "month", "quarter", "half", "year")
FIRST_YEAR, LAST_YEAR = 1900, 2200


class PeriodError(ValueError):
    """A period or due text that cannot be read; the message is Dutch."""


class DueError(PeriodError):
    """A due text that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period of a fixed number of months, numbered within its year from 1."""

    year: int
    number: int = 1

    precision: ClassVar[str]
    months: ClassVar[int]
    noun: ClassVar[str]
    example: ClassVar[str]

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 12 // self.months:
            raise PeriodError(f"{self.noun} {self.number} bestaat niet")

    @classmethod
    def of(cls, day: date) -> Period:
        """Return the period a day falls in."""
        return cls(day.year, (day.month - 1) // cls.months + 1)

    @classmethod
    def parse(cls, text: object) -> Period:
        """Read a period of this kind in any spelling of the grammar."""
        try:
            found = parse_period(text)
        except PeriodError:
            found = None
        if found is None or found.precision != cls.precision:
            raise PeriodError(f"'{text}' is geen {cls.noun} (gebruik bijvoorbeeld {cls.example}).")
        return cls(found.year, found.number)

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, self.number * self.months)

    def next(self) -> Period:
        last = self.number == 12 // self.months
        return type(self)(self.year + last, 1 if last else self.number + 1)

    def previous(self) -> Period:
        first = self.number == 1
        return type(self)(self.year - first, 12 // self.months if first else self.number - 1)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def key(self) -> str:
        """Return the period's key as stored and typed: 2026-03, 2026-Q1, 2026-H1, 2026."""
        raise NotImplementedError

    @property
    def display(self) -> str:
        """Return the period in short Dutch: maart 2026, Q1 2026, H1 2026, 2026."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        """Return the period as a Dutch text reads it."""
        return self.display


class Month(Period):
    precision, months, noun, example = "month", 1, "maand", "2026-03"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number:02d}"

    @property
    def display(self) -> str:
        return f"{MONTH_NAMES[self.number - 1]} {self.year}"


class Quarter(Period):
    precision, months, noun, example = "quarter", 3, "kwartaal", "2026-Q1"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def display(self) -> str:
        return f"Q{self.number} {self.year}"


class HalfYear(Period):
    precision, months, noun, example = "half", 6, "halfjaar", "2026-H1"

    @property
    def half(self) -> int:
        return self.number

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.number}"

    @property
    def display(self) -> str:
        return f"H{self.number} {self.year}"

    @property
    def label(self) -> str:
        return f"{'eerste' if self.number == 1 else 'tweede'} halfjaar {self.year}"

    def quarters(self) -> list[Quarter]:
        first = Quarter(self.year, 1 if self.number == 1 else 3)
        return [first, first.next()]


class Year(Period):
    precision, months, noun, example = "year", 12, "jaar", "2026"

    @property
    def key(self) -> str:
        return str(self.year)

    @property
    def display(self) -> str:
        return str(self.year)


PERIOD_TYPES = (Month, Quarter, HalfYear, Year)
PRECISION_WORDS = {kind.precision: kind.noun for kind in PERIOD_TYPES}
PRECISION_OF_FREQUENCY = {kind.noun: kind.precision for kind in PERIOD_TYPES}
EXAMPLES = {kind.precision: kind.example for kind in PERIOD_TYPES}


def month_end(year: int, month: int) -> date:
    """Return the last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


# --- the grammar --------------------------------------------------------------------------

def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"jaar {year} valt buiten het bereik {FIRST_YEAR}-{LAST_YEAR}")
    return year


def _month(name: str) -> int:
    try:
        return MONTH_NUMBERS[name]
    except KeyError:
        raise PeriodError(f"'{name}' is geen maand") from None


def _month_number(text: str) -> int:
    if not 1 <= int(text) <= 12:
        raise PeriodError(f"maand {int(text)} bestaat niet")
    return int(text)


_ORDINAL = "|".join(ORDINALS)
_HALF_ORDINAL = "eerste|tweede|1e|2e"

# One row per spelling of a period, in normal form (lower case, single spaces).
PERIOD_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Period]]] = [
    (re.compile(r"(?:in )?(\d{4})"), lambda m: Year(_year(m[1]))),
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: Month(_year(m[1]), _month_number(m[2]))),
    (re.compile(r"([a-z]+)\.? (\d{4})"), lambda m: Month(_year(m[2]), _month(m[1]))),
    (re.compile(r"q([1-4])[- ]?(\d{4})"), lambda m: Quarter(_year(m[2]), int(m[1]))),
    (re.compile(r"(\d{4})[- ]?q([1-4])"), lambda m: Quarter(_year(m[1]), int(m[2]))),
    (re.compile(rf"({_ORDINAL}) kwartaal (?:van )?(\d{{4}})"),
     lambda m: Quarter(_year(m[2]), ORDINALS[m[1]])),
    (re.compile(r"h([12])[- ]?(\d{4})"), lambda m: HalfYear(_year(m[2]), int(m[1]))),
    (re.compile(r"(\d{4})[- ]?h([12])"), lambda m: HalfYear(_year(m[1]), int(m[2]))),
    (re.compile(rf"({_HALF_ORDINAL}) (?:helft|halfjaar) (?:van )?(\d{{4}})"),
     lambda m: HalfYear(_year(m[2]), ORDINALS[m[1]])),
]

# One row per spelling of a single day.
DAY_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], date]]] = [
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), lambda m: date(_year(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"(?:per |op )?(\d{1,2}) ([a-z]+)\.? (\d{4})"),
     lambda m: date(_year(m[3]), _month(m[2]), int(m[1]))),
]


def _normal(text: str) -> str:
    return " ".join(text.lower().replace(":", " ").split())


def _first_match(patterns: list, text: str) -> object | None:
    for pattern, build in patterns:
        match = pattern.fullmatch(text)
        if match:
            try:
                return build(match)
            except PeriodError:
                raise
            except ValueError:
                raise PeriodError(f"'{text}' is geen bestaande datum") from None
    return None


def parse_period(text: object) -> Period:
    """Read a period: 2026, 2026-H1, H1 2026, eerste halfjaar 2026, 2026-Q1, Q1 2026, 2026-03, maart 2026."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not text.strip():
        raise PeriodError("Geef een periode op, bijvoorbeeld 2026-H1.")
    hint = "gebruik bijvoorbeeld 2026-H1, 2026-Q1, 2026-03 of 2026"
    try:
        found = _first_match(PERIOD_PATTERNS, _normal(text))
    except PeriodError as exc:
        raise PeriodError(f"'{text}' is geen herkenbare periode: {exc} ({hint}).") from None
    if found is None:
        raise PeriodError(f"'{text}' is geen herkenbare periode ({hint}).")
    return found  # type: ignore[return-value]


def period_label(key: str) -> str:
    """Return a period key as short Dutch text: 2026-H1 → H1 2026, 2026-03 → maart 2026."""
    return parse_period(key).display


# --- due terms ----------------------------------------------------------------------------

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


def _term_end(text: str) -> tuple[date, str]:
    """Return the last day and the precision of one term (a day or a period)."""
    day = _first_match(DAY_PATTERNS, text)
    if day is not None:
        return day, "day"  # type: ignore[return-value]
    period = _first_match(PERIOD_PATTERNS, text)
    if period is None:
        raise PeriodError(f"'{text}' is geen herkenbare termijn")
    return period.end, period.precision  # type: ignore[attr-defined]


_RANGE = re.compile(r"(?P<first>.+?)\s*(?:-|–|—|t/m|tot en met)\s*(?P<last>.+)")
_ISO_LIKE = re.compile(r"\d{4}-\d{2}(-\d{2})?")
_YEAR_SUFFIX = re.compile(r"\s(\d{4})$")


def _range_end(text: str, stated: str) -> tuple[date, str] | None:
    """Return the end of a range of terms ("Q1-Q2 2026", "maart-mei 2026"), or None if it is none."""
    match = None if _ISO_LIKE.fullmatch(text) else _RANGE.fullmatch(text)
    if not match:
        return None
    first, last = match["first"].strip(), match["last"].strip()
    end, precision = _term_end(last)
    year = _YEAR_SUFFIX.search(last)
    # "Q1-Q2 2026": the first part borrows the year of the last one.
    first_full = first if _YEAR_SUFFIX.search(first) or not year else f"{first} {year[1]}"
    first_end, _ = _term_end(first_full)
    if first_end > end:
        raise PeriodError(f"'{stated}': het begin ligt na het einde")
    return end, precision


def parse_due(value: object) -> Due:
    """Read a due date as a plan states it ("Q4 2025", "Q1-Q2 2026", "per 1 januari 2026")."""
    if isinstance(value, date):
        return Due(value, "day", value.isoformat())
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise DueError("geen termijn opgegeven")
    text = " ".join(value.split())
    normal = _normal(text)
    try:
        try:
            end, precision = _term_end(normal)
        except PeriodError:
            found = _range_end(normal, text)
            if found is None:
                raise
            end, precision = found
    except PeriodError as exc:
        raise DueError(str(exc)) from None
    return Due(end, precision, text)
