"""The normering of a plan (seed 003, Bijlage 1): norms per aanbieder and zorgsoort per year, spending, analysegesprekken.

One aggregate per plan. An upload is one command: every line is checked first and the whole
file recorded as one event, or nothing with one problem per wrong line. Mixed into TrackerApp.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from events.normering import AnalysisTalkHeld, AnalysisTalkPlanned, NormeringOpened, NormsRecorded, SpendingRecorded
from events.periods import Due, DueError, parse_due
from tracker.actors import Actor, RecordsActor
from tracker.errors import DomainError, LinesError, NotFoundError
from tracker.inputs import amount_text, parse_amount, parse_period

AMOUNTS = ("bestedingsruimte", "signaalplafond", "instroomtarget")
MAX_TEXT = 200


def normering_uuid(plan_id: str) -> UUID:
    """Return the stable aggregate id of a plan's normering."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:normering:{plan_id}")


def name_key(text: str) -> str:
    """Return how names of aanbieders and zorgsoorten are compared: case and spacing do not count."""
    return " ".join(str(text or "").split()).casefold()


def _name(row: dict[str, Any], key: str, what: str) -> str:
    value = " ".join(str(row.get(key) or "").split())
    if not value:
        raise DomainError(f"{what} ontbreekt.")
    if len(value) > MAX_TEXT:
        raise DomainError(f"{what} is te lang (ten hoogste {MAX_TEXT} tekens).")
    return value


def _names(row: dict[str, Any]) -> tuple[str, str]:
    """Return a CSV line's aanbieder and zorgsoort, or raise what is wrong with the line."""
    if row.get("error"):
        raise DomainError(row["error"])
    return _name(row, "aanbieder", "De aanbieder"), _name(row, "zorgsoort", "De zorgsoort")


def _money(value: object, what: str) -> str:
    number = parse_amount(value)
    if number < 0:
        raise DomainError(f"{what} kan niet negatief zijn ('{value}').")
    return amount_text(number)


