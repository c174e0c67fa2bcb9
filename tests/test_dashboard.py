"""Home per role and the dashboard: tiles per chapter and theme, what needs attention, the trend per quarter."""

from __future__ import annotations

import re
from datetime import date

import pytest

from projections import plans as plan_queries
from projections.board import board
from projections.dashboard import dashboard
from tests.accounts import ensure_user, sign_in
from tests.seed import PLAN, TODAY, seed_plan

DASHBOARD = f"/plannen/{PLAN}/dashboard"


@pytest.fixture
def site(data_dir):
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ("beheerder", "stuurgroep", "trekker", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    return app, services


@pytest.mark.parametrize(("role", "target"), [
    ("trekker", "/mijn-interventies"), ("stuurgroep", DASHBOARD), ("beheerder", DASHBOARD), ("lezer", DASHBOARD)])
def test_each_role_starts_on_its_own_page(site, role: str, target: str) -> None:
    app, services = site
    client = app.test_client()
    sign_in(client, services, role)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == target
    assert client.get(target).status_code == 200


def test_the_figures_agree_with_the_board(site) -> None:
    _, services = site
    db = services.db
    data = dashboard(db, plan_queries.plan(db, PLAN), TODAY)
    rows = board(db, PLAN, TODAY)["rows"]
    assert data["total"] == 24
    assert data["counts"] == {"groen": 6, "geen_planning": 0, "oranje": 7, "rood": 11}
    assert data["late"] == sum(len(r["late_milestones"]) for r in rows) == 32
    # One tile per chapter, their themes below; together they hold every intervention once.
    assert [t["key"] for t in data["tiles"]] == ["2", "3", "4"]
    assert sum(t["total"] for t in data["tiles"]) == 24
    jeugd = data["tiles"][1]
    assert sum(t["total"] for t in jeugd["themes"]) == jeugd["total"]
    assert jeugd["counts"] == {c: sum(1 for r in rows if r["code"].startswith("3.") and r["stoplicht_effective"] == c)
                               for c in ("groen", "geen_planning", "oranje", "rood")}
    # Milestones due in Q2 2026 (the quarter of 1 April): none done yet, none late yet.
    assert data["quarter"].key == "2026-Q2"
    assert (len(data["due"]["items"]), data["due"]["done"], data["due"]["late"]) == (10, 0, 0)
    # The exceptions, most serious first: rood before oranje, more late milestones first.
    top = data["exceptions"]
    assert top[0]["code"] == "3.C3" and top[0]["reasons"][0].startswith("5 mijlpalen te laat")
    assert [e["stoplicht"] for e in top] == sorted((e["stoplicht"] for e in top), key=["rood", "oranje", "groen"].index)


def test_the_trend_counts_each_quarter_as_of_its_end(site) -> None:
    _, services = site
    db = services.db
    trend = dashboard(db, plan_queries.plan(db, PLAN), TODAY)["trend"]
    # The plan was loaded on 1 October 2025: Q4 2025, Q1 2026 and the running Q2 2026.
    assert [t["quarter"].key for t in trend] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert [t["moment"] for t in trend] == [date(2025, 12, 31), date(2026, 3, 31), TODAY]
    assert [t["running"] for t in trend] == [False, False, True]
    for t in trend:
        rows = board(db, PLAN, t["moment"])["rows"]
        assert t["counts"] == {c: sum(1 for r in rows if r["stoplicht_effective"] == c)
                               for c in ("groen", "geen_planning", "oranje", "rood")}
    assert trend[0]["counts"] != trend[-1]["counts"]  # milestones turned late in between


def test_the_dashboard_page_as_of_a_past_date(site) -> None:
    app, services = site
    client = app.test_client()
    sign_in(client, services, "stuurgroep")
    page = client.get(f"{DASHBOARD}?as_of=2025-12-31").get_data(as_text=True)
    assert "Stand per 31 december 2025 (historische stand)" in page
    assert re.search(r'<svg[^>]*class="chart trend"', page)
    assert "Q4 2025 (eind): 23 groen, 0 geen planning, 0 oranje, 1 rood" in page  # the chart's description
    # One click to each exception, keeping the date asked about.
    assert f'href="/plannen/{PLAN}/interventies/' in page and "?as_of=2025-12-31" in page
    # The tiles lead to the board, filtered on the chapter and colour.
    assert f'href="/plannen/{PLAN}?groep=3&amp;stoplicht=rood&amp;as_of=2025-12-31"' in page
    # What is due this quarter now; the quarter view, a click away, counts what moved out or was cancelled.
    assert f'href="/plannen/{PLAN}/kwartaal?kwartaal=2025-Q4&amp;as_of=2025-12-31">kwartaaloverzicht</a>' in page
    assert client.get(f"{DASHBOARD}?as_of=gisteren").status_code == 400
    assert client.get("/plannen/bestaat-niet/dashboard").status_code == 404


def test_a_stoplicht_set_by_hand_without_a_trekker_is_not_called_the_trekkers(site) -> None:
    from datetime import datetime

    from web.reports import ReportMeta, render_report
    from projections.report import report_data

    _, services = site
    services.app.set_stoplicht(PLAN, "3.C3", colour="rood", oorzaak="Geen projectleider.", gevolg="Start later",
                               bijsturing="Werving", at=datetime(2026, 3, 1, 9), by="beheerder")
    services.catch_up()
    db = services.db
    found = next(e for e in dashboard(db, plan_queries.plan(db, PLAN), TODAY)["exceptions"] if e["code"] == "3.C3")
    assert "handmatig op rood: Geen projectleider" in found["reasons"] and "geen trekker" in found["reasons"]
    assert not any("trekker meldt" in r or ".;" in r for r in found["reasons"])
    md = render_report(report_data(db, PLAN, "2026-H1", TODAY), ReportMeta(), "md").decode()
    assert "handmatig: rood" in md
    # Jan Jansen is trekker of 3.A1: his oranje stays the trekker's.
    assert "trekker: oranje" in md
