"""Read and validate a plan file (YAML, see docs/plan-format.md) into a PlanSpec.

Every problem is reported as ``FILE:LINE: message`` and nothing is returned unless the whole
file is valid, so an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from events.periods import Due, DueError, parse_due
from events.reminder_settings import check_reminder_settings
from events.vocabulary import Domain, MilestoneKind, is_email
from tracker.errors import PlanFileError

FORMAT_VERSION = 1
DOMAINS = Domain.values()
KINDS = MilestoneKind.values()
FREQUENCIES = ("maand", "kwartaal", "halfjaar", "jaar")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

TEXT_LIST_FIELDS = ("stakeholders", "principles", "risks", "preconditions")


@dataclass(frozen=True)
class MilestoneSpec:
    id: str
    label: str
    kind: str
    due: Due
    done: bool = False
    realised: date | None = None
    note: str = ""


@dataclass(frozen=True)
class InterventionSpec:
    code: str
    title: str
    group_path: list[dict[str, str]]
    domain: str
    details: dict[str, Any]
    milestones: list[MilestoneSpec]
    line: int = 0


@dataclass(frozen=True)
class PlanSpec:
    id: str
    title: str
    facts: dict[str, Any]
    interventions: list[InterventionSpec]
    source_name: str = ""
    source_hash: str = ""
    groups: list[dict[str, Any]] = field(default_factory=list)


def slugify(text: str, limit: int = 48) -> str:
    """Return a lower-case id made of the words of a text."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "x"


# --- YAML with line numbers -------------------------------------------------------------


class _Map(dict):
    line = 0
    key_lines: dict[str, int]


class _Seq(list):
    line = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, key and list item."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        mapping = _Map(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            str(self.construct_object(k)): v.start_mark.line + 1 for k, v in node.value
        }
        return mapping

    def construct_sequence(self, node, deep=False):  # type: ignore[override]
        seq = _Seq(super().construct_sequence(node, deep=True))
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


