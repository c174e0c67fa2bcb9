"""The public site in a real browser that is not signed in: opt-in, complete, accessible, without JavaScript."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PLAN

pytestmark = pytest.mark.browser
NOTE = "Gesprek met aanbieder over de wachtlijst loopt nog"


def test_a_visitor_sees_the_plan_only_after_it_is_made_public(browser, server, cli, axe):
    server.services.app.add_note(PLAN, "2.B2", text=NOTE, at=datetime(2026, 3, 2, 10), by="Fatima de Vries")
    context = browser.new_context()  # never signed in
    page = context.new_page()
    url = f"{server.url}/openbaar/{PLAN}"
    assert page.goto(url).status == 404
    assert axe(page) == []

    assert cli("public", PLAN, "on").exit_code == 0
    response = page.goto(url)
    assert response.status == 200 and response.headers["cache-control"].startswith("public")
    codes = page.locator("article.public-iv").evaluate_all("items => items.map(i => i.id)")
    assert len(codes) == 24 and "interventie-2.B2" in codes
    expect(page.locator("#interventie-2\\.B2 table.tijdpad tbody tr").first).to_be_visible()
    assert NOTE not in page.content()
    assert axe(page) == []
    data = page.request.get(f"{url}/interventies.json").json()
    assert len(data["interventions"]) == 24 and data["licence"]["id"] == "CC0-1.0"

    # On a phone's screen nothing is wider than the screen.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_the_public_page_works_without_javascript(browser, server, cli):
    assert cli("public", PLAN, "on").exit_code == 0
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/openbaar/{PLAN}")
    expect(page.locator("article.public-iv")).to_have_count(24)
    page.get_by_role("link", name="Open data").click()
    expect(page.get_by_role("link", name="mijlpalen.csv")).to_be_visible()
    context.close()
