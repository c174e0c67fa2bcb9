"""A fixed set of events on the default plan for the council-report tests (period 2026-H1).

Imported 1 October 2025; in the first half of 2026: one milestone done on time (2.A2), one done
late (2.A3), one rescheduled (3.A1, with a manual oranje), one cancelled (3.C3), a progress
note, a new plan version (4.3 added, 3.C2 dropped), indicator values (one corrected) and
finance figures.
"""

from __future__ import annotations

from datetime import date, datetime

from tests.helpers import DEFAULT_PLAN, DEFAULT_PLAN_ID, IMPORTED_AT
from tracker.planfile import parse_plan, read_plan_file

PLAN = DEFAULT_PLAN_ID
PERIOD = "2026-H1"
AS_OF = date(2026, 7, 15)
REVISED_AT = datetime(2026, 5, 4, 10)

NEW_INTERVENTION = """
  - code: "4.3"
    title: Wijkgerichte inzet van ervaringsdeskundigen
    group: "4"
    domain: wmo
    milestones:
      - id: start-pilot
        label: Start pilot ervaringsdeskundigen in Dukenburg
        kind: pilot_start
        due: Q2 2026
      - id: evaluatie
        label: Evaluatie pilot
        kind: evaluation
        due: Q4 2026
"""


def revised_plan_text() -> str:
    """Return the default plan as actualised in May 2026: 3.C2 dropped, 4.3 added."""
    text = DEFAULT_PLAN.read_text(encoding="utf-8")
    start = text.index('  - code: "3.C2"')
    end = text.index('  - code: "3.C3"')
    return text[:start] + text[end:].rstrip("\n") + "\n" + NEW_INTERVENTION


def seed_report_scenario(services) -> None:
    """Record the scenario's events and catch the read model up."""
    app = services.app
    app.import_plan(read_plan_file(DEFAULT_PLAN), at=IMPORTED_AT, by="beheerder")
    app.assign_trekker(PLAN, "3.A1", name="Jan Jansen", email="j.jansen@nijmegen.nl",
                       at=datetime(2025, 10, 2, 9), by="beheerder")
    app.complete_milestone(PLAN, "2.B2", "pva", realised=date(2025, 12, 15), note="Vastgesteld",
                           at=datetime(2025, 12, 16, 10), by="Fatima de Vries")
    app.complete_milestone(PLAN, "2.A2", "afspraken-aanbieders", realised=date(2026, 3, 20),
                           note="Afspraken met vier aanbieders", at=datetime(2026, 3, 21, 10), by="Fatima de Vries")
    app.complete_milestone(PLAN, "2.A3", "start-oudercursus", realised=date(2026, 4, 10),
                           at=datetime(2026, 4, 11, 10), by="Piet Bakker")
    app.reschedule_milestone(PLAN, "3.A1", "commissie-operationeel", due="Q3 2026",
                             reason="Wacht op besluit college over de samenstelling",
                             at=datetime(2026, 2, 12, 10), by="Jan Jansen")
    app.set_stoplicht(PLAN, "3.A1", colour="oranje", oorzaak="Besluit college later dan voorzien",
                      gevolg="Commissie start een kwartaal later", bijsturing="Extra bestuurlijk overleg ingepland",
                      at=datetime(2026, 2, 12, 10, 5), by="Jan Jansen")
    app.cancel_milestone(PLAN, "3.C3", "noord-start", reason="Opgegaan in het intake-netwerk van 3.C4",
                         at=datetime(2026, 3, 2, 10), by="Karin Smit")
    app.add_note(PLAN, "2.A2", text="Vier aanbieders zetten groepsproducten in", at=datetime(2026, 4, 2, 10),
                 by="Fatima de Vries")
    app.import_plan(parse_plan(revised_plan_text(), "nijmegen-uitvoeringsagenda-2025-mei2026.yaml"),
                    at=REVISED_AT, by="beheerder")
    app.record_indicator_value(PLAN, indicator_id="groepsproducten-zorgaanbieders", period="2026-H1",
                               value="60", source="Declaratiedata", at=datetime(2026, 7, 3, 9), by="P&C")
    app.record_indicator_value(PLAN, indicator_id="groepsproducten-zorgaanbieders", period="H1 2026",
                               value="65", source="Declaratiedata, gecorrigeerd", at=datetime(2026, 7, 6, 9),
                               by="P&C")
    app.record_indicator_value(PLAN, indicator_id="wachtlijst-jeugd-ggz", period="2025-H2", value="130",
                               source="Uitvraag aanbieders", at=datetime(2026, 1, 20, 9), by="P&C")
    app.record_indicator_value(PLAN, indicator_id="wachtlijst-jeugd-ggz", period="2026-H1", value="118",
                               source="Uitvraag aanbieders", at=datetime(2026, 7, 8, 9), by="P&C")
    app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="33000000",
                       note="Jaarrekening 2025", at=datetime(2026, 4, 15, 9), by="P&C")
    app.record_finance(PLAN, year=2025, domain="jeugd", kind="kosten_maatregelen", amount="28000",
                       note="", at=datetime(2026, 4, 15, 9), by="P&C")
    app.record_finance(PLAN, year=2026, domain="wmo", kind="besparing", amount="250000", period="2026-H1",
                       note="P&C, eerste halfjaar", at=datetime(2026, 7, 10, 9), by="P&C")
    services.catch_up()
