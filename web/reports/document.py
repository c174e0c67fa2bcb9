"""The council report as a sequence of blocks (headings, paragraphs, tables, charts).

Every format is rendered from these blocks, so HTML, PDF, Word and Markdown say the same.
Block types: title, heading, paragraph, facts, list, table, chart, page_break.

One builder per block type, in the report's order; a few lines past 300 for that reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.vocabulary import Stoplicht
from projections.report import CATEGORIES, CATEGORY_LABELS
from projections.wording import long_date, number_nl, who_in_document
from web.reports.blocks import Block, bullets, cell, domain_name, heading, paragraph, table
from web.reports.charts import quarters_chart, stoplicht_chart
from web.reports.finance import finance_blocks
from web.reports.normering import normering_blocks


@dataclass(frozen=True)
class ReportMeta:
    """What the report says about itself: concept or vastgesteld, and when it was made."""

    status: str = "concept"          # concept | vastgesteld
    generated_on: date | None = None
    number: int | None = None
    published_at: str = ""
    published_by: str = ""
    replaces: int = 0                # a new version of report nr. ``replaces`` (same period and peildatum)
    reason: str = ""                 # why that new version was adopted
    withheld: tuple[str, ...] = ()   # the public edition: what it leaves out (empty: the full report)


def title(data: dict[str, Any], meta: ReportMeta) -> str:
    """Return the report's title."""
    return f"Voortgangsrapportage {data['plan']['title']}"


def _title_page(data: dict[str, Any], meta: ReportMeta) -> list[Block]:
    period = data["period"]
    if meta.status == "vastgesteld":
        status = f"vastgesteld op {long_date(meta.published_at)}"
        status += f" door {who_in_document(meta.published_by)}" if meta.published_by else ""
        status += f" (rapportage nr. {meta.number})" if meta.number else ""
        if meta.replaces:
            status += f"; nieuwe versie van nr. {meta.replaces}: {meta.reason}"
    else:
        status = "concept"
    facts = [
        ("Plan", data["plan"]["title"]),
        ("Organisatie", re.sub(r"^(\d+ gemeenten): (.+)$", r"\1 (\2)", data["plan"]["organisation"])),
        ("Periode", f"{period['label']} ({long_date(period['start'])} tot en met {long_date(period['end'])})"
         + ("; loopt nog: stand tot en met de peildatum" if period.get("running") else "")),
        ("Peildatum", long_date(data["as_of"]) + " (wat er aan het eind van die dag gebeurd was)"),
        ("Zoals bekend op", long_date(data["known_on"]) if data.get("known_on")
         else "alles wat bij het maken was vastgelegd"),
        ("Status", status),
    ]
    if meta.withheld:
        facts.append(("Openbare versie", "gelijk aan de vastgestelde rapportage, zonder wat niet openbaar is "
                                         f"gemaakt: {'; '.join(meta.withheld)}"))
    if meta.generated_on:
        facts.append(("Gemaakt op", long_date(meta.generated_on)))
    facts.append(("Bron", f"het volgsysteem, vastleggingen tot en met nr. {data['position']}"))
    return [{"type": "title", "text": title(data, meta),
             "subtitle": f"Raadsrapportage over het {period['label']}", "status": meta.status,
             "facts": facts},
            {"type": "page_break"}]


def _kernboodschap(data: dict[str, Any]) -> list[Block]:
    k = data["kernboodschap"]
    blocks = [heading(2, "Kernboodschap", "kernboodschap")] + [paragraph(t) for t in k["paragraphs"]]
    if k["deviations"]:
        blocks.append(table("De belangrijkste afwijkingen", ["Interventie", "Stoplicht", "Oorzaak"], [
            [f"{d['code']} {d['title']}", cell(Stoplicht(d["stoplicht"]).label, f"stoplicht-{d['stoplicht']}"),
             d["cause"] or "geen toelichting vastgelegd"] for d in k["deviations"]]))
    if k["milestones_due"]:  # without any, the kernboodschap says so: no table of zeros
        running = f" (lopend halfjaar, stand per {long_date(data['as_of'])})" if data["period"].get("running") else ""
        blocks.append(table(f"Mijlpalen in het {data['period']['label']}{running}", ["Stand", "Aantal"],
                             [[CATEGORY_LABELS[c], str(k["counts"][c])] for c in CATEGORIES]
                             + [["totaal", str(k["milestones_due"])]], css="figures"))
    charts = data["charts"]
    blocks.append({"type": "chart", "svg": stoplicht_chart(charts["stoplicht"]),
                   "caption": f"Interventies per stoplichtkleur, stand per {long_date(data['as_of'])}",
                   "width_cm": 11})
    blocks.append({"type": "chart", "svg": quarters_chart(charts["per_quarter"]),
                   "caption": "Mijlpalen van de interventies per kwartaal: gepland (oorspronkelijke planning, "
                              "lichtblauw) en gerealiseerd (groen, in het kwartaal van realisatie, ook als ze "
                              f"eerder gepland stonden); gemarkeerd: het {data['period']['label']}. De mijlpalen "
                              "van het plan zelf staan alleen in de tabel"
                              + (f". {charts['left_out']}" if charts.get("left_out") else ""),
                   "width_cm": 16})
    return blocks


