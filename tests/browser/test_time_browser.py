"""A gemeente starting mid-plan in a real browser: the beginstand, a true past quarter, 'zoals bekend op'."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from waitress.server import create_server

from tests.accounts import email_for, ensure_user, sign_in_page
from tests.helpers import DEFAULT_PLAN, DEFAULT_PLAN_ID as PLAN
from tracker.planfile import read_plan_file
from web import create_app
from web.services import open_services

pytestmark = pytest.mark.browser

# Due in Q4 2025 and open when the plan is loaded in December 2026.
DONE = {("2.A2", "selectie-aanbieders"): "2025-12-15", ("2.B2", "pva"): "2025-11-20"}
MOVED = ("3.A1", "afwegingskader-startfase")


@pytest.fixture(scope="module")
def late_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("late") / "data"
    services = open_services(data_dir)
    services.app.import_plan(read_plan_file(DEFAULT_PLAN), at=datetime(2026, 12, 1, 12), by="beheerder")
    services.catch_up()
    for role in ("beheerder", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-12-10", "TESTING": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", services
    server.close()


@pytest.fixture
def fresh(browser):
    """Return a page of its own (the suite's ``page`` is signed in on the other live server)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _quarter(page: Page, url: str) -> dict:
    """Read the quarter view as a councillor would: totals, chart and list."""
    page.goto(url)
    totals = {cell.get_attribute("data-category"): int(cell.inner_text())
              for cell in page.locator("table.totals td[data-category]").all()}
    desc = page.locator("svg.chart desc").first.text_content()
    realised = int(re.search(r"Q4 2025: \d+ gepland, (\d+) gerealiseerd", desc)[1])
    listed = {}
    for section in page.locator("section.quarter-iv").all():
        code = section.locator("h3").inner_text().split()[0]
        for row in section.locator("tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            listed[(code, cells[0])] = cells[2]
    return {"totals": totals, "realised": realised, "listed": listed}


def test_a_past_quarter_after_the_beginstand_shows_the_backfilled_completions_everywhere(fresh: Page, late_server):
    page = fresh
    late_server, _ = late_server
    sign_in_page(page, late_server, email_for("beheerder"))
    q4 = f"{late_server}/plannen/{PLAN}/kwartaal?kwartaal=2025-Q4"
    before = _quarter(page, q4)
    assert before["totals"]["op_tijd"] == 0 and before["realised"] == 0

    page.goto(f"{late_server}/plannen/{PLAN}/beginstand")
    for (code, milestone), day in DONE.items():
        row = page.locator(f'tr[data-code="{code}"][data-milestone="{milestone}"]')
        row.get_by_label(re.compile("^Stand van")).select_option("gereed")
        row.get_by_label(re.compile("^Datum")).fill(day)
    row = page.locator(f'tr[data-code="{MOVED[0]}"][data-milestone="{MOVED[1]}"]')
    row.get_by_label(re.compile("^Stand van")).select_option("verschoven")
    row.get_by_label(re.compile("^Datum")).fill("2025-11-01")
    row.get_by_label(re.compile("^Nieuwe termijn")).fill("Q2 2026")
    page.get_by_role("button", name="Beginstand vastleggen").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("Beginstand vastgelegd: 3 mijlpalen.")

    after = _quarter(page, q4)
    # The totals, the chart and the list say the same: two done on time, one moved out of Q4 2025.
    assert after["totals"]["op_tijd"] == 2
    assert after["realised"] == 2
    done = [key for key, state in after["listed"].items() if state == "op tijd gereed"]
    assert len(done) == 2 and {code for code, _ in done} == {"2.A2", "2.B2"}
    assert after["totals"]["verschoven"] == before["totals"]["verschoven"] + 1
    # Not done at the quarter's end: te laat when due before its last day, nog open when due on it.
    def undone(t):
        return t["te_laat"] + t["open"]
    assert undone(after["totals"]) == undone(before["totals"]) - 3
    expect(page.locator("p.lead")).to_contain_text("zoals nu bekend")

    # Zoals bekend op 1 December 2026 (before the beginstand was entered): the old answer.
    page.get_by_label("Zoals bekend op").fill("2026-12-01")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"bekend_op=2026-12-01"))
    known = _quarter(page, page.url)
    assert known["totals"] == before["totals"] and known["realised"] == 0
    expect(page.locator("p.lead")).to_contain_text("zoals bekend op 1 december 2026")


def test_zoals_bekend_op_changes_the_board_and_the_intervention_page(fresh: Page, late_server):
    page = fresh
    late_server, services = late_server
    # Entered on 5 December 2026: done on 20 March 2026.
    services.app.complete_milestone(PLAN, "2.A3", "start-oudercursus", realised=datetime(2026, 3, 20).date(),
                                    at=datetime(2026, 12, 5, 10), by="Piet Bakker")
    sign_in_page(page, late_server, email_for("lezer"))
    page.goto(f"{late_server}/plannen/{PLAN}/interventies/2.A3?as_of=2026-03-31")
    expect(page.locator("tr", has_text="Start groepsoudercursus")).to_contain_text("gereed")
    page.get_by_label("Zoals bekend op").fill("2026-12-01")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("p.lead")).to_contain_text("zoals bekend op 1 december 2026")
    expect(page.locator("tr", has_text="Start groepsoudercursus")).not_to_contain_text("gereed")

    page.goto(f"{late_server}/plannen/{PLAN}?as_of=2026-03-31")
    row = page.locator('tr.board-row[data-code="2.A3"]')
    as_known_now = row.inner_text()
    page.get_by_label("Zoals bekend op").fill("2026-12-01")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("#board p.lead")).to_contain_text("zoals bekend op 1 december 2026")
    expect(row).not_to_have_text(as_known_now)
