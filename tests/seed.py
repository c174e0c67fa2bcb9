"""A shared scenario: the default plan loaded on 1 October 2025 and a quarter of updates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tracker.planfile import read_plan_file
from web.services import DEFAULT_PLAN, open_services

PLAN = "nijmegen-uitvoeringsagenda-2025"
TODAY = date(2026, 4, 1)


def seed_plan(data_dir: Path, database_url: str | None = None) -> None:
    """Load the default plan on 1 October 2025 and record a quarter of updates."""
    services = open_services(data_dir, database_url=database_url)
    app = services.app
    app.import_plan(read_plan_file(DEFAULT_PLAN), at=datetime(2025, 10, 1, 9), by="beheerder")
    app.assign_trekker(PLAN, "2.B2", name="Fatima de Vries", email="f.devries@nijmegen.nl",
                       at=datetime(2025, 10, 2, 9), by="beheerder")
    app.assign_trekker(PLAN, "3.A1", name="Jan Jansen", email="j.jansen@nijmegen.nl",
                       at=datetime(2025, 10, 2, 9), by="beheerder")
    first = next(iter(app.get_intervention(PLAN, "2.B2").milestones))
    app.complete_milestone(PLAN, "2.B2", first, realised=date(2025, 12, 15), note="Vastgesteld",
                           at=datetime(2025, 12, 16, 10), by="Fatima de Vries")
    ms = [m for m in app.get_intervention(PLAN, "3.A1").milestones.values() if m.status == "open"]
    app.reschedule_milestone(PLAN, "3.A1", ms[0].id, due="Q3 2026", reason="Wacht op besluit college",
                             at=datetime(2026, 1, 12, 10), by="Jan Jansen")
    app.set_stoplicht(PLAN, "3.A1", colour="oranje", oorzaak="Besluit later", gevolg="Start schuift op",
                      bijsturing="Extra overleg ingepland", at=datetime(2026, 1, 12, 10, 5), by="Jan Jansen")
    services.catch_up()
