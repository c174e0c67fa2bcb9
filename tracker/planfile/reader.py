"""Read a plan file (YAML, see docs/plan-format.md) into a PlanSpec, all or nothing.

Every problem is reported as ``FILE:LINE: message`` and nothing is returned unless the whole
file is valid, so an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path

from tracker.errors import PlanFileError
from tracker.planfile import money, schema
from tracker.planfile.checks import Checker
from tracker.planfile.codes import codes
from tracker.planfile.loader import load_yaml
from tracker.planfile.participants import participants
from tracker.planfile.spec import InterventionSpec, LinkSpec, PlanSpec, milestone_facts


def parse_plan(text: str, name: str = "<plan>") -> PlanSpec:
    """Validate the text of a plan file and return its spec, or raise PlanFileError."""
    # However the text came (a file, an upload, a confirm form), the bound of a plan file holds.
    if len(text) > MAX_PLAN_BYTES or len(text.encode("utf-8")) > MAX_PLAN_BYTES:
        raise PlanFileError([f"{name}:0: bestand is groter dan {MAX_PLAN_BYTES // 1_000_000} MB"])
    c = Checker(name)
    doc = load_yaml(text, name)
    if not isinstance(doc, dict):
        raise PlanFileError([f"{name}:1: een planbestand begint met 'format', 'plan' en 'interventions'"])
    c.unknown_keys(doc, {"format", "plan", "interventions"}, "bestand",
                   "zet eigen velden onder 'extra' van het plan")
    if doc.get("format") not in schema.FORMAT_VERSIONS:
        c.error(c.line_of(doc, "format"), "'format' moet 1 of 2 zijn (docs/plan-format.md)")
    else:
        c.format = doc["format"]
    plan = c.mapping(doc.get("plan"), c.line_of(doc, "plan"), "'plan'")
    if plan is None:
        raise PlanFileError(c.problems)
    c.unknown_keys(plan, schema.PLAN_KEYS, "plan", "zet eigen velden onder 'extra' van het plan",
                   format2=schema.PLAN_KEYS_2)
    if "year_context" in plan and c.format >= 2:
        c.year_context = c.year(plan, "year_context", "plan")
    plan_id = c.text(plan, "id", "plan")
    if plan_id and not schema.ID.match(plan_id):
        c.error(c.line_of(plan, "id"), f"plan: id '{plan_id}' mag alleen a-z, 0-9 en - bevatten")
    title = c.text(plan, "title", "plan")
    organisation, members = participants(c, plan)
    period = c.mapping(plan.get("period"), c.line_of(plan, "period"), "plan: 'period' ({start: JJJJ, end: JJJJ})")
    start = end = None
    if period is not None:
        start = c.year(period, "start", "plan.period")
        end = c.year(period, "end", "plan.period")
        if start and end and start > end:
            c.error(c.line_of(plan, "period"), "plan.period: 'start' ligt na 'end'")
    adopted, adopted_text = _adopted(c, plan)
    default_domain = None
    if "domain" in plan and c.format >= 2:
        default_domain = c.choice(plan, "domain", schema.DOMAINS, "plan") or None
    found_indicators = schema.indicators(c, plan)
    groups, paths = schema.groups(c, plan, found_indicators)
    plan_milestones = schema.milestones(c, plan, "plan")
    extra = plan.get("extra")
    facts = {
        "title": title,
        "organisation": organisation,
        "period": {"start": start, "end": end},
        "adopted": adopted,
        "source": c.text(plan, "source", "plan", required=False),
        "grouping_levels": c.text_list(plan, "grouping_levels", "plan"),
        "groups": groups,
        "milestones": [milestone_facts(m) for m in plan_milestones],
        "recurring": schema.recurring(c, plan, "plan"),
        "finance": money.finance(c, plan, (start, end)),
        "indicators": [],
        "extra": c.extra(plan, "plan"),
    }
    if c.format >= 2:
        # Format-1 facts stay exactly as they were, so a store's existing plans read unchanged.
        facts.update(format=2, participants=members)
        if adopted_text:
            facts["adopted_text"] = adopted_text
        if c.year_context:
            facts["year_context"] = c.year_context
    schema.reminders(c, extra, "reminders", "plan.extra.reminders")
    reminders = schema.reminders(c, plan, "reminders", "plan.reminders")
    if reminders is not None:
        facts["reminders"] = reminders
    norm_settings = schema.normering(c, plan)
    if norm_settings is not None:
        facts["normering"] = norm_settings
    interventions: list[InterventionSpec] = []
    raw_interventions = doc.get("interventions")
    if not isinstance(raw_interventions, list) or not raw_interventions:
        c.error(c.line_of(doc, "interventions"), "'interventions' moet een lijst met minstens één interventie zijn")
    else:
        raws = c.items(doc, "interventions", "bestand")
        for (raw, line), code in zip(raws, codes(c, raws, paths)):
            spec = schema.intervention(c, raw, line, code, paths, default_domain, found_indicators)
            if spec is not None:
                interventions.append(spec)
    facts["indicators"] = schema.unique_indicators(c, found_indicators)
    own = {iv.code for iv in interventions}
    for iv in interventions:
        for link in iv.contributes_to:
            if link.plan == plan_id:
                problem = link_problem(link, {"groups": groups, "interventions": sorted(own)})
                if problem:
                    c.error(link.line, f"interventie {iv.code}, contributes_to: {problem}")
    if c.problems:
        raise PlanFileError(c.problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return PlanSpec(plan_id, title, facts, interventions, name, digest, groups)


def _group_keys(groups: list[dict]) -> list[str]:
    keys: list[str] = []
    for group in groups:
        keys.append(group["key"])
        keys += _group_keys(group.get("groups") or [])
    return keys


def link_problem(link: LinkSpec, facts: dict) -> str:
    """Return why a link's target is not in the plan whose facts are given, or ""."""
    if link.group:
        keys = _group_keys(facts.get("groups") or [])
        if link.group not in keys:
            return (f"plan '{link.plan}' heeft geen groep '{link.group}' (wel: "
                    f"{', '.join(keys[:12]) or 'geen'}{' …' if len(keys) > 12 else ''})")
    elif link.code not in (facts.get("interventions") or []):
        return f"plan '{link.plan}' heeft geen interventie met code '{link.code}'"
    return ""