class Normering(RecordsActor, Aggregate):
    """The norms, spending and analysegesprekken of one plan."""

    @classmethod
    def open_(cls, *, plan_id: str, at: datetime, by: str) -> Normering:
        """Start the normering of a plan."""
        return cls._create(NormeringOpened, id=normering_uuid(plan_id), plan_id=plan_id, at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: NormeringOpened) -> None:
        self.plan_id = e.plan_id
        # (aanbieder key, zorgsoort key, year) -> the norm as recorded last
        self.norms: dict[tuple[str, str, int], dict[str, Any]] = {}
        # (aanbieder key, zorgsoort key) -> period key -> (start, end, amount)
        self.spending: dict[tuple[str, str], dict[str, tuple[str, str, str]]] = {}
        self.talks: dict[str, dict[str, Any]] = {}

    @when.register
    def _(self, e: NormsRecorded) -> None:
        for norm in e.norms:
            self.norms[(name_key(norm["aanbieder"]), name_key(norm["zorgsoort"]), norm["jaar"])] = norm

    @when.register
    def _(self, e: SpendingRecorded) -> None:
        for line in e.lines:
            periods = self.spending.setdefault((name_key(line["aanbieder"]), name_key(line["zorgsoort"])), {})
            periods[line["periode"]] = (line["start"], line["end"], line["bedrag"])

    @when.register
    def _(self, e: AnalysisTalkPlanned) -> None:
        self.talks[e.talk_id] = {"aanbieder": e.aanbieder, "zorgsoort": e.zorgsoort, "jaar": e.jaar,
                                 "held_on": None}

    @when.register
    def _(self, e: AnalysisTalkHeld) -> None:
        self.talks[e.talk_id]["held_on"] = e.held_on

    # --- commands ------------------------------------------------------------------------

    def record_norms(self, rows: list[dict[str, Any]], *, years: tuple[int, int], source: str,
                     at: datetime, by: str) -> int:
        """Record the norms of an upload, all or none; ``years`` is the plan's period."""
        norms, problems, seen = [], [], {}
        for row in rows:
            try:
                aanbieder, zorgsoort = _names(row)
                try:
                    jaar = int(str(row.get("jaar") or "").strip())
                except ValueError:
                    raise DomainError(f"'{row.get('jaar')}' is geen jaartal.") from None
                if not years[0] <= jaar <= years[1]:
                    raise DomainError(f"Het jaar {jaar} valt buiten de looptijd van het plan ({years[0]}-{years[1]}).")
                amounts = {key: _money(row[key], key) if str(row.get(key) or "").strip() else ""
                           for key in AMOUNTS}
                if not any(amounts.values()):
                    raise DomainError("Geef een bestedingsruimte, signaalplafond of instroomtarget op.")
                key = (name_key(aanbieder), name_key(zorgsoort), jaar)
                if key in seen:
                    raise DomainError(f"{aanbieder}, {zorgsoort}, {jaar} staat al op regel {seen[key]}.")
                seen[key] = row["line"]
                norms.append({"aanbieder": aanbieder, "zorgsoort": zorgsoort, "jaar": jaar, **amounts})
            except DomainError as exc:
                problems.append(f"Regel {row['line']}: {exc}")
        if not rows:
            raise LinesError(["Het bestand bevat geen normen."])
        if problems:
            raise LinesError(problems)
        changed = [n for n in norms
                   if self.norms.get((name_key(n["aanbieder"]), name_key(n["zorgsoort"]), n["jaar"])) != n]
        if not changed:
            raise DomainError("Deze normen zijn al zo vastgelegd; er is niets gewijzigd.")
        self.trigger_event(NormsRecorded, plan_id=self.plan_id, norms=changed, source=source, at=at, by=by)
        return len(changed)

    def record_spending(self, rows: list[dict[str, Any]], *, source: str, at: datetime, by: str) -> int:
        """Record the spending lines of an upload, all or none."""
        lines, problems = [], []
        taken: dict[tuple[str, str], dict[str, tuple[str, str, int]]] = {}
        for row in rows:
            try:
                aanbieder, zorgsoort = _names(row)
                period = parse_period(row.get("periode"))
                if period.end >= at.date():
                    raise DomainError(f"De periode {period.display} is nog niet voorbij: leg de besteding vast "
                                      "over een verstreken maand, kwartaal of jaar.")
                bedrag = _money(row.get("bedrag"), "Het bedrag")
                who = (name_key(aanbieder), name_key(zorgsoort))
                norm = self.norms.get((*who, period.year))
                if norm is None:
                    raise DomainError(f"Er is geen norm voor {aanbieder}, {zorgsoort} in {period.year}: "
                                      "leg eerst de norm vast (tracker import-norms).")
                start, end = period.start.isoformat(), period.end.isoformat()
                existing = {**self.spending.get(who, {}),
                            **{k: (s, e, "") for k, (s, e, _) in taken.get(who, {}).items()}}
                for key, (s, e, *_) in existing.items():
                    if key != period.key and s <= end and start <= e:
                        raise DomainError(f"{period.display} overlapt met {key}, al vastgelegd voor {aanbieder}, "
                                          f"{zorgsoort}: corrigeer die periode zelf, of gebruik dezelfde periode.")
                if period.key in taken.get(who, {}):
                    raise DomainError(f"{period.display} staat al op regel {taken[who][period.key][2]}.")
                taken.setdefault(who, {})[period.key] = (start, end, row["line"])
                lines.append({"aanbieder": norm["aanbieder"], "zorgsoort": norm["zorgsoort"], "jaar": period.year,
                              "periode": period.key, "start": start, "end": end, "bedrag": bedrag})
            except DomainError as exc:
                problems.append(f"Regel {row['line']}: {exc}")
        if not rows:
            raise LinesError(["Het bestand bevat geen bestedingen."])
        if problems:
            raise LinesError(problems)
        self.trigger_event(SpendingRecorded, plan_id=self.plan_id, lines=lines, source=source, at=at, by=by)
        return len(lines)

    def plan_talk(self, *, aanbieder: str, zorgsoort: str, jaar: object, due: Due | str, owner: str,
                  note: str = "", at: datetime, by: str) -> str:
        """Plan an analysegesprek about an aanbieder's spending of a year; return its id."""
        try:
            jaar = int(str(jaar).strip())
        except ValueError:
            raise DomainError(f"'{jaar}' is geen jaartal.") from None
        norm = self.norms.get((name_key(aanbieder), name_key(zorgsoort), jaar))
        if norm is None:
            raise DomainError(f"Er is geen norm voor {aanbieder}, {zorgsoort} in {jaar}.")
        owner = " ".join((owner or "").split())
        if not owner:
            raise DomainError("Geef op wie het analysegesprek voert (de eigenaar).")
        if not isinstance(due, Due):
            try:
                due = parse_due(due)
            except DueError as exc:
                raise DomainError(f"Ongeldige termijn: {exc.message}.") from None
        talk_id = str(len(self.talks) + 1)
        self.trigger_event(AnalysisTalkPlanned, plan_id=self.plan_id, talk_id=talk_id,
                           aanbieder=norm["aanbieder"], zorgsoort=norm["zorgsoort"], jaar=jaar, due=due.date,
                           due_text=due.text, owner=owner, note=" ".join((note or "").split()), at=at, by=by)
        return talk_id

    def record_talk_held(self, talk_id: str, *, held_on: date, note: str = "", at: datetime, by: str) -> None:
        """Record that an analysegesprek was held."""
        talk = self.talks.get(str(talk_id).strip())
        if talk is None:
            raise NotFoundError(f"Onbekend analysegesprek '{talk_id}'.")
        if talk["held_on"] is not None:
            raise DomainError(f"Analysegesprek {talk_id} is al gehouden op {talk['held_on']:%d-%m-%Y}.")
        if held_on > at.date():
            raise DomainError(f"{held_on:%d-%m-%Y} ligt in de toekomst.")
        self.trigger_event(AnalysisTalkHeld, plan_id=self.plan_id, talk_id=str(talk_id).strip(), held_on=held_on,
                           note=" ".join((note or "").split()), at=at, by=by)


