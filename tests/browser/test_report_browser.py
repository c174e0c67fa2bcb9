"""The council report in a real browser: preview, download, vaststellen."""

from __future__ import annotations

import re

import docx
import pytest
from playwright.sync_api import Page, expect

from tests.accounts import email_for, sign_in_page
from tests.browser.conftest import PLAN

pytestmark = pytest.mark.browser


@pytest.fixture
def beheerder(context, live_server) -> Page:
    page = context.new_page()
    sign_in_page(page, live_server, email_for("beheerder"))
    return page


def test_preview_download_and_publish_a_report(beheerder: Page, live_server: str, tmp_path, axe) -> None:
    page = beheerder
    page.goto(f"{live_server}/plannen/{PLAN}")
    page.get_by_role("link", name="Raadsrapportage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raadsrapportage")
    expect(page.get_by_text("Er is nog geen rapportage vastgesteld.")).to_be_visible()
    page.get_by_label("Periode").select_option("2026-H1")
    page.get_by_label("Peildatum").fill("2026-03-31")
    page.get_by_role("button", name="Voorbeeld tonen").click()
    preview = page.locator("article.report-preview")
    expect(preview.get_by_role("heading", name="Kernboodschap")).to_be_visible()
    expect(preview.get_by_role("heading", name=re.compile(r"^3\.A1 "))).to_be_visible()
    expect(preview).to_contain_text("Besluit later")            # 3.A1's oorzaak in the seed
    expect(preview).to_contain_text("Wacht op besluit college")  # and its reschedule reason
    expect(page).to_have_url(re.compile(r"periode=2026-H1.*peildatum=2026-03-31"))  # htmx pushed it
    assert axe(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="PDF", exact=True).click()
    pdf = tmp_path / "rapportage.pdf"
    info.value.save_as(pdf)
    assert info.value.suggested_filename == f"{PLAN}-raadsrapportage-2026-H1-concept.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    with page.expect_download() as info:
        page.get_by_role("link", name="Word", exact=True).click()
    word = tmp_path / "rapportage.docx"
    info.value.save_as(word)
    assert "Kernboodschap" in [p.text for p in docx.Document(str(word)).paragraphs]

    page.get_by_role("button", name="Vaststellen…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportage vaststellen")  # confirm first
    assert axe(page) == []
    page.get_by_role("button", name="Ja, vaststellen").click()
    expect(page).to_have_url(re.compile(r"/rapportages/nr-1$"))
    expect(page.get_by_role("status").filter(has_text="Rapportage nr. 1")).to_contain_text("Rapportage nr. 1 over het eerste halfjaar 2026 is vastgesteld.")
    expect(page.locator("article.report-preview")).to_contain_text("vastgesteld op 1 april 2026")
    page.get_by_role("link", name="alle rapportages").click()
    expect(page.get_by_role("link", name="Rapportage nr. 1", exact=True)).to_be_visible()


@pytest.mark.parametrize("path", ["/rapportages?periode=2025-H2&peildatum=2026-01-15", "/indicatoren", "/financien"])
def test_the_report_and_data_pages_have_no_serious_accessibility_violations(beheerder: Page, live_server: str,
                                                                            axe, path: str) -> None:
    beheerder.goto(f"{live_server}/plannen/{PLAN}{path}")
    expect(beheerder.get_by_role("heading", level=1)).to_be_visible()
    assert axe(beheerder) == []
