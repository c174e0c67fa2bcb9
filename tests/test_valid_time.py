"""Two times on every fact: when it happened (valid time) and when it was entered (recorded time)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.helpers import DEFAULT_PLAN, DEFAULT_PLAN_ID, stored_events
from tracker.errors import DomainError
from tracker.planfile import read_plan_file

PLAN = DEFAULT_PLAN_ID
LOADED = datetime(2026, 12, 1, 12)


def test_a_plan_loaded_after_its_adoption_holds_from_its_adoption(late_adopter):
    events = stored_events(late_adopter)
    added = [e for e in events if type(e).__name__ == "InterventionAdded"]
    planned = [e for e in events if type(e).__name__ == "MilestonePlanned"]
    assert len(added) == 24 and planned
    assert {e.valid_on for e in added + planned} == {date(2025, 9, 1)}
    assert {e.at for e in added} == {LOADED}


def test_a_plan_loaded_before_its_adoption_holds_from_its_loading(services):
    services.app.import_plan(read_plan_file(DEFAULT_PLAN), at=datetime(2025, 8, 20, 9), by="beheerder")
    added = [e for e in stored_events(services) if type(e).__name__ == "InterventionAdded"]
    assert {e.valid_on for e in added} == {None}


def test_a_change_says_the_day_it_happened_and_never_a_day_to_come(late_adopter):
    app = late_adopter.app
    iv = app.get_intervention(PLAN, "3.A1")
    iv.reschedule_milestone("commissie-operationeel", due=app_due("Q3 2026"), reason="Besluit college",
                            at=LOADED, by="Jan", valid_on=date(2026, 2, 12))
    iv.set_stoplicht(colour="groen", at=LOADED, by="Jan", valid_on=LOADED.date())
    with pytest.raises(DomainError, match="ligt in de toekomst"):
        iv.cancel_milestone("afwegingskader-startfase", reason="x", at=LOADED, by="Jan", valid_on=date(2026, 12, 2))
    moved, light = iv.pending_events[-2:]
    assert moved.valid_on == date(2026, 2, 12)
    assert light.valid_on is None  # the day it was recorded: nothing to add


def app_due(text):
    from tracker.application import to_due

    return to_due(text)


def test_a_gemeente_starting_mid_plan_enters_what_was_done_and_asks_both_questions(cli):
    """Tried as a new user would, in December 2026, for a plan adopted in September 2025."""
    import json

    def run(*args):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def state(*args):
        shown = json.loads(run("show", "2.A2", "--json", *args))
        return next(m for m in shown["milestones"] if m["id"] == "selectie-aanbieders")

    run("init", "--today", "2026-12-01")
    # init loads every plan in plans/: the uitvoeringsagenda's 24 and the Regioprogramma's beside them.
    assert len(json.loads(run("interventions", "--as-of", "2025-10-15", "--json", "--plan",
                              "nijmegen-uitvoeringsagenda-2025"))) == 24
    run("milestone", "complete", "2.A2", "selectie-aanbieders", "--date", "2025-12-15", "--today", "2026-12-02")
    for rebuilt in (False, True):
        if rebuilt:
            run("rebuild")
        assert state("--as-of", "2025-12-31")["state"] == "gereed"
        assert state("--as-of", "2025-12-31")["realised"] == "2025-12-15"
        assert state("--as-of", "2025-12-10")["state"] not in ("gereed", "vervallen")
        assert state("--as-of", "2025-12-31", "--as-known-on", "2026-12-01")["state"] not in ("gereed", "vervallen")


def test_a_plan_adopted_in_a_term_holds_from_its_first_day():
    from events.plan import adoption_start

    assert adoption_start({"adopted": "2023-11-30", "adopted_text": "najaar 2023"}) == date(2023, 9, 1)
    assert adoption_start({"adopted": "2025-09-01"}) == date(2025, 9, 1)
    assert adoption_start({"adopted": None}) is None
