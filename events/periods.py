"""Periods and due terms: one grammar to read them, one place to write them in Dutch.

A period is a month, quarter, half year or year ("2026-H1"). A due term is what a plan writes
for a deadline ("Q4 2025", "Q1-Q2 2026", "per 1-1-2019", "uiterlijk augustus 2019", "najaar
2018"): due on the last day of the period it names, keeping its own words and precision for
display. A start ("vanaf 2019", "sinds 2015") is read into the first day of its period. Wordings
that name no date ("op korte termijn") are refused as a due with the hint to write an undated
step. The grammar is a table of patterns, one row per spelling, so a new spelling is a new row.
Periods, due terms and starts share that grammar, which is why they share this module past 300
lines.
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
    """A due text that cannot be read; ``plan_file_advice`` says how a plan file writes it instead."""

    def __init__(self, message: str, plan_file_advice: str = "") -> None:
        super().__init__(f"{message}; {plan_file_advice}" if plan_file_advice else message)
        self.message = message
        self.plan_file_advice = plan_file_advice


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
PERIOD_OF_FREQUENCY = {kind.noun: kind for kind in PERIOD_TYPES}
# A recurring commitment's frequency (``every`` of a plan file) in words.
FREQUENCY_WORDS = {"maand": "elke maand", "kwartaal": "elk kwartaal", "halfjaar": "elk halfjaar",
                   "jaar": "jaarlijks"}


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


@dataclass(frozen=True)
class Start:
    """A start ("vanaf 2019"): the first day of the stated period and the text as stated."""

    date: date
    precision: str
    text: str

    @property
    def label(self) -> str:
        """Return the text to display (the plan's own words)."""
        return self.text


ACCEPTED_FORMS = (
    "2026-03-15, 15 maart 2026, 1-1-2026, maart 2026, Q1 2026, eerste kwartaal 2026, H1 2026, "
    "2026, begin 2026, medio 2026, eind 2026, voorjaar 2026, zomer 2026, najaar 2026, "
    "schooljaar 2025-2026, uiterlijk maart 2026, voor 2027, Q1-Q2 2026")

# Wordings that name no date: a plan's step without a deadline, never a due date.
NO_DATE_WORDINGS = (
    "op korte termijn", "korte termijn", "op middellange termijn", "op lange termijn",
    "op langere termijn", "op termijn", "in de komende maanden", "de komende maanden",
    "in de komende jaren", "de komende jaren", "de aankomende jaren", "de komende periode",
    "zo snel mogelijk", "zo spoedig mogelijk", "z.s.m.", "zsm", "binnenkort", "nader te bepalen",
    "n.t.b.", "ntb", "nog niet bekend", "doorlopend", "continu", "structureel",
)
RECURRING_WORDS = ("ieder", "iedere", "elk", "elke", "jaarlijks", "halfjaarlijks", "maandelijks",
                   "wekelijks", "driemaandelijks", "tweejaarlijks", "per kwartaal", "per maand",
                   "per jaar", "twee keer per jaar")
START_PREFIXES = ("vanaf", "sinds", "met ingang van", "m.i.v.", "start", "gestart in")
_DEADLINE_PREFIXES = ("uiterlijk in", "uiterlijk", "tot en met", "t/m", "per", "op", "in", "rond",
                      "ergens in")
_BEFORE = ("voor", "vóór")
_ARTICLES = re.compile(r"^(?:het|de) ")
_AANSTAANDE = re.compile(r"\s*(?:a\.s\.|as\.|aanstaande)$")

# name: (first month, number of months); winter runs into the next year.
SEASONS = {"voorjaar": (3, 3), "lente": (3, 3), "zomer": (6, 3), "najaar": (9, 3),
           "herfst": (9, 3), "winter": (12, 3)}
_SEASON = "|".join(SEASONS)


def _months_span(year: int, first_month: int, months: int) -> tuple[date, date]:
    start = date(year, first_month, 1)
    last_month = first_month + months - 1
    end_year, end_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    return start, month_end(end_year, end_month)


def _school_year(first: str, second: str) -> tuple[date, date, str]:
    y1 = int(first) if len(first) == 4 else 2000 + int(first)
    y2 = int(second) if len(second) == 4 else 2000 + int(second)
    if y2 != y1 + 1:
        raise PeriodError(f"schooljaar {first}-{second} bestaat niet (de jaren volgen elkaar op)")
    _year(str(y1))
    return date(y1, 8, 1), date(y2, 7, 31), "school_year"


def _span_of_period(period: Period) -> tuple[date, date, str]:
    return period.start, period.end, period.precision


# One row per spelling of a span that is not a plain period: (first day, last day, precision).
SPAN_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[date, date, str]]]] = [
    (re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})"),
     lambda m: (lambda d: (d, d, "day"))(date(_year(m[3]), _month_number(m[2]), int(m[1])))),
    (re.compile(rf"({_SEASON}) (?:van )?(\d{{4}})"),
     lambda m: (*_months_span(_year(m[2]), *SEASONS[m[1]]), "season")),
    (re.compile(r"schooljaar (\d{4})\s?[-/]\s?(\d{4})"), lambda m: _school_year(m[1], m[2])),
    (re.compile(r"schooljaar '?(\d{2})\s?[-/]\s?'?(\d{2})"), lambda m: _school_year(m[1], m[2])),
    (re.compile(r"begin (?:van )?(\d{4})"),
     lambda m: _span_of_period(Quarter(_year(m[1]), 1))),
    (re.compile(r"medio (\d{4})"), lambda m: (date(_year(m[1]), 6, 1), date(_year(m[1]), 6, 30), "half")),
    (re.compile(r"(?:eind|einde|eind van|aan het eind van) (\d{4})"),
     lambda m: (date(_year(m[1]), 12, 1), date(_year(m[1]), 12, 31), "year")),
]


