"""Updates in place in a real browser: on Mijn interventies the row is replaced, focus moves to the
result, the live region announces it, the page does not jump; without JavaScript the same forms work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts import email_for, sign_in_page

pytestmark = pytest.mark.browser

LATE_LABEL = "Afwegingskader voor de startfase gereed"


def test_a_trekker_reports_a_milestone_done_on_mijn_interventies_in_place(signed_in, server) -> None:
    page = signed_in("trekker")
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(f"{server.url}/mijn-interventies")
    assert page.locator("main a[href*='#']").count() == 0  # no anchors that jump (the skip link aside)
    page.evaluate("window.__noReload = true")
    events = server.events()
    lead = page.locator("#mine-lead .lead")
    count = int(lead.inner_text().split("·")[1].split()[0])
    row = page.locator("table.mine tbody tr").nth(2)  # a row below the first screen
    label = row.locator('td[data-label="Mijlpaal"]').inner_text()
    row.locator("summary", has_text="Gereed melden").click()
    before = page.evaluate("window.scrollY")
    row.get_by_role("button", name="Gereed melden").click()
    replaced = page.locator("table.mine tbody tr", has_text=label)
    notice = replaced.locator(".row-notice")
    expect(notice).to_contain_text("Mijlpaal gereed gemeld op ")
    expect(notice).to_be_focused()
    expect(page.locator("#meldingen")).to_contain_text("Mijlpaal gereed gemeld op ")
    expect(replaced.locator(".badge")).to_have_text("gereed")
    expect(lead).to_contain_text(re.compile(rf"·\s+{count - 1} open mijlpa"))  # the count above follows the change
    code = row.get_attribute("data-code")
    expect(page.locator(f'li.mine-iv[data-code="{code}"]')).to_contain_text("(vandaag)")  # and the list below
    assert page.evaluate("window.__noReload === true")
    # The page stayed where it was (focus may bring the result into view, no more), the result in sight.
    assert abs(page.evaluate("window.scrollY") - before) < 600
    box = notice.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 600
    assert server.events() == events + 1


def test_nog_actueel_in_place(signed_in, server) -> None:
    page = signed_in("trekker")
    page.goto(f"{server.url}/mijn-interventies")
    item = page.locator('li.mine-iv[data-code="3.A1"]')
    expect(item).to_contain_text("79 dagen geleden")
    events = server.events()
    item.get_by_role("button", name="Nog actueel").click()
    expect(item.locator(".row-notice")).to_be_focused()
    expect(item).to_contain_text("(vandaag)")
    expect(page.locator("#meldingen")).to_have_text("Vastgelegd: de stand is nog actueel.")
    assert server.events() == events + 1


def test_without_javascript_the_same_forms_work_by_full_page(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_page(page, server.url, email_for("trekker"))
    page.goto(f"{server.url}/mijn-interventies")
    events = server.events()
    row = page.locator("table.mine tbody tr", has_text=LATE_LABEL)
    row.locator("summary", has_text="Verschuiven").click()
    row.get_by_label("Nieuwe termijn").fill("Q3 2026")
    row.get_by_role("button", name="Verschuiven").click()  # no reason: refused, on the same page
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn interventies")
    row = page.locator("table.mine tbody tr", has_text=LATE_LABEL)
    expect(row.locator(".field-error")).to_have_text("Geef een reden op voor het verschuiven van de mijlpaal.")
    expect(row.get_by_label("Nieuwe termijn")).to_have_value("Q3 2026")
    row.get_by_label("Reden (verplicht)").first.fill("Na de zomer")
    row.get_by_role("button", name="Verschuiven").click()
    expect(page).to_have_url(f"{server.url}/mijn-interventies")
    expect(page.get_by_role("status").filter(has_text="Mijlpaal verschoven naar ")).to_be_visible()
    assert server.events() == events + 1
    context.close()


def test_axe_finds_no_serious_problems_on_mijn_interventies_with_its_forms(signed_in, server, axe) -> None:
    page = signed_in("trekker")
    page.goto(f"{server.url}/mijn-interventies")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert axe(page) == []
