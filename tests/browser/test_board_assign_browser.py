"""The beheerder assigns a trekker on the board: the row changes in place, the page stays where it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_assigning_on_the_board_keeps_the_scroll_position(signed_in, server) -> None:
    page = signed_in("beheerder")
    page.goto(server.board)
    row = page.locator('tr.board-row[data-code="4.2"]')  # the last row: far down the page
    row.scroll_into_view_if_needed()
    page.evaluate("window.__noReload = true")
    before = page.evaluate("window.scrollY")
    assert before > 1000
    events = server.events()
    row.get_by_label("Trekker van 4.2").select_option("j.jansen@nijmegen.nl")
    row.get_by_role("button", name="Toewijzen").click()
    notice = row.locator(".row-notice")
    expect(notice).to_have_text("Trekker toegewezen.")
    expect(notice).to_be_focused()
    expect(page.locator("#meldingen")).to_have_text("Trekker toegewezen.")  # the live region
    assert page.evaluate("window.__noReload === true")  # no page load
    assert abs(page.evaluate("window.scrollY") - before) < 200
    expect(row.locator('td[data-label="Trekker"]')).to_contain_text("Jan Jansen")
    assert server.events() == events + 1