class NormeringCommands:
    """The normering commands of TrackerApp."""

    def _normering(self, plan_id: str, *, create: bool = False, at: datetime | None = None,
                   by: str = "") -> Normering:
        plan = self.get_plan(plan_id)  # type: ignore[attr-defined]
        try:
            return self.repository.get(normering_uuid(plan.plan_id))  # type: ignore[attr-defined]
        except AggregateNotFoundError:
            if not create:
                raise DomainError(f"Voor plan '{plan_id}' zijn nog geen normen vastgelegd "
                                  "(tracker import-norms).") from None
            return Normering.open_(plan_id=plan.plan_id, at=at, by=by)  # type: ignore[arg-type]

    def record_norms(self, plan_id: str, rows: list[dict[str, Any]], *, source: str = "", at: datetime,
                     by: Actor | str) -> int:
        """Record norms per aanbieder, zorgsoort and year (an upload): all, or none; return how many changed."""
        actor = self.acting(by, "record_data")  # type: ignore[attr-defined]
        plan = self.get_plan(plan_id)  # type: ignore[attr-defined]
        period = plan.facts["period"]
        normering = self._normering(plan_id, create=True, at=at, by=actor)
        count = normering.record_norms(rows, years=(period["start"], period["end"]), source=source, at=at, by=actor)
        self._save(normering)  # type: ignore[attr-defined]
        return count

    def record_spending(self, plan_id: str, rows: list[dict[str, Any]], *, source: str = "", at: datetime,
                        by: Actor | str) -> int:
        """Record realised spending per aanbieder, zorgsoort and period (an upload): all, or none."""
        actor = self.acting(by, "record_data")  # type: ignore[attr-defined]
        normering = self._normering(plan_id)
        count = normering.record_spending(rows, source=source, at=at, by=actor)
        self._save(normering)  # type: ignore[attr-defined]
        return count

    def plan_analysis_talk(self, plan_id: str, *, aanbieder: str, zorgsoort: str, jaar: object, due: str,
                           owner: str, note: str = "", at: datetime, by: Actor | str) -> str:
        """Plan an analysegesprek with a term and an owner; return its id."""
        actor = self.acting(by, "record_data")  # type: ignore[attr-defined]
        normering = self._normering(plan_id)
        talk_id = normering.plan_talk(aanbieder=aanbieder, zorgsoort=zorgsoort, jaar=jaar, due=due, owner=owner,
                                      note=note, at=at, by=actor)
        self._save(normering)  # type: ignore[attr-defined]
        return talk_id

    def record_analysis_talk_held(self, plan_id: str, talk_id: str, *, held_on: date, note: str = "",
                                  at: datetime, by: Actor | str) -> None:
        """Record that an analysegesprek was held."""
        actor = self.acting(by, "record_data")  # type: ignore[attr-defined]
        normering = self._normering(plan_id)
        normering.record_talk_held(talk_id, held_on=held_on, note=note, at=at, by=actor)
        self._save(normering)  # type: ignore[attr-defined]