def _plain(value: Any) -> Any:
    """Turn loader containers into plain dicts and lists (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- validation -------------------------------------------------------------------------


class _Checker:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def line_of(self, mapping: Any, key: str) -> int:
        if isinstance(mapping, _Map):
            return mapping.key_lines.get(key, mapping.line)
        return getattr(mapping, "line", 1)

    def mapping(self, value: Any, line: int, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(line, f"{what} moet een mapping (sleutel: waarde) zijn")
            return None
        return value

    def text(self, mapping: dict, key: str, what: str, required: bool = True) -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet tekst zijn")
            return ""
        return " ".join(value.split()) if "\n" not in value.strip() else value.strip()

    def text_list(self, mapping: dict, key: str, what: str) -> list[str]:
        value = mapping.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()]
        if not isinstance(value, list):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een lijst van teksten zijn")
            return []
        items = []
        lines = getattr(value, "item_lines", [self.line_of(mapping, key)] * len(value))
        for item, line in zip(value, lines):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                self.error(line, f"{what}: elk item van '{key}' moet tekst zijn")
                continue
            items.append(str(item).strip())
        return items

    def items(self, mapping: dict, key: str, what: str) -> list[tuple[Any, int]]:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een lijst zijn")
            return []
        lines = getattr(value, "item_lines", [self.line_of(mapping, key)] * len(value))
        return list(zip(value, lines))

    def unknown_keys(self, mapping: dict, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(
                    self.line_of(mapping, key),
                    f"{what}: onbekend veld '{key}' (zet eigen velden onder 'extra')",
                )

    def number(self, mapping: dict, key: str, what: str, required: bool = True) -> float | int | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een getal zijn, niet '{value}'")
            return None
        return value

    def year(self, mapping: dict, key: str, what: str, required: bool = True) -> int | None:
        value = mapping.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een jaartal zijn")
            return None
        return value

    def choice(self, mapping: dict, key: str, options: tuple[str, ...], what: str,
               default: str | None = None) -> str:
        value = mapping.get(key, default)
        if value is None:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt (kies uit {', '.join(options)})")
            return ""
        if value not in options:
            self.error(self.line_of(mapping, key),
                       f"{what}: '{key}' is '{value}', kies uit {', '.join(options)}")
            return ""
        return value

    def due(self, mapping: dict, key: str, what: str) -> Due | None:
        value = mapping.get(key)
        if value is None:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
            return None
        try:
            return parse_due(value)
        except DueError as exc:
            self.error(self.line_of(mapping, key), f"{what}: termijn {exc}")
            return None

    def iso_date(self, mapping: dict, key: str, what: str) -> date | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een datum JJJJ-MM-DD zijn")
            return None


MILESTONE_KEYS = {"id", "label", "kind", "due", "done", "realised", "note"}


def _milestones(c: _Checker, owner: dict, what: str) -> list[MilestoneSpec]:
    result: list[MilestoneSpec] = []
    seen: dict[str, int] = {}
    for raw, line in c.items(owner, "milestones", what):
        m = c.mapping(raw, line, f"{what}, mijlpaal")
        if m is None:
            continue
        c.unknown_keys(m, MILESTONE_KEYS, f"{what}, mijlpaal")
        label = c.text(m, "label", f"{what}, mijlpaal")
        where = f"{what}, mijlpaal '{label or '?'}'"
        mid = m.get("id")
        if mid is None:
            mid = slugify(label) if label else ""
        elif not isinstance(mid, str) or not _ID.match(mid):
            c.error(c.line_of(m, "id"), f"{where}: id '{mid}' mag alleen a-z, 0-9 en - bevatten")
            mid = ""
        if mid in seen:
            c.error(line, f"{where}: id '{mid}' komt al voor op regel {seen[mid]}")
        elif mid:
            seen[mid] = line
        kind = c.choice(m, "kind", KINDS, where, default="other")
        due = c.due(m, "due", where)
        realised = c.iso_date(m, "realised", where)
        done = m.get("done", False)
        if not isinstance(done, bool):
            c.error(c.line_of(m, "done"), f"{where}: 'done' moet true of false zijn")
            done = False
        note = c.text(m, "note", where, required=False)
        if label and mid and due:
            result.append(MilestoneSpec(mid, label, kind, due, done or realised is not None, realised, note))
    return result


def _recurring(c: _Checker, owner: dict, what: str) -> list[dict[str, str]]:
    result = []
    for raw, line in c.items(owner, "recurring", what):
        r = c.mapping(raw, line, f"{what}, terugkerende afspraak")
        if r is None:
            continue
        c.unknown_keys(r, {"label", "every", "note"}, f"{what}, terugkerende afspraak")
        label = c.text(r, "label", f"{what}, terugkerende afspraak")
        every = c.choice(r, "every", FREQUENCIES, f"{what}, terugkerende afspraak '{label}'")
        result.append({"label": label, "every": every, "note": c.text(r, "note", what, required=False)})
    return result


def _groups(c: _Checker, plan: dict) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, str]]]]:
    paths: dict[str, list[dict[str, str]]] = {}

    def walk(owner: dict, parent: list[dict[str, str]], what: str) -> list[dict[str, Any]]:
        tree = []
        for raw, line in c.items(owner, "groups", what):
            g = c.mapping(raw, line, "groep")
            if g is None:
                continue
            c.unknown_keys(g, {"key", "title", "summary", "groups"}, "groep")
            key = c.text(g, "key", "groep")
            title = c.text(g, "title", f"groep '{key}'")
            if key in paths:
                c.error(line, f"groep '{key}' komt twee keer voor")
            path = parent + [{"key": key, "title": title}]
            paths[key] = path
            tree.append({
                "key": key, "title": title,
                "summary": c.text(g, "summary", "groep", required=False),
                "groups": walk(g, path, f"groep '{key}'"),
            })
        return tree

    return walk(plan, [], "plan"), paths


def _finance(c: _Checker, plan: dict) -> dict[str, Any]:
    raw = plan.get("finance")
    if raw is None:
        return {}
    fin = c.mapping(raw, c.line_of(plan, "finance"), "finance")
    if fin is None:
        return {}
    c.unknown_keys(fin, {"currency", "targets", "baseline", "expected_savings", "budget", "note"}, "finance")
    result: dict[str, Any] = {"currency": fin.get("currency", "EUR")}
    shapes = {
        "targets": ({"domain", "amount", "from", "until", "note"}, ("amount",), ("from",)),
        "baseline": ({"domain", "amount", "basis", "year", "note"}, ("amount",), ()),
        "expected_savings": ({"domain", "year", "min", "max", "note"}, ("min", "max"), ("year",)),
        "budget": ({"domain", "year", "amount", "label", "intervention", "note"}, ("amount",), ("year",)),
    }
    for key, (allowed, numbers, years) in shapes.items():
        rows = []
        for raw_row, line in c.items(fin, key, "finance"):
            row = c.mapping(raw_row, line, f"finance.{key}")
            if row is None:
                continue
            c.unknown_keys(row, allowed, f"finance.{key}")
            c.choice(row, "domain", DOMAINS, f"finance.{key}")
            for n in numbers:
                c.number(row, n, f"finance.{key}")
            for y in years:
                c.year(row, y, f"finance.{key}")
            if key == "expected_savings" and isinstance(row.get("min"), (int, float)) \
                    and isinstance(row.get("max"), (int, float)) and row["min"] > row["max"]:
                c.error(line, "finance.expected_savings: 'min' is groter dan 'max'")
            rows.append(_plain(row))
        result[key] = rows
    if fin.get("note"):
        result["note"] = str(fin["note"])
    return result


def _indicators(c: _Checker, plan: dict) -> list[dict[str, Any]]:
    result = []
    seen: set[str] = set()
    for raw, line in c.items(plan, "indicators", "plan"):
        ind = c.mapping(raw, line, "indicator")
        if ind is None:
            continue
        c.unknown_keys(ind, {"id", "name", "unit", "domain", "frequency", "target", "description", "source"}, "indicator")
        iid = c.text(ind, "id", "indicator")
        if iid and not _ID.match(iid):
            c.error(c.line_of(ind, "id"), f"indicator: id '{iid}' mag alleen a-z, 0-9 en - bevatten")
        if iid in seen:
            c.error(line, f"indicator '{iid}' komt twee keer voor")
        seen.add(iid)
        c.text(ind, "name", f"indicator '{iid}'")
        if "domain" in ind:
            c.choice(ind, "domain", DOMAINS, f"indicator '{iid}'")
        if "frequency" in ind:
            c.choice(ind, "frequency", FREQUENCIES, f"indicator '{iid}'")
        if "target" in ind:
            _target(c, ind, f"indicator '{iid}'")
        result.append(_plain(ind))
    return result


def _target(c: _Checker, owner: dict, what: str) -> dict[str, Any] | None:
    t = c.mapping(owner["target"], c.line_of(owner, "target"), f"{what}: target")
    if t is None:
        return None
    c.unknown_keys(t, {"value", "unit", "by", "direction", "note"}, f"{what}: target")
    c.number(t, "value", f"{what}: target")
    if "by" in t:
        c.due(t, "by", f"{what}: target")
    if "direction" in t:
        c.choice(t, "direction", ("up", "down"), f"{what}: target")
    return _plain(t)


INTERVENTION_KEYS = {
    "code", "title", "group", "domain", "summary", "results", "milestones", "recurring",
    "stakeholders", "principles", "risks", "preconditions", "costs", "source", "extra",
}


def _intervention(c: _Checker, raw: Any, line: int, paths: dict, codes: dict[str, int]) -> InterventionSpec | None:
    iv = c.mapping(raw, line, "interventie")
    if iv is None:
        return None
    title = c.text(iv, "title", "interventie")
    code = iv.get("code")
    if code is None:
        code = slugify(title, 32) if title else ""
    elif isinstance(code, float):
        c.error(c.line_of(iv, "code"), f"interventie: code {code} leest als getal: zet de code "
                "tussen aanhalingstekens (bijvoorbeeld code: \"2.10\")")
        code = str(code)
    else:
        code = str(code)
        if not _CODE.match(code):
            c.error(c.line_of(iv, "code"), f"interventie: code '{code}' bevat tekens die niet mogen")
    what = f"interventie {code}"
    c.unknown_keys(iv, INTERVENTION_KEYS, what)
    if code in codes:
        c.error(line, f"{what}: code komt al voor op regel {codes[code]}")
    codes[code] = line
    group_path: list[dict[str, str]] = []
    if "group" in iv:
        key = str(iv["group"])
        if key not in paths:
            c.error(c.line_of(iv, "group"), f"{what}: groep '{key}' staat niet in plan.groups")
        else:
            group_path = paths[key]
    domain = c.choice(iv, "domain", DOMAINS, what)
    results = []
    for raw_r, rline in c.items(iv, "results", what):
        if isinstance(raw_r, str):
            results.append({"text": raw_r.strip()})
            continue
        r = c.mapping(raw_r, rline, f"{what}, resultaat")
        if r is None:
            continue
        c.unknown_keys(r, {"text", "target"}, f"{what}, resultaat")
        entry: dict[str, Any] = {"text": c.text(r, "text", f"{what}, resultaat")}
        if "target" in r:
            entry["target"] = _target(c, r, f"{what}, resultaat")
        results.append(entry)
    costs = []
    for raw_c, cline in c.items(iv, "costs", what):
        row = c.mapping(raw_c, cline, f"{what}, kosten")
        if row is None:
            continue
        c.unknown_keys(row, {"year", "amount", "domain", "note"}, f"{what}, kosten")
        c.year(row, "year", f"{what}, kosten")
        c.number(row, "amount", f"{what}, kosten")
        if "domain" in row:
            c.choice(row, "domain", DOMAINS, f"{what}, kosten")
        costs.append(_plain(row))
    source = iv.get("source")
    if source is not None and not isinstance(source, dict):
        c.error(c.line_of(iv, "source"), f"{what}: 'source' moet een mapping zijn")
    extra = iv.get("extra")
    if extra is not None and not isinstance(extra, dict):
        c.error(c.line_of(iv, "extra"), f"{what}: 'extra' moet een mapping zijn")
    details = {
        "summary": c.text(iv, "summary", what, required=False),
        "results": results,
        "recurring": _recurring(c, iv, what),
        **{key: c.text_list(iv, key, what) for key in TEXT_LIST_FIELDS},
        "costs": costs,
        "source": _plain(source or {}),
        "extra": _plain(extra or {}),
    }
    milestones = _milestones(c, iv, what)
    if not title:
        return None
    return InterventionSpec(code, title, group_path, domain, details, milestones, line)


PLAN_KEYS = {
    "id", "title", "organisation", "period", "adopted", "source", "grouping_levels", "groups",
    "milestones", "recurring", "finance", "indicators", "reminders", "extra",
}

def _reminders(c: _Checker, owner: Any, key: str, where: str) -> dict[str, Any] | None:
    """Check reminder settings (docs/reminders.md) with the check every run applies; None when absent."""
    if not isinstance(owner, dict) or owner.get(key) is None:
        return None
    raw = owner[key]
    values, problems = check_reminder_settings(raw, where)
    for problem in problems:
        line = c.line_of(raw, problem.key) if isinstance(raw, dict) and problem.key else c.line_of(owner, key)
        c.error(line, problem.message)
    return values


def parse_plan(text: str, name: str = "<plan>") -> PlanSpec:
    """Validate the text of a plan file and return its spec, or raise PlanFileError."""
    c = _Checker(name)
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise PlanFileError([f"{name}:{line}: geen geldige YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise PlanFileError([f"{name}:1: geen geldige YAML: {exc}"]) from None
    if not isinstance(doc, dict):
        raise PlanFileError([f"{name}:1: een planbestand begint met 'format', 'plan' en 'interventions'"])
    c.unknown_keys(doc, {"format", "plan", "interventions"}, "bestand")
    if doc.get("format") != FORMAT_VERSION:
        c.error(c.line_of(doc, "format"), f"'format' moet {FORMAT_VERSION} zijn")
    plan = c.mapping(doc.get("plan"), c.line_of(doc, "plan"), "'plan'")
    if plan is None:
        raise PlanFileError(c.problems)
    c.unknown_keys(plan, PLAN_KEYS, "plan")
    plan_id = c.text(plan, "id", "plan")
    if plan_id and not _ID.match(plan_id):
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
    groups, paths = _groups(c, plan)
    plan_milestones = _milestones(c, plan, "plan")
    extra = plan.get("extra")
    if extra is not None and not isinstance(extra, dict):
        c.error(c.line_of(plan, "extra"), "plan: 'extra' moet een mapping zijn")
    facts = {
        "title": title,
        "organisation": organisation,
        "period": {"start": start, "end": end},
        "adopted": adopted.isoformat() if adopted else None,
        "source": c.text(plan, "source", "plan", required=False),
        "grouping_levels": c.text_list(plan, "grouping_levels", "plan"),
        "groups": groups,
        "milestones": [milestone_facts(m) for m in plan_milestones],
        "recurring": _recurring(c, plan, "plan"),
        "finance": _finance(c, plan),
        "indicators": _indicators(c, plan),
        "extra": _plain(extra or {}),
    }
    _reminders(c, extra, "reminders", "plan.extra.reminders")
    reminders = _reminders(c, plan, "reminders", "plan.reminders")
    if reminders is not None:
        facts["reminders"] = reminders
    interventions: list[InterventionSpec] = []
    codes: dict[str, int] = {}
    raw_interventions = doc.get("interventions")
    if not isinstance(raw_interventions, list) or not raw_interventions:
        c.error(c.line_of(doc, "interventions"), "'interventions' moet een lijst met minstens één interventie zijn")
    else:
        for raw, line in c.items(doc, "interventions", "bestand"):
            spec = _intervention(c, raw, line, paths, codes)
            if spec is not None:
                interventions.append(spec)
    if c.problems:
        raise PlanFileError(c.problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return PlanSpec(plan_id, title, facts, interventions, name, digest, groups)


def milestone_facts(m: MilestoneSpec) -> dict[str, Any]:
    """Return a milestone spec as plain values."""
    return {
        "id": m.id, "label": m.label, "kind": m.kind, "due": m.due.date.isoformat(),
        "due_precision": m.due.precision, "due_text": m.due.text, "done": m.done,
        "realised": m.realised.isoformat() if m.realised else None, "note": m.note,
    }


def read_plan_file(path: str | Path) -> PlanSpec:
    """Read and validate a plan file from disk."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError([f"{path}:0: bestand bestaat niet"]) from None
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"{path}:1: bestand is geen UTF-8-tekst ({exc.reason})"]) from None
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


if __name__ == "__main__":
    raise SystemExit(main())
