"""Two users change the same intervention: a form based on an old version is refused, a command
that commutes is run again on the fresh state; nothing is lost or doubled."""

from __future__ import annotations

from datetime import date

import pytest

from projections.history import intervention_history
from projections.interventions import intervention_json, interventions_as_of
from tests.helpers import SMALL_PLAN_ID as PLAN
from tests.helpers import at, event_count, note_texts, write_notes_at_once
from tracker.errors import ConflictError
from web.services import open_services

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores


def test_the_second_of_two_concurrent_changes_is_refused_and_the_first_is_kept(small_services, data_dir):
    first = small_services
    second = open_services(data_dir)
    before = event_count(first)
    # The second user has loaded 1.A1 (as every command does) when the first one saves a change.
    with pytest.raises(ConflictError) as refused:
        with second.app._changing(PLAN, "1.A1", None) as loaded:
            first.app.add_note(PLAN, "1.A1", text="Eerste groep gestart", at=at(2026, 1, 5, 10), by="anna")
            loaded.assign_trekker(name="Piet", email="piet@nijmegen.nl", at=at(2026, 1, 5, 11), by="piet")
    message = str(refused.value)
    assert "1.A1" in message
    assert "intussen door iemand anders gewijzigd" in message
    assert "niets opgeslagen" in message.lower()

    assert event_count(first) == before + 1
    fresh = open_services(data_dir).app.get_intervention(PLAN, "1.A1")
    assert fresh.notes == 1
    assert fresh.trekker is None
    first.catch_up()
    assert intervention_history(first.db, PLAN, "1.A1")[-1]["description"] == "Voortgangsnotitie: Eerste groep gestart"


def test_two_aggregates_loaded_from_two_apps_cannot_both_be_saved(small_services, data_dir):
    other = open_services(data_dir)
    mine = small_services.app.get_intervention(PLAN, "1.A1")
    theirs = other.app.get_intervention(PLAN, "1.A1")
    mine.add_note(text="Mijn notitie", at=at(2026, 1, 5, 10), by="anna")
    theirs.add_note(text="Hun notitie", at=at(2026, 1, 5, 10, 1), by="piet")
    small_services.app._save(mine)
    with pytest.raises(ConflictError, match="intussen door iemand anders gewijzigd"):
        other.app._save(theirs)
    small_services.catch_up()
    notes = [h["data"]["text"] for h in intervention_history(small_services.db, PLAN, "1.A1")
             if h["event"] == "NoteAdded"]
    assert notes == ["Mijn notitie"]


def test_after_a_conflict_a_retry_on_the_fresh_state_succeeds(small_services, data_dir):
    second = open_services(data_dir)
    with pytest.raises(ConflictError):
        with second.app._changing(PLAN, "1.A1", None) as loaded:
            small_services.app.add_note(PLAN, "1.A1", text="Eerst", at=at(2026, 1, 5, 10), by="anna")
            loaded.add_note(text="Daarna", at=at(2026, 1, 5, 11), by="piet")
    second.app.add_note(PLAN, "1.A1", text="Daarna", at=at(2026, 1, 5, 12), by="piet")
    assert second.app.get_intervention(PLAN, "1.A1").notes == 2


def test_a_form_based_on_an_old_version_is_refused(small_services):
    # A trekker opens the form (the read model says which version it shows) ...
    shown = intervention_json(interventions_as_of(small_services.db, date(2026, 1, 5), plan_id=PLAN, code="1.A1")[0])
    version = shown["version"]
    assert version == small_services.app.get_intervention(PLAN, "1.A1").version
    # ... someone else changes the intervention ...
    small_services.app.add_note(PLAN, "1.A1", text="Tussendoor", at=at(2026, 1, 5, 10), by="piet")
    before = event_count(small_services)
    # ... and the form is sent with the version it was based on.
    with pytest.raises(ConflictError) as refused:
        small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Later",
                                                at=at(2026, 1, 5, 11), by="anna", expected_version=version)
    assert f"versie {version}" in str(refused.value)
    assert f"versie {version + 1}" in str(refused.value)
    assert "Er is niets opgeslagen" in str(refused.value)
    assert event_count(small_services) == before
    assert small_services.app.get_intervention(PLAN, "1.A1").milestones["pilot"].due.text == "Q1-Q2 2026"


def test_a_form_based_on_the_current_version_is_accepted(small_services):
    version = small_services.app.get_intervention(PLAN, "1.A1").version
    small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Later",
                                            at=at(2026, 1, 5, 11), by="anna", expected_version=version)
    iv = small_services.app.get_intervention(PLAN, "1.A1")
    assert (iv.version, iv.milestones["pilot"].due.text) == (version + 1, "Q3 2026")


def test_a_command_without_a_version_that_lost_a_race_runs_again_on_the_fresh_state(small_services, data_dir):
    other = open_services(data_dir)
    before = small_services.app.get_intervention(PLAN, "1.A1").version
    raced = []
    real_save = small_services.app.save

    def save_after_a_rival(*aggregates, **kwargs):
        if not raced:  # between this command's read and its save, another process saves a note
            raced.append(True)
            other.app.add_note(PLAN, "1.A1", text="Van de ander", at=at(2026, 1, 5, 10), by="piet")
        return real_save(*aggregates, **kwargs)

    small_services.app.save = save_after_a_rival
    small_services.app.add_note(PLAN, "1.A1", text="Van mij", at=at(2026, 1, 5, 10), by="anna")
    assert note_texts(small_services, PLAN, "1.A1") == ["Van de ander", "Van mij"]
    assert small_services.app.get_intervention(PLAN, "1.A1").version == before + 2


def test_a_form_based_on_a_version_is_refused_when_it_lost_a_race(small_services, data_dir):
    other = open_services(data_dir)
    version = small_services.app.get_intervention(PLAN, "1.A1").version
    real_save = small_services.app.save

    def save_after_a_rival(*aggregates, **kwargs):
        other.app.add_note(PLAN, "1.A1", text="Van de ander", at=at(2026, 1, 5, 10), by="piet")
        return real_save(*aggregates, **kwargs)

    small_services.app.save = save_after_a_rival
    with pytest.raises(ConflictError):
        small_services.app.add_note(PLAN, "1.A1", text="Van mij", at=at(2026, 1, 5, 10), by="anna",
                                    expected_version=version)
    assert note_texts(small_services, PLAN, "1.A1") == ["Van de ander"]


def test_notes_written_at_once_by_two_writers_are_all_stored_each_once(small_services, data_dir):
    other = open_services(data_dir)
    before = small_services.app.get_intervention(PLAN, "1.A1").version
    acknowledged, errors = write_notes_at_once([small_services, other], PLAN, "1.A1", per_node=40)
    assert errors == [] and len(acknowledged) == 80
    stored = note_texts(small_services, PLAN, "1.A1")
    assert sorted(stored) == sorted(acknowledged) and len(set(stored)) == 80
    assert small_services.app.get_intervention(PLAN, "1.A1").version == before + 80
