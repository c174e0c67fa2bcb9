"""A live server on 127.0.0.1 with the default plan, and Debian's Chromium through Playwright."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from waitress.server import create_server

from tracker.planfile import read_plan_file
from web import create_app
from web.services import DEFAULT_PLAN, open_services

PLAN = "nijmegen-uitvoeringsagenda-2025"
TODAY = date(2026, 4, 1)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


def seed_plan(data_dir: Path) -> None:
    """Load the default plan on 1 October 2025 and record a quarter of updates."""
    services = open_services(data_dir)
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


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser") / "data"
    seed_plan(data_dir)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def axe():
    """Return a function that runs axe-core on a page and returns serious/critical violations."""
    source = AXE.read_text(encoding="utf-8")

    def run(page):
        page.add_script_tag(content=source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return run
