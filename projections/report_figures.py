"""The figures of a council report: the plan's indicators and its finance, as recorded."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlite_utils

from events.periods import MONTH_NAMES, period_label
from events.plan import share_of_year
from events.vocabulary import Domain
from projections.finance import finance_figures
from projections.indicators import indicator_values
from projections.goals import target_text
from projections.wording import euro, number_nl

DOMAIN_ORDER = Domain.values()


def indicators_section(db: sqlite_utils.Database, plan_id: str, facts: dict[str, Any],
                       period_end: date, as_of: date, known_on: date | None = None,
                       period_start: date | None = None) -> dict[str, Any]:
    """Return the plan's indicators with their values per period up to the report period's end.

    A value counts for the periods that ended by ``as_of``, as known now or at the end of ``known_on``.
    ``in_period``: how many have a value over a period that ends in the report's own (from ``period_start``).
    """
    values = indicator_values(db, plan_id, known_on)
    period_end = min(period_end, as_of)
    rows = []
    for ind in facts.get("indicators", []):
        unit = ind.get("unit") or ""
        recorded = [v for v in values.get(ind["id"], []) if v["period_end"] <= period_end.isoformat()]
        items = [{
            "period": v["period"], "period_label": period_label(v["period"]), "value": v["value"],
            "source": v["source"], "at": v["at"], "by": v["by"],
            "earlier": [{"value": e["value"], "source": e["source"], "at": e["at"], "by": e["by"]}
                        for e in v["earlier"]],
        } for v in recorded]
        target = ind.get("target") or None
        latest = items[-1]["value"] if items else None
        progress = None
        if latest is not None and target and target.get("value") and target.get("direction", "up") == "up":
            progress = (latest / Decimal(str(target["value"])) * 100).quantize(Decimal("1"))
        rows.append({
            "id": ind["id"], "name": ind["name"], "unit": unit, "domain": ind.get("domain"),
            "frequency": ind.get("frequency"), "description": ind.get("description") or "",
            "target": target, "target_text": target_text(target, unit),
            "target_note": (target or {}).get("note", ""), "values": items, "latest": latest,
            "progress_pct": progress,
        })
    start = (period_start or date.min).isoformat()
    in_period = sum(1 for ind in facts.get("indicators", []) if any(
        start <= v["period_end"] <= period_end.isoformat() for v in values.get(ind["id"], [])))
    return {"rows": rows, "with_values": sum(1 for r in rows if r["values"]), "in_period": in_period}


def _by_domain(rows: list[dict[str, Any]], domain: str) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("domain") == domain]


def covers_label(year: int, period_end: date | str) -> str:
    """Return the part of a year a figure covers: 'heel 2026', 'januari t/m juni 2026'."""
    end = date.fromisoformat(period_end) if isinstance(period_end, str) else period_end
    if end == date(year, 12, 31):
        return f"heel {year}"
    if end == date(year, 1, 31):
        return f"januari {year}"
    if (end + timedelta(days=1)).day == 1:
        return f"januari t/m {MONTH_NAMES[end.month - 1]} {year}"
    return f"1 januari t/m {end.day} {MONTH_NAMES[end.month - 1]} {year}"


def _figure(f: dict[str, Any] | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"amount": f["amount"], "covers": covers_label(f["year"], f["period_end"]),
            "period_end": f["period_end"], "whole_year": f["whole_year"], "check": f["check_text"] or "",
            "unconfirmed": f["unconfirmed"], "note": f["note"]}


def _saving(real: dict[str, Any] | None, saving: dict[str, Any] | None, nulmeting: Decimal | None,
            taakstelling: Decimal | None, year: int) -> dict[str, Any] | None:
    """Return the saving over the part of the year its figure covers, against that part of the plan.

    A figure that still awaits confirmation yields no saving: it is shown, never computed on.
    """
    if saving is not None:
        source, basis = saving, "vastgelegd"
    elif real is not None and nulmeting is not None:
        source, basis = real, "berekend"
    else:
        return None
    if source["unconfirmed"]:
        return {"amount": None, "basis": basis, "covers": covers_label(year, source["period_end"]),
                "whole_year": source["whole_year"], "withheld": True}
    share = share_of_year(year, date.fromisoformat(source["period_end"]))
    amount = source["amount"] if basis == "vastgelegd" else nulmeting * share - source["amount"]
    return {"amount": amount.quantize(Decimal("1")) if share != 1 else amount, "basis": basis,
            "covers": covers_label(year, source["period_end"]), "whole_year": source["whole_year"],
            "withheld": False,
            "taakstelling_deel": (taakstelling * share).quantize(Decimal("1")) if taakstelling else None}


def funding_text(row: dict[str, Any]) -> str:
    """Return a funding row of the plan as Dutch: 'Rijk: STORM-subsidie, 50 % van de kosten, 2023 t/m 2025,
    aan Regio Rijk van Nijmegen'."""
    parts = [row.get("label") or ""]
    if row.get("amount") is not None:
        parts.append(euro(row["amount"]) + (" per jaar" if row.get("every") else ""))
    if row.get("share") is not None:
        parts.append(f"{number_nl(row['share'])} % van de kosten")
    if row.get("year"):
        parts.append(str(row["year"]))
    elif row.get("from") or row.get("until"):
        parts.append(f"{row.get('from') or '…'} t/m {row.get('until') or '…'}")
    if row.get("recipient"):
        parts.append(f"aan {row['recipient']}")
    text = f"{row['source']}: " + ", ".join(p for p in parts if p)
    return text + (f". {row['note']}" if row.get("note") else "")


