"""The trekker's updates in a real browser: inline with htmx, Dutch errors, conflicts between
two sessions, a lezer who cannot change anything, keyboard use and accessibility."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts import email_for
from tests.seed import PLAN, TODAY

pytestmark = pytest.mark.browser

LATE = "afwegingskader-startfase"   # Q4 2025, still open: late on 1 April 2026
LATE_LABEL = "Afwegingskader voor de startfase gereed"
CONFLICT = "Iemand anders heeft deze interventie intussen gewijzigd. Uw wijziging is niet opgeslagen"


def milestone_row(page: Page, milestone_id: str):
    return page.locator(f'tr[data-milestone="{milestone_id}"]')


def mark_page(page: Page) -> None:
    """Leave a mark in the document: it survives htmx swaps, not a page load."""
    page.evaluate("window.__noReload = true")


def still_same_page(page: Page) -> bool:
    return page.evaluate("window.__noReload === true")


def history(page: Page):
    return page.locator("ol.history > li")


# --- complete a milestone, then the board changes --------------------------------------------


def test_a_trekker_completes_a_milestone_inline_and_sees_the_board_change(signed_in, server):
    page = signed_in("trekker")
    page.goto(server.board)
    row = page.locator('tr.board-row[data-code="3.A1"]')
    expect(row).to_contain_text(LATE_LABEL)
    late_before = int(re.search(r"(\d+) mijlpalen te laat", page.locator("#board .lead").inner_text()).group(1))

    page.goto(server.iv())
    mark_page(page)
    events = server.events()
    history_before = history(page).count()
    target = milestone_row(page, LATE)
    expect(target.locator(".badge")).to_have_text("te laat")
    target.locator("summary", has_text="Gereed melden").click()
    expect(target.get_by_label("Gereed op")).to_have_value(TODAY.isoformat())
    target.get_by_label("Toelichting (optioneel)").fill("Vastgesteld in het MT")
    target.get_by_role("button", name="Gereed melden").click()

    notice = milestone_row(page, LATE).locator(".row-notice")
    expect(notice).to_contain_text("Mijlpaal gereed gemeld op ")
    expect(notice).to_be_focused()  # focus moves to the result
    expect(page.locator("#meldingen")).to_contain_text("Mijlpaal gereed gemeld op ")  # announced
    expect(milestone_row(page, LATE).locator(".badge")).to_have_text("gereed")
    expect(milestone_row(page, LATE)).to_contain_text("01-04-2026")
    expect(history(page)).to_have_count(history_before + 1)
    expect(history(page).first).to_contain_text("Jan Jansen")
    expect(history(page).first).to_contain_text("gereed op 1 april 2026 — Vastgesteld in het MT")
    assert still_same_page(page), "the update was not made inline"
    assert server.events() == events + 1
    # The completed milestone no longer offers its forms.
    expect(milestone_row(page, LATE).locator("summary")).to_have_count(0)

    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link").click()
    expect(page).to_have_url(server.board)
    row = page.locator('tr.board-row[data-code="3.A1"]')
    expect(row).not_to_contain_text(LATE_LABEL)
    expect(row).to_contain_text("Commissie operationeel")
    expect(page.locator("#board .lead")).to_contain_text(f"{late_before - 1} mijlpalen te laat")

    # The stuurgroep sees the same board.
    board = signed_in("stuurgroep")
    board.goto(server.board)
    expect(board.locator('tr.board-row[data-code="3.A1"]')).not_to_contain_text(LATE_LABEL)


def test_mijn_interventies_leads_to_the_milestone_and_loses_it_once_done(signed_in, server):
    page = signed_in("trekker")
    page.get_by_role("link", name="Mijn interventies").click()
    rows = page.locator("table.mine tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.first).to_contain_text(LATE_LABEL)
    expect(rows.first.locator(".badge")).to_have_text("te laat")
    rows.first.get_by_role("link", name="3.A1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.A1")
    target = milestone_row(page, LATE)
    target.locator("summary", has_text="Gereed melden").click()
    target.get_by_role("button", name="Gereed melden").click()
    expect(target.locator(".row-notice")).to_contain_text("Mijlpaal gereed gemeld op ")
    page.get_by_role("link", name="Mijn interventies").click()
    expect(rows).to_have_count(7)
    expect(page.locator("table.mine")).not_to_contain_text(LATE_LABEL)


# --- a reschedule without a reason --------------------------------------------------------------


def test_a_reschedule_without_a_reason_shows_the_dutch_error_and_records_nothing(signed_in, server):
    page = signed_in("trekker")
    page.goto(server.iv())
    mark_page(page)
    events = server.events()
    history_before = history(page).all_inner_texts()
    target = milestone_row(page, LATE)
    target.locator("summary", has_text="Verschuiven").click()
    target.get_by_label("Nieuwe termijn").fill("Q3 2026")
    target.get_by_role("button", name="Verschuiven").click()

    target = milestone_row(page, LATE)
    error = target.locator(f"#error-reschedule-{LATE}")
    expect(error).to_be_visible()
    expect(error).to_have_text("Geef een reden op voor het verschuiven van de mijlpaal.")
    reason = target.get_by_label("Reden (verplicht)").first
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_attribute("aria-describedby", f"error-reschedule-{LATE}")
    # The error sits in the reschedule form, next to its fields, and what was typed is kept.
    form = target.locator("form", has=page.locator(f"#error-reschedule-{LATE}"))
    expect(form).to_have_attribute("action", re.compile(r"/verschuiven$"))
    expect(form.get_by_label("Nieuwe termijn")).to_have_value("Q3 2026")
    assert still_same_page(page)
    # Nothing recorded.
    assert server.events() == events
    assert history(page).all_inner_texts() == history_before
    expect(target.locator("td").first).to_have_text("Q4 2025")
    page.reload()
    assert history(page).all_inner_texts() == history_before

    # With a reason it goes through.
    target = milestone_row(page, LATE)
    target.locator("summary", has_text="Verschuiven").click()
    target.get_by_label("Nieuwe termijn").fill("Q3 2026")
    target.get_by_label("Reden (verplicht)").first.fill("Wacht op de nieuwe wethouder")
    target.get_by_role("button", name="Verschuiven").click()
    expect(target.locator(".row-notice")).to_contain_text("Mijlpaal verschoven naar ")
    expect(milestone_row(page, LATE)).to_contain_text("Verschoven van Q4 2025: Wacht op de nieuwe wethouder")
    assert server.events() == events + 1


def test_stoplicht_oranje_without_explanation_is_refused_next_to_the_field(signed_in, server):
    page = signed_in("trekker")
    page.goto(server.iv())
    events = server.events()
    form = page.locator("form", has=page.get_by_role("heading", name="Stoplicht"))
    form.get_by_role("radio", name="rood").check()
    form.get_by_label("Oorzaak", exact=True).fill("")
    form.get_by_role("button", name="Opslaan").click()
    error = page.locator("#error-stoplicht")
    expect(error).to_contain_text("Bij stoplicht rood zijn oorzaak, gevolg en bijsturing verplicht")
    assert server.events() == events


# --- two sessions ------------------------------------------------------------------------------


def test_two_sessions_a_note_beside_a_completion_and_a_refused_second_completion(signed_in, server):
    first = signed_in("trekker")
    second = signed_in("trekker")
    first.goto(server.iv())
    second.goto(server.iv())
    mark_page(second)
    events = server.events()

    target = milestone_row(first, LATE)
    target.locator("summary", has_text="Gereed melden").click()
    target.get_by_role("button", name="Gereed melden").click()
    expect(target.locator(".row-notice")).to_contain_text("Mijlpaal gereed gemeld op ")
    assert server.events() == events + 1

    # The second session still shows the milestone as late; a note there is no conflict.
    expect(milestone_row(second, LATE).locator(".badge")).to_have_text("te laat")
    second.get_by_label("Notitie").fill("Notitie uit de tweede sessie")
    second.locator("form", has=second.get_by_label("Notitie")).get_by_role("button", name="Opslaan").click()
    expect(second.locator("#intervention .notice")).to_have_text("Notitie opgeslagen.")
    assert server.events() == events + 2
    expect(history(second).nth(0)).to_contain_text("Voortgangsnotitie: Notitie uit de tweede sessie")
    expect(history(second).nth(1)).to_contain_text("gereed op 1 april 2026")
    expect(milestone_row(second, LATE).locator(".badge")).to_have_text("gereed")

    # A stale form of that same milestone is refused in its row; what was typed stays, open.
    third = signed_in("trekker")
    third.goto(server.iv())
    target = milestone_row(third, "commissie-operationeel")
    target.locator("summary", has_text="Verschuiven").click()
    target.get_by_label("Nieuwe termijn").fill("Q4 2026")
    target.get_by_label("Reden (verplicht)").first.fill("Derde sessie")
    row = milestone_row(first, "commissie-operationeel")
    row.locator("summary", has_text="Laten vervallen").click()
    row.get_by_label("Reden (verplicht)").last.fill("Eerste sessie")
    row.get_by_role("button", name="Laten vervallen").click()
    expect(row.locator(".row-notice")).to_have_text("Mijlpaal laten vervallen.")
    target.get_by_role("button", name="Verschuiven").click()
    conflict = milestone_row(third, "commissie-operationeel").locator(".conflict")
    expect(conflict).to_contain_text("is intussen gewijzigd door Jan Jansen")
    expect(conflict).to_be_focused()
    expect(milestone_row(third, "commissie-operationeel").locator(".badge")).to_have_text("vervallen")
    assert server.events() == events + 3
    assert still_same_page(second)


def test_two_sessions_rescheduling_the_same_milestone(signed_in, server):
    first = signed_in("trekker")
    second = signed_in("trekker")
    first.goto(server.iv())
    second.goto(server.iv())
    for page, due, reason in ((first, "Q2 2026", "Eerste sessie"), (second, "Q4 2026", "Tweede sessie")):
        target = milestone_row(page, LATE)
        target.locator("summary", has_text="Verschuiven").click()
        target.get_by_label("Nieuwe termijn").fill(due)
        target.get_by_label("Reden (verplicht)").first.fill(reason)
        target.get_by_role("button", name="Verschuiven").click()
        if page is first:
            expect(target.locator(".row-notice")).to_contain_text("Mijlpaal verschoven naar ")
    row = milestone_row(second, LATE)
    expect(row.locator(".conflict")).to_contain_text("is intussen gewijzigd door Jan Jansen")
    expect(row).to_contain_text("Verschoven van Q4 2025: Eerste sessie")
    expect(row.locator("td").first).to_contain_text("Q2 2026")
    # The second session's typed reschedule is kept in its open form.
    expect(row.get_by_label("Nieuwe termijn")).to_have_value("Q4 2026")
    expect(row.get_by_label("Reden (verplicht)").first).to_have_value("Tweede sessie")
    expect(second.locator("ol.history")).not_to_contain_text("Tweede sessie")


# --- a lezer ---------------------------------------------------------------------------------


def test_a_lezer_cannot_change_anything(signed_in, server):
    page = signed_in("lezer")
    page.goto(server.iv())
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.A1")
    for action in ("/gereed", "/verschuiven", "/laten-vervallen", "/mijlpalen", "/notities", "/stoplicht",
                   "/bespreking", "/trekker"):
        expect(page.locator(f'form[action$="{action}"]')).to_have_count(0)
    expect(page.get_by_text("Gereed melden")).to_have_count(0)
    expect(page.get_by_role("heading", name="Bijwerken")).to_have_count(0)
    page.goto(server.board)
    expect(page.locator("form.assign-inline")).to_have_count(0)

    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    assert token
    events = server.events()
    base = server.iv()
    forged = [
        (f"{base}/mijlpalen/{LATE}/gereed", {"realised": "", "version": "12"}),
        (f"{base}/mijlpalen/{LATE}/verschuiven", {"due": "Q4 2026", "reason": "Vervalst", "version": "12"}),
        (f"{base}/notities", {"text": "Vervalste notitie", "version": "12"}),
        (f"{base}/stoplicht", {"colour": "groen", "version": "12"}),
        (f"{base}/bespreking", {"decision": "Vervalst besluit", "version": "12"}),
        (f"{base}/trekker", {"email": email_for("lezer"), "version": "12"}),
        (f"{server.url}/gebruikers/rol", {"email": email_for("lezer"), "role": "beheerder"}),
    ]
    for url, data in forged:
        for headers in ({}, {"HX-Request": "true", "X-CSRFToken": token}):
            response = page.request.post(url, form={"csrf_token": token, **data}, headers=headers,
                                         max_redirects=0)
            assert response.status == 403, (url, headers, response.status)
            assert "Geen toegang" in response.text()
    assert server.events() == events
    page.goto(server.iv())
    expect(page.locator("ol.history")).not_to_contain_text("Vervalst")


def test_a_post_without_a_csrf_token_from_the_browser_is_refused(signed_in, server):
    page = signed_in("trekker")
    page.goto(server.iv())
    events = server.events()
    response = page.request.post(f"{server.iv()}/notities", form={"text": "Zonder token", "version": "12"},
                                 max_redirects=0)
    assert response.status == 400
    assert "Het formulier is verlopen" in response.text()
    assert server.events() == events


# --- keyboard and accessibility ---------------------------------------------------------------


def _tab_to(page: Page, locator, limit: int = 200) -> None:
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("could not reach the element with Tab")


def test_keyboard_only_the_trekker_reports_a_milestone_done(signed_in, server):
    page = signed_in("trekker")
    page.goto(server.iv())
    events = server.events()
    target = milestone_row(page, LATE)
    summary = target.locator("summary", has_text="Gereed melden")
    _tab_to(page, summary)
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(target.locator("details").first).to_have_attribute("open", "")
    note = target.get_by_label("Toelichting (optioneel)")
    _tab_to(page, note, limit=20)
    page.keyboard.type("Met het toetsenbord")
    button = target.get_by_role("button", name="Gereed melden")
    _tab_to(page, button, limit=5)
    page.keyboard.press("Enter")
    expect(milestone_row(page, LATE).locator(".row-notice")).to_be_focused()
    expect(milestone_row(page, LATE).locator(".badge")).to_have_text("gereed")
    expect(history(page).first).to_contain_text("Met het toetsenbord")
    assert server.events() == events + 1


def _open_all_forms(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def test_axe_finds_no_serious_problems_on_the_intervention_page_with_its_forms(signed_in, server, axe):
    page = signed_in("trekker")
    page.goto(server.iv())
    _open_all_forms(page)
    assert axe(page) == []
    # With a validation error shown.
    target = milestone_row(page, LATE)
    target.get_by_role("button", name="Verschuiven").click()
    expect(target.locator(f"#error-reschedule-{LATE}")).to_be_visible()
    _open_all_forms(page)
    assert axe(page) == []


@pytest.mark.parametrize("role", ["stuurgroep", "beheerder", "lezer"])
def test_axe_finds_no_serious_problems_on_the_intervention_page_for_other_roles(signed_in, server, axe, role):
    page = signed_in(role)
    page.goto(server.iv())
    _open_all_forms(page)
    assert axe(page) == []


def test_axe_finds_no_serious_problems_on_mijn_interventies(signed_in, server, axe):
    page = signed_in("trekker")
    page.goto(f"{server.url}/mijn-interventies")
    expect(page.locator("table.mine tbody tr")).to_have_count(8)
    assert axe(page) == []
