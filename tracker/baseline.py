"""The beginstand: what had already happened to the Tijdpad when the gemeente started using the tracker.

One command records it in one go, with the dates given: every milestone done on its day,
moved to its new term, or left open. Mixed into TrackerApp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker.actors import Actor
from tracker.errors import DomainError, LinesError, TrackerError

STATES = ("open", "gereed", "verschoven")
UNKNOWN_REASON = "Vastgelegd in de beginstand; de reden is niet vastgelegd"


@dataclass(frozen=True)
class BaselineEntry:
    """What became of one milestone: left open, done on ``day``, or moved to ``due`` (decided on ``day``)."""

    code: str
    milestone_id: str
    state: str
    day: date | None = None
    due: str = ""
    reason: str = ""
    line: int = 0  # where it was read (a CSV line), for the error


class BaselineCommands:
    """Record the beginstand of a plan's Tijdpad."""

    def record_baseline(self, plan_id: str, entries: list[BaselineEntry], *, at: datetime,
                        by: Actor | str) -> int:
        """Record every entry in one transaction, or none when any is wrong; return the changes recorded."""
        actor = self.acting(by, "import_plan")  # type: ignore[attr-defined]
        from tracker.application import to_due

        problems: list[str] = []
        touched: dict[str, Any] = {}
        recorded = 0
        for n, entry in enumerate(entries, start=1):
            where = f"Regel {entry.line}" if entry.line else f"{entry.code} {entry.milestone_id}"
            try:
                if entry.state not in STATES:
                    raise DomainError(f"Onbekende stand '{entry.state}': kies open, gereed of verschoven.")
                if entry.state == "open":
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
            raise LinesError(problems)
        if not recorded:
            raise LinesError(["Er is niets vastgelegd: alle mijlpalen staan op open."])
        self._save(*touched.values())  # type: ignore[attr-defined]
        return recorded


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


def read_baseline_csv(data: bytes) -> list[BaselineEntry]:
    """Read a beginstand CSV (interventie;mijlpaal;stand;datum;termijn;reden), or say per line what is wrong."""
    from tracker.csv_rows import read_csv_rows

    entries, problems = [], []
    for row in read_csv_rows(data, CSV_HEADERS, optional=("day", "due", "reason")):
        try:
            if row.get("error"):
                raise DomainError(row["error"])
            entries.append(BaselineEntry(row["code"], row["milestone"], row["state"].lower(), _day(row["day"]),
                                         row["due"], row["reason"], row["line"]))
        except DomainError as exc:
            problems.append(f"Regel {row['line']}: {exc}")
    if problems:
        raise LinesError(problems)
    return entries
