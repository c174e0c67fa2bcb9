"""The half-yearly council report (raadsrapportage), computed from the read model only.

``report_data`` is a pure function of the read model, the plan, the half year and the as-of
date: no clock, so a report made twice from the same read model is the same report.

The report's sections are assembled here in the order the council reads them; figures, letter
texts and plan changes live in report_figures, report_letter and report_changes. The order is
the reason this module passes 300 lines.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from events import periods
from events.plan import adoption_start
from events.intervention import MilestoneCancelled, MilestoneRescheduled, NoteAdded
from events.periods import PeriodError, Quarter
from events.vocabulary import Stoplicht
from projections import plans as plan_queries
from projections.agenda_milestones import plan_milestones_as_of, plan_milestones_before, recurring_commitments
from projections.contributions import links_by_group, links_shown
from projections.goals import goals_by_key, result_lines
from projections.history import changes_between
from projections.interventions import MS, interventions_as_of
from projections.normering import normering_section
from projections.quarters import chart_left_out, left_out_text, planned_vs_realised
from projections.report_changes import agenda_changes, dated
from projections.report_figures import finance_section, indicators_section
from projections.report_letter import letter_parts, outlook
from projections.status import COLOURS, days_late
from projections.versions import moment, valid_clause
from projections.wording import STATE_LABELS, euro, long_date

CATEGORIES = ("op_tijd", "te_laat_gereed", "gereed_zonder_datum", "verschoven", "vervallen", "te_laat", "open")
CATEGORY_LABELS = {
    "op_tijd": "op tijd gerealiseerd", "te_laat_gereed": "later dan gepland gerealiseerd",
    "gereed_zonder_datum": "gerealiseerd zonder vastgelegde datum (op tijd of niet is onbekend)",
    "verschoven": "verschoven naar een latere periode", "vervallen": "vervallen",
    "te_laat": "te laat en nog niet gereed", "open": "nog niet gereed, termijn nog niet verstreken",
}


class ReportError(ValueError):
    """A report that cannot be made (unknown plan, a period that has not begun)."""


class HalfYear(periods.HalfYear):
    """The half year a report covers; one that cannot be read is a ReportError."""

    @classmethod
    def parse(cls, text: object) -> HalfYear:
        try:
            return super().parse(text)  # type: ignore[return-value]
        except PeriodError as exc:
            raise ReportError(str(exc)) from None


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _code_key(code: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code)]


def _within(iso: str | None, start: date, end: date) -> bool:
    return bool(iso) and start.isoformat() <= iso[:10] <= end.isoformat()


# --- progress per intervention ----------------------------------------------------------

def _categorise(m: dict[str, Any], before: dict[str, Any] | None, period: HalfYear,
                as_of: date) -> tuple[str, str] | None:
    """Return (category, committed due) of a milestone that fell due in the period, or None.

    As the quarter view: a milestone counts when it was due in the period at its start (or, planned
    within it, as first planned) or is due in it now, also when it was done (early: on time) or cancelled before the period began;
    on time means realised by the due date committed at the period's start.
    """
    # Planned within the half year (the plan itself, when it came into force in it): as first planned.
    due_before = before["due"] if before else m.get("planned_due")
    if not (_within(due_before, period.start, period.end) or _within(m["due"], period.start, period.end)):
        return None
    committed = due_before if _within(due_before, period.start, period.end) else m["due"]
    if m["status"] == "done":
        if m["realised"] is None:
            return "gereed_zonder_datum", committed
        return ("op_tijd" if m["realised"] <= committed else "te_laat_gereed"), committed
    if m["status"] == "cancelled":
        return "vervallen", committed
    if not _within(m["due"], period.start, period.end):
        return "verschoven", committed
    return ("te_laat" if m["due"] < as_of.isoformat() else "open"), committed


def _explanation(iv: dict[str, Any], as_of: date) -> dict[str, Any]:
    late = sorted((m for m in iv["milestones"] if days_late(m, as_of) > 0), key=lambda m: m["due"])
    auto_reason = ""
    if late:
        auto_reason = (f"Volgens het tijdpad {'is' if len(late) == 1 else 'zijn'} "
                       f"{_n(len(late), 'mijlpaal', 'mijlpalen')} te laat: " + "; ".join(
                           f"{m['label']} ({m['due_text']}, {days_late(m, as_of)} dagen)" for m in late) + ".")
    elif iv["stoplicht_auto"] == Stoplicht.GEEN_PLANNING:
        settled = bool(iv["milestones"]) and all(m["status"] in ("done", "cancelled") for m in iv["milestones"])
        auto_reason = ("Geen planning: alle mijlpalen zijn gereed of vervallen en er is geen volgende gepland; "
                       "de interventie kan worden afgesloten, of krijgt een volgende mijlpaal." if settled else
                       "Geen planning: de interventie heeft geen gedateerde open mijlpaal.")
    manual = None
    if Stoplicht.explained(iv["stoplicht"]):
        manual = {"oorzaak": iv["oorzaak"], "gevolg": iv["gevolg"], "bijsturing": iv["bijsturing"]}
    # Oorzaak, gevolg and bijsturing are asked for oranje and rood; geen planning explains itself.
    return {"manual": manual, "auto_reason": auto_reason,
            "missing": Stoplicht(iv["stoplicht_effective"]).needs_explanation and manual is None}


def _cause(p: dict[str, Any]) -> str:
    """Return a deviation's cause in a line: the trekker's oorzaak, with what the tijdpad shows beside it
    (a late tijdpad is not hidden behind an explanation), else what the tijdpad shows."""
    oorzaak = (p["explanation"]["manual"] or {}).get("oorzaak")
    if not oorzaak:
        return p["explanation"]["auto_reason"]
    late = len(p["late"])
    return oorzaak + (f" (tijdpad: {_n(late, 'mijlpaal', 'mijlpalen')} te laat)" if late else "")


def _progress(iv: dict[str, Any], before: dict[tuple[str, str], dict[str, Any]],
              events: list[dict[str, Any]], period: HalfYear, as_of: date) -> dict[str, Any]:
    due_items, realised, late, upcoming, done_before = [], [], [], [], []
    nxt = period.next()
    for m in iv["milestones"]:
        found = _categorise(m, before.get((m["intervention_id"], m["milestone_id"])), period, as_of)
        if found:
            category, committed = found
            due_items.append({"id": m["milestone_id"], "label": m["label"], "due_text": m["due_text"],
                              "planned_due_text": m["planned_due_text"], "category": category,
                              "committed_due": committed, "realised": m["realised"],
                              "reason": m["reason"] or ""})
        if m["status"] == "done" and _within(m["realised"], period.start, period.end):
            # One due in another period (a late one from before): late when realised after its term.
            after_term = bool(m["due"]) and m["realised"][:10] > m["due"]
            # Done ahead of a term after the half year: it counts in the period of its term.
            ahead = not found and bool(m["due"]) and m["due"] > period.end.isoformat()
            realised.append({"label": m["label"], "due_text": m["due_text"], "realised": m["realised"],
                             "note": m["note"] or "", "ahead": ahead,
                             "category": found[0] if found else ("te_laat_gereed" if after_term else "op_tijd")})
        elif found and m["status"] == "done" and m["realised"] and m["realised"][:10] < period.start.isoformat():
            # Due in the half year and counted in it, but done before it began.
            done_before.append({"label": m["label"], "due_text": m["due_text"], "realised": m["realised"],
                                "note": m["note"] or ""})
        if days_late(m, as_of) > 0:
            late.append({"id": m["milestone_id"], "label": m["label"], "due_text": m["due_text"],
                         "due": m["due"], "days_late": days_late(m, as_of),
                         "reason": m["reason"] or ""})
        if m["status"] == "open" and _within(m["due"], nxt.start, nxt.end):
            upcoming.append({"label": m["label"], "due_text": m["due_text"]})
    mine = [e for e in events if e["code"] == iv["code"]]
    # A change is dated by the day it happened (decided), which may lie before the day it was recorded.
    rescheduled = [{"label": e["milestone_label"] or "", "from": e["data"].get("old_due_text") or "",
                    "to": e["data"].get("due_text", ""), "reason": e["data"].get("reason", ""),
                    **dated(e)} for e in mine if e["event"] == MilestoneRescheduled.__name__]
    cancelled = [{"label": e["milestone_label"] or "", "reason": e["data"].get("reason", ""),
                  **dated(e)} for e in mine if e["event"] == MilestoneCancelled.__name__]
    notes = [{"at": e["at"][:10], "by": e["by"], "text": e["data"].get("text", "")}
             for e in mine if e["event"] == NoteAdded.__name__]
    return {
        "code": iv["code"], "title": iv["title"], "domain": iv["domain"],
        "trekker": iv["trekker_name"] or "", "closed": bool(iv["closed"]),
        "stoplicht": iv["stoplicht_effective"], "stoplicht_auto": iv["stoplicht_auto"],
        "stoplicht_manual": iv["stoplicht"] or "", "explanation": _explanation(iv, as_of),
        "due_in_period": due_items, "realised": realised, "done_before": done_before, "late": late,
        "rescheduled": rescheduled, "cancelled": cancelled, "next": upcoming, "notes": notes,
        "results": [r["text"] for r in iv["details"].get("results", []) if r.get("target")],
        "targets": [line for line in result_lines(iv["details"].get("results", [])) if line["target"]],
    }


def _plan_milestones(db: sqlite_utils.Database, plan_id: str, facts: dict[str, Any], period: HalfYear, as_of: date,
                     known_on: date | None) -> list[dict[str, Any]]:
    """Return the plan's own milestones as of the peildatum, each with its category in the period (or "")."""
    before = plan_milestones_before(db, plan_id, period.start - timedelta(days=1), known_on)
    # What the plan file says of a line, apart from what its users wrote since (a completion's note).
    plan_notes = {f.get("id"): f.get("note") or "" for f in facts.get("milestones", [])}
    result = []
    for m in plan_milestones_as_of(db, plan_id, as_of, known_on):
        found = _categorise(m, before.get(m["milestone_id"]), period, as_of) if m["due"] else None
        result.append({"id": m["milestone_id"], "label": m["label"], "note": m["note"] or "",
                       "due": m["due"], "due_text": m["term_text"],
                       "planned_due_text": m["planned_due_text"] or m["term_text"], "status": m["status"],
                       "state": m["state"], "state_label": STATE_LABELS[m["state"]], "realised": m["realised"],
                       "reason": m["reason"] or "", "category": found[0] if found else "",
                       "plan_note": plan_notes.get(m["milestone_id"], ""),
                       "days_late": days_late(m, as_of)})
    return result


