"""The council report as a sequence of blocks (headings, paragraphs, tables, charts).

Every format is rendered from these blocks, so HTML, PDF, Word and Markdown say the same.
Block types: title, heading, paragraph, facts, list, table, chart, page_break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from projections.finance import KIND_LABELS
from projections.report import CATEGORIES, CATEGORY_LABELS
from projections.wording import DOMAIN_LABELS, euro, long_date, number_nl
from web.reports.charts import quarters_chart, stoplicht_chart


@dataclass(frozen=True)
class ReportMeta:
    """What the report says about itself: concept or vastgesteld, and when it was made."""

    status: str = "concept"          # concept | vastgesteld
    generated_on: date | None = None
    number: int | None = None
    published_at: str = ""
    published_by: str = ""


Block = dict[str, Any]


def _h(level: int, text: str, ident: str = "") -> Block:
    return {"type": "heading", "level": level, "text": text, "id": ident}


def _p(text: str, label: str = "", css: str = "") -> Block:
    return {"type": "paragraph", "text": text, "label": label, "class": css}


def _list(items: list[str], title: str = "") -> Block:
    return {"type": "list", "items": items, "title": title}


def _table(caption: str, columns: list[str], rows: list[list[Any]], css: str = "") -> Block:
    return {"type": "table", "caption": caption, "columns": columns, "rows": rows, "class": css}


def _cell(text: str, css: str) -> dict[str, str]:
    return {"text": text, "class": css}


def _domain(domain: str) -> str:
    return DOMAIN_LABELS.get(domain, domain)


def title(data: dict[str, Any], meta: ReportMeta) -> str:
    """Return the report's title."""
    return f"Voortgangsrapportage {data['plan']['title']}"


def _title_page(data: dict[str, Any], meta: ReportMeta) -> list[Block]:
    period = data["period"]
    if meta.status == "vastgesteld":
        status = f"vastgesteld op {long_date(meta.published_at)}"
        status += f" door {meta.published_by}" if meta.published_by else ""
        status += f" (rapportage nr. {meta.number})" if meta.number else ""
    else:
        status = "concept"
    facts = [
        ("Plan", data["plan"]["title"]),
        ("Organisatie", data["plan"]["organisation"]),
        ("Periode", f"{period['label']} ({long_date(period['start'])} tot en met {long_date(period['end'])})"),
        ("Peildatum", long_date(data["as_of"])),
        ("Status", status),
    ]
    if meta.generated_on:
        facts.append(("Gemaakt op", long_date(meta.generated_on)))
    facts.append(("Bron", f"volgsysteem uitvoeringsagenda, gebeurtenissen tot en met nr. {data['position']}"))
    return [{"type": "title", "text": title(data, meta),
             "subtitle": f"Raadsrapportage over het {period['label']}", "status": meta.status,
             "facts": facts},
            {"type": "page_break"}]


def _kernboodschap(data: dict[str, Any]) -> list[Block]:
    k = data["kernboodschap"]
    blocks = [_h(2, "Kernboodschap", "kernboodschap")] + [_p(t) for t in k["paragraphs"]]
    if k["deviations"]:
        blocks.append(_table("De belangrijkste afwijkingen", ["Interventie", "Stoplicht", "Oorzaak"], [
            [f"{d['code']} {d['title']}", _cell(d["stoplicht"], f"stoplicht-{d['stoplicht']}"),
             d["cause"] or "geen toelichting vastgelegd"] for d in k["deviations"]]))
    blocks.append(_table(f"Mijlpalen in het {data['period']['label']}", ["Stand", "Aantal"],
                         [[CATEGORY_LABELS[c], str(k["counts"][c])] for c in CATEGORIES]
                         + [["totaal", str(k["milestones_due"])]], css="figures"))
    charts = data["charts"]
    blocks.append({"type": "chart", "svg": stoplicht_chart(charts["stoplicht"]),
                   "caption": f"Interventies per stoplichtkleur, stand per {long_date(data['as_of'])}",
                   "width_cm": 11})
    blocks.append({"type": "chart", "svg": quarters_chart(charts["per_quarter"]),
                   "caption": "Mijlpalen per kwartaal: gepland (oorspronkelijke planning, lichtblauw) en "
                              f"gerealiseerd (groen); gemarkeerd: het {data['period']['label']}",
                   "width_cm": 16})
    return blocks