def _day(change: dict[str, Any]) -> str:
    """Say the day a change happened, and the day it was recorded where that was later."""
    recorded = change.get("recorded")
    return long_date(change["at"]) + (f" (vastgelegd op {long_date(recorded)})" if recorded else "")


def _intervention(iv: dict[str, Any], level: int, period: dict[str, Any]) -> list[Block]:
    blocks = [heading(level, f"{iv['code']} {iv['title']}", f"interventie-{iv['code']}")]
    light = Stoplicht(iv["stoplicht"]).label + (" (afgerond)" if iv["closed"] else "")
    # The manual stoplicht is the trekker's; without a trekker, someone else set it by hand.
    detail = [f"tijdpad: {Stoplicht(iv['stoplicht_auto']).label}"] + (
        [f"{'trekker' if iv['trekker'] else 'handmatig'}: {iv['stoplicht_manual']}"] if iv["stoplicht_manual"] else [])
    facts = [("Stoplicht", f"{light} ({'; '.join(detail)})"), ("Domein", domain_name(iv["domain"])),
             ("Trekker", iv["trekker"] or "nog niet toegewezen")]
    manual = iv["explanation"]["manual"]
    if manual:
        facts += [("Oorzaak", manual["oorzaak"]), ("Gevolg", manual["gevolg"]),
                  ("Bijsturing", manual["bijsturing"])]
    blocks.append({"type": "facts", "items": facts, "stoplicht": iv["stoplicht"]})
    if iv["explanation"]["auto_reason"]:
        blocks.append(paragraph(iv["explanation"]["auto_reason"]))
    if iv["explanation"]["missing"]:
        blocks.append(paragraph("De trekker heeft (nog) geen oorzaak, gevolg en bijsturing vastgelegd." if iv["trekker"]
                                else "Er is (nog) geen trekker: oorzaak, gevolg en bijsturing zijn niet vastgelegd.",
                                css="missing"))
    # Made again from the events up to its position, an earlier report shows its links then too.
    linked = iv.get("contributes_to") or []
    if linked:
        blocks.append(bullets([f"{t['plan_title']}: {t['target']}" + (
            "" if t["found"] else " — nog niet geladen" if not t["loaded"] else " — niet gevonden in dat plan")
            for t in linked], "Draagt bij aan"))
    if iv["targets"]:
        blocks.append(bullets([f"{r['text']} (doel: {r['target']}" + (f"; {r['baseline']}" if r["baseline"] else "")
                               + ")" for r in iv["targets"]], "Beoogd resultaat"))
    realised = [f"{m['label']} ({m['due_text']}): gereed op {long_date(m['realised'])}"
                + (", later dan gepland" if m["category"] == "te_laat_gereed" else "")
                + (", eerder dan gepland (telt mee in de periode van de termijn)" if m.get("ahead") else "")
                + (f". {m['note']}" if m["note"] else "") for m in iv["realised"]]
    blocks.append(bullets(realised or ["Geen mijlpalen gerealiseerd in deze periode."],
                        "Gerealiseerd in deze periode"))
    # Counted in this half year (its term lies in it), but done before it began.
    earlier = [f"{m['label']} ({m['due_text']}): al gereed op {long_date(m['realised'])}, vóór deze periode"
               + (f". {m['note']}" if m["note"] else "") for m in iv.get("done_before") or []]
    if earlier:
        blocks.append(bullets(earlier, "Eerder gereed, telt mee in deze periode"))
    # Due in the half year, its term not yet passed on the peildatum: counted, so shown too.
    still_open = [f"{m['label']} ({m['due_text']})" for m in iv["due_in_period"] if m["category"] == "open"]
    if still_open:
        blocks.append(bullets(still_open, "Nog open in deze periode, termijn nog niet verstreken"))
    deviations = [f"{m['label']} ({m['due_text']}): {m['days_late']} dagen te laat"
                  + (f"; laatst verschoven: {m['reason']}" if m["reason"] else "") for m in iv["late"]]
    deviations += [f"{m['label']}: verschoven van {m['from']} naar {m['to']} op {_day(m)}. "
                   f"Reden: {m['reason']}" for m in iv["rescheduled"]]
    deviations += [f"{m['label']}: vervallen op {_day(m)}. Reden: {m['reason']}"
                   for m in iv["cancelled"]]
    if deviations:
        blocks.append(bullets(deviations, "Te laat, verschoven of vervallen"))
    if iv["notes"]:
        blocks.append(bullets([f"{long_date(n['at'])}: {n['text']}" for n in iv["notes"]], "Voortgang"))
    upcoming = [f"{m['label']} ({m['due_text']})" for m in iv["next"]]
    blocks.append(bullets(upcoming or ["Geen mijlpalen gepland."], f"Gepland in het {period['next_label']}"))
    return blocks


