"""The portfolio, a goal's page and the links on an intervention's page, on a phone (390 px) and through axe-core."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from playwright.sync_api import Page
from waitress.server import create_server

from tests.accounts import email_for, ensure_user, sign_in_page
from tests.browser.test_phone_browser import PHONE, overflowing
from tests.helpers import REPO
from tests.seed import PLAN, TODAY, seed_plan

pytestmark = pytest.mark.browser

REGIO = "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"
PAGES = [
    ("stuurgroep", "/"),
    ("lezer", "/?as_of=2025-12-01"),
    ("beheerder", f"/plannen/{REGIO}/doelen/doel-2"),
    ("lezer", f"/plannen/{REGIO}/doelen/doel-1?as_of=2026-01-15"),
    ("beheerder", f"/plannen/{PLAN}/interventies/3.C2"),
    ("lezer", f"/plannen/{REGIO}/interventies/2.2a"),
]


@pytest.fixture(scope="module")
def two_plan_server(tmp_path_factory):
    from tracker.planfile import read_plan_file
    from web import create_app
    from web.services import open_services

    data_dir = tmp_path_factory.mktemp("portfolio") / "data"
    seed_plan(data_dir)
    services = open_services(data_dir)
    services.app.import_plan(read_plan_file(REPO / "plans" / f"{REGIO}.yaml"), at=datetime(2025, 10, 1, 9),
                             by="beheer")
    services.catch_up()
    for role in ("beheerder", "stuurgroep", "trekker", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def phone(browser, two_plan_server):
    contexts = []

    def open_as(role: str) -> Page:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        sign_in_page(page, two_plan_server, email_for(role))
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_no_horizontal_scrolling_at_390_px_and_axe_clean(phone, two_plan_server, axe, role, path):
    page = phone(role)
    page.goto(two_plan_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overflowing(page) == []
    assert axe(page) == []


def test_from_the_portfolio_to_a_goal_and_what_serves_it(phone, two_plan_server):
    page = phone("stuurgroep")
    page.goto(two_plan_server + "/")
    assert page.get_by_role("heading", name="Portfolio", level=1).is_visible()
    goal = page.locator('li[data-goal="doel-2"]')
    assert "7 interventies van andere plannen dragen bij" in goal.inner_text()
    goal.get_by_role("link", name="Grotere mentale veerkracht").click()
    page.wait_for_url(f"**/plannen/{REGIO}/doelen/doel-2")
    contributions = page.locator("li.contribution")
    assert contributions.count() == 7
    assert "3.C2 Het inzetten van de interventie Join Us" in contributions.nth(3).inner_text()
    assert "(oordeel beheerder)" in contributions.nth(3).inner_text()


@pytest.mark.parametrize("path", [f"/plannen/{PLAN}/dashboard", f"/plannen/{PLAN}", "/", f"/plannen/{REGIO}"])
def test_the_beheerders_pages_fit_a_1280_px_screen(browser, two_plan_server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        sign_in_page(page, two_plan_server, email_for("beheerder"))
        page.goto(two_plan_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert overflowing(page) == []
    finally:
        context.close()


def test_the_facts_of_an_intervention_keep_a_gap_between_name_and_value(browser, two_plan_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        sign_in_page(page, two_plan_server, email_for("stuurgroep"))
        page.goto(f"{two_plan_server}/plannen/{REGIO}/interventies/1.2b")
        gaps = page.evaluate("""() => [...document.querySelectorAll('dl.facts dt')].map(dt => {
            const range = document.createRange(); range.selectNodeContents(dt);
            const dd = dt.nextElementSibling; const text = document.createRange(); text.selectNodeContents(dd);
            return [dt.textContent.trim(), text.getBoundingClientRect().left - range.getBoundingClientRect().right];
        })""")
        assert gaps and all(gap >= 6 for _, gap in gaps), gaps
    finally:
        context.close()


def test_the_beheerder_opens_the_unlink_form_of_one_link_only_when_asked(browser, two_plan_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        sign_in_page(page, two_plan_server, email_for("beheerder"))
        page.goto(f"{two_plan_server}/plannen/{PLAN}/interventies/3.C2")
        reason = page.get_by_label("Reden om te laten vervallen").first
        assert not reason.is_visible()  # the links read as links, not as a form to fill in
        page.locator("#bijdragen summary").first.click()
        assert reason.is_visible()
    finally:
        context.close()
