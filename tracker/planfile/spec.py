"""The plan as read from a plan file: plain dataclasses the import works from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.periods import Due, Start, term_words


@dataclass(frozen=True)
class MilestoneSpec:
    """A Tijdpad line: a due date, a start, both, or neither (an undated step, ``when`` its words)."""

    id: str
    label: str
    kind: str
    due: Due | None
    done: bool = False
    realised: date | None = None
    note: str = ""
    starts: Start | None = None
    when: str = ""
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def term_text(self) -> str:
        """Return the line's term as the plan words it: its due, its start or its undated words."""
        return term_words(self.due, self.starts, self.when)


@dataclass(frozen=True)
class LinkSpec:
    """What an intervention contributes to in a plan: a group (goal) or an intervention, and why."""

    plan: str
    group: str
    code: str
    reason: str
    judgement: bool = False
    line: int = 0

    def facts(self) -> dict[str, Any]:
        """Return the link as a plan version keeps it."""
        target = {"group": self.group} if self.group else {"code": self.code}
        return {"plan": self.plan, **target, "reason": self.reason, "judgement": self.judgement}


@dataclass(frozen=True)
class InterventionSpec:
    code: str
    title: str
    group_path: list[dict[str, str]]
    domain: str
    details: dict[str, Any]
    milestones: list[MilestoneSpec]
    line: int = 0
    contributes_to: tuple[LinkSpec, ...] = ()


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
    """Return a milestone spec as plain values (a format-1 line as it always was)."""
    facts = {
        "id": m.id, "label": m.label, "kind": m.kind,
        "due": m.due.date.isoformat() if m.due else None,
        "due_precision": m.due.precision if m.due else None,
        "due_text": m.due.text if m.due else None, "done": m.done,
        "realised": m.realised.isoformat() if m.realised else None, "note": m.note,
    }
    if m.starts is not None:
        facts.update(starts=m.starts.date.isoformat(), starts_precision=m.starts.precision,
                     starts_text=m.starts.text)
    if m.when:
        facts["when"] = m.when
    if m.source:
        facts["source"] = m.source
    return facts
