"""The Intervention aggregate: one maatregel of a plan, with its Tijdpad.

An aggregate keeps its commands and the handlers that apply its events in one class (the
eventsourcing library's model), so the Tijdpad's rules read in one place; hence past 300 lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.intervention import (
    InterventionAdded,
    InterventionClosed,
    InterventionDropped,
    InterventionReinstated,
    InterventionRevised,
    MilestoneCancelled,
    MilestoneCompleted,
    MilestonePlanned,
    MilestoneRelabelled,
    MilestoneRescheduled,
    NoteAdded,
    ReviewRecorded,
    StoplichtSet,
    TrekkerAssigned,
    UpToDateConfirmed,
)
from events.contributions import ContributionLinked, ContributionUnlinked, link_key
from events.periods import Due, Start, term_words
from events.vocabulary import Domain, MilestoneKind, Stoplicht, is_email
from tracker.actors import RecordsActor
from tracker.errors import DomainError, NotFoundError
from tracker.slugs import slugify
from tracker.users import person_name

KINDS = MilestoneKind.values()
STOPLICHT = Stoplicht.settable_values()


# What a change touches, for telling whether two changes made from the same page commute.
EVERYTHING = "*"


def milestone_key(milestone_id: str) -> str:
    """Return what a change of one milestone touches."""
    return f"mijlpaal:{milestone_id}"


def touched_by(event: Any) -> frozenset[str]:
    """Return what an event changed of an intervention (EVERYTHING for a change of the whole).

    Notes, "nog actueel", reviews and new milestones touch nothing another change depends on.
    """
    if isinstance(event, (NoteAdded, UpToDateConfirmed, ReviewRecorded, MilestonePlanned)):
        return frozenset()
    if isinstance(event, (MilestoneCompleted, MilestoneRescheduled, MilestoneCancelled, MilestoneRelabelled)):
        return frozenset({milestone_key(event.milestone_id)})
    if isinstance(event, StoplichtSet):
        return frozenset({"stoplicht"})
    if isinstance(event, TrekkerAssigned):
        return frozenset({"trekker"})
    if isinstance(event, (ContributionLinked, ContributionUnlinked)):
        return frozenset({"bijdragen"})
    return frozenset({EVERYTHING})


def overlap(changed: frozenset[str], wanted: frozenset[str]) -> bool:
    """Tell whether a change that touched ``changed`` conflicts with one that touches ``wanted``."""
    if not changed or not wanted:
        return False
    return EVERYTHING in changed or EVERYTHING in wanted or bool(changed & wanted)


def intervention_id(plan_id: str, code: str) -> UUID:
    """Return the stable id of an intervention of a plan."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:intervention:{plan_id}:{code}")


@dataclass
class Milestone:
    """A milestone's state inside the aggregate."""

    id: str
    label: str
    kind: str
    due: Due | None       # None: no deadline (a start only, or an undated step)
    status: str = "open"  # open | done | cancelled
    realised: date | None = None
    note: str = ""
    earlier_dues: list[tuple[Due | None, str]] = field(default_factory=list)
    cancel_reason: str = ""
    starts: Start | None = None
    when: str = ""
    owner_email: str = ""  # who carries it out when not the trekker (a stuurgroep's action)

    @property
    def term_text(self) -> str:
        """Return the milestone's term as the plan words it ("Q4 2025", "vanaf 2019", "op korte termijn")."""
        return term_words(self.due, self.starts, self.when)

    # The rules of a milestone's life, the same for an intervention's and for the plan's own.

    def check_completion(self, realised: date | None, at: datetime, from_plan: bool) -> None:
        """Refuse completing this milestone when it cannot be done (so), in Dutch."""
        if self.status == "done":
            raise DomainError(f"Mijlpaal '{self.label}' is al gereed.")
        if self.status == "cancelled":
            raise DomainError(f"Mijlpaal '{self.label}' is vervallen en kan niet meer gereed worden gemeld.")
        if realised is None and not from_plan:
            raise DomainError("Geef de datum op waarop de mijlpaal gereed was.")
        if realised is not None and realised > at.date():
            raise DomainError(f"De realisatiedatum {realised:%d-%m-%Y} ligt in de toekomst.")

    def check_reschedule(self, due: Due) -> None:
        """Refuse moving this milestone when it is no longer open or already due then."""
        if self.status != "open":
            state = "gereed" if self.status == "done" else "vervallen"
            raise DomainError(f"Mijlpaal '{self.label}' is {state} en kan niet meer worden verschoven.")
        if due == self.due:
            raise DomainError(f"Mijlpaal '{self.label}' staat al op {due.text}.")

    def check_cancel(self) -> None:
        """Refuse cancelling this milestone when it is done or cancelled already."""
        if self.status == "cancelled":
            raise DomainError(f"Mijlpaal '{self.label}' is al vervallen.")
        if self.status == "done":
            raise DomainError(f"Mijlpaal '{self.label}' is al gereed en kan niet meer vervallen.")


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _happened_on(day: date | None, at: datetime) -> date | None:
    """Return the day a change happened when it differs from its recording; never a day to come."""
    if day is None or day == at.date():
        return None
    if day > at.date():
        raise DomainError(f"De datum {day:%d-%m-%Y} ligt in de toekomst.")
    return day