def _contribution(c: dict[str, Any]) -> str:
    """Return one intervention of another plan that contributes, with its state and the reason, in words."""
    state = Stoplicht(c["stoplicht"]).label + (", afgerond" if c["closed"] else "")
    if c["late"]:
        state += f", {c['late']} {'mijlpaal' if c['late'] == 1 else 'mijlpalen'} te laat"
    via = f" Via {c['via']}." if c["via"] else ""
    judgement = " (oordeel beheerder)" if c["judgement"] else ""
    reason = f" Reden: {c['reason']}{judgement}" if c["reason"] else ""
    return f"{c['code']} {c['title']} ({c['plan_title']}): {state}.{via}{reason}"


def _goal(goal: dict[str, Any] | None, shared: list[dict[str, Any]],
          contributions: list[dict[str, Any]] | None = None) -> list[Block]:
    """Return what a group aims at: its summary, targets with baselines, principles, indicators, and
    what other plans contribute to it."""
    blocks: list[Block] = []
    if goal:
        if goal["summary"]:
            blocks.append(paragraph(goal["summary"]))
        targets = [r["text"] + (f" — doel: {r['target']}" if r["target"] else "")
                   + (f"; {r['baseline']}" if r["baseline"] else "") for r in goal["results"]]
        if targets:
            blocks.append(bullets(targets, "Doelen en resultaten"))
        if goal["current_practice"]:
            blocks.append(paragraph(goal["current_practice"], "Huidige praktijk"))
        if goal["principles"]:
            blocks.append(bullets(goal["principles"], "Uitgangspunten"))
        if goal["indicators"]:
            blocks.append(bullets([i["name"] + (f": {i['target']}" if i["target"] else "")
                                   + (f"; {i['baseline']}" if i["baseline"] else "")
                                   for i in goal["indicators"]], "Indicatoren"))
    if shared:
        blocks.append(bullets([f"{s['code']} {s['title']} ({Stoplicht(s['stoplicht']).label})" for s in shared],
                              "Draagt ook bij aan dit doel (elders beschreven)"))
    if contributions:
        blocks.append(bullets([_contribution(c) for c in contributions], "Bijdragen uit andere plannen"))
    return blocks


