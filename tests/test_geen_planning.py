"""Geen planning: an intervention with no dated open milestone is not on track, and never groen."""

from __future__ import annotations

import json
from datetime import date, datetime

from notifications.digest import compose_all
from notifications.rules import reminders_for_plan
from notifications.settings import MailSettings, ReminderSettings
from projections.board import BoardFilter, board
from projections.interventions import interventions_as_of
from projections.report import report_data
from tests.helpers import SMALL_PLAN_ID as PLAN

DONE_ON = datetime(2026, 1, 10, 9)
AS_OF = date(2026, 1, 15)


def stoplicht(services, code: str, as_of: date = AS_OF) -> tuple[str, str]:
    [row] = interventions_as_of(services.db, as_of, plan_id=PLAN, code=code)
    return row["stoplicht_auto"], row["stoplicht_effective"]


def finish_the_only_milestone(services) -> None:
    """2.1 has one milestone (start, H2 2026): done, it leaves 2.1 without any planning."""
    services.app.complete_milestone(PLAN, "2.1", "start", realised=date(2026, 1, 9), at=DONE_ON, by="Anna")
    services.catch_up()


def test_with_no_dated_open_milestone_the_state_is_geen_planning(small_services):
    assert stoplicht(small_services, "2.1") == ("groen", "groen")
    finish_the_only_milestone(small_services)
    assert stoplicht(small_services, "2.1") == ("geen_planning", "geen_planning")
    # Before the day it was done, it had its planning; and as the tracker knew it on that day too.
    assert stoplicht(small_services, "2.1", date(2026, 1, 8)) == ("groen", "groen")
    [row] = interventions_as_of(small_services.db, date(2026, 1, 9), plan_id=PLAN, code="2.1",
                                known_on=date(2026, 1, 9))
    assert row["stoplicht_auto"] == "groen"


def test_a_trekkers_groen_does_not_hide_it_and_a_new_milestone_ends_it(small_services):
    finish_the_only_milestone(small_services)
    small_services.app.set_stoplicht(PLAN, "2.1", colour="groen", at=DONE_ON, by="Anna")
    small_services.catch_up()
    assert stoplicht(small_services, "2.1") == ("geen_planning", "geen_planning")
    small_services.app.plan_milestone(PLAN, "2.1", label="Vervolg", due="Q3 2026", at=DONE_ON, by="Anna")
    small_services.catch_up()
    assert stoplicht(small_services, "2.1") == ("groen", "groen")


def test_a_closed_intervention_is_finished_not_unplanned(small_services):
    finish_the_only_milestone(small_services)
    small_services.app.close_intervention(PLAN, "2.1", at=DONE_ON, by="Anna")
    small_services.catch_up()
    assert stoplicht(small_services, "2.1") == ("groen", "groen")


def test_the_board_and_the_cli_count_it_apart_from_groen(small_services, cli):
    before = board(small_services.db, PLAN, AS_OF)["totals"]
    finish_the_only_milestone(small_services)
    data = board(small_services.db, PLAN, AS_OF)
    assert data["totals"]["geen_planning"] == 1
    assert data["totals"]["groen"] == before["groen"] - 1
    shown = board(small_services.db, PLAN, AS_OF, BoardFilter(stoplicht="geen_planning"))["rows"]
    assert [r["code"] for r in shown] == ["2.1"]
    result = cli("interventions", "--plan", PLAN, "--json", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert {r["code"]: r["stoplicht"] for r in json.loads(result.stdout)}["2.1"] == "geen_planning"


def test_the_report_says_it_has_no_planning(small_services):
    finish_the_only_milestone(small_services)
    data = report_data(small_services.db, PLAN, "2026-H1", AS_OF)
    k = data["kernboodschap"]
    assert k["stoplicht"]["geen_planning"] == 1
    assert any("1 heeft geen planning" in p for p in k["paragraphs"])
    [item] = [i for s in data["sections"] for i in s["interventions"] if i["code"] == "2.1"]
    assert item["stoplicht"] == "geen_planning"
    assert item["explanation"]["auto_reason"].startswith("Geen planning")
    assert item["explanation"]["missing"] is False


def test_the_quarterly_request_asks_its_trekker_to_plan_a_first_milestone(tmp_path):
    done = {"milestone_id": "m", "label": "Klaar", "due": "2026-01-31", "due_text": "januari 2026",
            "status": "done", "reschedule_count": 0}
    later = {**done, "milestone_id": "n", "status": "open", "due": "2026-09-30", "due_text": "Q3 2026"}

    def iv(code: str, *milestones: dict) -> dict:
        return {"plan_id": "p", "code": code, "title": f"Interventie {code}", "trekker_email": "anna@x.nl",
                "trekker_name": "Anna", "closed": 0, "dropped": 0, "milestones": list(milestones)}

    settings = ReminderSettings(stuurgroep="", weekly_digest=False)
    items = [i for i in reminders_for_plan("p", [iv("1", done), iv("2", done, later)], [],
                                           date(2026, 3, 17), settings) if i.rule == "quarterly_update"]
    by_code = {i.code: i for i in items}
    assert by_code["1"].summary().endswith("kwartaalupdate 2026-Q1, plan een eerste mijlpaal")
    assert by_code["2"].summary().endswith("kwartaalupdate 2026-Q1")
    [message] = compose_all(items, MailSettings(data_dir=tmp_path), {"p": "Plan"})
    assert message.text.count("Plan een eerste mijlpaal") == 1
    assert message.html.count("Plan een eerste mijlpaal") == 1
