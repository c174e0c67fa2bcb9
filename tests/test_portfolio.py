"""The portfolio at /: every plan at a glance and the regional goals the local interventions serve, as of a day."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest

from projections.board import board
from projections.portfolio import portfolio
from tests.accounts import sign_in
from tests.helpers import DEFAULT_PLAN, DEFAULT_PLAN_ID, IMPORTED_AT, REPO
from tracker.planfile import read_plan_file

REGIO = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
REGIO_ID = "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"


@pytest.fixture
def two_plans(services):
    for path in (DEFAULT_PLAN, REGIO):
        services.app.import_plan(read_plan_file(path), at=IMPORTED_AT, by="beheer")
    services.catch_up()
    return services


def client_for(services, role: str, today: str = "2026-04-01"):
    from web import create_app

    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": today, "TESTING": True}).test_client()
    sign_in(client, services, role)
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def tile(page: str, attr: str, value: str) -> str:
    """Return the words of one tile (up to the next tile or the end of its section)."""
    start = page.index(f'<li class="tile" {attr}="{value}">')
    end = min(i for i in (page.find('<li class="tile"', start + 1), page.find("</section>", start)) if i > 0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:end]))


@pytest.mark.parametrize("role", ["beheerder", "stuurgroep", "lezer"])
def test_with_several_plans_the_start_page_is_the_portfolio(two_plans, role):
    page = text(client_for(two_plans, role).get("/"))
    assert "<h1>Portfolio</h1>" in page
    agenda = tile(page, "data-plan", DEFAULT_PLAN_ID)
    assert "Looptijd 2025–2027" in agenda and "24 interventies" in agenda
    assert "Looptijd 2023–2028" in tile(page, "data-plan", REGIO_ID)


@pytest.mark.parametrize("role", ["beheerder", "stuurgroep", "lezer"])
def test_every_page_leads_back_to_the_overview(two_plans, role):
    page = text(client_for(two_plans, role).get(f"/plannen/{REGIO_ID}"))
    nav = page[page.index('<nav class="user-nav"'):]
    assert '<a href="/">Overzicht</a>' in nav[:nav.index("</nav>")]


def test_a_trekker_still_starts_on_mijn_interventies(two_plans):
    response = client_for(two_plans, "trekker").get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/mijn-interventies")


def test_with_one_plan_the_start_page_is_its_dashboard(default_services):
    response = client_for(default_services, "stuurgroep").get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plannen/{DEFAULT_PLAN_ID}/dashboard")


def test_every_plan_shows_its_stoplichten_geen_planning_and_late_milestones_as_the_board_counts_them(two_plans):
    as_of = date(2026, 4, 1)
    data = portfolio(two_plans.db, as_of)
    for plan in data["plans"]:
        rows = board(two_plans.db, plan["plan_id"], as_of)
        assert plan["late"] == rows["totals"]["te_laat"]
        assert plan["geen_planning"] == rows["totals"]["geen_planning"]
        assert sum(plan["counts"].values()) == plan["total"] == rows["total"]
    agenda = next(p for p in data["plans"] if p["plan_id"] == DEFAULT_PLAN_ID)
    assert agenda["late"] > 0  # Q4 2025 lines nobody reported done
    page = text(client_for(two_plans, "beheerder").get("/"))
    words = tile(page, "data-plan", DEFAULT_PLAN_ID)
    assert f"{agenda['late']} mijlpalen te laat" in words
    regio = next(p for p in data["plans"] if p["plan_id"] == REGIO_ID)
    assert regio["geen_planning"] > 0
    said = tile(page, "data-plan", REGIO_ID)
    # Said once, in the stoplicht counts, not a second time in other words.
    assert said.count(f"{regio['geen_planning']} geen planning") == 1 and "zonder planning" not in said
    assert f"{agenda['late']} mijlpalen te laat, bij {agenda['late_interventions']} interventies" in words


def test_the_regional_goals_show_how_many_local_interventions_serve_them_and_how_they_stand(two_plans):
    data = portfolio(two_plans.db, date(2026, 4, 1))
    served = {g["key"]: g for g in data["goals"]}
    assert list(served) == ["doel-1", "doel-2", "doel-4", "doel-5"]  # the Regioprogramma's order
    assert [r["code"] for r in served["doel-1"]["rows"]] == ["3.A1", "3.B1", "3.B2", "3.B3"]
    assert len(served["doel-2"]["rows"]) == 7
    page = text(client_for(two_plans, "lezer").get("/"))
    words = tile(page, "data-goal", "doel-1")
    assert "Inclusiever onderwijs" in words and "4 interventies van andere plannen dragen bij" in words
    from events.vocabulary import Stoplicht

    counts = served["doel-1"]["counts"]
    assert sum(counts.values()) == 4
    for colour, n in counts.items():
        assert f"{n} {Stoplicht(colour).label}" in words
    assert f'href="/plannen/{REGIO_ID}/doelen/doel-1"' in page


def test_the_portfolio_as_of_a_day_before_the_agenda(two_plans):
    page = text(client_for(two_plans, "beheerder").get("/?as_of=2025-08-31"))
    assert "Stand per 31 augustus 2025" in page
    assert "0 interventies" in tile(page, "data-plan", DEFAULT_PLAN_ID)
    assert "geen interventie gekoppeld aan een doel van een ander plan" in page
    assert client_for(two_plans, "beheerder").get("/?as_of=gisteren").status_code == 400


def test_the_next_report_is_the_half_year_after_the_latest_published_or_the_last_ended(two_plans):
    data = portfolio(two_plans.db, date(2026, 1, 20))
    # None published in the tracker: the half year just ended, as the report page proposes, not overdue.
    assert {p["plan_id"]: p["next_report"] for p in data["plans"]} == {
        plan: {"period": "2025-H2", "label": "tweede halfjaar 2025", "latest": None, "overdue": False}
        for plan in (DEFAULT_PLAN_ID, REGIO_ID)}
    position = two_plans.app.recorder.max_notification_id()
    two_plans.app.publish_report(DEFAULT_PLAN_ID, period="2025-H2", as_of=date(2025, 12, 31), position=position,
                                 at=datetime(2026, 1, 15, 10), by="Bea Beheer")
    two_plans.catch_up()
    later = {p["plan_id"]: p["next_report"] for p in portfolio(two_plans.db, date(2026, 1, 20))["plans"]}
    assert later[DEFAULT_PLAN_ID]["label"] == "eerste halfjaar 2026"
    assert later[DEFAULT_PLAN_ID]["latest"] == "tweede halfjaar 2025"
    words = tile(text(client_for(two_plans, "lezer", "2026-01-20").get("/")), "data-plan", REGIO_ID)
    assert "(nog geen raadsrapportage vastgesteld in het volgsysteem)" in words
    # Before it was published, the same question answers with the last half year that had ended.
    assert portfolio(two_plans.db, date(2025, 12, 1))["plans"][0]["next_report"] == {
        "period": "2025-H1", "label": "eerste halfjaar 2025", "latest": None, "overdue": False}
    # A plan in its first half year: that one.
    assert portfolio(two_plans.db, date(2025, 3, 1))["plans"][0]["next_report"]["period"] == "2025-H1"
    # Half a year on, with nothing published since, the report after it is overdue.
    overdue = {p["plan_id"]: p["next_report"] for p in portfolio(two_plans.db, date(2026, 8, 1))["plans"]}
    assert overdue[DEFAULT_PLAN_ID]["overdue"] is True
    assert "(achterstallig)" in text(client_for(two_plans, "beheerder", "2026-08-01").get("/"))


def test_the_plans_own_late_milestones_stand_beside_the_interventions(two_plans):
    def late(day):
        agenda = next(p for p in portfolio(two_plans.db, day)["plans"] if p["plan_id"] == DEFAULT_PLAN_ID)
        return [m["milestone_id"] for m in agenda["plan_late"]]

    assert "actualisatie-agenda" not in late(date(2026, 12, 31))   # due Q4 2026: late from 1 January
    assert "actualisatie-agenda" in late(date(2027, 1, 15))
    page = text(client_for(two_plans, "stuurgroep", "2027-01-15").get("/"))
    words = tile(page, "data-plan", DEFAULT_PLAN_ID)
    assert f"{len(late(date(2027, 1, 15)))} mijlpalen van het plan zelf te laat" in words
    assert "Actualisatie van de uitvoeringsagenda in zijn geheel (Q4 2026)" in words


def test_the_boards_group_filter_is_named_after_the_plans_own_levels(two_plans):
    client = client_for(two_plans, "lezer")
    assert '<label for="f-groep">Opgave/doel/actielijn</label>' in text(client.get(f"/plannen/{REGIO_ID}"))
    assert '<label for="f-groep">Hoofdstuk/thema</label>' in text(client.get(f"/plannen/{DEFAULT_PLAN_ID}"))


def test_the_dashboards_tiles_are_headed_with_the_plans_own_levels(two_plans):
    client = client_for(two_plans, "stuurgroep")
    assert '<h2 id="kop-tegels">Per opgave en doel</h2>' in text(client.get(f"/plannen/{REGIO_ID}/dashboard"))
    assert '<h2 id="kop-tegels">Per hoofdstuk en thema</h2>' in text(client.get(f"/plannen/{DEFAULT_PLAN_ID}/dashboard"))


def test_the_next_report_of_a_plan_not_yet_running_is_its_first_half_year(two_plans):
    plans = {p["plan_id"]: p for p in portfolio(two_plans.db, date(2023, 1, 15))["plans"]}
    assert plans[DEFAULT_PLAN_ID]["period_start"] == 2025
    assert plans[DEFAULT_PLAN_ID]["next_report"]["label"] == "eerste halfjaar 2025"  # not a half year before it
    assert plans[REGIO_ID]["next_report"]["label"] == "eerste halfjaar 2023"


def test_the_plans_own_late_milestones_are_a_list_one_per_line(two_plans):
    page = text(client_for(two_plans, "stuurgroep", "2026-04-01").get("/"))
    start = page.index(f'<li class="tile" data-plan="{REGIO_ID}">')
    part = page[page.index('class="plan-late"', start):page.index("next-report", start)]
    late = next(p for p in portfolio(two_plans.db, date(2026, 4, 1))["plans"] if p["plan_id"] == REGIO_ID)["plan_late"]
    assert len(late) > 1
    for m in late:
        assert f"<li>{m['label']} ({m['term_text']})</li>" in html.unescape(part)


def test_the_portfolio_is_made_once_per_position_and_shows_the_next_change(two_plans):
    from web import create_app

    app = create_app({"DATA_DIR": str(two_plans.data_dir), "TODAY": "2026-04-01", "TESTING": True})
    readers = []
    for role in ("lezer", "stuurgroep"):
        readers.append(app.test_client())
        sign_in(readers[-1], two_plans, role)
    first = tile(text(readers[0].get("/")), "data-plan", DEFAULT_PLAN_ID)
    assert tile(text(readers[1].get("/")), "data-plan", DEFAULT_PLAN_ID) == first
    assert app.extensions["portfolio_cache"].made == 1
    # Another day is another question; a change moves the position and is shown at once.
    text(readers[0].get("/?as_of=2026-01-01"))
    assert app.extensions["portfolio_cache"].made == 2
    green = next(r["code"] for r in board(two_plans.db, DEFAULT_PLAN_ID, date(2026, 4, 1))["rows"]
                 if r["stoplicht_effective"] == "groen")
    assert "6 groen 6 oranje 12 rood" in first
    two_plans.app.set_stoplicht(DEFAULT_PLAN_ID, green, colour="rood", oorzaak="Geen aanbieder",
                                gevolg="Start later", bijsturing="Nieuwe aanbesteding",
                                at=datetime(2026, 3, 31, 10), by="Fatima")
    after = tile(text(readers[1].get("/")), "data-plan", DEFAULT_PLAN_ID)
    assert "5 groen 6 oranje 13 rood" in after and app.extensions["portfolio_cache"].made == 3


def test_the_next_report_of_a_plan_whose_period_ended_is_its_last_half_year(two_plans):
    from projections.portfolio import next_report

    assert next_report(two_plans.db, REGIO_ID, date(2029, 3, 1), 2023, 2028)["period"] == "2028-H2"
    position = two_plans.app.recorder.max_notification_id()
    two_plans.app.publish_report(REGIO_ID, period="2028-H2", as_of=date(2028, 12, 31), position=position,
                                 at=datetime(2029, 1, 15, 10), by="Bea Beheer")
    two_plans.catch_up()
    done = next_report(two_plans.db, REGIO_ID, date(2029, 3, 1), 2023, 2028)
    assert done["period"] is None and done["overdue"] is False and "looptijd is voorbij" in done["label"]