def _sections(data: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []

    def walk(section: dict[str, Any], level: int) -> None:
        blocks.append(heading(min(level, 6), section["title"], f"groep-{section['key']}" if section["key"] else ""))
        blocks.extend(_goal(section.get("goal"), section.get("shared") or [], section.get("contributions")))
        for iv in section["interventions"]:
            blocks.extend(_intervention(iv, min(level + 1, 6), data["period"]))
        for child in section["groups"]:
            walk(child, level + 1)

    for section in data["sections"]:
        walk(section, 2)
    return blocks


def _changes(data: dict[str, Any]) -> list[Block]:
    c = data["changes"]
    blocks = [heading(2, "Wijzigingen in de agenda", "wijzigingen"),
              paragraph(f"Wat er van {long_date(data['period']['start'])} tot en met {long_date(data['as_of'])} "
                 "aan de agenda is veranderd: nieuwe planversies (zoals de actualisatie van de agenda), "
                 "interventies en mijlpalen die zijn toegevoegd, verschoven of vervallen, met de redenen.")]
    for loaded in c.get("plan_loaded", []):
        if loaded.get("valid", loaded["at"]) < loaded["at"]:
            blocks.append(paragraph(f"Het plan is vastgesteld per {long_date(loaded['valid'])} en op "
                                    f"{long_date(loaded['at'])} geladen in het volgsysteem."))
        else:
            blocks.append(paragraph(f"Op {long_date(loaded['at'])} is het plan geladen in het volgsysteem."))
    late = c.get("recorded_late") or []
    if not (c["plan_versions"] or c["interventions"] or c["milestones"]):
        blocks.append(paragraph(f"Van {long_date(data['period']['start'])} tot en met {long_date(data['as_of'])} "
                                "is de agenda niet gewijzigd."))
        return blocks + _recorded_late(late)
    if c["plan_versions"]:
        blocks.append(table("Planversies", ["Planversie", "Datum", "Wijzigingen"], [
            [str(v["number"]), long_date(v["at"]), "; ".join(v["summary"]) or "geen"] for v in c["plan_versions"]]))
    if c["interventions"]:
        blocks.append(table("Interventies", ["Interventie", "Wijziging", "Reden of toelichting", "Datum"], [
            [i["code"], i["what"] + (f" ({i['detail']})" if i["detail"] else ""), i["reason"],
             _day(i)] for i in c["interventions"]]))
    if c["milestones"]:
        blocks.append(table("Mijlpalen", ["Interventie", "Mijlpaal", "Wijziging", "Reden", "Datum"], [
            [m["code"], m["label"], m["what"], m["reason"], _day(m)] for m in c["milestones"]]))
    return blocks + _recorded_late(late)


def _recorded_late(late: list[dict[str, Any]]) -> list[Block]:
    """Decided before the half year, recorded in it: the report of that earlier half year did not know it."""
    if not late:
        return []
    return [paragraph("Eerder besloten en pas in deze periode vastgelegd; de rapportage over die eerdere periode "
                      "kon ze niet noemen:"),
            table("Later vastgelegde wijzigingen", ["Interventie", "Mijlpaal", "Wijziging", "Reden", "Besloten op",
                                                   "Vastgelegd op"],
                  [[m["code"], m["label"], m["what"], m["reason"], long_date(m["at"]),
                    long_date(m["recorded"] or m["at"])] for m in late])]


def _indicators(data: dict[str, Any]) -> list[Block]:
    ind = data["indicators"]
    blocks = [heading(2, "Indicatoren", "indicatoren"),
              paragraph("De primaire indicatoren uit het plan met hun waarden per periode, tot en met het "
                 f"{data['period']['label']}, en het doel waar het plan er een noemt. Een gecorrigeerde "
                 "waarde toont ook de eerdere.")]
    if not ind["rows"]:
        return blocks + [paragraph("Het plan noemt geen indicatoren.")]
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
    blocks.append(table("Primaire indicatoren", ["Indicator", "Periode", "Waarde", "Bron", "Doel"], rows,
                         css="indicators"))
    return blocks


def _realised(m: dict[str, Any]) -> str:
    """Return the appendix's "Gerealiseerd" cell: the day, or that a done milestone has none recorded."""
    if m["realised"]:
        return long_date(m["realised"])
    return "datum niet vastgelegd" if m.get("status") == "done" or m.get("state") == "gereed" else ""


def _appendix(data: dict[str, Any]) -> list[Block]:
    rows = []
    for iv in data["tijdpad"]:
        for m in iv["milestones"]:
            rows.append([iv["code"], m["label"], m["planned_due_text"], m["due_text"],
                         cell(m["state_label"], f"state-{m['state']}"),
                         _realised(m), m["reason"]])
    blocks = [{"type": "page_break"}, heading(2, "Bijlage: Tijdpad", "bijlage-tijdpad"),
              paragraph(f"Alle mijlpalen van de interventies, gepland en gerealiseerd, stand per "
                 f"{long_date(data['as_of'])}."),
              table("Tijdpad: gepland en gerealiseerd",
                     ["Interventie", "Mijlpaal", "Oorspronkelijk gepland", "Termijn nu", "Stand",
                      "Gerealiseerd", "Toelichting"], rows, css="tijdpad")]
    if data["plan_milestones"]:
        blocks.append(table("Afspraken op agendaniveau", ["Afspraak", "Oorspronkelijk gepland", "Termijn nu",
                                                          "Stand", "Gerealiseerd", "Toelichting"], [
            [m["label"], m["planned_due_text"], m["due_text"], cell(m["state_label"], f"state-{m['state']}"),
             _realised(m), m["reason"] or m["note"]]
            for m in data["plan_milestones"]], css="plan-tijdpad"))
    if data.get("recurring"):
        blocks.append(table("Terugkerende afspraken", ["Afspraak", "Hoe vaak", "Eerstvolgende", "Toelichting"], [
            [r["label"], r["every_text"], r["next_text"], r["note"]] for r in data["recurring"]]))
    return blocks


def _written(data: dict[str, Any], meta: ReportMeta, section: str, title_text: str, ident: str,
             missing: str) -> list[Block]:
    """Return a part the beheerder writes: their paragraphs, or in a concept a reminder to write it."""
    written = data.get("texts", {}).get(section)
    if written is None:
        if meta.status == "vastgesteld":
            return []
        return [heading(2, title_text, ident), paragraph(missing, css="missing")]
    blocks = [heading(2, title_text, ident)]
    for chunk in re.split(r"\n\s*\n", written["text"]):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines and all(line[:2] in ("- ", "* ", "• ") for line in lines):
            blocks.append(bullets([line[2:].strip() for line in lines]))
        elif lines:
            blocks.append(paragraph(" ".join(lines)))
    return blocks


def _outlook(data: dict[str, Any]) -> list[Block]:
    o = data["outlook"]
    blocks = [heading(2, "Vooruitblik", "vooruitblik"),
              paragraph(f"Wat volgens het tijdpad gepland staat in het {data['period']['next_label']}, per hoofdstuk.")]
    for chapter in o["chapters"]:
        per_intervention: dict[str, list[str]] = {}
        for i in chapter["items"]:
            per_intervention.setdefault(f"{i['code']} {i['title']}", []).append(f"{i['label']} ({i['due_text']})")
        items = [f"{name}: {'; '.join(planned)}" for name, planned in per_intervention.items()]
        blocks.append(bullets(items or ["Geen mijlpalen gepland."], chapter["title"]))
    if o["agenda"]:
        blocks.append(bullets([f"{m['label']} ({m['due_text']})" for m in o["agenda"]], "Op agendaniveau"))
    return blocks


def _signature(data: dict[str, Any]) -> list[Block]:
    sig = data.get("signature")
    if not sig:
        return []
    college = sig["college"]
    # One college ("burgemeester en wethouders van Nijmegen"), or several, named as such.
    signed = f"De{college[2:]}," if college.startswith("de colleges ") else f"Het college van {college},"
    blocks = [paragraph("Met vriendelijke groet,", css="signature"), paragraph(signed, css="signature")]
    blocks += [paragraph(f"{s['role']}, {s['name']}", css="signature") for s in sig["signatories"]]
    return blocks


def report_blocks(data: dict[str, Any], meta: ReportMeta) -> list[Block]:
    """Return the whole report as blocks, in the order of a raadsinformatiebrief."""
    intro = _written(data, meta, "inleiding", "Inleiding en context", "inleiding",
                     "Nog te schrijven door de beheerder: de inleiding en de context van deze rapportage.")
    follow_up = _written(data, meta, "vervolgproces", "Communicatie en vervolgproces", "vervolgproces",
                         "Nog te schrijven door de beheerder: de communicatie en het vervolgproces.")
    return (_title_page(data, meta) + intro + _kernboodschap(data) + _sections(data)
            + (_outlook(data) if "outlook" in data else []) + _changes(data) + _indicators(data)
            + finance_blocks(data) + normering_blocks(data) + follow_up + _signature(data) + _appendix(data))
