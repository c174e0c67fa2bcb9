"""The actualiteit: how current an intervention's progress is, counted from the last update by hand.

Loading a plan (or a new version of it) writes events too, a milestone done before the tracker
came among them; none of that is an update by the people doing the work. The board, the trekker's
list and the intervention page say "nog niet bijgewerkt" until someone records progress, and a
beheerder assigning a trekker or the stuurgroep's review does not restart the count.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from projections.board import board
from tests.accounts import ensure_user, sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN

CODE = "2.B2"


def row(services, code: str, as_of: date) -> dict:
    return next(r for r in board(services.db, PLAN, as_of)["rows"] if r["code"] == code)


def test_a_loaded_plan_is_not_yet_updated_and_goes_stale_a_quarter_after_the_load(default_services):
    fresh = row(default_services, CODE, date(2025, 10, 1))
    assert (fresh["last_progress_at"], fresh["days_since_update"], fresh["stale"]) == (None, 0, False)
    later = row(default_services, CODE, date(2026, 1, 15))
    assert (later["last_progress_at"], later["days_since_update"], later["stale"]) == (None, 106, True)


def test_assigning_a_trekker_is_no_update_a_note_and_nog_actueel_are(default_services):
    app = default_services.app
    app.assign_trekker(PLAN, CODE, email="anna@nijmegen.nl", name="Anna", at=datetime(2025, 12, 1, 10), by="beheer")
    default_services.catch_up()
    assigned = row(default_services, CODE, date(2026, 1, 15))
    assert (assigned["last_progress_at"], assigned["days_since_update"], assigned["stale"]) == (None, 106, True)
    app.add_note(PLAN, CODE, text="Loopt", at=datetime(2026, 1, 10, 9), by="Anna")
    default_services.catch_up()
    noted = row(default_services, CODE, date(2026, 1, 15))
    assert (noted["last_progress_at"][:10], noted["days_since_update"], noted["stale"]) == ("2026-01-10", 5, False)
    app.confirm_up_to_date(PLAN, CODE, at=datetime(2026, 4, 1, 9), by="Anna")
    default_services.catch_up()
    assert row(default_services, CODE, date(2026, 4, 1))["days_since_update"] == 0


def test_an_update_by_hand_in_the_second_of_the_load_counts(default_services):
    """A day given as "today" records its changes at noon, the load's moment too: what the trekker
    did is still theirs (the load's events carry its moment and who loaded it)."""
    from tests.helpers import IMPORTED_AT

    default_services.app.add_note(PLAN, CODE, text="Gestart", at=IMPORTED_AT, by="Anna")
    default_services.catch_up()
    updated = row(default_services, CODE, date(2025, 10, 1))
    assert updated["last_progress_at"] is not None and updated["last_progress_at"].startswith("2025-10-01T09:00")
    assert row(default_services, "2.A2", date(2025, 10, 1))["last_progress_at"] is None  # the load's own


def test_milestones_done_before_the_tracker_came_are_no_update_by_hand(late_adopter):
    rows = board(late_adopter.db, PLAN, date(2026, 12, 1))["rows"]
    done_at_load = [r for r in rows if any(m["status"] == "done" for m in r["milestones"])]
    assert done_at_load                                        # the plan file says some are done
    assert all(r["last_progress_at"] is None and r["days_since_update"] == 0 for r in done_at_load)


def test_the_pages_say_not_yet_updated_then_today(default_services, data_dir):
    from web import create_app

    ensure_user(default_services, "lezer")
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": "2025-10-01", "TESTING": True}).test_client()
    sign_in(client, default_services, "lezer")

    def cell() -> str:
        page = html.unescape(client.get(f"/plannen/{PLAN}").get_data(as_text=True))
        found = re.search(rf'data-code="{re.escape(CODE)}".*?<td data-label="Actualiteit">(.*?)</td>', page, re.S)
        return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())

    assert cell() == "nog niet bijgewerkt"
    page = client.get(f"/plannen/{PLAN}/interventies/{CODE}").get_data(as_text=True)
    assert "nog niet, sinds het plan is geladen" in page
    default_services.app.add_note(PLAN, CODE, text="Gestart", at=datetime(2025, 10, 1, 15), by="Anna")
    default_services.catch_up()
    assert cell() == "vandaag"


def test_the_chart_per_quarter_says_what_it_leaves_out(late_adopter, data_dir):
    from projections.report import report_data
    from web import create_app

    # The plan file says five milestones were done before the tracker came, without a date.
    data = report_data(late_adopter.db, PLAN, "2026-H2", date(2026, 12, 1))
    assert data["charts"]["left_out"] == ("Niet in de grafiek staan: 5 gereed gemelde mijlpalen zonder datum "
                                          "van realisatie (over de hele looptijd).")
    ensure_user(late_adopter, "lezer")
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-12-01", "TESTING": True}).test_client()
    sign_in(client, late_adopter, "lezer")
    page = client.get(f"/plannen/{PLAN}/kwartaal").get_data(as_text=True)
    assert "Niet in de grafiek staan: 5 gereed gemelde mijlpalen zonder datum van realisatie (over de hele looptijd)." in page


def test_mijn_interventies_names_the_plan_of_each_when_the_trekker_works_in_several(services, data_dir):
    from tracker.planfile import read_plan_file
    from plans import default_plan_files
    from web import create_app

    for path in default_plan_files({}):
        services.app.import_plan(read_plan_file(path), at=datetime(2025, 10, 1, 9), by="beheer")
    email = ensure_user(services, "trekker", "anna@nijmegen.nl", "Anna")
    regional = "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"
    services.app.assign_trekker(PLAN, CODE, email=email, name="Anna", at=datetime(2025, 10, 2, 9), by="beheer")
    services.app.assign_trekker(regional, "1.1", email=email, name="Anna", at=datetime(2025, 10, 2, 9), by="beheer")
    services.catch_up()
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": "2025-10-03", "TESTING": True}).test_client()
    sign_in(client, services, "trekker", email)
    page = html.unescape(client.get("/mijn-interventies").get_data(as_text=True))
    assert '<span class="sub plan-name">Uitvoeringsagenda Duurzame Jeugdhulp en Wmo-begeleiding</span>' in page
    assert '<span class="sub plan-name">Regioprogramma Jeugd Rijk van Nijmegen 2023-2028</span>' in page
    # Answered in place, "Nog actueel" keeps the plan's name on the intervention.
    from tests.accounts import csrf_token

    version = re.search(r'data-code="1.1".*?name="version" value="(\d+)"', page, re.S).group(1)
    answer = client.post(f"/plannen/{regional}/interventies/1.1/nog-actueel", headers={"HX-Request": "true"},
                         data={"csrf_token": csrf_token(client, "/mijn-interventies"), "version": version,
                               "context": "mine"})
    assert answer.status_code == 200
    assert '<span class="sub plan-name">Regioprogramma Jeugd Rijk van Nijmegen 2023-2028</span>' in html.unescape(
        answer.get_data(as_text=True))
