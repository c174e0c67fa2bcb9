"""Calendar feeds: every open milestone as an all-day event, behind a revocable token URL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from icalendar import Calendar

from projections.interventions import interventions_as_of
from tests.helpers import DEFAULT_PLAN_ID, SMALL_PLAN_ID, stored_events
from tests.mail_helpers import ANNA, trekker_scenario
from web import create_app

TODAY = date(2026, 3, 2)


@pytest.fixture
def client(services):
    app = create_app({"DATA_DIR": str(services.data_dir), "TODAY": TODAY.isoformat(), "TESTING": True,
                      "BASE_URL": "https://voortgang.teststad.nl"})
    return app.test_client()


def feed(client, token: str) -> Calendar:
    response = client.get(f"/agenda/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def open_milestones(services, **where) -> set[str]:
    return {f"{iv['plan_id']}.{iv['code']}.{m['milestone_id']}@plan-tracker"
            for iv in interventions_as_of(services.db, TODAY, **where) if not iv["closed"]
            for m in iv["milestones"] if m["status"] == "open"}


def test_a_trekker_feed_holds_every_open_milestone_of_the_trekker(services, client) -> None:
    trekker_scenario(services)
    token = services.app.issue_calendar_feed(scope="trekker", subject=ANNA, label="Anna",
                                             at=datetime(2026, 3, 1, 9), by="beheer")
    services.catch_up()
    cal = feed(client, token)
    events = cal.walk("VEVENT")
    expected = {uid for uid in open_milestones(services, plan_id=SMALL_PLAN_ID) if ".1.A1." in uid}
    assert {str(e["UID"]) for e in events} == expected and len(expected) == 3   # training is done
    pva = next(e for e in events if str(e["UID"]).endswith(".pva@plan-tracker"))
    assert str(pva["SUMMARY"]) == "1.A1 Plan van aanpak gereed (Q4 2025)"
    start = pva.decoded("DTSTART")
    assert type(start) is date and start == date(2025, 12, 31)    # all day, on the due date
    assert pva.decoded("DTEND") == date(2026, 1, 1)
    assert str(pva["URL"]) == f"https://voortgang.teststad.nl/plannen/{SMALL_PLAN_ID}/interventies/1.A1"
    assert "Mijlpalen van anna@teststad.nl" in str(cal["X-WR-CALNAME"])


def test_a_trekker_feed_holds_the_stuurgroeps_actions_given_to_them_elsewhere(services, client) -> None:
    from tests.accounts import ensure_user

    trekker_scenario(services)
    ensure_user(services, "trekker", ANNA, "Anna Smit")
    app = services.app
    key = app.open_meeting(SMALL_PLAN_ID, meeting_date=date(2026, 2, 20), at=datetime(2026, 2, 20, 12), by="Stijn")
    action = app.decide(SMALL_PLAN_ID, key, "1.A2", decision="Doorpakken", action="Jongerenwerk spreken",
                        owner=ANNA, term="2026-04-15", at=datetime(2026, 2, 20, 12), by="Stijn")
    token = app.issue_calendar_feed(scope="trekker", subject=ANNA, label="Anna", at=datetime(2026, 3, 1, 9),
                                    by="beheer")
    services.catch_up()
    uids = {str(e["UID"]) for e in feed(client, token).walk("VEVENT")}
    assert f"{SMALL_PLAN_ID}.1.A2.{action}@plan-tracker" in uids  # Bert's intervention, Anna's action
    assert not any(".1.A2." in uid and not uid.endswith(f".{action}@plan-tracker") for uid in uids)


def test_a_plan_feed_holds_every_open_milestone_of_the_plan(default_services, client) -> None:
    services = default_services
    first = next(iter(services.app.get_intervention(DEFAULT_PLAN_ID, "2.B2").milestones))
    services.app.complete_milestone(DEFAULT_PLAN_ID, "2.B2", first, realised=date(2025, 12, 15),
                                    at=datetime(2025, 12, 16, 10), by="Fatima")
    token = services.app.issue_calendar_feed(scope="plan", subject=DEFAULT_PLAN_ID,
                                             at=datetime(2026, 3, 1, 9), by="beheer")
    services.catch_up()
    events = feed(client, token).walk("VEVENT")
    expected = open_milestones(services, plan_id=DEFAULT_PLAN_ID)
    assert len(expected) > 50
    assert {str(e["UID"]) for e in events} == expected
    assert not any(str(e["UID"]).endswith(f".{first}@plan-tracker") and ".2.B2." in str(e["UID"]) for e in events)
    texts = {str(e["SUMMARY"]) for e in events}
    assert any(t.endswith("(Q1 2026)") for t in texts)
    assert all(type(e.decoded("DTSTART")) is date for e in events)


def test_rescheduling_moves_the_event_and_keeps_its_uid(services, client) -> None:
    trekker_scenario(services)
    token = services.app.issue_calendar_feed(scope="trekker", subject=ANNA, at=datetime(2026, 3, 1, 9), by="b")
    services.catch_up()
    before = {str(e["UID"]): e for e in feed(client, token).walk("VEVENT")}
    services.app.reschedule_milestone(SMALL_PLAN_ID, "1.A1", "pva", due="Q2 2026", reason="Later",
                                      at=datetime(2026, 3, 1, 10), by="Anna Smit")
    services.catch_up()
    after = {str(e["UID"]): e for e in feed(client, token).walk("VEVENT")}
    uid = f"{SMALL_PLAN_ID}.1.A1.pva@plan-tracker"
    assert set(before) == set(after)
    assert after[uid].decoded("DTSTART") == date(2026, 6, 30)
    assert str(after[uid]["SUMMARY"]) == "1.A1 Plan van aanpak gereed (Q2 2026)"
    assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1


def test_unknown_and_revoked_tokens_answer_404_and_no_token_is_stored(services, client) -> None:
    trekker_scenario(services)
    token = services.app.issue_calendar_feed(scope="plan", subject=SMALL_PLAN_ID, at=datetime(2026, 3, 1, 9), by="b")
    services.catch_up()
    assert len(token) >= 40
    assert client.get(f"/agenda/{token}.ics").status_code == 200
    assert client.get(f"/agenda/{token[:-1]}x.ics").status_code == 404
    assert all(token not in repr(vars(e)) for e in stored_events(services))   # only its hash
    feed_id = services.db.execute("SELECT feed_id FROM calendar_feeds").fetchone()[0]
    services.app.revoke_calendar_feed(feed_id, reason="Laptop kwijt", at=datetime(2026, 3, 2, 9), by="b")
    services.catch_up()
    assert client.get(f"/agenda/{token}.ics").status_code == 404


def test_issue_list_and_revoke_from_the_command_line(services, cli, monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_BASE_URL", "https://voortgang.teststad.nl")
    trekker_scenario(services)
    issued = cli("calendar", "issue", "--trekker", ANNA, "--label", "Anna", "--today", "2026-03-01")
    assert issued.exit_code == 0, issued.output
    url = issued.output.strip()
    assert url.startswith("https://voortgang.teststad.nl/agenda/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1][:-4]
    listed = cli("calendar", "list", "--json")
    import json

    (row,) = json.loads(listed.output)
    assert row["subject"] == ANNA and row["revoked_at"] is None and token not in listed.output
    assert cli("calendar", "revoke", row["id"], "--reason", "weg").exit_code == 0
    assert json.loads(cli("calendar", "list", "--json").output)[0]["revoked_at"]
    again = cli("calendar", "revoke", row["id"])
    assert again.exit_code == 1 and "al ingetrokken" in again.output
    assert cli("calendar", "issue").exit_code == 1
