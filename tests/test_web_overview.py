"""The web pages over the read model: the plan's overview, an intervention, Dutch errors."""

from __future__ import annotations

import html
from datetime import date
from functools import lru_cache

import pytest

from projections.wording import long_date
from tests.helpers import DEFAULT_PLAN, IMPORTED_AT
from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import at
from tests.accounts import sign_in
from tracker.planfile import read_plan_file


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Return a test client over the default plan with a few updates (read-only: shared)."""
    from web import create_app
    from web.services import open_services

    data_dir = tmp_path_factory.mktemp("web") / "data"
    services = open_services(data_dir)
    app = services.app
    app.import_plan(read_plan_file(DEFAULT_PLAN), at=IMPORTED_AT, by="beheer")
    app.complete_milestone(PLAN, "2.B2", "pva", realised=date(2025, 12, 15), note="Vastgesteld",
                           at=at(2025, 12, 16), by="Fatima de Vries")
    app.add_note(PLAN, "2.B2", text="Vier aanbieders doen mee", at=at(2026, 1, 5), by="Fatima de Vries")
    app.reschedule_milestone(PLAN, "2.B2", "evaluatie", due="Q2 2027", reason="Later gestart",
                             at=at(2026, 2, 2), by="Fatima de Vries")
    web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-04-01", "TESTING": True})
    client = web.test_client()
    sign_in(client, services, "lezer")
    return client


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    text = html.unescape(response.get_data(as_text=True))
    assert "Traceback" not in text
    return text


@lru_cache(maxsize=None)
def interventions():
    return tuple(read_plan_file(DEFAULT_PLAN).interventions)


def test_the_start_page_leads_to_the_dashboard_of_the_only_plan(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plannen/{PLAN}/dashboard")


def test_the_overview_lists_every_intervention_of_the_plan(client):
    text = page(client, f"/plannen/{PLAN}")
    assert "Uitvoeringsagenda Duurzame Jeugdhulp en Wmo-begeleiding" in text
    for iv in interventions():
        assert iv.title in text, iv.code
        assert f"/plannen/{PLAN}/interventies/{iv.code}" in text, iv.code
    assert len(interventions()) == 24


@pytest.mark.parametrize("code", [iv.code for iv in read_plan_file(DEFAULT_PLAN).interventions])
def test_an_intervention_page_shows_its_tijdpad_with_the_plans_own_due_texts(client, code):
    iv = next(i for i in interventions() if i.code == code)
    text = page(client, f"/plannen/{PLAN}/interventies/{code}")
    assert iv.title in text
    for m in iv.milestones:
        assert m.label in text, (code, m.id)
        assert m.due.text in text, (code, m.id)
    # Never an invented day: "Q4 2025" is not shown as 31-12-2025.
    tijdpad = text[text.index("Tijdpad"):]
    tijdpad = tijdpad[:tijdpad.index("</table>")]
    for m in iv.milestones:
        if m.due.precision != "day":
            assert m.due.date.strftime("%d-%m-%Y") not in tijdpad, (code, m.id)
            assert long_date(m.due.date) not in tijdpad, (code, m.id)


def test_an_intervention_page_shows_its_history(client):
    text = page(client, f"/plannen/{PLAN}/interventies/2.B2")
    history = text[text.index("Geschiedenis"):]
    assert "Interventie opgenomen in het plan" in history
    assert "Mijlpaal 'Plan van aanpak gereed' gereed op 15 december 2025 — Vastgesteld" in history
    assert "Voortgangsnotitie: Vier aanbieders doen mee" in history
    assert "verschoven van Q1 2027 naar Q2 2027: Later gestart" in history
    assert "Fatima de Vries" in history
    assert "beheer" in history
    # Newest first.
    assert history.index("Later gestart") < history.index("Vier aanbieders") < history.index("opgenomen")
    # Its stoplicht says where it comes from: the trekker gave none.
    assert "(volgens het tijdpad; de trekker gaf geen stoplicht)" in text


def test_an_intervention_page_as_of_an_earlier_day_shows_the_earlier_state(client):
    text = page(client, f"/plannen/{PLAN}/interventies/2.B2?as_of=2025-12-31")
    assert "Vier aanbieders doen mee" not in text
    assert "Later gestart" not in text
    assert "Q1 2027" in text
    assert "Q2 2027" not in text
    assert "gereed op 15 december 2025" in text


def test_an_unknown_plan_is_a_dutch_404(client):
    text = page(client, "/plannen/bestaat-niet", status=404)
    assert "Niet gevonden" in text
    assert "Not Found" not in text


def test_an_unknown_intervention_is_a_dutch_404(client):
    text = page(client, f"/plannen/{PLAN}/interventies/9.9", status=404)
    assert "Niet gevonden" in text


@pytest.mark.parametrize("url", [f"/plannen/{PLAN}?as_of=gisteren",
                                 f"/plannen/{PLAN}/interventies/2.B2?as_of=2026-13-01"])
def test_a_bad_as_of_is_a_dutch_400(client, url):
    text = page(client, url, status=400)
    assert "Ongeldig verzoek" in text
    assert "is geen geldige datum; gebruik JJJJ-MM-DD" in text
    assert "Bad Request" not in text
