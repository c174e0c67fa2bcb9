"""Turn what the beheerder types (periods, Dutch numbers) into domain values, or say why not."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tracker.due import MONTHS, ORDINALS
from tracker.errors import DomainError

PRECISION_OF_FREQUENCY = {"maand": "month", "kwartaal": "quarter", "halfjaar": "half", "jaar": "year"}
PRECISION_WORDS = {"month": "maand", "quarter": "kwartaal", "half": "halfjaar", "year": "jaar"}
EXAMPLES = {"month": "2026-03", "quarter": "2026-Q1", "half": "2026-H1", "year": "2026"}


@dataclass(frozen=True)
class Period:
    """A month, quarter, half year or year, named by its key ("2026-H1")."""

    key: str
    precision: str  # month | quarter | half | year
    start: date
    end: date


def _year(text: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2200:
        raise DomainError(f"Het jaar {year} valt buiten het bereik 1900-2200.")
    return year


def _period(year: int, precision: str, number: int = 1) -> Period:
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[precision]
    first = (number - 1) * months + 1
    last = first + months - 1
    end = date(year, last, calendar.monthrange(year, last)[1])
    key = {"month": f"{year}-{number:02d}", "quarter": f"{year}-Q{number}",
           "half": f"{year}-H{number}", "year": str(year)}[precision]
    return Period(key, precision, date(year, first, 1), end)


def parse_period(text: object) -> Period:
    """Read a period: 2026, 2026-H1, H1 2026, eerste halfjaar 2026, 2026-Q1, Q1 2026, 2026-03, maart 2026."""
    if isinstance(text, int):
        text = str(text)
    if not isinstance(text, str) or not text.strip():
        raise DomainError("Geef een periode op, bijvoorbeeld 2026-H1.")
    t = " ".join(text.lower().split())
    if m := re.fullmatch(r"(\d{4})", t):
        return _period(_year(m[1]), "year")
    if m := re.fullmatch(r"(\d{4})[- ]?h([12])|h([12])[- ]?(\d{4})", t):
        return _period(_year(m[1] or m[4]), "half", int(m[2] or m[3]))
    if m := re.fullmatch(r"(eerste|tweede|1e|2e) (?:helft|halfjaar) (?:van )?(\d{4})", t):
        return _period(_year(m[2]), "half", ORDINALS[m[1]])
    if m := re.fullmatch(r"(\d{4})[- ]?q([1-4])|q([1-4])[- ]?(\d{4})", t):
        return _period(_year(m[1] or m[4]), "quarter", int(m[2] or m[3]))
    if m := re.fullmatch(r"(eerste|tweede|derde|vierde|[1-4]e) kwartaal (?:van )?(\d{4})", t):
        return _period(_year(m[2]), "quarter", ORDINALS[m[1]])
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", t)) and 1 <= int(m[2]) <= 12:
        return _period(_year(m[1]), "month", int(m[2]))
    if (m := re.fullmatch(r"([a-z]+)\.? (\d{4})", t)) and m[1] in MONTHS:
        return _period(_year(m[2]), "month", MONTHS[m[1]])
    raise DomainError(f"'{text}' is geen herkenbare periode (gebruik bijvoorbeeld 2026-H1, "
                      "2026-Q1, 2026-03 of 2026).")


def parse_half_year(text: object) -> Period:
    """Read the half year a council report is about."""
    period = parse_period(text)
    if period.precision != "half":
        raise DomainError(f"Een raadsrapportage gaat over een halfjaar, niet over '{text}' "
                          "(gebruik bijvoorbeeld 2026-H1).")
    return period


_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(value: object) -> Decimal:
    """Read a number as written in Dutch or plain: 150, 12,5, 12.5, 1.234.567, € 6.000.000, -3,5%."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise DomainError(f"'{value}' is geen getal.")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = "".join(str(value or "").split()).replace("€", "").rstrip("%").replace("−", "-")
    if not text:
        raise DomainError("Geef een waarde op (een getal).")
    if text.endswith(",-"):
        text = text[:-2]  # "€ 30.000,-"
    if "," in text:
        # Dutch: a dot groups thousands, the comma separates the decimals.
        whole, _, decimals = text.partition(",")
        if "," in decimals or ("." in whole and not _THOUSANDS.match(whole)):
            raise DomainError(f"'{value}' is geen getal.")
        text = f"{whole.replace('.', '')}.{decimals}"
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise DomainError(f"'{value}' is geen getal.")
    return Decimal(text)


def amount_text(number: Decimal) -> str:
    """Return a number as the exact, plain text an event stores ("1234567", "12.5")."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Coverage:
    """The part of a year a finance figure covers: from 1 January through ``end``."""

    year: int
    end: date

    @property
    def key(self) -> str:
        """Return the shortest name of the part: 2026, 2026-H1, 2026-Q1, t/m 2026-Q3, t/m 2026-05."""
        y, end = self.year, self.end
        if end.day != calendar.monthrange(y, end.month)[1]:
            return f"t/m {end.isoformat()}"
        names = {12: str(y), 6: f"{y}-H1", 3: f"{y}-Q1", 1: f"{y}-01", 9: f"t/m {y}-Q3"}
        return names.get(end.month, f"t/m {y}-{end.month:02d}")

    @property
    def whole_year(self) -> bool:
        return self.end == date(self.year, 12, 31)


_THROUGH = re.compile(r"^(?:t/m|tm|tot en met)\s+(.+)$")


def parse_coverage(text: object, year: int, recorded_on: date) -> Coverage:
    """Read the part of ``year`` a finance figure covers ("2026", "2026-H1", "t/m 2026-Q3").

    Without a text, a year that has ended is covered whole and a running year up to the day
    before ``recorded_on``: a figure entered in July is the year so far, never the whole year.
    """
    year_end = date(year, 12, 31)
    if text is None or not str(text).strip():
        if recorded_on > year_end:
            return Coverage(year, year_end)
        if recorded_on <= date(year, 1, 1):
            raise DomainError(f"Het jaar {year} is nog niet begonnen: er valt nog niets vast te leggen.")
        return Coverage(year, recorded_on - timedelta(days=1))
    t = " ".join(str(text).lower().split())
    through = _THROUGH.match(t)
    body = through[1] if through else t
    if through and re.fullmatch(r"\d{4}-\d{2}-\d{2}", body):
        try:
            end = date.fromisoformat(body)
        except ValueError:
            raise DomainError(f"'{text}' is geen bestaande datum.") from None
        period = Period(body, "day", date(end.year, 1, 1), end)
    else:
        period = parse_period(body)
    if period.start.year != year:
        raise DomainError(f"De periode '{text}' hoort niet bij het jaar {year}.")
    if not through and period.start != date(year, 1, 1):
        raise DomainError(
            f"Een bedrag telt vanaf 1 januari: '{text}' begint later. Gebruik 't/m {period.key}' "
            f"voor januari tot en met het einde van {period.key}.")
    if period.end > recorded_on:
        raise DomainError(f"De periode '{text}' is nog niet voorbij: leg vast wat tot nu toe bekend is "
                          f"(bijvoorbeeld t/m {recorded_on - timedelta(days=1):%Y-%m-%d}).")
    return Coverage(year, period.end)
