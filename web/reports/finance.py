"""The report's Financiën: figures over the part of the year they cover, never claiming more."""

from __future__ import annotations

from typing import Any

from events.vocabulary import FinanceKind
from projections.wording import euro, long_date, who_in_document
from web.reports.blocks import Block, bullets, domain_name, heading, paragraph, table


def finance_blocks(data: dict[str, Any]) -> list[Block]:
    """Return the Financiën section: plan, figures per year, what awaits confirmation, what was recorded."""
    fin = data["finance"]
    blocks = [heading(2, "Financiën", "financien")]
    funding = fin.get("funding") or []  # absent from reports published before funding was reported
    if not (fin["targets"] or fin["baseline"] or fin["years"] or funding or fin["note"]):
        return blocks + [paragraph("Het plan bevat geen financiële gegevens.")]
    domains = fin["domains"]
    if fin["targets"] or fin["baseline"]:
        rows = []
        for d in domains:
            t = [x for x in fin["targets"] if x["domain"] == d]
            b = [x for x in fin["baseline"] if x["domain"] == d]
            rows.append([domain_name(d),
                         "; ".join(f"{euro(x['amount'])} per jaar" + (f" vanaf {x['from']}" if x["from"] else "")
                                   for x in t) or "—",
                         "; ".join(euro(x["amount"]) + (f" ({x['basis']})" if x["basis"] else "") for x in b) or "—"])
        blocks.append(table("Taakstelling en nulmeting", ["Domein", "Taakstelling", "Nulmeting"], rows))
    for y in fin["years"]:
        if not y["rows"]:
            continue
        columns = ["Post"] + [domain_name(r["domain"]) for r in y["rows"]]
        body = [[label] + [cell(r) for r in y["rows"]] for label, cell in _FINANCE_ROWS]
        blocks.append(table(f"Financiën {y['year']}", columns, body, css="finance"))
        flagged = [f"{domain_name(r['domain'])}, {FinanceKind.labels().get(u['kind'], u['kind'])} over {u['covers']}: "
                   f"{euro(u['amount'])} is {u['check']}. Dit bedrag is nog niet bevestigd en telt niet mee "
                   "in de berekening." for r in y["rows"] for u in r["unconfirmed"]]
        if flagged:
            blocks.append(bullets(flagged, f"Nog te bevestigen bedragen {y['year']}"))
    if funding:
        blocks.append(bullets(funding, "Bijdragen en subsidies volgens het plan"))
    if fin["note"]:
        blocks.append(paragraph(fin["note"]))
    if fin["targets"] or fin["baseline"]:  # how savings are reckoned: only where there is one to reckon
        blocks.append(paragraph("Een berekende besparing is de nulmeting min de gerealiseerde uitgaven; een door "
                                "P&C vastgelegde besparing gaat daarboven. Over een deel van het jaar staat de "
                                "besparing naast hetzelfde deel van de nulmeting en de taakstelling; of de "
                                "taakstelling is bereikt, blijkt pas uit een heel, afgesloten jaar."))
    if fin["recorded"]:
        blocks.append(table("Vastgelegde bedragen", ["Jaar", "Domein", "Soort", "Periode", "Bedrag",
                                                      "Toelichting", "Vastgelegd"], [
            [str(f["year"]), domain_name(f["domain"]), FinanceKind.labels().get(f["kind"], f["kind"]), f["covers"],
             euro(f["amount"]) + (" (nog niet bevestigd)" if f["unconfirmed"] else ""),
             f["note"], f"{long_date(f['at'])} door {who_in_document(f['by'])}"
             + (f" (correctie van {f['corrections']} eerdere)" if f["corrections"] else "")]
            for f in fin["recorded"]]))
    return blocks


def _amount(figure: dict[str, Any] | None) -> str:
    if figure is None:
        return "nog niet vastgelegd"
    text = euro(figure["amount"]) + ("" if figure["whole_year"] else f" (over {figure['covers']})")
    return text + (" — nog niet bevestigd" if figure["unconfirmed"] else "")


def _saving_cell(r: dict[str, Any]) -> str:
    if r["besparing"] is not None:
        return euro(r["besparing"]) + (" (berekend)" if r["besparing_basis"] == "berekend" else "")
    part = r["besparing_deel"]
    if part is None:
        return "nog niet vastgelegd"
    if part["withheld"]:
        return f"niet berekend: het bedrag over {part['covers']} is nog niet bevestigd"
    text = f"over {part['covers']}: {euro(part['amount'])}" + (" (berekend)" if part["basis"] == "berekend" else "")
    if part.get("taakstelling_deel") is not None:
        text += f", tegenover {euro(part['taakstelling_deel'])} als deel van de taakstelling"
    return text


def _verdict(r: dict[str, Any]) -> str:
    if r["besparing"] is None and r["besparing_deel"] is not None:
        return "nog geen heel jaar: niet te beoordelen"
    parts = []
    if r["range_verdict"]:
        parts.append({"binnen": "binnen de verwachte bandbreedte", "onder": "onder de verwachte bandbreedte",
                      "boven": "boven de verwachte bandbreedte"}[r["range_verdict"]])
    if r["taakstelling_gehaald"] is not None:
        parts.append("taakstelling gehaald" if r["taakstelling_gehaald"] else "taakstelling niet gehaald")
    elif r["besparing"] is not None and r["taakstelling"]:
        parts.append("het jaar is nog niet voorbij")
    return "; ".join(parts) or "—"


def _maybe(value: Any) -> str:
    return euro(value) if value is not None else "nog niet vastgelegd"


_FINANCE_ROWS = (
    ("Taakstelling", lambda r: _maybe(r["taakstelling"])),
    ("Nulmeting", lambda r: _maybe(r["nulmeting"])),
    ("Gerealiseerde uitgaven", lambda r: _amount(r["realisatie_figure"])),
    ("Besparing ten opzichte van de nulmeting", _saving_cell),
    ("Verwachte besparing (plan)", lambda r: f"{euro(r['expected_min'])} tot {euro(r['expected_max'])}"
     if r["expected_min"] is not None else "—"),
    ("Beoordeling", _verdict),
    ("Verwachte kosten maatregelen (plan)", lambda r: _maybe(r["kosten_verwacht"])),
    ("Gerealiseerde kosten maatregelen", lambda r: _amount(r["kosten_figure"])),
)
