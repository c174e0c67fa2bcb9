"""Turn what the beheerder types (periods, Dutch numbers) into domain values, or say why not."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
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
