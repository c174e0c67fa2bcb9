"""Read a plan file (YAML, see docs/plan-format.md) into a PlanSpec, all or nothing.

Every problem is reported as ``FILE:LINE: message`` and nothing is returned unless the whole
file is valid, so an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from tracker.errors import PlanFileError
from tracker.planfile import schema
from tracker.planfile.checks import Checker
from tracker.planfile.loader import load_yaml, plain
from tracker.planfile.spec import InterventionSpec, PlanSpec, milestone_facts


def parse_plan(text: str, name: str = "<plan>") -> PlanSpec:
    """Validate the text of a plan file and return its spec, or raise PlanFileError."""
    c = Checker(name)
    doc = load_yaml(text, name)
    if not isinstance(doc, dict):
        raise PlanFileError([f"{name}:1: een planbestand begint met 'format', 'plan' en 'interventions'"])
    c.unknown_keys(doc, {"format", "plan", "interventions"}, "bestand")
    if doc.get("format") != schema.FORMAT_VERSION:
        c.error(c.line_of(doc, "format"), f"'format' moet {schema.FORMAT_VERSION} zijn")
    plan = c.mapping(doc.get("plan"), c.line_of(doc, "plan"), "'plan'")
    if plan is None:
        raise PlanFileError(c.problems)
    c.unknown_keys(plan, schema.PLAN_KEYS, "plan")
    plan_id = c.text(plan, "id", "plan")
    if plan_id and not schema.ID.match(plan_id):
        c.error(c.line_of(plan, "id"), f"plan: id '{plan_id}' mag alleen a-z, 0-9 en - bevatten")
    title = c.text(plan, "title", "plan")
    organisation = c.text(plan, "organisation", "plan")
    period = c.mapping(plan.get("period"), c.line_of(plan, "period"), "plan: 'period' ({start: JJJJ, end: JJJJ})")
    start = end = None
    if period is not None:
        start = c.year(period, "start", "plan.period")
        end = c.year(period, "end", "plan.period")
        if start and end and start > end:
            c.error(c.line_of(plan, "period"), "plan.period: 'start' ligt na 'end'")
    adopted = c.iso_date(plan, "adopted", "plan")
    groups, paths = schema.groups(c, plan)
    plan_milestones = schema.milestones(c, plan, "plan")
    extra = plan.get("extra")
    facts = {
        "title": title,
        "organisation": organisation,
        "period": {"start": start, "end": end},
        "adopted": adopted.isoformat() if adopted else None,
        "source": c.text(plan, "source", "plan", required=False),
        "grouping_levels": c.text_list(plan, "grouping_levels", "plan"),
        "groups": groups,
        "milestones": [milestone_facts(m) for m in plan_milestones],
        "recurring": schema.recurring(c, plan, "plan"),
        "finance": schema.finance(c, plan),
        "indicators": schema.indicators(c, plan),
        "extra": c.extra(plan, "plan"),
    }
    schema.reminders(c, extra, "reminders", "plan.extra.reminders")
    reminders = schema.reminders(c, plan, "reminders", "plan.reminders")
    if reminders is not None:
        facts["reminders"] = reminders
    interventions: list[InterventionSpec] = []
    codes: dict[str, int] = {}
    raw_interventions = doc.get("interventions")
    if not isinstance(raw_interventions, list) or not raw_interventions:
        c.error(c.line_of(doc, "interventions"), "'interventions' moet een lijst met minstens één interventie zijn")
    else:
        for raw, line in c.items(doc, "interventions", "bestand"):
            spec = schema.intervention(c, raw, line, paths, codes)
            if spec is not None:
                interventions.append(spec)
    if c.problems:
        raise PlanFileError(c.problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return PlanSpec(plan_id, title, facts, interventions, name, digest, groups)


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
