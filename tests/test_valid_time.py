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
