"""Shared test helpers: fixed moments, the small plan, line lookup, event counting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PLAN = REPO / "plans" / "nijmegen-uitvoeringsagenda-2025.yaml"
DEFAULT_PLAN_ID = "nijmegen-uitvoeringsagenda-2025"
SEED_003 = REPO / "docs" / "sources" / "nijmegen-uitvoeringsagenda-2025.txt"  # the source of DEFAULT_PLAN

SMALL_PLAN_ID = "testagenda"
IMPORTED_AT = datetime(2025, 10, 1, 9, 0)

# A small plan in the documented format: two top-level groups (one with a theme below it),
# three interventions, milestones of every precision (quarter, range, year, month, day, half
# year), a line marked done, recurring lines, and plan-level facts.
SMALL_PLAN = """\
format: 1
plan:
  id: testagenda
  title: Testagenda Jeugd en Wmo
  organisation: Gemeente Teststad
  period: {start: 2025, end: 2027}
  grouping_levels: [hoofdstuk, thema]
  groups:
    - key: "1"
      title: Jeugd
      groups:
        - key: "1.A"
          title: Collectief aanbod
    - key: "2"
      title: Wmo
  milestones:
    - id: actualisatie
      label: Actualisatie van de agenda
      kind: plan_ready
      due: Q4 2026
  recurring:
    - label: Halfjaarlijkse rapportage aan de raad
      every: halfjaar
  finance:
    currency: EUR
    targets:
      - {domain: jeugd, amount: 1000000, from: 2025}
      - {domain: wmo, amount: 200000, from: 2025}
    baseline:
      - {domain: jeugd, amount: 9000000, basis: "realisatie 2023"}
    expected_savings:
      - {domain: jeugd, year: 2026, min: 300000, max: 500000}
  indicators:
    - id: instroom
      name: Instroom per zorgvorm
      unit: cliënten
      frequency: kwartaal
      target: {value: 150, by: "2026", direction: up}
  extra:
    vastgesteld_door: gemeenteraad
    bijlagen: [normering, begroting]
interventions:
  - code: "1.A1"
    title: Groepsaanbod in de wijk
    group: "1.A"
    domain: jeugd
    summary: Meer hulp in groepen in plaats van individueel.
    stakeholders: Buurtteam Jeugd en Gezin
    milestones:
      - id: pva
        label: Plan van aanpak gereed
        kind: plan_ready
        due: Q4 2025
      - id: pilot
        label: Start pilot
        kind: pilot_start
        due: Q1-Q2 2026
      - id: training
        label: Gezinswerkers getraind
        due: Q3 2025
        done: true
      - id: evaluatie
        label: Evaluatie
        kind: evaluation
        due: 2027
    recurring:
      - label: Voortgang bespreken in het kwartaaloverleg
        every: kwartaal
    extra:
      begrotingspost: 6.72
      contact: {afdeling: Beleid}
  - code: "1.A2"
    title: Jongerenwerk als alternatief
    group: "1.A"
    domain: jeugd
    milestones:
      - label: Opdracht aan jongerenwerk geformuleerd
        due: maart 2026
      - id: besluit
        label: Besluit over vervolg
        kind: decision
        due: per 1 juli 2026
  - code: "2.1"
    title: Ontmoetingsplaatsen in de wijk
    group: "2"
    domain: wmo
    milestones:
      - id: start
        label: Start experimenten
        kind: start
        due: H2 2026
"""

# A plan of goals (opgave > doel) that other plans' interventions link to.
GOAL_PLAN = """\
format: 2
plan:
  id: doelenplan
  title: Doelenplan
  organisation: Regio Test
  period: {start: 2024, end: 2028}
  grouping_levels: [opgave, doel]
  groups:
    - key: opgave-1
      title: Opgave een
      groups:
        - key: doel-1
          title: Doel een
          summary: Meer hulp dichtbij.
interventions:
  - code: "1.1"
    title: Regionale actie
    group: doel-1
    domain: jeugd
"""


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """Return a fixed moment (commands take the clock as an input)."""
    return datetime(y, m, d, hh, mm)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """Return the 1-based number of the n-th line of text that contains needle."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} (occurrence {occurrence}) not in the text")


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, failing loudly when the text has none or several."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def event_count(services: Any) -> int:
    """Return how many events the store holds (the last notification id)."""
    return services.app.recorder.max_notification_id() or 0


def stored_events(services: Any) -> list[Any]:
    """Return every stored event as a domain event, oldest first."""
    mapper = services.runner.mapper
    events = []
    position = 0
    while True:
        batch = services.app.recorder.select_notifications(
            start=position, limit=500, inclusive_of_start=False)
        if not batch:
            return events
        events += [mapper.to_domain_event(n) for n in batch]
        position = batch[-1].id


def import_text(services: Any, text: str, name: str, when: datetime, by: str = "beheer") -> Any:
    """Parse a plan text and import it; return the ImportResult."""
    from tracker.planfile import parse_plan

    result = services.app.import_plan(parse_plan(text, name), at=when, by=by)
    services.catch_up()
    return result


def write_notes_at_once(nodes: list[Any], plan_id: str, code: str, per_node: int = 40,
                        threads_per_node: int = 4) -> tuple[list[str], list[BaseException]]:
    """Write per_node notes on one intervention from every node at once; return (acknowledged, errors).

    A note is acknowledged when its command returned; all writers start together (a barrier).
    """
    import threading

    barrier = threading.Barrier(len(nodes) * threads_per_node)
    acknowledged: list[str] = []
    errors: list[BaseException] = []

    def write(services: Any, node: int, writer: int) -> None:
        barrier.wait()
        for n in range(per_node // threads_per_node):
            text = f"Notitie {node}.{writer}.{n}"
            try:
                services.app.add_note(plan_id, code, text=text, at=at(2026, 1, 5, 10), by=f"knooppunt {node}")
            except BaseException as exc:  # noqa: BLE001 (the test reports every failure)
                errors.append(exc)
            else:
                acknowledged.append(text)

    threads = [threading.Thread(target=write, args=(services, node, writer))
               for node, services in enumerate(nodes) for writer in range(threads_per_node)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return acknowledged, errors


def note_texts(services: Any, plan_id: str, code: str) -> list[str]:
    """Return the text of every stored NoteAdded event of one intervention, in log order."""
    from tracker.intervention import intervention_id

    iid = intervention_id(plan_id, code)
    return [e.text for e in stored_events(services)
            if type(e).__name__ == "NoteAdded" and e.originator_id == iid]