def _strip_deadline_words(text: str) -> str:
    for prefix in _DEADLINE_PREFIXES:
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1:]
            break
    return _ARTICLES.sub("", text)


def _single_span(text: str) -> tuple[date, date, str]:
    """Return the first day, last day and precision of one term; raise PeriodError when unknown."""
    text = _strip_deadline_words(text)
    for prefix in _BEFORE:
        if text.startswith(prefix + " "):
            first, _, precision = _single_span(text[len(prefix) + 1:])
            day_before = date.fromordinal(first.toordinal() - 1)
            return day_before, day_before, precision
    span = _first_match(SPAN_PATTERNS, text)
    if span is not None:
        return span  # type: ignore[return-value]
    day = _first_match(DAY_PATTERNS, text)
    if day is not None:
        return day, day, "day"  # type: ignore[return-value]
    period = _first_match(PERIOD_PATTERNS, text)
    if period is None:
        raise PeriodError(f"'{text}' is geen herkenbare termijn")
    return _span_of_period(period)  # type: ignore[arg-type]


_RANGE = re.compile(r"(?P<first>.+?)\s*(?:-|–|—|t/m|tot en met|,| of )\s*(?P<last>.+)")
_YEAR_SUFFIX = re.compile(r"\s(\d{4})$")
_HAS_YEAR = re.compile(r"\d{4}|'\d{2}")


def _span(text: str, stated: str) -> tuple[date, date, str]:
    """Return the span of a term or of a range of terms ("Q1-Q2 2026", "eind 2024, begin 2025")."""
    try:
        return _single_span(text)
    except PeriodError as single_error:
        match = _RANGE.fullmatch(text)
        if not match:
            raise
        first, last = match["first"].strip(), match["last"].strip()
        try:
            _, end, precision = _single_span(last)
            year = _YEAR_SUFFIX.search(last)
            # "Q1-Q2 2026": the first part borrows the year of the last one.
            first_full = first if _HAS_YEAR.search(first) or not year else f"{first} {year[1]}"
            start, first_end, _ = _single_span(first_full)
        except PeriodError:
            raise single_error from None
        if first_end > end:
            raise PeriodError(f"'{stated}': het begin ligt na het einde") from None
        return start, end, precision


