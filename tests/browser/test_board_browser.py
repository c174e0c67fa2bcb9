"""The stuurgroep's board in a real browser: filter, switch quarters, open an intervention."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PLAN

pytestmark = pytest.mark.browser


def test_filter_board_in_place_and_share_url(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}")
    rows = page.locator("tr.board-row")
    expect(rows).to_have_count(24)
    page.get_by_label("Trekker").select_option("Jan Jansen")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-code", "3.A1")
    # htmx updated the board in place and pushed a shareable URL
    expect(page).to_have_url(re.compile(r"trekker=Jan(\+|%20)Jansen"))
    page.goto(page.url)
    expect(page.locator("tr.board-row")).to_have_count(1)


def test_filter_by_theme_and_stoplicht(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}")
    page.get_by_label("Hoofdstuk/thema").select_option("3.A")
    # The rows are replaced in place when the answer arrives: wait for it, not for a fixed time.
    page.wait_for_function("() => { const rows = [...document.querySelectorAll('tr.board-row')];"
                           " return rows.length > 0 && rows.every(r => r.dataset.code.startsWith('3.A')); }")
    codes = page.locator("tr.board-row").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert codes and all(code.startswith("3.A") for code in codes)
    before = len(codes)
    page.get_by_label("Stoplicht").select_option("rood")
    expect(page).to_have_url(re.compile(r"stoplicht=rood"))
    colours = page.locator("tr.board-row .stoplicht").all_inner_texts()
    assert colours and set(colours) == {"rood"} and len(colours) < before


def test_board_as_of_a_past_date(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}?as_of=2025-10-01&trekker=Jan+Jansen")
    # On 1 October 2025 Jan Jansen was not yet trekker of anything.
    expect(page.locator("tr.board-row")).to_have_count(0)
    expect(page.get_by_text("historische stand")).to_be_visible()


def test_switch_quarters(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}/kwartaal?kwartaal=2025-Q4")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaaloverzicht Q4 2025")
    on_time = page.locator('td[data-category="op_tijd"]')
    expect(on_time).to_have_text("1")
    page.get_by_role("link", name=re.compile("Q1 2026")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaaloverzicht Q1 2026")
    expect(page.locator("svg.chart")).to_be_visible()


def test_open_an_intervention(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}")
    page.get_by_role("link", name=re.compile("^Uitbreiden van de ZBO", re.I)).or_(
        page.locator('tr[data-code="3.A1"] a')).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.A1")
    history = page.locator("ol.history")
    expect(history).to_contain_text("Wacht op besluit college")
    expect(history).to_contain_text("Jan Jansen")
    expect(page.locator("dl.facts dd", has_text="Extra overleg ingepland")).to_be_visible()


def test_keyboard_only_filtering(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.get_by_label("Trekker").focus()
    page.keyboard.type("Jan")  # type-ahead picks "Jan Jansen" and the board follows
    expect(page.locator("tr.board-row")).to_have_count(1)
    link = page.locator('tr[data-code="3.A1"] a')
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.A1")


@pytest.mark.parametrize("path", ["", "/dashboard", "/kwartaal?kwartaal=2026-Q1", "/interventies/3.A1", "/wijzigingen?van=2025-09-30"])
def test_no_serious_accessibility_violations(page: Page, live_server: str, axe, path: str) -> None:
    page.goto(f"{live_server}/plannen/{PLAN}{path}")
    assert axe(page) == []
