"""The beginstand: what had already happened to the Tijdpad when the gemeente started using the tracker.

One command records it in one go, with the dates given: every milestone done on its day,
moved to its new term, or left open. The plan's own milestones are among them, named by the
reserved code ``plan`` (PLAN_CODE) where an intervention's code stands. Mixed into TrackerApp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from events.vocabulary import PLAN_CODE
from tracker.actors import Actor
from tracker.errors import DomainError, LinesError, TrackerError

STATES = ("open", "gereed", "verschoven")


def is_plan_code(code: str) -> bool:
    """Tell whether a beginstand line's code names the plan itself rather than an intervention."""
    return code.strip().lower() == PLAN_CODE
UNKNOWN_REASON = "Vastgelegd in de beginstand; de reden is niet vastgelegd"


@dataclass(frozen=True)
class BaselineEntry:
    """What became of one milestone: left open, done on ``day``, or moved to ``due`` (decided on ``day``)."""

    code: str  # an intervention's code, or PLAN_CODE for a milestone of the plan itself
    milestone_id: str
    state: str
    day: date | None = None
    due: str = ""
    reason: str = ""
    line: int = 0  # where it was read (a CSV line), for the error


class BaselineCommands:
    """Record the beginstand of a plan's Tijdpad."""

    def record_baseline(self, plan_id: str, entries: list[BaselineEntry], *, at: datetime,
                        by: Actor | str, refused: Sequence[str] = ()) -> int:
        """Record every entry in one transaction, or none when any is wrong; return the changes recorded.

        ``refused``: the problems of lines that could not be read at all (a date that is no date); the
        other lines are checked all the same, so that every wrong line is named at once.
        """
        actor = self.acting(by, "import_plan")  # type: ignore[attr-defined]
        from tracker.application import to_due
        from tracker.permissions import refuse_unless

        if any(is_plan_code(e.code) and e.state != "open" for e in entries):
            refuse_unless(actor, "plan_milestones")
        problems: list[str] = list(refused)
        touched: dict[str, Any] = {}
        plan = None
        recorded = 0
        seen: dict[tuple[str, str], str] = {}
        for entry in entries:
            where = f"Regel {entry.line}" if entry.line else f"{entry.code} {entry.milestone_id}"
            milestone = (PLAN_CODE if is_plan_code(entry.code) else entry.code.strip(), entry.milestone_id.strip())
            if milestone in seen:
                problems.append(f"{where}: mijlpaal {entry.milestone_id} van {entry.code} staat ook op "
                                f"{seen[milestone].replace('Regel ', 'regel ', 1)}: één regel per mijlpaal.")
                continue
            seen[milestone] = where
            try:
                if entry.state not in STATES:
                    raise DomainError(f"Onbekende stand '{entry.state}': kies open, gereed of verschoven.")
                if entry.state == "open":
                    continue
                if is_plan_code(entry.code):
                    plan = plan or self.get_plan(plan_id)  # type: ignore[attr-defined]
                    self._record_plan_entry(plan, entry, at, actor)
                    recorded += 1
                    continue
                iv = touched.get(entry.code) or self.get_intervention(plan_id, entry.code)  # type: ignore[attr-defined]
                if entry.state == "gereed":
                    if entry.day is None:
                        raise DomainError("Geef de datum op waarop de mijlpaal gereed was.")
                    iv.complete_milestone(entry.milestone_id, realised=entry.day, at=at, by=actor)
                else:
                    if not entry.due.strip():
                        raise DomainError("Geef de nieuwe termijn op, bijvoorbeeld Q3 2026.")
                    iv.reschedule_milestone(entry.milestone_id, due=to_due(entry.due),
                                            reason=entry.reason.strip() or UNKNOWN_REASON, at=at, by=actor,
                                            valid_on=entry.day)
                touched[entry.code] = iv
                recorded += 1
            except TrackerError as exc:
                problems.append(f"{where}: {exc}")
        if problems:
            raise LinesError(sorted(problems, key=_line_of))
        if not recorded:
            raise LinesError(["Er is niets vastgelegd: alle mijlpalen staan op open."])
        self._save(*touched.values(), *([plan] if plan is not None and plan.pending_events else []))  # type: ignore[attr-defined]
        return recorded

    @staticmethod
    def _record_plan_entry(plan: Any, entry: BaselineEntry, at: datetime, actor: Actor) -> None:
        """Record what became of one of the plan's own milestones (checked by the Plan, as its commands are)."""
        from tracker.application import to_due

        if entry.state == "gereed":
            plan.complete_plan_milestone(entry.milestone_id, realised=entry.day, at=at, by=actor)
            return
        if not entry.due.strip():
            raise DomainError("Geef de nieuwe termijn op, bijvoorbeeld Q3 2026.")
        plan.reschedule_plan_milestone(entry.milestone_id, due=to_due(entry.due, plan.facts.get("year_context")),
                                       reason=entry.reason.strip() or UNKNOWN_REASON, at=at, by=actor,
                                       valid_on=entry.day)

CSV_HEADERS = {
    "code": ("interventie", "code"), "milestone": ("mijlpaal", "milestone", "id"),
    "state": ("stand", "state"), "day": ("datum", "date"), "due": ("termijn", "due"),
    "reason": ("reden", "reason"),
}


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise DomainError(f"'{text}' is geen datum (JJJJ-MM-DD of DD-MM-JJJJ).")


def _line_of(problem: str) -> int:
    """Return the line a problem names ("Regel 7: …"), for the order they are told in (0: none)."""
    head = problem.split(":", 1)[0]
    return int(head[6:]) if head.startswith("Regel ") and head[6:].isdigit() else 0


def read_baseline_csv(data: bytes, problems: list[str] | None = None) -> list[BaselineEntry]:
    """Read a beginstand CSV (interventie;mijlpaal;stand;datum;termijn;reden), or say per line what is wrong.

    With ``problems``: add the lines that cannot be read to it and return the others (for
    ``record_baseline`` to check them too); without: raise LinesError.
    """
    from tracker.csv_rows import read_csv_rows

    wrong = problems if problems is not None else []

    entries = []
    for row in read_csv_rows(data, CSV_HEADERS, optional=("day", "due", "reason")):
        try:
            if row.get("error"):
                raise DomainError(row["error"])
            entries.append(BaselineEntry(row["code"], row["milestone"], row["state"].lower(), _day(row["day"]),
                                         row["due"], row["reason"], row["line"]))
        except DomainError as exc:
            wrong.append(f"Regel {row['line']}: {exc}")
    if wrong and problems is None:
        raise LinesError(wrong)
    return entries