class Intervention(RecordsActor, Aggregate):
    """An intervention of a plan; every change is an event, nothing is overwritten."""

    @classmethod
    def add(cls, *, plan_id: str, code: str, title: str, group_path: list[dict[str, str]],
            domain: str, details: dict[str, Any], at: datetime, by: str,
            valid_on: date | None = None) -> Intervention:
        """Register an intervention of a plan (held from ``valid_on``, the plan's adoption, when given)."""
        _required(title, "Een interventie heeft een titel nodig.")
        if not Domain.known(domain):
            raise DomainError(f"Onbekend domein '{domain}': kies {Domain.choice_text()}.")
        return cls._create(
            InterventionAdded, id=intervention_id(plan_id, code), plan_id=plan_id, code=code,
            title=title, group_path=group_path, domain=domain, details=details,
            valid_on=_happened_on(valid_on, at), at=at, by=by,
        )

    # --- state -------------------------------------------------------------------------

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: InterventionAdded) -> None:
        self.plan_id = e.plan_id
        self.code = e.code
        self.title = e.title
        self.group_path = e.group_path
        self.domain = e.domain
        self.details = e.details
        self.milestones: dict[str, Milestone] = {}
        self.trekker: tuple[str, str] | None = None
        self.stoplicht: str | None = None
        self.closed = False
        self.dropped = False
        self.notes = 0
        # link key -> (reason, judgement, origin): what it contributes to in other plans
        self.contributions: dict[str, tuple[str, bool, str]] = {}

    @when.register
    def _(self, e: InterventionRevised) -> None:
        for key, value in e.changes.items():
            if key in ("title", "group_path", "domain"):
                setattr(self, key, value)
            else:
                self.details = {**self.details, key: value}

    @when.register
    def _(self, e: InterventionDropped) -> None:
        self.dropped = True

    @when.register
    def _(self, e: InterventionReinstated) -> None:
        self.dropped = False

    @when.register
    def _(self, e: InterventionClosed) -> None:
        self.closed = True

    @when.register
    def _(self, e: MilestonePlanned) -> None:
        due = Due(e.due, e.due_precision, e.due_text) if e.due is not None else None
        starts = Start(e.starts, e.starts_precision, e.starts_text) if e.starts is not None else None
        self.milestones[e.milestone_id] = Milestone(e.milestone_id, e.label, e.kind, due, note=e.note,
                                                    starts=starts, when=e.when, owner_email=e.owner_email)

    @when.register
    def _(self, e: MilestoneRelabelled) -> None:
        self.milestones[e.milestone_id].label = e.label

    @when.register
    def _(self, e: MilestoneCompleted) -> None:
        m = self.milestones[e.milestone_id]
        m.status, m.realised, m.note = "done", e.realised, e.note or m.note

    @when.register
    def _(self, e: MilestoneRescheduled) -> None:
        m = self.milestones[e.milestone_id]
        m.earlier_dues.append((m.due, e.reason))
        m.due = Due(e.due, e.due_precision, e.due_text)

    @when.register
    def _(self, e: MilestoneCancelled) -> None:
        m = self.milestones[e.milestone_id]
        m.status, m.cancel_reason = "cancelled", e.reason

    @when.register
    def _(self, e: TrekkerAssigned) -> None:
        self.trekker = (e.name, e.email)

    @when.register
    def _(self, e: NoteAdded) -> None:
        self.notes += 1

    @when.register
    def _(self, e: StoplichtSet) -> None:
        self.stoplicht = e.colour

    @when.register
    def _(self, e: UpToDateConfirmed) -> None:
        pass  # it changes nothing: it says when someone last looked

    @when.register
    def _(self, e: ContributionLinked) -> None:
        self.contributions[link_key(e.target_plan, e.target_group, e.target_code)] = (
            e.reason, e.judgement, e.origin)

    @when.register
    def _(self, e: ContributionUnlinked) -> None:
        self.contributions.pop(link_key(e.target_plan, e.target_group, e.target_code), None)

    @when.register
    def _(self, e: ReviewRecorded) -> None:
        self.last_review = e.meeting_date

    # --- commands ----------------------------------------------------------------------

    def _check_open(self) -> None:
        if self.dropped:
            raise DomainError(f"Interventie {self.code} is vervallen in de huidige planversie.")
        if self.closed:
            raise DomainError(f"Interventie {self.code} is afgesloten.")

    def milestone(self, milestone_id: str) -> Milestone:
        """Return a milestone by its id."""
        try:
            return self.milestones[milestone_id]
        except KeyError:
            raise NotFoundError(
                f"Interventie {self.code} heeft geen mijlpaal '{milestone_id}'.") from None

    def new_milestone_id(self, label: str) -> str:
        """Return an id for a new milestone, made from its label and unique here."""
        base = slugify(label, 40)
        candidate, n = base, 2
        while candidate in self.milestones:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def plan_milestone(self, *, milestone_id: str, label: str, kind: str, due: Due | None, note: str = "",
                       at: datetime, by: str, from_plan: bool = False, valid_on: date | None = None,
                       starts: Start | None = None, when: str = "",
                       source: dict[str, Any] | None = None, owner_email: str = "", owner_name: str = "") -> None:
        """Add a milestone to the Tijdpad: with a due date, a start, both, or (from a plan) undated.

        ``owner_email``: who carries it out when that is not the trekker (a stuurgroep's action):
        they are reminded of it and may report it done or move it.
        """
        if not from_plan:
            self._check_open()
        label = _required(label, "Een mijlpaal heeft een omschrijving nodig.")
        if not MilestoneKind.known(kind):
            raise DomainError(f"Onbekend soort mijlpaal '{kind}'.")
        if milestone_id in self.milestones:
            raise DomainError(f"Interventie {self.code} heeft al een mijlpaal '{milestone_id}'.")
        if due is None and starts is None and not from_plan:
            raise DomainError("Geef een termijn op voor de mijlpaal.")
        self.trigger_event(MilestonePlanned, milestone_id=milestone_id, label=label, kind=kind,
                           due=due.date if due else None, due_precision=due.precision if due else "",
                           due_text=due.text if due else "", note=note or "",
                           valid_on=_happened_on(valid_on, at),
                           starts=starts.date if starts else None,
                           starts_precision=starts.precision if starts else "",
                           starts_text=starts.text if starts else "", when=(when or "").strip(),
                           source=dict(source or {}), owner_email=(owner_email or "").strip().lower(),
                           owner_name=(owner_name or "").strip(), at=at, by=by)

    def relabel_milestone(self, milestone_id: str, label: str, *, reason: str, at: datetime, by: str) -> None:
        """Change a milestone's label (a new plan version words it differently)."""
        m = self.milestone(milestone_id)
        label = _required(label, "Een mijlpaal heeft een omschrijving nodig.")
        if label != m.label:
            self.trigger_event(MilestoneRelabelled, milestone_id=milestone_id, label=label,
                               reason=reason, at=at, by=by)

    def complete_milestone(self, milestone_id: str, *, realised: date | None, note: str = "",
                           at: datetime, by: str, from_plan: bool = False) -> None:
        """Mark a milestone as done on its realised date."""
        if not from_plan:
            self._check_open()
        self.milestone(milestone_id).check_completion(realised, at, from_plan)
        self.trigger_event(MilestoneCompleted, milestone_id=milestone_id, realised=realised,
                           note=(note or "").strip(), at=at, by=by)

    def reschedule_milestone(self, milestone_id: str, *, due: Due, reason: str, at: datetime, by: str,
                             from_plan: bool = False, valid_on: date | None = None) -> None:
        """Move a milestone to a new due date (decided on ``valid_on``); the reason is required."""
        if not from_plan:
            self._check_open()
        m = self.milestone(milestone_id)
        reason = _required(reason, "Geef een reden op voor het verschuiven van de mijlpaal.")
        m.check_reschedule(due)
        self.trigger_event(MilestoneRescheduled, milestone_id=milestone_id, due=due.date,
                           due_precision=due.precision, due_text=due.text, reason=reason,
                           valid_on=_happened_on(valid_on, at), at=at, by=by)

    def cancel_milestone(self, milestone_id: str, *, reason: str, at: datetime, by: str,
                         from_plan: bool = False, valid_on: date | None = None) -> None:
        """Cancel a milestone (decided on ``valid_on``); the reason is required."""
        if not from_plan:
            self._check_open()
        reason = _required(reason, "Geef een reden op voor het laten vervallen van de mijlpaal.")
        self.milestone(milestone_id).check_cancel()
        self.trigger_event(MilestoneCancelled, milestone_id=milestone_id, reason=reason,
                           valid_on=_happened_on(valid_on, at), at=at, by=by)

    def assign_trekker(self, *, name: str, email: str, at: datetime, by: str) -> None:
        """Assign (or change) the trekker of the intervention."""
        self._check_open()
        name = person_name(name, "Geef de naam van de trekker op.")
        email = (email or "").strip()
        if not is_email(email):
            raise DomainError(f"'{email}' is geen geldig e-mailadres.")
        if self.trekker == (name, email):
            raise DomainError(f"{name} is al trekker van {self.code}.")
        self.trigger_event(TrekkerAssigned, name=name, email=email, at=at, by=by)

    def confirm_up_to_date(self, *, at: datetime, by: str) -> None:
        """Record that the trekker looked and nothing changed: the actualiteit starts again."""
        self._check_open()
        self.trigger_event(UpToDateConfirmed, at=at, by=by)

    def add_note(self, *, text: str, at: datetime, by: str) -> None:
        """Write a progress note."""
        self._check_open()
        text = _required(text, "Een voortgangsnotitie mag niet leeg zijn.")
        self.trigger_event(NoteAdded, text=text, at=at, by=by)

    def set_stoplicht(self, *, colour: str, oorzaak: str = "", gevolg: str = "", bijsturing: str = "",
                      at: datetime, by: str, valid_on: date | None = None) -> None:
        """Set the manual stoplicht (per ``valid_on``); oranje and rood require oorzaak, gevolg and bijsturing."""
        self._check_open()
        if not (colour or "").strip():
            raise DomainError(f"Kies een stoplichtkleur: {Stoplicht.choice_text()}.")
        if colour not in Stoplicht.settable_values():
            raise DomainError(f"Onbekende stoplichtkleur '{colour}': kies {Stoplicht.choice_text()}.")
        oorzaak, gevolg, bijsturing = ((v or "").strip() for v in (oorzaak, gevolg, bijsturing))
        if Stoplicht(colour).needs_explanation:
            missing = [n for n, v in (("oorzaak", oorzaak), ("gevolg", gevolg),
                                      ("bijsturing", bijsturing)) if not v]
            if missing:
                raise DomainError(
                    f"Bij stoplicht {colour} zijn oorzaak, gevolg en bijsturing verplicht "
                    f"(ontbreekt: {', '.join(missing)}).")
        self.trigger_event(StoplichtSet, colour=colour, oorzaak=oorzaak, gevolg=gevolg,
                           bijsturing=bijsturing, valid_on=_happened_on(valid_on, at), at=at, by=by)

    def record_review(self, *, meeting_date: date, decision: str, actions: str = "",
                      at: datetime, by: str) -> None:
        """Record that the stuurgroep discussed the intervention, with its decision."""
        if self.dropped:
            raise DomainError(f"Interventie {self.code} is vervallen in de huidige planversie.")
        decision = _required(decision, "Vul het besluit van de stuurgroep in.")
        if meeting_date > at.date():
            raise DomainError(f"De vergadering van {meeting_date:%d-%m-%Y} is nog niet geweest: een besluit "
                              "legt u vast op of na de vergaderdatum.")
        self.trigger_event(ReviewRecorded, meeting_date=meeting_date, decision=decision,
                           actions=(actions or "").strip(), at=at, by=by)

    def close(self, *, note: str, at: datetime, by: str) -> None:
        """Close the intervention once no milestone is open."""
        self._check_open()
        open_ones = [m.label for m in self.milestones.values() if m.status == "open"]
        if open_ones:
            raise DomainError(
                f"Interventie {self.code} heeft nog {len(open_ones)} open mijlpa"
                f"{'al' if len(open_ones) == 1 else 'len'}: meld ze gereed of laat ze vervallen.")
        self.trigger_event(InterventionClosed, note=(note or "").strip(), at=at, by=by)

    # --- links to other plans ----------------------------------------------------------

    def link_contribution(self, *, target_plan: str, target_group: str = "", target_code: str = "",
                          reason: str, judgement: bool = False, origin: str = "", why: str = "",
                          at: datetime, by: str, valid_on: date | None = None) -> None:
        """Record that the intervention contributes to a group (goal) or an intervention of a plan."""
        if self.dropped:
            raise DomainError(f"Interventie {self.code} is vervallen in de huidige planversie.")
        target_group, target_code = (target_group or "").strip(), (target_code or "").strip()
        if bool(target_group) == bool(target_code):
            raise DomainError("Kies een doel (groep) of een interventie van het andere plan, niet beide.")
        reason = _required(" ".join((reason or "").split()), "Geef in één zin aan waarom deze interventie "
                           "hieraan bijdraagt.")
        key = link_key(target_plan, target_group, target_code)
        if key in self.contributions and self.contributions[key][:2] == (reason, bool(judgement)):
            raise DomainError(f"Interventie {self.code} is hier al aan gekoppeld.")
        self.trigger_event(ContributionLinked, target_plan=target_plan, target_group=target_group,
                           target_code=target_code, reason=reason, judgement=bool(judgement), origin=origin,
                           why=" ".join((why or "").split()), valid_on=_happened_on(valid_on, at), at=at, by=by)

    def unlink_contribution(self, *, target_plan: str, target_group: str = "", target_code: str = "",
                            why: str, at: datetime, by: str) -> None:
        """Record that the intervention no longer counts as contributing to a target."""
        key = link_key(target_plan, (target_group or "").strip(), (target_code or "").strip())
        if key not in self.contributions:
            raise DomainError(f"Interventie {self.code} is hier niet aan gekoppeld.")
        why = _required(" ".join((why or "").split()), "Geef de reden op waarom de koppeling vervalt.")
        self.trigger_event(ContributionUnlinked, target_plan=target_plan, target_group=(target_group or "").strip(),
                           target_code=(target_code or "").strip(), why=why, at=at, by=by)

    # --- plan revisions ----------------------------------------------------------------

    def revise(self, *, changes: dict[str, Any], reason: str, at: datetime, by: str) -> None:
        """Record what a new plan version changed in the intervention's description."""
        if changes:
            before = {key: getattr(self, key) if key in ("title", "group_path", "domain")
                      else self.details.get(key) for key in changes}
            self.trigger_event(InterventionRevised, changes=changes, reason=reason, before=before,
                               at=at, by=by)

    def drop(self, *, reason: str, at: datetime, by: str) -> None:
        """Record that a new plan version no longer holds the intervention."""
        if not self.dropped:
            self.trigger_event(InterventionDropped, reason=reason, at=at, by=by)

    def reinstate(self, *, reason: str, at: datetime, by: str) -> None:
        """Record that a new plan version holds a dropped intervention again."""
        if self.dropped:
            self.trigger_event(InterventionReinstated, reason=reason, at=at, by=by)

    def snapshot_milestone(self, milestone_id: str) -> Milestone:
        """Return a copy of a milestone's state."""
        return replace(self.milestone(milestone_id))
