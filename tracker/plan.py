"""The Plan aggregate: the plan-level facts of an uitvoeringsagenda.

An aggregate keeps its commands and the handlers that apply its events in one class (the
eventsourcing library's model); hence past 300 lines.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.plan import (
    AgendaMilestoneCancelled,
    AgendaMilestoneCompleted,
    AgendaMilestoneRelabelled,
    AgendaMilestoneRescheduled,
    FinanceFigureConfirmed,
    FinanceFigureRecorded,
    IndicatorValueRecorded,
    PlanImported,
    PlanRevised,
    PublicSiteSet,
    ReportPublished,
    ReportSignatureSet,
    ReportTextWritten,
    share_of_year,
)
from events.periods import EXAMPLES, PRECISION_OF_FREQUENCY, PRECISION_WORDS
from events.vocabulary import Domain, FinanceKind, PublicField
from tracker.agenda_milestones import AgendaMilestoneCommands, apply_event, plan_new_milestones
from tracker.actors import RecordsActor
from tracker.errors import DomainError
from tracker.texts import MAX_TEXT, check_names
from tracker.inputs import amount_text, parse_amount, parse_coverage, parse_half_year, parse_period

FINANCE_DOMAINS = Domain.values()
FINANCE_KINDS = FinanceKind.values()
REPORT_SECTIONS = {"inleiding": "de inleiding en context", "vervolgproces": "communicatie en vervolgproces"}
MAX_REPORT_TEXT = MAX_TEXT


def implausible(kind: str, amount: Decimal, share: Decimal, nulmeting: Decimal | None) -> str:
    """Return why a figure lies far outside what the nulmeting makes plausible, or ""."""
    if nulmeting is None or nulmeting <= 0:
        return ""
    expected = nulmeting * share
    part = "" if share == 1 else " over dezelfde periode"
    if kind == "realisatie" and amount < expected / 2:
        return f"minder dan de helft van de nulmeting{part}"
    if kind == "realisatie" and amount > expected * 2:
        return f"meer dan het dubbele van de nulmeting{part}"
    if kind == "besparing" and abs(amount) > expected / 2:
        return f"een besparing van meer dan de helft van de nulmeting{part}"
    return ""


def plan_uuid(plan_id: str) -> UUID:
    """Return the stable aggregate id of a plan."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:plan:{plan_id}")


