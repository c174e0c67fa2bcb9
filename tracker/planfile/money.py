"""The money of a plan file: taakstelling, nulmeting, expected savings, budget and funding received.

Format 1 amounts are numbers; format 2 also reads them the Dutch way, as the command line does
("€ 671.185,-", "1.234,5"), and adds funding (bijdragen, subsidies), budget for the whole period
and shares in percent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from events.vocabulary import Domain
from tracker.errors import DomainError
from tracker.inputs import parse_amount
from tracker.planfile.checks import Checker
from tracker.planfile.loader import plain

ROW_PLACE = "zet het in 'note' van deze regel"
FUNDING_KEYS = {"source", "label", "amount", "share", "year", "every", "from", "until", "recipient",
                "domain", "note"}
SHAPES = {  # key: (allowed keys, amounts, years required)
    "targets": ({"domain", "amount", "from", "until", "note"}, ("amount",), ("from",)),
    "baseline": ({"domain", "amount", "basis", "year", "note"}, ("amount",), ()),
    "expected_savings": ({"domain", "year", "min", "max", "note"}, ("min", "max"), ("year",)),
    "budget": ({"domain", "year", "amount", "label", "intervention", "note", "share"}, ("amount",), ("year",)),
}


def plain_number(value: Decimal) -> int | float:
    """Return an exact decimal as the plain number a plan's facts keep (an int when whole)."""
    return int(value) if value == value.to_integral_value() else float(value)


def amount(c: Checker, mapping: dict, key: str, what: str, required: bool = True) -> int | float | None:
    """Read an amount: a number, or in format 2 also Dutch text ("€ 671.185,-", "1.234,5")."""
    value = mapping.get(key)
    if value is None:
        if required:
            c.error(c.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
        return None
    if isinstance(value, bool):
        c.error(c.line_of(mapping, key), f"{what}: '{value}' is geen bedrag")
        return None
    if isinstance(value, (int, float)):
        return value
    if c.format < 2:
        c.error(c.line_of(mapping, key), f"{what}: '{key}' moet een getal zijn, niet '{value}' "
                "(bedragen als tekst, zoals '€ 671.185,-', kunnen vanaf format 2)")
        return None
    try:
        return plain_number(parse_amount(value))
    except DomainError:
        c.error(c.line_of(mapping, key), f"{what}: '{value}' is geen bedrag")
        return None


def share(c: Checker, mapping: dict, what: str) -> int | float | None:
    """Read a share in percent ("50 %", "12,5%", 30), between 0 and 100."""
    if "share" not in mapping:
        return None
    value = amount(c, mapping, "share", what)
    if value is not None and not 0 <= value <= 100:
        c.error(c.line_of(mapping, "share"), f"{what}: een aandeel ligt tussen 0 en 100 %, niet {value}")
        return None
    return value


def finance(c: Checker, plan: dict, period: tuple[int | None, int | None]) -> dict[str, Any]:
    """Read the plan's finance: targets, baseline, expected savings, budget and (format 2) funding."""
    raw = plan.get("finance")
    if raw is None:
        return {}
    fin = c.mapping(raw, c.line_of(plan, "finance"), "finance")
    if fin is None:
        return {}
    c.unknown_keys(fin, set(SHAPES) | {"currency", "funding", "note"}, "finance",
                   "zet het in 'note' van finance", format2={"funding"})
    result: dict[str, Any] = {"currency": fin.get("currency", "EUR")}
    for key, (allowed, numbers, years) in SHAPES.items():
        rows = []
        for raw_row, line in c.items(fin, key, "finance"):
            row = c.mapping(raw_row, line, f"finance.{key}")
            if row is not None:
                rows.append(_row(c, row, line, key, allowed, numbers, years))
        result[key] = rows
    if c.format >= 2 and "funding" in fin:
        result["funding"] = funding(c, fin, period)
    if fin.get("note"):
        result["note"] = str(fin["note"])
    return result


def _row(c: Checker, row: dict, line: int, key: str, allowed: set[str], numbers: tuple[str, ...],
         years: tuple[str, ...]) -> dict[str, Any]:
    where = f"finance.{key}"
    c.unknown_keys(row, allowed, where, ROW_PLACE, format2={"share"})
    entry = plain(row)
    # A format-2 budget row may be for the whole period and for no domain in particular.
    whole_period = key == "budget" and c.format >= 2
    if not whole_period or "domain" in row:
        c.choice(row, "domain", Domain.values(), where)
    for n in numbers:
        value = amount(c, row, n, where)
        if value is not None:
            entry[n] = value
    for y in years:
        if not whole_period or y in row:
            c.year(row, y, where)
    if key == "budget" and c.format >= 2:
        value = share(c, row, where)
        if value is not None:
            entry["share"] = value
    low, high = entry.get("min"), entry.get("max")
    if key == "expected_savings" and isinstance(low, (int, float)) and isinstance(high, (int, float)) \
            and low > high:
        c.error(line, "finance.expected_savings: 'min' is groter dan 'max'")
    return entry


def _years(c: Checker, row: dict, what: str, period: tuple[int | None, int | None],
           every: bool) -> dict[str, Any]:
    """Read a row's years: one year, a span (from/until), each year of a span (every: jaar) or none."""
    if "year" in row:
        if "from" in row or "until" in row or every:
            c.error(c.line_of(row, "year"), f"{what}: geef 'year', of 'from'/'until', niet beide")
        year = c.year(row, "year", what)
        return {"year": year} if year is not None else {}
    if not (every or "from" in row or "until" in row):
        return {}
    first = c.year(row, "from", what) if "from" in row else period[0]
    last = c.year(row, "until", what) if "until" in row else period[1]
    if first is not None and last is not None and first > last:
        c.error(c.line_of(row, "from"), f"{what}: 'from' ligt na 'until'")
    return {"from": first, "until": last}


def funding(c: Checker, fin: dict, period: tuple[int | None, int | None]) -> list[dict[str, Any]]:
    """Read money received (bijdragen, subsidies): source, amount or share, years, recipient."""
    rows = []
    where = "finance.funding"
    for raw, line in c.items(fin, "funding", "finance"):
        row = c.mapping(raw, line, where)
        if row is None:
            continue
        c.unknown_keys(row, FUNDING_KEYS, where, ROW_PLACE)
        entry: dict[str, Any] = {"source": c.text(row, "source", where)}
        for key in ("label", "recipient", "note"):
            if key in row:
                entry[key] = c.text(row, key, where, required=False)
        if "amount" not in row and "share" not in row:
            c.error(line, f"{where}: 'amount' of 'share' ontbreekt")
        if "amount" in row:
            value = amount(c, row, "amount", where)
            if value is not None:
                entry["amount"] = value
        value = share(c, row, where)
        if value is not None:
            entry["share"] = value
        every = "every" in row and bool(c.choice(row, "every", ("jaar",), where))
        if every:
            entry["every"] = "jaar"
        entry.update(_years(c, row, where, period, every))
        if "domain" in row:
            entry["domain"] = c.choice(row, "domain", Domain.values(), where)
        rows.append(entry)
    return rows