def _intervention(iv: dict[str, Any], level: int, period: dict[str, Any]) -> list[Block]:
    blocks = [_h(level, f"{iv['code']} {iv['title']}", f"interventie-{iv['code']}")]
    light = iv["stoplicht"] + (" (afgerond)" if iv["closed"] else "")
    detail = [f"tijdpad: {iv['stoplicht_auto']}"] + ([f"trekker: {iv['stoplicht_manual']}"]
                                                     if iv["stoplicht_manual"] else [])
    facts = [("Stoplicht", f"{light} ({'; '.join(detail)})"), ("Domein", _domain(iv["domain"])),
             ("Trekker", iv["trekker"] or "nog niet toegewezen")]
    manual = iv["explanation"]["manual"]
    if manual:
        facts += [("Oorzaak", manual["oorzaak"]), ("Gevolg", manual["gevolg"]),
                  ("Bijsturing", manual["bijsturing"])]
    blocks.append({"type": "facts", "items": facts, "stoplicht": iv["stoplicht"]})
    if iv["explanation"]["auto_reason"]:
        blocks.append(_p(iv["explanation"]["auto_reason"]))
    if iv["explanation"]["missing"]:
        blocks.append(_p("De trekker heeft (nog) geen oorzaak, gevolg en bijsturing vastgelegd.", css="missing"))
    if iv["results"]:
        blocks.append(_list(iv["results"], "Beoogd resultaat"))
    realised = [f"{m['label']} ({m['due_text']}): gereed op {long_date(m['realised'])}"
                + (", later dan gepland" if m["category"] == "te_laat_gereed" else "")
                + (f". {m['note']}" if m["note"] else "") for m in iv["realised"]]
    blocks.append(_list(realised or ["Geen mijlpalen gerealiseerd in deze periode."],
                        "Gerealiseerd in deze periode"))
    deviations = [f"{m['label']} ({m['due_text']}): {m['days_late']} dagen te laat"
                  + (f"; laatst verschoven: {m['reason']}" if m["reason"] else "") for m in iv["late"]]
    deviations += [f"{m['label']}: verschoven van {m['from']} naar {m['to']} op {long_date(m['at'])}. "
                   f"Reden: {m['reason']}" for m in iv["rescheduled"]]
    deviations += [f"{m['label']}: vervallen op {long_date(m['at'])}. Reden: {m['reason']}"
                   for m in iv["cancelled"]]
    if deviations:
        blocks.append(_list(deviations, "Te laat, verschoven of vervallen"))
    if iv["notes"]:
        blocks.append(_list([f"{long_date(n['at'])}: {n['text']}" for n in iv["notes"]], "Voortgang"))
    upcoming = [f"{m['label']} ({m['due_text']})" for m in iv["next"]]
    blocks.append(_list(upcoming or ["Geen mijlpalen gepland."], f"Gepland in het {period['next_label']}"))
    return blocks


