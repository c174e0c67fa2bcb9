"""A trekker's interventions and the interventions linked to a plan, selected in SQL, not from every plan.

At a region's scale (hundreds of plans) "Mijn interventies", the trekker's calendar feed, the
reassignment list, a goal's page and an intervention's "Hieraan dragen bij" must not read every
intervention of every plan. What they select must be exactly what the full query, filtered, holds:
as of any day and as known on any day, including the milestones and the last activity.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from projections.contributions import contributing_to_intervention, goal_page
from projections.interventions import interventions_as_of, interventions_of_trekker
from tests.helpers import GOAL_PLAN, SMALL_PLAN
from tracker.planfile import parse_plan

TARGET = GOAL_PLAN + """\
  - code: "1.2"
    title: Tweede actie
    group: doel-1
    domain: wmo
"""
LINKED = SMALL_PLAN.replace(
    "    stakeholders: Buurtteam Jeugd en Gezin\n",
    "    stakeholders: Buurtteam Jeugd en Gezin\n    contributes_to:\n"
    "      - {plan: doelenplan, group: doel-1, reason: Groepsaanbod is hulp dichtbij.}\n")
ANNA, ELISE, PIET = "Anna.DeVries@Gemeente.NL", "Élise.Bakker@gemeente.nl", "piet@gemeente.nl"
DAYS = [date(2025, 12, 31), date(2026, 1, 11), date(2026, 2, 15), date(2026, 3, 2), date(2026, 3, 6)]


@pytest.fixture
def region(services):
    """Two plans with trekkers assigned and moved, and links made and ended, on fixed days."""
    app = services.app
    app.import_plan(parse_plan(TARGET, "doelen.yaml"), at=datetime(2025, 10, 1, 9), by="beheer")
    app.import_plan(parse_plan(LINKED, "agenda.yaml"), at=datetime(2025, 10, 1, 9), by="beheer")
    app.assign_trekker("testagenda", "1.A1", email=ANNA, name="Anna de Vries", at=datetime(2026, 1, 10, 9), by="Bea")
    app.assign_trekker("testagenda", "1.A2", email=ELISE, name="Élise Bakker", at=datetime(2026, 1, 10, 9), by="Bea")
    app.assign_trekker("doelenplan", "1.1", email=ANNA.lower(), name="Anna de Vries", at=datetime(2026, 1, 12, 9),
                       by="Bea")
    app.link_contribution("testagenda", "1.A2", target_plan="doelenplan", target_code="1.1",
                          reason="Jongerenwerk helpt de regionale actie.", at=datetime(2026, 2, 1, 10), by="Bea")
    app.assign_trekker("testagenda", "1.A1", email=PIET, name="Piet Jansen", at=datetime(2026, 3, 1, 9), by="Bea")
    app.unlink_contribution("testagenda", "1.A1", target_plan="doelenplan", target_group="doel-1",
                            why="Dubbel met de regionale actie", at=datetime(2026, 3, 5, 9), by="Bea")
    app.add_note("testagenda", "1.A2", text="Loopt.", at=datetime(2026, 3, 5, 11), by="Élise Bakker")
    services.catch_up()
    return services


def codes(rows: list[dict]) -> list[tuple[str, str]]:
    return [(r["plan_id"], r["code"]) for r in rows]


@pytest.mark.parametrize("known_on", [None, date(2026, 2, 20)])
def test_the_narrow_selections_are_the_full_query_filtered(region, known_on):
    db = region.db
    for day in DAYS:
        full = interventions_as_of(db, day, known_on=known_on)
        for email in (ANNA, ELISE, PIET, "niemand@gemeente.nl"):
            wanted = [iv for iv in full if (iv["trekker_email"] or "").lower() == email.lower()]
            # Asked in any case: an address is one address.
            assert interventions_as_of(db, day, known_on=known_on, trekker=email.upper()) == wanted, (day, email)
        for plan_id in ("doelenplan", "testagenda"):
            wanted = [iv for iv in full
                      if any(link["plan"] == plan_id for link in iv["details"].get("contributes_to") or [])]
            assert interventions_as_of(db, day, known_on=known_on, links_to=plan_id) == wanted, (day, plan_id)


def test_a_trekker_holds_what_was_theirs_on_the_day(region):
    db = region.db
    assert codes(interventions_as_of(db, date(2026, 1, 9), trekker=ANNA)) == []
    assert codes(interventions_as_of(db, date(2026, 2, 15), trekker="anna.devries@gemeente.nl")) == [
        ("doelenplan", "1.1"), ("testagenda", "1.A1")]
    assert codes(interventions_as_of(db, date(2026, 3, 2), trekker=ANNA)) == [("doelenplan", "1.1")]
    # Letters beyond ASCII (which SQLite does not lower) compare as the address they are.
    elise = interventions_as_of(db, date(2026, 3, 6), trekker="élise.bakker@gemeente.nl")
    assert codes(elise) == [("testagenda", "1.A2")]
    assert elise[0]["last_update_at"].startswith("2026-03-05T11")
    assert [(r["plan_id"], r["code"]) for r in interventions_of_trekker(db, PIET, date(2026, 3, 2))] == [
        ("testagenda", "1.A1")]


def test_the_linked_interventions_as_of_a_day_and_as_known_on_one(region):
    db = region.db
    assert codes(interventions_as_of(db, date(2026, 2, 15), links_to="doelenplan")) == [
        ("testagenda", "1.A1"), ("testagenda", "1.A2")]
    assert codes(interventions_as_of(db, date(2026, 3, 6), links_to="doelenplan")) == [("testagenda", "1.A2")]
    # As known before the unlink was recorded, it still held on that later day.
    assert codes(interventions_as_of(db, date(2026, 3, 6), known_on=date(2026, 3, 4), links_to="doelenplan")) == [
        ("testagenda", "1.A1"), ("testagenda", "1.A2")]
    assert interventions_as_of(db, date(2026, 3, 6), links_to="testagenda") == []
    assert [c["row"]["code"] for c in contributing_to_intervention(db, "doelenplan", "1.1", date(2026, 3, 6))] == [
        "1.A2"]
    page = goal_page(db, "doelenplan", "doel-1", date(2026, 2, 15))
    assert [r["code"] for r in page["own"]] == ["1.1", "1.2"]
    assert [(c["row"]["code"], c["via"]) for c in page["contributing"]] == [("1.A1", ""), ("1.A2", "1.1 Regionale actie")]