class Plan(RecordsActor, AgendaMilestoneCommands, Aggregate):
    """A plan: title, organisation, period, plan-level milestones, finance and indicators."""

    @classmethod
    def import_(cls, *, plan_id: str, facts: dict[str, Any], source_name: str, source_hash: str,
                at: datetime, by: str) -> Plan:
        """Register a plan from its first imported version."""
        return cls._create(PlanImported, id=plan_uuid(plan_id), plan_id=plan_id, facts=facts,
                           source_name=source_name, source_hash=source_hash, at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: PlanImported) -> None:
        self.plan_id = e.plan_id
        self.facts = e.facts
        self.source_hash = e.source_hash
        self.versions = 1
        self.known_codes: list[str] = list(e.facts.get("interventions", []))
        self.indicator_values: dict[tuple[str, str], tuple[str, str]] = {}
        # (year, domain, kind) -> (amount, note, period, needs confirmation)
        self.finance: dict[tuple[int, str, str], tuple[str, str, str, bool]] = {}
        self.reports: list[tuple[int, str, date, int]] = []
        self.report_texts: dict[tuple[str, str], str] = {}
        self.signature: tuple[str, list[dict[str, str]]] = ("", [])
        self.public_site: tuple[bool, tuple[str, ...]] = (False, ())
        self.milestones: dict[str, Any] = {}
        plan_new_milestones(self.milestones, e.facts)

    @when.register
    def _(self, e: PlanRevised) -> None:
        self.facts = e.facts
        self.source_hash = e.source_hash
        self.versions += 1
        for code in e.facts.get("interventions", []):
            if code not in self.known_codes:
                self.known_codes.append(code)
        plan_new_milestones(self.milestones, e.facts)

    @when.register(AgendaMilestoneCompleted)
    @when.register(AgendaMilestoneRescheduled)
    @when.register(AgendaMilestoneCancelled)
    @when.register(AgendaMilestoneRelabelled)
    def _(self, e: Any) -> None:
        apply_event(self.milestones, e)

    def revise(self, *, facts: dict[str, Any], source_name: str, source_hash: str,
               summary: list[str], at: datetime, by: str) -> None:
        """Record a changed version of the plan."""
        self.trigger_event(PlanRevised, facts=facts, source_name=source_name,
                           source_hash=source_hash, summary=summary, at=at, by=by)

    # --- indicators, finance and council reports --------------------------------------

    @when.register
    def _(self, e: IndicatorValueRecorded) -> None:
        self.indicator_values[(e.indicator_id, e.period)] = (e.value, e.source)

    @when.register
    def _(self, e: FinanceFigureRecorded) -> None:
        self.finance[(e.year, e.domain, e.kind)] = (e.amount, e.note, e.period,
                                                    bool(e.check) and not e.confirmed)

    @when.register
    def _(self, e: FinanceFigureConfirmed) -> None:
        amount, note, period, _ = self.finance[(e.year, e.domain, e.kind)]
        self.finance[(e.year, e.domain, e.kind)] = (amount, note, period, False)

    @when.register
    def _(self, e: ReportPublished) -> None:
        self.reports.append((e.number, e.period, e.as_of, e.position))

    @when.register
    def _(self, e: ReportTextWritten) -> None:
        self.report_texts[(e.period, e.section)] = e.text

    @when.register
    def _(self, e: ReportSignatureSet) -> None:
        self.signature = (e.college, e.signatories)

    @when.register
    def _(self, e: PublicSiteSet) -> None:
        self.public_site = (e.public, tuple(e.fields))

    def set_public_site(self, *, public: bool, fields: list[str], reason: str, at: datetime, by: str) -> None:
        """Open or close the plan's public site; ``fields`` are what it shows besides the defaults."""
        unknown = [f for f in fields if not PublicField.known(f)]
        if unknown:
            raise DomainError(f"Onbekend veld '{unknown[0]}': kies uit {PublicField.choice_text()}.")
        chosen = tuple(f for f in PublicField.values() if f in fields) if public else ()
        if self.public_site == (public, chosen):
            raise DomainError("De openbare site staat al " + ("aan met deze velden." if public else "uit."))
        self.trigger_event(PublicSiteSet, plan_id=self.plan_id, public=public, fields=list(chosen),
                           reason=" ".join((reason or "").split()), at=at, by=by)

    def record_indicator_value(self, *, indicator_id: str, period: str, value: object, source: str,
                               at: datetime, by: str) -> None:
        """Record an indicator's value over a period; a later value for it corrects this one."""
        indicators = {i["id"]: i for i in self.facts.get("indicators", [])}
        indicator_id = (indicator_id or "").strip()
        if indicator_id not in indicators:
            known = ", ".join(indicators) or "geen"
            raise DomainError(f"Onbekende indicator '{indicator_id}'. Het plan kent: {known}.")
        parsed = parse_period(period)
        wanted = PRECISION_OF_FREQUENCY.get(indicators[indicator_id].get("frequency") or "")
        if wanted and parsed.precision != wanted:
            raise DomainError(
                f"Indicator '{indicator_id}' wordt per {PRECISION_WORDS[wanted]} gemeten: geef een "
                f"{PRECISION_WORDS[wanted]} op (bijvoorbeeld {EXAMPLES[wanted]}), niet '{period}'.")
        if parsed.start > at.date():
            raise DomainError(f"De periode {parsed.key} is nog niet begonnen.")
        number = amount_text(parse_amount(value))
        source = (source or "").strip()
        if not source:
            raise DomainError("Geef de bron van de waarde op.")
        if self.indicator_values.get((indicator_id, parsed.key)) == (number, source):
            raise DomainError(f"Deze waarde van '{indicator_id}' over {parsed.key} is al vastgelegd.")
        self.trigger_event(IndicatorValueRecorded, plan_id=self.plan_id, indicator_id=indicator_id,
                           period=parsed.key, period_end=parsed.end, value=number, source=source,
                           at=at, by=by)

    def record_finance(self, *, year: object, domain: str, kind: str, amount: object, note: str = "",
                       period: object = None, confirmed: bool = False, at: datetime, by: str) -> str:
        """Record a finance figure over (part of) a year; return why it looks implausible, or ""."""
        try:
            year = int(str(year).strip())
        except ValueError:
            raise DomainError(f"'{year}' is geen jaartal.") from None
        start, end = self.facts["period"]["start"], self.facts["period"]["end"]
        if not start <= year <= end:
            raise DomainError(f"Het jaar {year} valt buiten de looptijd van het plan ({start}-{end}).")
        if not Domain.known(domain):
            raise DomainError(f"Onbekend domein '{domain}': kies {Domain.choice_text()}.")
        if not FinanceKind.known(kind):
            raise DomainError(f"Onbekende soort '{kind}': kies {FinanceKind.choice_text()}.")
        number = parse_amount(amount)
        if number < 0 and kind != "besparing":
            raise DomainError("Uitgaven en kosten kunnen niet negatief zijn.")
        coverage = parse_coverage(period, year, at.date())
        note = (note or "").strip()
        if self.finance.get((year, domain, kind), ())[:3] == (amount_text(number), note, coverage.key):
            raise DomainError(f"Dit bedrag ({kind}, {domain}, {coverage.key}) is al vastgelegd.")
        check = implausible(kind, number, share_of_year(year, coverage.end), self.nulmeting(domain))
        self.trigger_event(FinanceFigureRecorded, plan_id=self.plan_id, year=year, domain=domain,
                           kind=kind, amount=amount_text(number), note=note, period=coverage.key,
                           period_end=coverage.end, check=check, confirmed=bool(confirmed and check),
                           at=at, by=by)
        return "" if confirmed else check

    def confirm_finance(self, *, year: object, domain: str, kind: str, note: str = "", at: datetime,
                        by: str) -> None:
        """Confirm that a figure which looked implausible is right."""
        try:
            key = (int(str(year).strip()), domain, kind)
        except ValueError:
            raise DomainError(f"'{year}' is geen jaartal.") from None
        if key not in self.finance:
            raise DomainError(f"Er is geen bedrag vastgelegd voor {kind}, {domain}, {key[0]}.")
        amount, _, period, unconfirmed = self.finance[key]
        if not unconfirmed:
            raise DomainError(f"Het bedrag voor {kind}, {domain}, {period} hoeft niet bevestigd te worden.")
        self.trigger_event(FinanceFigureConfirmed, plan_id=self.plan_id, year=key[0], domain=domain,
                           kind=kind, amount=amount, note=(note or "").strip(), at=at, by=by)

    def nulmeting(self, domain: str) -> Decimal | None:
        """Return the plan's baseline of a domain (both domains added up for 'beide'), or None."""
        baseline = {b["domain"]: Decimal(str(b["amount"]))
                    for b in (self.facts.get("finance") or {}).get("baseline", [])}
        if domain in baseline:
            return baseline[domain]
        if domain == "beide" and baseline:
            return sum(baseline.values(), Decimal(0))
        return None

    def same_report(self, period: str, as_of: date) -> int:
        """Return the number of the latest report adopted for a half year and peildatum (0: none)."""
        half = parse_half_year(period)
        return max((n for n, p, a, _ in self.reports if (p, a) == (half.key, as_of)), default=0)

    def publish_report(self, *, period: str, as_of: date, position: int, at: datetime, by: str,
                       new_version: bool = False, reason: str = "", known_on: date | None = None) -> int:
        """Adopt the council report of a half year as made from a position of the event log.

        A second report of the same half year and peildatum is only adopted as an explicit new
        version, with its reason.
        """
        half = parse_half_year(period)
        if as_of < half.start:
            raise DomainError(f"De peildatum {as_of:%d-%m-%Y} ligt voor het begin van {half.key}.")
        if as_of > at.date():
            raise DomainError(f"De peildatum {as_of:%d-%m-%Y} ligt in de toekomst.")
        if position < 1:
            raise DomainError("Een rapportage wordt gemaakt uit minstens één gebeurtenis.")
        if known_on is not None and known_on > at.date():
            raise DomainError(f"'Zoals bekend op' {known_on:%d-%m-%Y} ligt in de toekomst.")
        if known_on is not None and known_on >= at.date():
            known_on = None  # as known now: everything up to the position
        for number, p, a, pos in self.reports:
            if (p, a, pos) == (half.key, as_of, position):
                raise DomainError(f"Deze rapportage is al vastgesteld (nr. {number}): er is sindsdien "
                                  "niets vastgelegd, een nieuwe versie zou hetzelfde zeggen.")
        replaces = self.same_report(half.key, as_of)
        reason = (reason or "").strip()
        if replaces and not new_version:
            raise DomainError(
                f"Over {half.key} met peildatum {as_of:%d-%m-%Y} is al rapportage nr. {replaces} vastgesteld. "
                "Stel haar alleen opnieuw vast als nieuwe versie, met de reden.")
        if new_version and not replaces:
            raise DomainError(f"Over {half.key} met peildatum {as_of:%d-%m-%Y} is nog geen rapportage "
                              "vastgesteld: er is geen vorige versie.")
        if new_version and not reason:
            raise DomainError("Geef de reden van de nieuwe versie op.")
        number = len(self.reports) + 1
        self.trigger_event(ReportPublished, plan_id=self.plan_id, number=number, period=half.key,
                           as_of=as_of, position=position, replaces=replaces,
                           reason=reason if new_version else "", known_on=known_on, at=at, by=by)
        return number

    def write_report_text(self, *, period: str, section: str, text: str, at: datetime, by: str) -> None:
        """Write the inleiding or the vervolgproces of a half year's report ("" takes it out)."""
        half = parse_half_year(period)
        if section not in REPORT_SECTIONS:
            raise DomainError(f"Onbekend deel '{section}': kies inleiding of vervolgproces.")
        text = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
        if len(text) > MAX_REPORT_TEXT:
            raise DomainError(f"De tekst is te lang ({len(text)} tekens; ten hoogste {MAX_REPORT_TEXT}).")
        if self.report_texts.get((half.key, section), "") == text:
            raise DomainError(f"De tekst voor {REPORT_SECTIONS[section]} van {half.key} is ongewijzigd.")
        self.trigger_event(ReportTextWritten, plan_id=self.plan_id, period=half.key, section=section,
                           text=text, at=at, by=by)

    def set_report_signature(self, *, college: str, signatories: list[tuple[str, str]], at: datetime,
                             by: str) -> None:
        """Set who signs the council reports: the college, and each signatory's role and name."""
        college = " ".join((college or "").split())
        if not college:
            raise DomainError("Vul in namens wie de rapportage wordt ondertekend, bijvoorbeeld "
                              "'burgemeester en wethouders van Nijmegen'.")
        names = []
        for role, name in signatories:
            role, name = " ".join((role or "").split()), " ".join((name or "").split())
            if bool(role) != bool(name):
                raise DomainError("Geef bij elke ondertekenaar zowel de functie als de naam op.")
            if name:
                names.append({"role": role, "name": name})
        check_names([college], "ondertekening")
        check_names([n for signatory in names for n in signatory.values()], "ondertekenaars")
        if self.signature == (college, names):
            raise DomainError("De ondertekening is ongewijzigd.")
        self.trigger_event(ReportSignatureSet, plan_id=self.plan_id, college=college, signatories=names,
                           at=at, by=by)
