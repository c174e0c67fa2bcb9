"""The report's Normering: per aanbieder and zorgsoort the norm of the year, the spending so far, signals and talks."""

from __future__ import annotations

from typing import Any

from events.periods import period_label
from projections.wording import euro, long_date
from web.reports.blocks import Block, bullets, heading, paragraph, table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def normering_blocks(data: dict[str, Any]) -> list[Block]:
    """Return the Normering section (nothing when the plan has no norms for the report's year)."""
    n = data.get("normering")
    if not n or not n["rows"]:
        return []
    year, rows = n["year"], n["rows"]
    blocks = [heading(2, "Normering", "normering"),
              paragraph(f"De normen per aanbieder en zorgsoort voor {year} (Bijlage 1 van de agenda: bestedingsruimte, "
                        "signaalplafond en instroomtarget) en de besteding over de perioden die op de peildatum "
                        f"{long_date(data['as_of'])} voorbij waren. Vanaf {n['threshold']} % van de norm volgt een "
                        "signaal en een analysegesprek met de aanbieder.")]
    blocks.append(table(f"Normering {year}", ["Aanbieder", "Zorgsoort", "Norm", "Besteed", "Aandeel", "Signaal"], [
        [r["aanbieder"], r["zorgsoort"],
         f"{euro(r['norm'])} ({r['basis']})" if r["norm"] is not None else "geen financiële norm",
         f"{euro(r['spent'])} ({', '.join(period_label(p) for p in r['periods'])})" if r["periods"]
         else "niet vastgelegd",
         _pct(r["share"]), f"sinds {long_date(r['since'])}" if r["signal"] else "nee"] for r in rows],
        css="normering"))
    talks = [f"{r['aanbieder']}, {r['zorgsoort']}: analysegesprek "
             + (f"gehouden op {long_date(t['held_on'])}" + (f" ({t['held_note']})" if t["held_note"] else "")
                if t["state"] == "gehouden" else f"gepland {t['due_text']}" + (" (te laat)" if t["state"] == "te_laat" else ""))
             for r in rows for t in r["analysis"]]
    missing = [f"{r['aanbieder']}, {r['zorgsoort']}: nog geen analysegesprek gepland"
               for r in rows if r["signal"] and not r["analysis"]]
    if talks or missing:
        blocks.append(bullets(talks + missing, "Analysegesprekken"))
    return blocks
