"""Two users change the same intervention: a form is only refused when what it changes was changed
since it was loaded; changes that commute both succeed, also after a lost race; nothing is lost or doubled."""

from __future__ import annotations

from datetime import date

import pytest

from projections.history import intervention_history
from projections.interventions import intervention_json, interventions_as_of
from tests.helpers import SMALL_PLAN_ID as PLAN
from tests.helpers import at, event_count, note_texts, write_notes_at_once
from tracker.actors import Actor
from tracker.errors import ConflictError
from tracker.intervention import EVERYTHING
from web.services import open_services

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores


def test_the_second_of_two_concurrent_changes_is_refused_and_the_first_is_kept(small_services, data_dir):
    first = small_services
    second = open_services(data_dir)
    before = event_count(first)
    # The second user has loaded 1.A1 (as every command does) when the first one saves a change.
    with pytest.raises(ConflictError) as refused:
        with second.app._changing(PLAN, "1.A1", None, frozenset({EVERYTHING}), Actor.system("piet")) as loaded:
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
        with second.app._changing(PLAN, "1.A1", None, frozenset({EVERYTHING}), Actor.system("piet")) as loaded:
            small_services.app.add_note(PLAN, "1.A1", text="Eerst", at=at(2026, 1, 5, 10), by="anna")
            loaded.add_note(text="Daarna", at=at(2026, 1, 5, 11), by="piet")
    second.app.add_note(PLAN, "1.A1", text="Daarna", at=at(2026, 1, 5, 12), by="piet")
    assert second.app.get_intervention(PLAN, "1.A1").notes == 2


def test_a_form_for_a_milestone_changed_since_is_refused(small_services):
    # A trekker opens the form (the read model says which version it shows) ...
    shown = intervention_json(interventions_as_of(small_services.db, date(2026, 1, 5), plan_id=PLAN, code="1.A1")[0])
    version = shown["version"]
    assert version == small_services.app.get_intervention(PLAN, "1.A1").version
    # ... someone else moves the same milestone ...
    small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q4 2026", reason="Eerst",
                                            at=at(2026, 1, 5, 10), by="piet")
    before = event_count(small_services)
    # ... and the form is sent with the version it was based on.
    with pytest.raises(ConflictError) as refused:
        small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Later",
                                                at=at(2026, 1, 5, 11), by="anna", expected_version=version)
    assert str(refused.value) == ("Mijlpaal 'Start pilot' is intussen gewijzigd door piet (05-01-2026 10:00). "
                                  "Er is niets opgeslagen.")
    assert event_count(small_services) == before
    assert small_services.app.get_intervention(PLAN, "1.A1").milestones["pilot"].due.text == "Q4 2026"


@pytest.mark.parametrize(("between", "command"), [
    # a note beside a milestone change, either way round
    (lambda app: app.add_note(PLAN, "1.A1", text="Tussendoor", at=at(2026, 1, 5, 10), by="piet"),
     lambda app, v: app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Later",
                                             at=at(2026, 1, 5, 11), by="anna", expected_version=v)),
    (lambda app: app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2026, 1, 5), at=at(2026, 1, 5, 10), by="anna"),
     lambda app, v: app.add_note(PLAN, "1.A1", text="Notitie", at=at(2026, 1, 5, 11), by="anna", expected_version=v)),
    # two different milestones
    (lambda app: app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2026, 1, 5), at=at(2026, 1, 5, 10), by="anna"),
     lambda app, v: app.cancel_milestone(PLAN, "1.A1", "evaluatie", reason="Niet meer nodig",
                                         at=at(2026, 1, 5, 11), by="anna", expected_version=v)),
    # the stoplicht beside a milestone
    (lambda app: app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Later",
                                          at=at(2026, 1, 5, 10), by="anna"),
     lambda app, v: app.set_stoplicht(PLAN, "1.A1", colour="groen", at=at(2026, 1, 5, 11), by="anna",
                                      expected_version=v)),
])
def test_changes_that_commute_both_succeed(small_services, between, command):
    version = small_services.app.get_intervention(PLAN, "1.A1").version
    between(small_services.app)
    command(small_services.app, version)
    assert small_services.app.get_intervention(PLAN, "1.A1").version == version + 2


@pytest.mark.parametrize(("between", "command", "what"), [
    (lambda app: app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2026, 1, 5), at=at(2026, 1, 5, 10), by="anna"),
     lambda app, v: app.cancel_milestone(PLAN, "1.A1", "pva", reason="Toch niet", at=at(2026, 1, 5, 11), by="anna",
                                         expected_version=v), "Mijlpaal 'Plan van aanpak gereed'"),
    (lambda app: app.set_stoplicht(PLAN, "1.A1", colour="groen", at=at(2026, 1, 5, 10), by="piet"),
     lambda app, v: app.set_stoplicht(PLAN, "1.A1", colour="rood", oorzaak="a", gevolg="b", bijsturing="c",
                                      at=at(2026, 1, 5, 11), by="anna", expected_version=v), "Het stoplicht van 1.A1"),
])
def test_a_change_of_the_same_thing_is_refused_even_when_it_was_yourself(small_services, between, command, what):
    version = small_services.app.get_intervention(PLAN, "1.A1").version
    between(small_services.app)
    before = event_count(small_services)
    with pytest.raises(ConflictError, match=f"^{what} is intussen gewijzigd door "):
        command(small_services.app, version)
    assert event_count(small_services) == before


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


def test_a_form_that_lost_a_race_runs_again_when_it_commutes_and_is_refused_when_not(small_services, data_dir):
    other = open_services(data_dir)
    version = small_services.app.get_intervention(PLAN, "1.A1").version
    real_save = small_services.app.save
    rivals = [lambda: other.app.add_note(PLAN, "1.A1", text="Van de ander", at=at(2026, 1, 5, 10), by="piet")]

    def save_after_a_rival(*aggregates, **kwargs):
        if rivals:  # between this command's first read and its save, another process saves a change
            rivals.pop()()
        return real_save(*aggregates, **kwargs)

    small_services.app.save = save_after_a_rival
    small_services.app.add_note(PLAN, "1.A1", text="Van mij", at=at(2026, 1, 5, 10), by="anna",
                                expected_version=version)
    assert note_texts(small_services, PLAN, "1.A1") == ["Van de ander", "Van mij"]
    version = small_services.app.get_intervention(PLAN, "1.A1").version
    rivals.append(lambda: other.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q4 2026", reason="Ander",
                                                         at=at(2026, 1, 5, 10), by="piet"))
    with pytest.raises(ConflictError, match="Mijlpaal 'Start pilot' is intussen gewijzigd door piet"):
        small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Mijn reden",
                                                at=at(2026, 1, 5, 11), by="anna", expected_version=version)
    assert small_services.app.get_intervention(PLAN, "1.A1").milestones["pilot"].due.text == "Q4 2026"


def test_notes_written_at_once_by_two_writers_are_all_stored_each_once(small_services, data_dir):
    other = open_services(data_dir)
    before = small_services.app.get_intervention(PLAN, "1.A1").version
    acknowledged, errors = write_notes_at_once([small_services, other], PLAN, "1.A1", per_node=40)
    assert errors == [] and len(acknowledged) == 80
    stored = note_texts(small_services, PLAN, "1.A1")
    assert sorted(stored) == sorted(acknowledged) and len(set(stored)) == 80
    assert small_services.app.get_intervention(PLAN, "1.A1").version == before + 80
