"""Updates in place on Mijn interventies (with and without JavaScript) and "nog actueel"."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from projections.interventions import interventions_as_of
from tests.accounts import csrf_token, ensure_user, sign_in
from tests.helpers import event_count, stored_events
from tests.seed import PLAN, TODAY, seed_plan

IV = f"/plannen/{PLAN}/interventies/3.A1"
LATE = "afwegingskader-startfase"        # Q4 2025, open: late on 1 April 2026


@pytest.fixture
def site(data_dir: Path):
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ("beheerder", "trekker", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    client = app.test_client()
    sign_in(client, services, "trekker")
    return app, client, services


def send(client, services, path: str, htmx: bool = False, code: str = "3.A1", **data):
    data.setdefault("version", str(services.app.get_intervention(PLAN, code).version))
    data["csrf_token"] = csrf_token(client, "/mijn-interventies")
    return client.post(path, data=data, headers={"HX-Request": "true"} if htmx else {})


def iv_now(services, code: str = "3.A1") -> dict:
    services.catch_up()
    return interventions_as_of(services.db, TODAY, plan_id=PLAN, code=code)[0]


def test_mijn_interventies_offers_every_update_of_every_open_milestone_inline(site) -> None:
    _, client, _ = site
    page = client.get("/mijn-interventies").get_data(as_text=True)
    for action in ("gereed", "verschuiven", "laten-vervallen"):
        assert len(re.findall(rf'<form method="post" action="{IV}/mijlpalen/[^"]+/{action}" hx-post=', page)) == 8
    assert page.count('name="context" value="mine"') == 3 * 8 + 1  # and "nog actueel"
    assert "#intervention" not in page  # no anchors that jump


def test_without_javascript_an_update_on_mijn_interventies_returns_there(site) -> None:
    _, client, services = site
    before = event_count(services)
    response = send(client, services, f"{IV}/mijlpalen/{LATE}/gereed", context="mine", realised="2026-03-30")
    assert response.status_code == 303 and response.headers["Location"] == "/mijn-interventies"
    page = client.get("/mijn-interventies").get_data(as_text=True)
    assert "Mijlpaal gereed gemeld op 30 maart 2026." in page and "Afwegingskader voor de startfase gereed" not in page
    assert event_count(services) == before + 1
    # A refused update comes back on the same page, with the error beside the field and what was typed.
    refused = send(client, services, f"{IV}/mijlpalen/pva-zbo-commissie/verschuiven", context="mine",
                   due="Q4 2026", reason="")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "<h1>Mijn interventies</h1>" in text
    assert 'id="error-reschedule-pva-zbo-commissie"' in text and 'value="Q4 2026"' in text
    assert event_count(services) == before + 1


def test_with_htmx_the_row_of_mijn_interventies_is_replaced(site) -> None:
    _, client, services = site
    response = send(client, services, f"{IV}/mijlpalen/{LATE}/verschuiven", htmx=True, context="mine",
                    due="Q3 2026", reason="Na de zomer")
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith("<tr ") and "<html" not in row
    assert '<p class="row-notice" tabindex="-1" autofocus>Mijlpaal verschoven naar Q3 2026.</p>' in row
    assert f'<td data-label="Interventie"><a href="{IV}">3.A1 ' in row  # the columns of Mijn interventies
    assert 'id="feiten"' not in row  # no out-of-band parts of the intervention page here


def test_nog_actueel_records_that_the_trekker_looked_and_resets_the_actualiteit(site) -> None:
    _, client, services = site
    assert iv_now(services)["days_since_update"] == 79  # last change 12 January 2026
    before = event_count(services)
    response = send(client, services, f"{IV}/nog-actueel", htmx=True, context="mine")
    assert response.status_code == 200
    item = response.get_data(as_text=True)
    assert item.lstrip().startswith('<li class="mine-iv" data-code="3.A1" id="mine-iv-')
    assert "Vastgelegd: de stand is nog actueel." in item and "(vandaag)" in item
    assert event_count(services) == before + 1
    assert type(stored_events(services)[-1]).__name__ == "UpToDateConfirmed"
    shown = iv_now(services)
    assert shown["days_since_update"] == 0 and not shown["stale"]
    page = client.get(IV).get_data(as_text=True)
    assert "Nog actueel: bekeken, niets veranderd" in html.unescape(page)
    # Without JavaScript, from the intervention page.
    response = send(client, services, f"{IV}/nog-actueel")
    assert response.status_code == 303 and response.headers["Location"] == IV


def test_nog_actueel_is_for_the_trekker_of_the_intervention_only(site) -> None:
    app, trekker, services = site
    before = event_count(services)
    reader = app.test_client()
    sign_in(reader, services, "lezer")
    assert send(reader, services, f"{IV}/nog-actueel").status_code == 403
    # Jan Jansen is trekker of 3.A1, not of Fatima's 2.B2.
    assert send(trekker, services, f"/plannen/{PLAN}/interventies/2.B2/nog-actueel", code="2.B2").status_code == 403
    assert event_count(services) == before