def _normal_term(text: str) -> str:
    normal = _normal(text).replace("vóór", "voor")
    return _AANSTAANDE.sub("", normal).strip(" .")


def _names_no_date(normal: str) -> bool:
    words = (w.strip(" .") for w in NO_DATE_WORDINGS)
    return any(normal == w or normal.startswith(w + " ") or normal.endswith(" " + w) for w in words)


class YearMissingError(DueError):
    """A term that would be readable with a year, but names none."""


def _read(value: object, year_context: int | None, what: str) -> tuple[str, str]:
    """Return the stated text and its normal form; refuse what is no term at all."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise DueError(f"geen {what} opgegeven")
    text = " ".join(value.split())
    normal = _normal_term(text)
    if any(normal == w or normal.startswith(w + " ") for w in RECURRING_WORDS):
        raise DueError(f"'{text}' is een terugkerende afspraak, geen termijn",
                       "zet het onder recurring (every: maand, kwartaal, halfjaar of jaar)")
    if _names_no_date(normal):
        raise DueError(f"'{text}' noemt geen datum",
                       f"schrijf het als stap zonder termijn: when: \"{text}\" (zonder due)")
    if not _HAS_YEAR.search(normal):
        if year_context is not None:
            return text, f"{normal} {year_context}"
        try:
            _span(_without_start(normal) + " 2000", text)
        except PeriodError:
            pass  # not a term even with a year: say so below
        else:
            raise YearMissingError(f"'{text}' noemt geen jaar")
    return text, normal


def _without_start(normal: str) -> str:
    for prefix in START_PREFIXES:
        if normal.startswith(prefix + " "):
            return normal[len(prefix) + 1:]
    return normal


def _span_or_error(normal: str, text: str) -> tuple[date, date, str]:
    try:
        return _span(normal, text)
    except PeriodError as exc:
        inner = str(exc)
        if inner.endswith("is geen herkenbare termijn"):
            message = f"'{text}' is geen herkenbare termijn"
        else:
            message = inner.replace(f"'{normal}'", f"'{text}'")
            if f"'{text}'" not in message:
                message = f"'{text}': {message}"
        raise DueError(f"{message}; bekende vormen: {ACCEPTED_FORMS}") from None


def parse_due(value: object, year_context: int | None = None) -> Due:
    """Read a due date as a plan states it ("Q4 2025", "uiterlijk augustus 2019", "per 1-1-2019")."""
    if isinstance(value, date):
        return Due(value, "day", value.isoformat())
    text, normal = _read(value, year_context, "termijn")
    for prefix in START_PREFIXES:
        if normal.startswith(prefix + " "):
            raise DueError(
                f"'{text}' is een begin, geen termijn waarop iets klaar moet zijn: "
                f"schrijf het als starts: \"{text}\"")
    _, end, precision = _span_or_error(normal, text)
    return Due(end, precision, text)


def parse_start(value: object, year_context: int | None = None) -> Start:
    """Read when something starts ("vanaf 2019", "sinds 2015", "met ingang van 1 januari 2023")."""
    if isinstance(value, date):
        return Start(value, "day", value.isoformat())
    text, normal = _read(value, year_context, "begin")
    start, _, precision = _span_or_error(_without_start(normal), text)
    return Start(start, precision, text)


def term_words(due: Due | None, starts: Start | None, when: str = "") -> str:
    """Return a Tijdpad line's term as the plan words it: its due, else its start, else its undated words."""
    if due is not None:
        return due.text
    if starts is not None:
        return starts.text
    return when or "zonder termijn"
