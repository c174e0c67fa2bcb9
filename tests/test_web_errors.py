"""Refusals reach the user: htmx error pages, forms without a version, reviews on the changes page."""

from __future__ import annotations

import pytest

from tests.accounts import csrf_token, sign_in
from tests.seed import PLAN, TODAY, seed_plan
from web import create_app
from web.services import open_services

BOARD = f"/plannen/{PLAN}"


@pytest.fixture
def site(tmp_path):
    data_dir = tmp_path / "data"
    seed_plan(data_dir)
    services = open_services(data_dir)
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat()}).test_client()
    return services, client


def test_an_htmx_refusal_is_shown_in_place_of_the_content(site) -> None:
    services, client = site
    sign_in(client, services, "lezer")
    token = csrf_token(client, f"{BOARD}/interventies/3.A1")
    response = client.post(f"{BOARD}/interventies/3.A1/notities", headers={"HX-Request": "true"},
                           data={"csrf_token": token, "text": "x", "version": "1"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#inhoud"
    assert response.headers["HX-Reselect"] == "#error-page"
    assert "Geen toegang" in response.get_data(as_text=True)


def test_a_form_without_its_version_is_refused_and_records_nothing(site) -> None:
    services, client = site
    sign_in(client, services, "trekker")
    before = services.app.recorder.max_notification_id()
    token = csrf_token(client, f"{BOARD}/interventies/3.A1")
    response = client.post(f"{BOARD}/interventies/3.A1/notities", data={"csrf_token": token, "text": "Voortgang"})
    assert response.status_code == 400
    assert "versie ontbreekt" in response.get_data(as_text=True)
    assert services.app.recorder.max_notification_id() == before


def test_reviews_are_listed_on_the_changes_page(site) -> None:
    services, client = site
    sign_in(client, services, "stuurgroep")
    token = csrf_token(client, f"{BOARD}/interventies/3.A1")
    version = services.app.get_intervention(PLAN, "3.A1").version
    response = client.post(f"{BOARD}/interventies/3.A1/bespreking", data={
        "csrf_token": token, "version": str(version), "meeting_date": "2026-03-30",
        "decision": "Doorgaan met de pilot", "actions": "Evaluatie in Q3"})
    assert response.status_code == 303
    page = client.get(f"{BOARD}/wijzigingen?van=2026-03-01").get_data(as_text=True)
    assert "Besproken in de stuurgroep (1)" in page and "Doorgaan met de pilot" in page
    assert "de laatste stuurgroepvergadering (30 maart 2026)" in page


@pytest.mark.parametrize("path", [f"{BOARD}?as_of=9999-12-31",
                                  f"{BOARD}/export.xlsx?as_of=9999-12-31", f"{BOARD}/wijzigingen?tot=9999-12-31",
                                  f"{BOARD}/rapportages/nr-99999999999999999999"])
def test_a_date_or_number_past_what_the_tracker_holds_gets_a_dutch_refusal(site, path) -> None:
    services, client = site
    sign_in(client, services, "lezer")
    answer = client.get(path)
    assert answer.status_code == 400, path
    assert "buiten het bereik van het volgsysteem" in answer.get_data(as_text=True)