def _adopted(c: Checker, plan: dict) -> tuple[str | None, str | None]:
    """Return the adoption date (ISO) and, when format 2 gives a term, its words."""
    value = plan.get("adopted")
    if value is None:
        return None, None
    if c.format < 2 or isinstance(value, date):
        adopted = c.iso_date(plan, "adopted", "plan")
        return (adopted.isoformat() if adopted else None), None
    try:
        return date.fromisoformat(str(value)).isoformat(), None
    except ValueError:
        due = c.due(plan, "adopted", "plan: 'adopted'")
        return (due.date.isoformat(), due.text) if due else (None, None)


# The largest plan file read (the web upload and the command line alike).
MAX_PLAN_BYTES = 2_000_000


def read_plan_file(path: str | Path) -> PlanSpec:
    """Read and validate a plan file from disk."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_PLAN_BYTES + 1)
        if len(data) > MAX_PLAN_BYTES:
            raise PlanFileError([f"{path}:0: bestand is groter dan {MAX_PLAN_BYTES // 1_000_000} MB"])
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise PlanFileError([f"{path}:0: bestand bestaat niet"]) from None
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"{path}:1: bestand is geen UTF-8-tekst ({exc.reason})"]) from None
    except OSError as exc:
        raise PlanFileError([f"{path}:0: bestand kan niet worden gelezen ({exc.strerror})"]) from None
    return parse_plan(text, str(path))


def main(argv: list[str] | None = None) -> int:
    """Check plan files: print every problem, exit 1 when any file is invalid."""
    status = 0
    for name in argv if argv is not None else sys.argv[1:]:
        try:
            spec = read_plan_file(name)
        except PlanFileError as exc:
            print(exc, file=sys.stderr)
            status = 1
        else:
            count = sum(len(i.milestones) for i in spec.interventions)
            print(f"{name}: geldig — {len(spec.interventions)} interventies, {count} mijlpalen")
    return status
