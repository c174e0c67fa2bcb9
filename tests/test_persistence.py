"""State survives a restart; the read model rebuilt from zero equals the incremental one."""

from __future__ import annotations

from datetime import date

import pytest

from projections.history import intervention_history
from projections.interventions import intervention_json, interventions_as_of
from projections.runner import READ_MODEL_FILENAME, ProjectionRunner, open_read_model
from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID as PLAN
from tests.helpers import at, event_count, import_text, replace_once
from web.services import open_services

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores

MOMENTS = [date(2025, 10, 1), date(2026, 1, 5), date(2026, 2, 15), date(2026, 4, 1), date(2027, 1, 1)]


def snapshot(db) -> dict:
    """Return everything the read side answers, as plain values, for several moments."""
    return {
        "interventions": {
            day.isoformat(): [intervention_json(iv) for iv in interventions_as_of(db, day, include_dropped=True)]
            for day in MOMENTS},
        "history": {code: [{k: v for k, v in row.items()} for row in intervention_history(db, PLAN, code)]
                    for code in ("1.A1", "1.A2", "2.1")},
        "plans": list(db.query("SELECT plan_id, title, facts, versions, source_name FROM plans")),
    }


def record_a_season(services) -> None:
    """Record a few months of updates, catching up after each one (the incremental path)."""
    app = services.app
    steps = [
        lambda: app.assign_trekker(PLAN, "1.A1", name="Anna de Vries", email="anna@nijmegen.nl",
                                   at=at(2025, 10, 2), by="beheer"),
        lambda: import_text(services, replace_once(SMALL_PLAN, "due: H2 2026", "due: Q1 2027"),
                            "testagenda-v2.yaml", at(2025, 11, 3)),
        lambda: app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2025, 12, 20), note="Vastgesteld",
                                       at=at(2026, 1, 5), by="anna"),
        lambda: app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Aanbieder later",
                                         at=at(2026, 1, 6), by="anna"),
        lambda: app.set_stoplicht(PLAN, "1.A1", colour="oranje", oorzaak="Aanbieder later",
                                  gevolg="Pilot schuift", bijsturing="Tweede aanbieder", at=at(2026, 1, 6, 10),
                                  by="anna"),
        lambda: app.add_note(PLAN, "1.A2", text="Opdracht in concept", at=at(2026, 2, 1), by="piet"),
        lambda: app.cancel_milestone(PLAN, "1.A2", "besluit", reason="Opgenomen in 1.A1",
                                     at=at(2026, 2, 10), by="piet"),
        lambda: app.plan_milestone(PLAN, "2.1", label="Tussenstand", due="Q4 2026", at=at(2026, 2, 11), by="kees"),
    ]
    for step in steps:
        step()
        services.catch_up()


def test_a_restart_sees_the_same_state(small_services, data_dir):
    record_a_season(small_services)
    before = snapshot(small_services.db)
    count = event_count(small_services)

    again = open_services(data_dir)
    assert event_count(again) == count
    assert again.catch_up() == 0  # the read model kept its position: nothing is applied twice
    assert snapshot(again.db) == before

    iv = again.app.get_intervention(PLAN, "1.A1")
    assert iv.trekker == ("Anna de Vries", "anna@nijmegen.nl")
    assert iv.stoplicht == "oranje"
    assert iv.milestones["pva"].realised == date(2025, 12, 20)
    assert [(d.text, r) for d, r in iv.milestones["pilot"].earlier_dues] == [("Q1-Q2 2026", "Aanbieder later")]
    assert again.app.get_intervention(PLAN, "1.A2").notes == 1


def test_commands_after_a_restart_continue_the_same_history(small_services, data_dir):
    record_a_season(small_services)
    again = open_services(data_dir)
    again.app.add_note(PLAN, "1.A1", text="Na de herstart", at=at(2026, 3, 1), by="anna")
    again.catch_up()
    rows = intervention_history(again.db, PLAN, "1.A1")
    assert rows[-1]["description"] == "Voortgangsnotitie: Na de herstart"
    assert [r["seq"] for r in rows] == sorted({r["seq"] for r in rows})


def test_the_rebuilt_read_model_equals_the_incremental_one(small_services):
    record_a_season(small_services)
    incremental = snapshot(small_services.db)
    applied = small_services.runner.rebuild()
    assert applied == event_count(small_services)
    assert snapshot(small_services.db) == incremental


def test_a_rebuild_in_small_batches_equals_one_in_large_batches(small_services, tmp_path):
    record_a_season(small_services)
    incremental = snapshot(small_services.db)
    runner = ProjectionRunner(small_services.app.recorder, open_read_model(tmp_path / "klein.sqlite"), batch_size=3)
    assert runner.catch_up() == event_count(small_services)
    assert snapshot(runner.db) == incremental


def test_a_lost_read_model_is_rebuilt_from_the_events(small_services, data_dir):
    record_a_season(small_services)
    before = snapshot(small_services.db)
    small_services.db.close()
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"{READ_MODEL_FILENAME}{suffix}").unlink(missing_ok=True)

    again = open_services(data_dir)
    assert again.catch_up() == event_count(again)
    assert snapshot(again.db) == before


def test_a_read_model_lost_under_a_running_process_is_caught_up_on_its_next_request(small_services, data_dir):
    record_a_season(small_services)
    before = snapshot(small_services.read_model())
    assert small_services.catch_up() == 0  # the runner has seen this position
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"{READ_MODEL_FILENAME}{suffix}").unlink(missing_ok=True)

    assert small_services.catch_up() == event_count(small_services)
    assert snapshot(small_services.read_model()) == before