def finance_section(db: sqlite_utils.Database, plan_id: str, facts: dict[str, Any], year: int,
                    as_of: date, known_on: date | None = None) -> dict[str, Any]:
    """Return taakstelling, nulmeting and per year and domain the recorded figures against the plan.

    A saving is a whole-year saving only when its figure covers the whole year; a figure over
    part of the year gives the saving so far beside the same part of the taakstelling. Whether
    the taakstelling was met is said only of a whole year that has ended by ``as_of``. A figure
    counts when the part it covers ended by ``as_of``, as known now or at the end of ``known_on``.
    """
    fin = facts.get("finance") or {}
    figures = {k: f for k, f in finance_figures(db, plan_id, known_on).items()
               if f["period_end"] <= as_of.isoformat()}
    targets, baseline = fin.get("targets", []), fin.get("baseline", [])
    expected, budget = fin.get("expected_savings", []), fin.get("budget", [])
    used = {r["domain"] for r in targets + baseline + expected + budget} | {k[1] for k in figures}
    domains = [d for d in DOMAIN_ORDER if d in used]
    first = facts["period"]["start"]
    years = []
    for y in range(first, min(year, facts["period"]["end"]) + 1):
        rows = []
        ended = as_of >= date(y, 12, 31)  # a peildatum is the end of its day
        for domain in domains:
            target = max((t for t in _by_domain(targets, domain) if (t.get("from") or first) <= y),
                         key=lambda t: t.get("from") or first, default=None)
            base = next(iter(_by_domain(baseline, domain)), None)
            exp = next((e for e in _by_domain(expected, domain) if e.get("year") == y), None)
            planned_costs = [Decimal(str(b["amount"])) for b in _by_domain(budget, domain) if b.get("year") == y]
            real, saving_fig, costs = (_figure(figures.get((y, domain, kind)))
                                       for kind in ("realisatie", "besparing", "kosten_maatregelen"))
            nulmeting = Decimal(str(base["amount"])) if base else None
            taakstelling = Decimal(str(target["amount"])) if target else None
            saving = _saving(real, saving_fig, nulmeting, taakstelling, y)
            whole = saving is not None and saving["whole_year"] and not saving["withheld"]
            besparing = saving["amount"] if whole else None
            exp_min = Decimal(str(exp["min"])) if exp and exp.get("min") is not None else None
            exp_max = Decimal(str(exp["max"])) if exp and exp.get("max") is not None else None
            range_verdict = None
            if besparing is not None and exp_min is not None and exp_max is not None:
                range_verdict = ("onder" if besparing < exp_min else "boven" if besparing > exp_max
                                 else "binnen")
            if not any(v is not None for v in (taakstelling, nulmeting, real, saving_fig, costs, exp)) \
                    and not planned_costs:
                continue
            raw = [figures.get((y, domain, k)) for k in ("realisatie", "besparing", "kosten_maatregelen")]
            rows.append({
                "domain": domain, "taakstelling": taakstelling, "nulmeting": nulmeting,
                "realisatie": real["amount"] if real else None, "realisatie_figure": real,
                "besparing": besparing, "besparing_basis": saving["basis"] if whole else None,
                "besparing_deel": saving if saving is not None and not whole else None,
                "expected_min": exp_min, "expected_max": exp_max, "range_verdict": range_verdict,
                "year_complete": whole and ended,
                "taakstelling_gehaald": (besparing >= taakstelling)
                if whole and ended and taakstelling else None,
                "kosten_verwacht": sum(planned_costs) if planned_costs else None,
                "kosten_gerealiseerd": costs["amount"] if costs else None, "kosten_figure": costs,
                "notes": [f["note"] for f in (real, saving_fig, costs) if f and f["note"]],
                "corrected": any(f and f["earlier"] for f in raw),
                "unconfirmed": [{"kind": f["kind"], "amount": f["amount"], "check": f["check_text"],
                                 "covers": covers_label(y, f["period_end"])}
                                for f in raw if f and f["unconfirmed"]],
            })
        years.append({"year": y, "rows": rows, "ended": ended})
    recorded = sorted(figures.values(), key=lambda f: (f["year"], DOMAIN_ORDER.index(f["domain"])
                                                       if f["domain"] in DOMAIN_ORDER else 9, f["kind"]))
    return {
        "domains": domains,
        "targets": [{"domain": t["domain"], "amount": Decimal(str(t["amount"])), "from": t.get("from"),
                     "note": t.get("note", "")} for t in targets],
        "baseline": [{"domain": b["domain"], "amount": Decimal(str(b["amount"])), "year": b.get("year"),
                      "basis": b.get("basis", ""), "note": b.get("note", "")} for b in baseline],
        "years": years,
        "note": fin.get("note", ""),
        "funding": [funding_text(f) for f in fin.get("funding") or []],
        "recorded": [{"year": f["year"], "domain": f["domain"], "kind": f["kind"], "amount": f["amount"],
                      "covers": covers_label(f["year"], f["period_end"]), "note": f["note"], "at": f["at"],
                      "by": f["by"], "corrections": len(f["earlier"]), "check": f["check_text"] or "",
                      "unconfirmed": f["unconfirmed"], "confirmed_by": f["confirmed_by"] or ""}
                     for f in recorded],
    }
