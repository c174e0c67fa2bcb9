"""Import a plan spec: create it, or turn a changed version into events."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from events.plan import adoption_start
from events.plan_changes import field_change, label_change, plan_fact_changes, term_change
from tracker.agenda_milestones import milestone_of_facts, realised_of_facts
from tracker.intervention import Intervention
from tracker.plan import Plan
from tracker.plan_links import check_link_targets, declared_links, link_declared, revise_links
from tracker.planfile import InterventionSpec, MilestoneSpec, PlanSpec, milestone_facts

if TYPE_CHECKING:
    from tracker.application import ImportResult, TrackerApp

DESCRIPTION_FIELDS = ("title", "group_path", "domain")


def _facts(spec: PlanSpec) -> dict[str, Any]:
    # Each version's Tijdpad is kept, so the next version is compared with what the plan said
    # before, never with the trekkers' own updates since.
    facts = {**spec.facts, "interventions": [i.code for i in spec.interventions],
             "tijdpad": {i.code: [milestone_facts(m) for m in i.milestones] for i in spec.interventions}}
    links = declared_links(spec)
    if links:
        # Kept per version, like the Tijdpad: the next version is compared with what this one declared.
        facts["contributes_to"] = links
    return facts


def adoption(spec: PlanSpec, at: datetime) -> date | None:
    """Return the day a plan holds from: the start of its adoption, when that lies before its import."""
    day = adoption_start(spec.facts)
    return day if day is not None and day < at.date() else None


def _add_intervention(spec: PlanSpec, iv: InterventionSpec, at: datetime, by: str,
                      valid_on: date | None = None) -> Intervention:
    intervention = Intervention.add(
        plan_id=spec.id, code=iv.code, title=iv.title, group_path=iv.group_path,
        domain=iv.domain, details=iv.details, at=at, by=by, valid_on=valid_on)
    for m in iv.milestones:
        _plan_milestone(intervention, m, at, by, valid_on)
    link_declared(intervention, iv.contributes_to, at, by, "planbestand", valid_on)
    return intervention


def _plan_milestone(intervention: Intervention, m: MilestoneSpec, at: datetime, by: str,
                    valid_on: date | None = None) -> None:
    intervention.plan_milestone(milestone_id=m.id, label=m.label, kind=m.kind, due=m.due,
                                note=m.note, at=at, by=by, from_plan=True, valid_on=valid_on,
                                starts=m.starts, when=m.when, source=m.source)
    if m.done:
        # A line the plan marks as done without a date keeps its realised date unknown:
        # never invent a day.
        intervention.complete_milestone(m.id, realised=m.realised, note=m.note,
                                        at=at, by=by, from_plan=True)


def _revise_intervention(intervention: Intervention, iv: InterventionSpec,
                         previous: list[dict[str, Any]] | None, version: str,
                         at: datetime, by: str) -> list[str]:
    """Record what the new plan version changed for an intervention.

    The Tijdpad is compared with the previous plan version (``previous``), so a reschedule or
    a milestone added by a trekker stays as it is unless the plan itself changes that line.
    """
    changes: list[str] = []
    reason = f"Gewijzigd in planversie {version}"
    if intervention.dropped:
        intervention.reinstate(reason=f"Weer opgenomen in planversie {version}", at=at, by=by)
        changes.append(f"{iv.code}: weer opgenomen")
    new_values = {"title": iv.title, "group_path": iv.group_path, "domain": iv.domain, **iv.details}
    diff = {}
    for key, value in new_values.items():
        current = getattr(intervention, key) if key in DESCRIPTION_FIELDS else intervention.details.get(key)
        if current != value:
            diff[key] = value
    if diff:
        changes += [f"{iv.code}: " + field_change(key, getattr(intervention, key) if key in DESCRIPTION_FIELDS
                                                   else intervention.details.get(key), value)
                    for key, value in diff.items()]
        intervention.revise(changes=diff, reason=reason, at=at, by=by)
    if previous is None:
        # No earlier version of this intervention's Tijdpad is known: compare with its state.
        previous = [{"id": m.id, "label": m.label, "due_text": m.due.text if m.due else None,
                     "done": m.status == "done"} for m in intervention.milestones.values()]
    before = {m["id"]: m for m in previous}
    for m in iv.milestones:
        current = intervention.milestones.get(m.id)
        was = before.get(m.id)
        if current is None:
            _plan_milestone(intervention, m, at, by)
            changes.append(f"{iv.code}: mijlpaal '{m.label}' toegevoegd ({m.term_text})")
            continue
        if was is None:
            continue  # an id the trekkers use already; the plan cannot take it over
        if was["label"] != m.label and current.label != m.label:
            old_label = current.label
            intervention.relabel_milestone(m.id, m.label, reason=reason, at=at, by=by)
            changes.append(f"{iv.code}, mijlpaal '{old_label}': {label_change(old_label, m.label)}")
        # A new due date is a reschedule; a line that loses its date keeps the one it had.
        if m.due is not None and was["due_text"] != m.due.text and current.due != m.due \
                and current.status == "open":
            old = current.term_text
            intervention.reschedule_milestone(m.id, due=m.due, reason=reason, at=at, by=by,
                                              from_plan=True)
            changes.append(f"{iv.code}, mijlpaal '{m.label}': {term_change(old, m.due.text)}")
        if m.done and not was["done"] and current.status == "open":
            intervention.complete_milestone(m.id, realised=m.realised, note=m.note,
                                            at=at, by=by, from_plan=True)
            changes.append(f"{iv.code}, mijlpaal '{m.label}': gereed volgens de planversie")
    wanted = {m.id for m in iv.milestones}
    for milestone_id in before:
        current = intervention.milestones.get(milestone_id)
        if milestone_id not in wanted and current is not None and current.status == "open":
            intervention.cancel_milestone(milestone_id, reason=f"Vervallen in planversie {version}",
                                          at=at, by=by, from_plan=True)
            changes.append(f"{iv.code}, mijlpaal '{current.label}': vervallen (niet meer in de planversie)")
    return changes


def _complete_if_done(plan: Plan, f: dict[str, Any], at: datetime, by: str) -> None:
    """Complete a plan-level milestone the plan file marks as done (without a date: the day unknown)."""
    if f.get("done") and plan.milestones[f["id"]].status == "open":
        plan.complete_plan_milestone(f["id"], realised=realised_of_facts(f), note=f.get("note") or "",
                                     at=at, by=by, from_plan=True)


def _revise_plan_milestones(plan: Plan, previous: list[dict[str, Any]], new: list[dict[str, Any]],
                            version: str, at: datetime, by: str) -> None:
    """Record what a new plan version changed of the plan's own milestones, as for an intervention's.

    Compared with the previous version, so the beheerder's own updates stay unless the plan
    itself changes that line. Milestones named for the first time are planned by the version's facts.
    """
    reason = f"Gewijzigd in planversie {version}"
    before = {m["id"]: m for m in previous}
    for f in new:
        was, current = before.get(f["id"]), plan.milestones.get(f["id"])
        if current is None:
            continue
        if was is None:
            _complete_if_done(plan, f, at, by)
            continue
        if was["label"] != f["label"] and current.label != f["label"]:
            plan.relabel_plan_milestone(f["id"], f["label"], reason=reason, at=at, by=by)
        due = milestone_of_facts(f).due
        if due is not None and was.get("due_text") != f.get("due_text") and current.due != due \
                and current.status == "open":
            plan.reschedule_plan_milestone(f["id"], due=due, reason=reason, at=at, by=by)
        if not was.get("done"):
            _complete_if_done(plan, f, at, by)
    wanted = {f["id"] for f in new}
    for milestone_id in before:
        current = plan.milestones.get(milestone_id)
        if milestone_id not in wanted and current is not None and current.status == "open":
            plan.cancel_plan_milestone(milestone_id, reason=f"Vervallen in planversie {version}", at=at, by=by)


def apply_plan(app: TrackerApp, spec: PlanSpec, *, at: datetime, by: str) -> tuple[ImportResult, list[Any]]:
    """Return the import's outcome and the aggregates with pending events (not yet saved)."""
    from tracker.application import ImportResult

    check_link_targets(app, spec)
    facts = _facts(spec)
    if not app.has_plan(spec.id):
        plan = Plan.import_(plan_id=spec.id, facts=facts, source_name=spec.source_name,
                            source_hash=spec.source_hash, at=at, by=by)
        for f in facts.get("milestones", []):
            _complete_if_done(plan, f, at, by)
        # A plan adopted before it is loaded holds, in valid time, from its adoption on.
        valid_on = adoption(spec, at)
        aggregates: list[Any] = [plan] + [_add_intervention(spec, iv, at, by, valid_on)
                                          for iv in spec.interventions]
        events = sum(len(a.pending_events) for a in aggregates)
        milestones = sum(len(iv.milestones) for iv in spec.interventions)
        return ImportResult(spec.id, "created", [
            f"plan geladen: {len(spec.interventions)} interventies met {milestones} mijlpalen"],
            events), aggregates

    plan = app.get_plan(spec.id)
    version = str(plan.versions + 1)
    existing = app.load_interventions(spec.id, spec.interventions)
    changes: list[str] = []
    touched: list[Any] = []
    for iv in spec.interventions:
        intervention = existing.get(iv.code)
        if intervention is None:
            touched.append(_add_intervention(spec, iv, at, by))
            changes.append(f"{iv.code}: interventie toegevoegd")
            continue
        previous = plan.facts.get("tijdpad", {}).get(iv.code)
        changes += _revise_intervention(intervention, iv, previous, version, at, by)
        changes += revise_links(intervention, iv, plan.facts.get("contributes_to", {}).get(iv.code),
                                version, at, by)
        if intervention.pending_events:
            touched.append(intervention)
    new_codes = {iv.code for iv in spec.interventions}
    for code in plan.known_codes:
        if code in new_codes:
            continue
        intervention = app.get_intervention(spec.id, code)
        if not intervention.dropped:
            intervention.drop(reason=f"Niet meer opgenomen in planversie {version}", at=at, by=by)
            touched.append(intervention)
            changes.append(f"{code}: interventie vervallen")
    changes[:0] = [f"plan: {line}" for line in plan_fact_changes(plan.facts, facts)]
    if not changes and facts != plan.facts:
        # The plan file's Tijdpad now says what the milestones already are (a trekker moved one).
        changes = ["plan: tijdpad bijgewerkt; de mijlpalen stonden al zo"]
    if not changes:
        return ImportResult(spec.id, "unchanged"), []
    previous_milestones = list(plan.facts.get("milestones", []))
    plan.revise(facts=facts, source_name=spec.source_name, source_hash=spec.source_hash,
                summary=changes, at=at, by=by)
    _revise_plan_milestones(plan, previous_milestones, facts.get("milestones", []), version, at, by)
    touched.insert(0, plan)
    events = sum(len(a.pending_events) for a in touched)
    return ImportResult(spec.id, "revised", changes, events), touched