def _sections(data: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []

    def walk(section: dict[str, Any], level: int) -> None:
        blocks.append(_h(min(level, 6), section["title"], f"groep-{section['key']}" if section["key"] else ""))
        for iv in section["interventions"]:
            blocks.extend(_intervention(iv, min(level + 1, 6), data["period"]))
        for child in section["groups"]:
            walk(child, level + 1)

    for section in data["sections"]:
        walk(section, 2)
    return blocks


def _changes(data: dict[str, Any]) -> list[Block]:
    c = data["changes"]
    blocks = [_h(2, "Wijzigingen in de agenda", "wijzigingen"),
              _p(f"Wat er van {long_date(data['period']['start'])} tot en met {long_date(data['as_of'])} "
                 "aan de agenda is veranderd: nieuwe planversies (zoals de actualisatie van de agenda), "
                 "interventies en mijlpalen die zijn toegevoegd, verschoven of vervallen, met de redenen.")]
    for loaded in c.get("plan_loaded", []):
        blocks.append(_p(f"Op {long_date(loaded['at'])} is het plan geladen in het volgsysteem."))
    if not (c["plan_versions"] or c["interventions"] or c["milestones"]):
        return blocks + [_p("In deze periode is de agenda niet gewijzigd.")]
    if c["plan_versions"]:
        blocks.append(_table("Planversies", ["Planversie", "Datum", "Wijzigingen"], [
            [str(v["number"]), long_date(v["at"]), "; ".join(v["summary"]) or "geen"] for v in c["plan_versions"]]))
    if c["interventions"]:
        blocks.append(_table("Interventies", ["Interventie", "Wijziging", "Reden of toelichting", "Datum"], [
            [i["code"], i["what"] + (f" ({i['detail']})" if i["detail"] else ""), i["reason"],
             long_date(i["at"])] for i in c["interventions"]]))
    if c["milestones"]:
        blocks.append(_table("Mijlpalen", ["Interventie", "Mijlpaal", "Wijziging", "Reden", "Datum"], [
            [m["code"], m["label"], m["what"], m["reason"], long_date(m["at"])] for m in c["milestones"]]))
    return blocks


def _indicators(data: dict[str, Any]) -> list[Block]:
    ind = data["indicators"]
    blocks = [_h(2, "Indicatoren", "indicatoren"),
              _p("De primaire indicatoren uit het plan met hun waarden per periode, tot en met het "
                 f"{data['period']['label']}, en het doel waar het plan er een noemt. Een gecorrigeerde "
                 "waarde toont ook de eerdere.")]
    if not ind["rows"]:
        return blocks + [_p("Het plan noemt geen indicatoren.")]
    rows = []
    for r in ind["rows"]:
        target = r["target_text"]
        if r["progress_pct"] is not None:
            target += f" (nu {r['progress_pct']} %)"
        name = r["name"] + (f" ({r['unit']})" if r["unit"] else "")
        if not r["values"]:
            rows.append([name, "", "nog geen waarde vastgelegd", "", target])
        for v in r["values"]:
            value = number_nl(v["value"])
            if v["earlier"]:
                value += " (gecorrigeerd; eerder " + ", ".join(number_nl(e["value"]) for e in v["earlier"]) + ")"
            rows.append([name, v["period_label"], value, v["source"], target])
    blocks.append(_table("Primaire indicatoren", ["Indicator", "Periode", "Waarde", "Bron", "Doel"], rows,
                         css="indicators"))
    return blocks


def _finance(data: dict[str, Any]) -> list[Block]:
    fin = data["finance"]
    blocks = [_h(2, "Financiën", "financien")]
    if not (fin["targets"] or fin["baseline"] or fin["years"]):
        return blocks + [_p("Het plan bevat geen financiële gegevens.")]
    domains = fin["domains"]
    if fin["targets"] or fin["baseline"]:
        rows = []
        for d in domains:
            t = [x for x in fin["targets"] if x["domain"] == d]
            b = [x for x in fin["baseline"] if x["domain"] == d]
            rows.append([_domain(d),
                         "; ".join(f"{euro(x['amount'])} per jaar" + (f" vanaf {x['from']}" if x["from"] else "")
                                   for x in t) or "—",
                         "; ".join(euro(x["amount"]) + (f" ({x['basis']})" if x["basis"] else "") for x in b) or "—"])
        blocks.append(_table("Taakstelling en nulmeting", ["Domein", "Taakstelling", "Nulmeting"], rows))
    for y in fin["years"]:
        if not y["rows"]:
            continue
        columns = ["Post"] + [_domain(r["domain"]) for r in y["rows"]]
        body = [[label] + [cell(r) for r in y["rows"]] for label, cell in _FINANCE_ROWS]
        blocks.append(_table(f"Financiën {y['year']}", columns, body, css="finance"))
        flagged = [f"{_domain(r['domain'])}, {KIND_LABELS.get(u['kind'], u['kind'])} over {u['covers']}: "
                   f"{euro(u['amount'])} is {u['check']}. Dit bedrag is nog niet bevestigd en telt niet mee "
                   "in de berekening." for r in y["rows"] for u in r["unconfirmed"]]
        if flagged:
            blocks.append(_list(flagged, f"Nog te bevestigen bedragen {y['year']}"))
    if fin["note"]:
        blocks.append(_p(fin["note"]))
    blocks.append(_p("Een berekende besparing is de nulmeting min de gerealiseerde uitgaven; een door "
                     "P&C vastgelegde besparing gaat daarboven. Over een deel van het jaar staat de "
                     "besparing naast hetzelfde deel van de nulmeting en de taakstelling; of de "
                     "taakstelling is bereikt, blijkt pas uit een heel, afgesloten jaar."))
    if fin["recorded"]:
        blocks.append(_table("Vastgelegde bedragen", ["Jaar", "Domein", "Soort", "Periode", "Bedrag",
                                                      "Toelichting", "Vastgelegd"], [
            [str(f["year"]), _domain(f["domain"]), KIND_LABELS.get(f["kind"], f["kind"]), f["covers"],
             euro(f["amount"]) + (" (nog niet bevestigd)" if f["unconfirmed"] else ""),
             f["note"], f"{long_date(f['at'])} door {f['by']}"
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


def _appendix(data: dict[str, Any]) -> list[Block]:
    rows = []
    for iv in data["tijdpad"]:
        for m in iv["milestones"]:
            rows.append([iv["code"], m["label"], m["planned_due_text"], m["due_text"],
                         _cell(m["state_label"], f"state-{m['state']}"),
                         long_date(m["realised"]) if m["realised"] else "", m["reason"]])
    blocks = [{"type": "page_break"}, _h(2, "Bijlage: Tijdpad", "bijlage-tijdpad"),
              _p(f"Alle mijlpalen van de interventies, gepland en gerealiseerd, stand per "
                 f"{long_date(data['as_of'])}."),
              _table("Tijdpad: gepland en gerealiseerd",
                     ["Interventie", "Mijlpaal", "Oorspronkelijk gepland", "Termijn nu", "Stand",
                      "Gerealiseerd", "Toelichting"], rows, css="tijdpad")]
    if data["plan_milestones"]:
        blocks.append(_table("Afspraken op agendaniveau", ["Afspraak", "Termijn", "Toelichting"], [
            [m["label"], m["due_text"], m["note"]] for m in data["plan_milestones"]]))
    return blocks


def report_blocks(data: dict[str, Any], meta: ReportMeta) -> list[Block]:
    """Return the whole report as blocks, in reading order."""
    return (_title_page(data, meta) + _kernboodschap(data) + _sections(data) + _changes(data)
            + _indicators(data) + _finance(data) + _appendix(data))
