"""The pages of the daily loop on a phone (390 px wide) and on paper: no horizontal scrolling, every form reachable."""

from __future__ import annotations

from typing import Callable

import pytest
from playwright.sync_api import Page

from tests.accounts import email_for, sign_in_page
from tests.browser.conftest import PLAN

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
IV = f"/plannen/{PLAN}/interventies/3.A1"

# (role, path): the board, the trekker's list, the intervention page with every update form of
# each role that has one (trekker: milestones, notes, stoplicht; stuurgroep: review; beheerder: assign).
PAGES = [
    ("stuurgroep", f"/plannen/{PLAN}/dashboard"),
    ("lezer", f"/plannen/{PLAN}"),
    ("beheerder", f"/plannen/{PLAN}"),
    ("trekker", "/mijn-interventies"),
    ("trekker", IV),
    ("stuurgroep", IV),
    ("beheerder", IV),
    ("lezer", IV),
    # The tables of the pages beyond the daily loop stand row by row too.
    ("stuurgroep", f"/plannen/{PLAN}/kwartaal?kwartaal=2026-Q1"),
    ("beheerder", f"/plannen/{PLAN}/indicatoren"),
    ("beheerder", f"/plannen/{PLAN}/financien"),
    ("beheerder", "/gebruikers"),
    ("beheerder", "/uitgaande-berichten"),
    ("beheerder", f"/plannen/{PLAN}/rapportages?periode=2026-H1"),
]


@pytest.fixture
def phone(browser, live_server) -> Callable[[str], Page]:
    """Return a function that opens a 390 px wide page signed in with a role's account."""
    contexts = []

    def open_as(role: str) -> Page:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        sign_in_page(page, live_server, email_for(role))
        return page

    yield open_as
    for context in contexts:
        context.close()


def overflowing(page: Page) -> list[str]:
    """Return the visible elements that reach beyond the right edge of the screen."""
    return page.evaluate("""() => [...document.querySelectorAll('main *, header *')]
        .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5
                     && getComputedStyle(e).visibility !== 'hidden'
                     && !e.closest('thead, .visually-hidden'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_no_horizontal_scrolling_at_390_px(phone, live_server: str, role: str, path: str) -> None:
    page = phone(role)
    page.goto(live_server + path)
    # Every folded update form open, as when a trekker works through them.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overflowing(page) == []


def test_update_buttons_are_on_screen(phone, live_server: str) -> None:
    page = phone("trekker")
    page.goto(live_server + IV)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    buttons = page.locator("main form button[type=submit]")
    assert buttons.count() > 5
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_tables_become_stacked_rows(phone, live_server: str) -> None:
    page = phone("trekker")
    page.goto(live_server + "/mijn-interventies")
    first = page.locator("table.mine tbody tr").first
    # One block per row, each value with its column's name before it.
    assert first.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert first.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == '"Termijn: "'


def test_the_dashboard_prints_without_its_controls(phone, live_server: str) -> None:
    page = phone("stuurgroep")
    page.goto(f"{live_server}/plannen/{PLAN}/dashboard")
    page.emulate_media(media="print")
    for selector in (".asof-form", ".plan-nav", ".site-header"):
        assert page.locator(selector).evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("svg.chart.trend").is_visible()
    assert page.locator("p.lead", has_text="Stand per 1 april 2026").is_visible()  # the date it is as of, on paper too


def test_the_meeting_page_fits_a_phone_and_has_no_serious_accessibility_problems(phone, live_server: str, axe) -> None:
    page = phone("stuurgroep")
    page.goto(f"{live_server}/plannen/{PLAN}/vergaderingen")
    page.get_by_label("Datum").fill("2026-03-31")
    page.get_by_label("Aanwezigen (één per regel)").fill("Stijn Stuur\nBea Beheer")
    page.get_by_role("button", name="Openen").click()
    page.wait_for_url(f"{live_server}/plannen/{PLAN}/vergaderingen/2026-03-31")
    interventions = page.locator('li.agenda-item:not([data-code="plan"])')  # the plan's own item takes no decision
    item = interventions.first
    item.locator("summary", has_text="Besluit vastleggen").click()
    item.get_by_label("Besluit").fill("Doorgaan volgens plan")
    page.evaluate("window.__noReload = true")
    item.get_by_role("button", name="Vastleggen").click()
    notice = interventions.first.locator(".row-notice")
    assert notice.inner_text().endswith("vastgelegd.")
    assert page.evaluate("window.__noReload === true")  # decided in place
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overflowing(page) == []
    assert axe(page) == []


def test_a_beheerder_records_a_value_and_a_figure_on_a_phone_and_their_tables_fit(phone, live_server: str) -> None:
    page = phone("beheerder")
    page.goto(f"{live_server}/plannen/{PLAN}/indicatoren")
    page.get_by_label("Periode", exact=True).fill("2026-H1")
    page.get_by_label("Waarde", exact=True).fill("1234567")
    page.get_by_label("Bron").fill("Declaratiegegevens")
    page.get_by_role("button", name="Vastleggen").first.click()
    recorded = page.locator("#kop-vastgelegd ~ table tbody tr").first
    recorded.wait_for()
    assert recorded.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert recorded.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == '"Periode: "'
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overflowing(page) == []

    page.goto(f"{live_server}/plannen/{PLAN}/financien")
    assert page.locator("#jaar").input_value() == "2026"       # the year it is
    page.locator("#jaar").select_option("2025")
    page.locator("#periode").select_option(index=1)
    page.get_by_label("Bedrag (euro)").fill("250000")
    page.get_by_label("Toelichting").fill("Begroting volgens de programmabegroting")
    page.get_by_role("button", name="Vastleggen").first.click()
    row = page.locator("table.stack tbody tr", has_text="250.000").first
    row.wait_for()
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overflowing(page) == []
