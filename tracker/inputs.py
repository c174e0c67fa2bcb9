"""Turn what the beheerder types (periods, Dutch numbers) into domain values, or say why not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from events.periods import HalfYear, Period, PeriodError, month_end
from events.periods import parse_period as _parse_period
from tracker.errors import DomainError


def parse_period(text: object) -> Period:
    """Read a period (see events.periods); an unreadable one is a DomainError."""
    try:
        return _parse_period(text)
    except PeriodError as exc:
        raise DomainError(str(exc)) from None


def parse_day(value: str | None, field: str) -> date | None:
    """Read the day a form field gives (JJJJ-MM-DD, a browser's date field); empty is None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"'{value}' is geen geldige datum voor {field}; gebruik JJJJ-MM-DD.") from None


def parse_half_year(text: object) -> HalfYear:
    """Read the half year a council report is about."""
    period = parse_period(text)
    if period.precision != HalfYear.precision:
        raise DomainError(f"Een raadsrapportage gaat over een halfjaar, niet over '{text}' "
                          f"(gebruik bijvoorbeeld {HalfYear.example}).")
    return HalfYear(period.year, period.number)


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
        if end != month_end(y, end.month):
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
        start, key = date(end.year, 1, 1), body
    else:
        period = parse_period(body)
        start, end, key = period.start, period.end, period.key
    if start.year != year:
        raise DomainError(f"De periode '{text}' hoort niet bij het jaar {year}.")
    if not through and start != date(year, 1, 1):
        raise DomainError(
            f"Een bedrag telt vanaf 1 januari: '{text}' begint later. Gebruik 't/m {key}' "
            f"voor januari tot en met het einde van {key}.")
    if end > recorded_on:
        yesterday = recorded_on - timedelta(days=1)
        raise DomainError(f"De periode '{text}' is nog niet voorbij: leg vast wat tot nu toe bekend is, over "
                          f"het jaar tot nu toe (t/m gisteren: t/m {yesterday:%Y-%m-%d}).")
    return Coverage(year, end)