def _incoming(db: sqlite_utils.Database, plan_id: str, as_of: date, known_on: date | None,
              group_of: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Return per group key what other plans' interventions contribute to it, with their state as of the day."""
    return {key: [{"code": c["row"]["code"], "title": c["row"]["title"], "plan": c["row"]["plan_id"],
                   "plan_title": c["plan_title"], "stoplicht": c["row"]["stoplicht_effective"],
                   "late": len(c["row"]["late_milestones"]), "closed": bool(c["row"]["closed"]),
                   "via": "" if c["link"].get("group") else c["link"]["code"], "reason": c["reason"],
                   "judgement": c["judgement"]} for c in found]
            for key, found in links_by_group(db, plan_id, as_of, group_of, known_on).items()}


def _group_sections(groups: list[dict[str, Any]], progress: list[dict[str, Any]],
                    group_of: dict[str, str], also_in: dict[str, list[str]],
                    goals: dict[str, dict[str, Any]],
                    incoming: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Return the report's chapters: per group its goal, its interventions, those it shares, and what
    other plans contribute to it."""
    by_group: dict[str, list[dict[str, Any]]] = {}
    for item in progress:
        by_group.setdefault(group_of.get(item["code"], ""), []).append(item)
    by_code = {item["code"]: item for item in progress}

    def build(group: dict[str, Any], depth: int) -> dict[str, Any] | None:
        children = [c for c in (build(g, depth + 1) for g in group.get("groups", [])) if c]
        items = by_group.pop(group["key"], [])
        # An intervention that serves this goal too, shown in full under its first group.
        shared = [{"code": c, "title": by_code[c]["title"], "stoplicht": by_code[c]["stoplicht"]}
                  for c in also_in.get(group["key"], []) if c in by_code]
        contributions = (incoming or {}).get(group["key"], [])
        if not items and not children and not shared and not contributions:
            return None
        key = group["key"]
        heading = f"{key} {group['title']}" if re.fullmatch(r"[0-9A-Za-z.]{1,8}", key) else group["title"]
        return {"key": key, "title": heading, "depth": depth, "interventions": items, "groups": children,
                "goal": goals.get(key), "shared": shared, "contributions": contributions}

    sections = [s for s in (build(g, 0) for g in groups) if s]
    rest = [i for items in by_group.values() for i in items]
    if rest:
        sections.append({"key": "", "title": "Overige interventies", "depth": 0, "interventions": rest,
                         "groups": [], "goal": None, "shared": [], "contributions": []})
    return sections


# --- the report ---------------------------------------------------------------------------

def _position(db: sqlite_utils.Database) -> int:
    from projections.runner import TRACKING_NAME

    row = db.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()
    return row[0] if row else 0


def _kernboodschap(plan: dict[str, Any], period: HalfYear, as_of: date, counts: dict[str, int],
                   backlog: dict[str, int], stoplicht: dict[str, int], deviations: list[dict[str, Any]],
                   changes: dict[str, Any], interventions: int, closed: int,
                   indicators: dict[str, Any], finance: dict[str, Any], own_due: int = 0) -> list[str]:
    lines = [f"{plan['title']} omvat {_n(interventions, 'interventie', 'interventies')}"
             + (f", waarvan {closed} afgerond" if closed else "") + "."]
    due = sum(counts.values())
    # A half year not over on the peildatum is told as such: its figures are a stand so far.
    running = as_of < period.end
    if running:
        lines.append(f"Het {period.label} loopt nog tot en met {long_date(period.end)}: deze rapportage geeft "
                     f"de stand tot en met {long_date(as_of)}, geen eindstand over het halfjaar.")
    if due:
        parts = [f"{counts[c]} {CATEGORY_LABELS[c]}" for c in CATEGORIES if counts[c]]
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
        own = f" (waarvan {own_due} van het plan zelf)" if own_due else ""
        verb = ("staat" if due == 1 else "staan") if running else ("stond" if due == 1 else "stonden")
        lines.append(f"In het {period.label} {verb} {_n(due, 'mijlpaal', 'mijlpalen')} van het tijdpad op de "
                     f"planning{own}" + (f"; stand per {long_date(as_of)}" if running else "") + f": {joined}.")
    else:
        lines.append(f"In het {period.label} {'staat' if running else 'stond'} geen mijlpaal van het tijdpad "
                     "op de planning.")
    earlier, after = backlog["earlier"], backlog["after"]
    if earlier:
        lines.append(f"Daarnaast {'staat' if earlier == 1 else 'staan'} nog "
                     f"{_n(earlier, 'mijlpaal', 'mijlpalen')} uit eerdere perioden open die te laat "
                     f"{'is' if earlier == 1 else 'zijn'}.")
    if after:
        lines.append(f"Na het {period.label} {'is' if after == 1 else 'zijn'} tot de peildatum nog "
                     f"{_n(after, 'mijlpaal', 'mijlpalen')} te laat geraakt.")
    unplanned = stoplicht.get(Stoplicht.GEEN_PLANNING, 0)
    lines.append(f"Stand per {long_date(as_of)}: van de {_n(interventions, 'interventie', 'interventies')} "
                 f"{'staat' if interventions == 1 else 'staan er'} {stoplicht['groen']} op groen, "
                 f"{stoplicht['oranje']} op oranje en {stoplicht['rood']} op rood"
                 + (f"; {unplanned} {'heeft' if unplanned == 1 else 'hebben'} geen planning (geen "
                    "gedateerde open mijlpaal)" if unplanned else "") + ".")
    if deviations:
        lines.append("De belangrijkste afwijkingen staan hieronder; per interventie volgen oorzaak, "
                     "gevolg en bijsturing.")
    added = sum(1 for c in changes["interventions"] if c["what"] == "toegevoegd")
    dropped = sum(1 for c in changes["interventions"] if c["what"] == "vervallen")
    # Milestones of any period changed in this one (the table "Wijzigingen in de agenda"): counted
    # once each, with how often where one moved more than once.
    moves = [(m["code"], m["label"]) for m in changes["milestones"] if m["kind"] == "verschoven"]
    moved, cancelled = len(set(moves)), len({(m["code"], m["label"]) for m in changes["milestones"]
                                             if m["kind"] == "vervallen"})
    if added or dropped or changes["plan_versions"] or moved or cancelled:
        bits = []
        if changes["plan_versions"]:
            bits.append(_n(len(changes["plan_versions"]), "nieuwe planversie", "nieuwe planversies"))
        if added:
            bits.append(f"{_n(added, 'interventie', 'interventies')} toegevoegd")
        if dropped:
            bits.append(f"{_n(dropped, 'interventie', 'interventies')} vervallen")
        if moved:
            bits.append(f"{_n(moved, 'mijlpaal', 'mijlpalen')} verschoven"
                        + (f" ({len(moves)} keer)" if len(moves) > moved else ""))
        if cancelled:
            bits.append(f"{_n(cancelled, 'mijlpaal', 'mijlpalen')} vervallen")
        # The changes are counted up to the peildatum, which may lie well after the half year.
        lines.append(f"Wijzigingen in de agenda van {long_date(period.start)} tot en met {long_date(as_of)}, "
                     "ook aan mijlpalen van andere perioden: " + ", ".join(bits) + ".")
    total = len(indicators["rows"])
    if total:
        in_period = indicators.get("in_period", indicators["with_values"])
        lines.append(f"Voor {indicators['with_values'] or 'geen'} van de {total} primaire indicatoren is een "
                     "waarde vastgelegd" + (f", voor {in_period or 'geen'} daarvan over het {period.label}"
                                            if indicators["with_values"] and in_period != indicators["with_values"]
                                            else "") + ".")
    for y in reversed(finance["years"]):
        said = [text for text in map(_finance_line, y["rows"]) if text]
        if said:
            lines.append(f"Financiën {y['year']}: " + "; ".join(said) + ".")
            break
    return lines


def _saving(amount: Any) -> str:
    """Say a saving against the nulmeting; a negative one is what it is: more spent than the nulmeting."""
    if amount < 0:
        return f"{euro(-amount)} meer uitgegeven dan de nulmeting (geen besparing)"
    return f"{euro(amount)} besparing ten opzichte van de nulmeting"


def _finance_line(r: dict[str, Any]) -> str:
    """Say a year's saving of one domain for the kernboodschap, never more than its figures cover."""
    domain = r["domain"]
    if r["besparing"] is not None:
        text = f"{domain} {_saving(r['besparing'])} over het hele jaar"
        if r["taakstelling"]:
            verdict = ("gehaald" if r["taakstelling_gehaald"] else "niet gehaald") \
                if r["taakstelling_gehaald"] is not None else "het jaar is nog niet voorbij"
            text += f" (taakstelling {euro(r['taakstelling'])}: {verdict})"
        return text
    part = r["besparing_deel"]
    real = r["realisatie_figure"]
    if part is not None and part["withheld"]:
        figure = real if part["basis"] == "berekend" else None
        amount = f"gerealiseerde uitgaven {euro(figure['amount'])}" if figure else "een vastgelegde besparing"
        return (f"{domain} {amount} over {part['covers']}; dit bedrag wijkt sterk af van de nulmeting en is "
                f"nog niet bevestigd, dus is er geen besparing berekend")
    if part is not None:
        text = f"{domain} {_saving(part['amount'])} over {part['covers']} (nog geen heel jaar)"
        if part.get("taakstelling_deel") is not None:
            text += f", tegenover {euro(part['taakstelling_deel'])} als deel van de taakstelling over die periode"
        return text
    if real is not None:
        return f"{domain} gerealiseerde uitgaven {euro(real['amount'])} over {real['covers']}"
    return ""


def _actions(db: sqlite_utils.Database, interventions: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Return every label and note the stuurgroep's actions (milestones with an owner) ever had.

    A done action's note is the completion's; the one it was given with (its owner and their
    address) stands in its earlier versions, and in the report's list of changes.
    """
    found: dict[tuple[str, str], None] = {}
    for iv in interventions:
        for m in iv["milestones"]:
            if m.get("owner_email"):
                found[(m["label"], m["note"] or "")] = None
                for label, note in db.execute(
                        "SELECT DISTINCT label, note FROM milestone_versions WHERE intervention_id = ? "
                        "AND milestone_id = ?", [iv["intervention_id"], m["milestone_id"]]):
                    found[(label or "", note or "")] = None
    return [{"label": label, "note": note} for label, note in found]


def report_data(db: sqlite_utils.Database, plan_id: str, period: HalfYear | str, as_of: date,
                known_on: date | None = None, *, in_force: bool = True) -> dict[str, Any]:
    """Return the content of the council report of a half year, as of the end of a day.

    What had happened by then as known now, or as the tracker knew it at the end of ``known_on``.
    ``in_force``: refuse a peildatum before the plan held (a published report is made again whatever).
    """
    period = period if isinstance(period, periods.HalfYear) else HalfYear.parse(period)
    plan = plan_queries.plan(db, plan_id)
    if plan is None:
        raise ReportError(f"Onbekend plan '{plan_id}'.")
    if as_of < period.start:
        raise ReportError(f"De peildatum {long_date(as_of)} ligt voor het begin van het {period.label}.")
    facts = plan["facts"]
    first = plan_queries.holds_from(db, plan_id) if in_force else None
    if first and as_of < first:
        if adoption_start(facts) is None:  # loaded without the day it was adopted: known from the load
            raise ReportError(f"Het plan is op {long_date(first)} geladen zonder datum van vaststelling "
                              "(plan.adopted in het planbestand): het volgsysteem kent het vanaf die dag. Kies een "
                              "peildatum vanaf die dag.")
        raise ReportError(f"Op de peildatum {long_date(as_of)} gold het plan nog niet: het geldt vanaf "
                          f"{long_date(first)}. Kies een peildatum vanaf die dag.")
    interventions = interventions_as_of(db, as_of, plan_id=plan_id, known_on=known_on)
    before = {(r["intervention_id"], r["milestone_id"]): r for r in db.query(
        f"SELECT * FROM {MS} WHERE plan_id = :plan_id AND {valid_clause()}",
        {**moment(period.start - timedelta(days=1), known_on), "plan_id": plan_id})}
    events = changes_between(db, plan_id, period.start - timedelta(days=1), as_of, valid_time=True,
                             known_on=known_on)
    progress = [_progress(iv, before, events, period, as_of) for iv in interventions]
    for item, iv in zip(progress, interventions):
        item["contributes_to"] = [{"target": link["target_title"] or link.get("group") or link.get("code") or "",
                                   "plan": link["plan"], "plan_title": link["plan_title"] or link["plan"],
                                   "loaded": link["loaded"], "reason": link["reason"],
                                   "found": bool(link["target_title"])}
                                  for link in links_shown(db, iv, as_of, known_on)]
    own = _plan_milestones(db, plan_id, facts, period, as_of, known_on)
    counts = dict.fromkeys(CATEGORIES, 0)
    for p in progress:
        for m in p["due_in_period"]:
            counts[m["category"]] += 1
    # The plan's own milestones count as an intervention's do.
    plan_counts = dict.fromkeys(CATEGORIES, 0)
    for m in own:
        if m["category"]:
            counts[m["category"]] += 1
            plan_counts[m["category"]] += 1
    in_period = {(p["code"], m["id"]) for p in progress for m in p["due_in_period"]}
    # Late by the peildatum and not due in the half year: due before it, or (a peildatum after its
    # end) due after it.
    outside = [m["due"] for p in progress for m in p["late"] if (p["code"], m["id"]) not in in_period] \
        + [m["due"] for m in own if m["days_late"] and not m["category"]]
    start = period.start.isoformat()
    backlog = {"earlier": sum(1 for due in outside if (due or "") < start),
               "after": sum(1 for due in outside if (due or "") >= start)}
    stoplicht = {c: sum(1 for p in progress if p["stoplicht"] == c) for c in COLOURS}
    deviations = sorted((p for p in progress if p["stoplicht"] != "groen"),
                        key=lambda p: (-COLOURS.index(p["stoplicht"]), _code_key(p["code"])))
    changes = agenda_changes(db, plan_id, period.start, as_of, known_on)
    indicators = indicators_section(db, plan_id, facts, period.end, as_of, known_on, period_start=period.start)
    finance = finance_section(db, plan_id, facts, period.year, as_of, known_on)
    first, last = Quarter(facts["period"]["start"], 1), Quarter(facts["period"]["end"], 4)
    mine = {q.key for q in period.quarters()}
    per_quarter = [{"key": c["quarter"].key, "label": c["quarter"].label, "year": c["quarter"].year,
                    "number": c["quarter"].number, "planned": c["planned"], "realised": c["realised"],
                    "in_period": c["quarter"].key in mine}
                   for c in planned_vs_realised(interventions, first, last)]
    group_of = {iv["code"]: (iv["group_path"][-1]["key"] if iv["group_path"] else "") for iv in interventions}
    also_in: dict[str, list[str]] = {}
    for iv in interventions:
        for key in (iv["details"].get("groups") or [])[1:]:
            also_in.setdefault(key, []).append(iv["code"])
    chapter_of = {iv["code"]: (iv["group_path"][0]["key"] if iv["group_path"] else "") for iv in interventions}
    closed = sum(1 for p in progress if p["closed"])
    nxt = period.next()
    return {
        "plan": {"id": plan_id, "title": plan["title"], "organisation": plan["organisation"],
                 "period": facts["period"], "source": facts.get("source") or ""},
        "period": {"key": period.key, "label": period.label, "start": period.start.isoformat(),
                   "end": period.end.isoformat(), "next_label": period.next().label,
                   "running": as_of < period.end},
        "as_of": as_of.isoformat(),
        "known_on": known_on.isoformat() if known_on else None,
        "position": _position(db),
        "kernboodschap": {
            "paragraphs": _kernboodschap(plan, period, as_of, counts, backlog, stoplicht, deviations,
                                         changes, len(progress), closed, indicators, finance,
                                         sum(plan_counts.values())),
            "interventions": len(progress), "closed": closed, "milestones_due": sum(counts.values()),
            "counts": counts, "backlog": backlog, "stoplicht": stoplicht,
            "plan_milestones_due": sum(plan_counts.values()), "plan_counts": plan_counts,
            "deviations": [{"code": p["code"], "title": p["title"], "stoplicht": p["stoplicht"],
                            "cause": _cause(p)} for p in deviations],
        },
        "sections": _group_sections(facts.get("groups", []), progress, group_of, also_in,
                                    goals_by_key(facts.get("groups", []), facts.get("indicators", []), facts),
                                    _incoming(db, plan_id, as_of, known_on, group_of)),
        "changes": changes,
        "indicators": indicators,
        "finance": finance,
        "normering": normering_section(db, plan, as_of, period.year, known_on),
        "tijdpad": [{"code": iv["code"], "title": iv["title"], "milestones": [
            {"label": m["label"], "planned_due_text": m["planned_due_text"] or m["term_text"],
             "due_text": m["term_text"], "state": m["state"], "state_label": STATE_LABELS[m["state"]],
             "realised": m["realised"], "reason": m["reason"] or ""} for m in iv["milestones"]]}
            for iv in interventions],
        "plan_milestones": own,
        # The stuurgroep's actions (milestones with an owner): their words are the stuurgroep's, which
        # a public edition withholds unless its reviews are public (projections/public_report.py).
        "actions": _actions(db, interventions),
        "recurring": recurring_commitments(facts, as_of),
        "charts": {"stoplicht": stoplicht, "per_quarter": per_quarter,
                   "left_out": left_out_text(chart_left_out(interventions, first, last))},
        "outlook": outlook(facts.get("groups", []), progress, chapter_of,
                           [m for m in own if m["status"] == "open"], nxt.start.isoformat(), nxt.end.isoformat()),
        **letter_parts(db, plan_id, plan["organisation"], period.key),
    }
