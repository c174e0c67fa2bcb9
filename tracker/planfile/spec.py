"""The plan as read from a plan file: plain dataclasses the import works from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.periods import Due


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


def milestone_facts(m: MilestoneSpec) -> dict[str, Any]:
    """Return a milestone spec as plain values."""
    return {
        "id": m.id, "label": m.label, "kind": m.kind, "due": m.due.date.isoformat(),
        "due_precision": m.due.precision, "due_text": m.due.text, "done": m.done,
        "realised": m.realised.isoformat() if m.realised else None, "note": m.note,
    }
