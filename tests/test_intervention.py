"""The Intervention aggregate's commands through TrackerApp, on a real SQLite and PostgreSQL event store."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from projections.history import intervention_history
from projections.interventions import intervention_json, interventions_as_of
from tests.helpers import SMALL_PLAN_ID as PLAN
from tests.helpers import at, event_count, stored_events
from tracker.errors import DomainError, NotFoundError

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores


def read(services, code: str, as_of: date = date(2026, 4, 1)) -> dict:
    """Return one intervention as the read model shows it (CLI JSON shape)."""
    services.catch_up()
    found = interventions_as_of(services.db, as_of, plan_id=PLAN, code=code, include_dropped=True)
    assert len(found) == 1
    return intervention_json(found[0])


def milestone(services, code: str, milestone_id: str, as_of: date = date(2026, 4, 1)) -> dict:
    return next(m for m in read(services, code, as_of)["milestones"] if m["id"] == milestone_id)


def test_the_store_is_a_sqlite_file_in_the_data_directory_or_postgresql(small_services, data_dir, store):
    if store == "sqlite":
        assert (data_dir / "events.sqlite").is_file()
    else:
        # The events live in PostgreSQL: the node keeps only its read model.
        assert not (data_dir / "events.sqlite").exists()
        assert type(small_services.app.recorder).__name__ == "PostgresApplicationRecorder"
    assert event_count(small_services) > 0


# --- complete --------------------------------------------------------------------------


def test_complete_records_the_realised_date(small_services):
    app = small_services.app
    app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2025, 12, 20), note="Vastgesteld",
                           at=at(2026, 1, 5), by="anna")
    m = app.get_intervention(PLAN, "1.A1").milestones["pva"]
    assert (m.status, m.realised, m.note) == ("done", date(2025, 12, 20), "Vastgesteld")
    shown = milestone(small_services, "1.A1", "pva")
    assert (shown["state"], shown["realised"]) == ("gereed", "2025-12-20")


def test_complete_late_keeps_the_realised_date_after_the_due_date(small_services):
    small_services.app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2026, 2, 10),
                                          at=at(2026, 2, 11), by="anna")
    shown = milestone(small_services, "1.A1", "pva")
    assert shown["state"] == "gereed"
    assert shown["realised"] == "2026-02-10"
    assert shown["due"] == "2025-12-31"


def test_complete_needs_a_realised_date(small_services):
    with pytest.raises(DomainError, match="datum"):
        small_services.app.complete_milestone(PLAN, "1.A1", "pva", realised=None,
                                              at=at(2026, 1, 5), by="anna")


def test_completing_a_cancelled_milestone_is_refused(small_services):
    app = small_services.app
    app.cancel_milestone(PLAN, "1.A2", "besluit", reason="Niet meer nodig", at=at(2026, 1, 5), by="anna")
    with pytest.raises(DomainError) as refused:
        app.complete_milestone(PLAN, "1.A2", "besluit", realised=date(2026, 1, 6),
                               at=at(2026, 1, 7), by="anna")
    assert "Besluit over vervolg" in str(refused.value)
    assert "vervallen" in str(refused.value)


def test_completing_twice_is_refused(small_services):
    app = small_services.app
    app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2025, 12, 20), at=at(2026, 1, 5), by="anna")
    with pytest.raises(DomainError, match="al gereed"):
        app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2025, 12, 21), at=at(2026, 1, 6), by="anna")


def test_a_realised_date_in_the_future_is_refused(small_services):
    with pytest.raises(DomainError) as refused:
        small_services.app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2026, 1, 6),
                                              at=at(2026, 1, 5), by="anna")
    assert "06-01-2026" in str(refused.value)
    assert "toekomst" in str(refused.value)


def test_an_unknown_milestone_is_not_found(small_services):
    with pytest.raises(NotFoundError) as refused:
        small_services.app.complete_milestone(PLAN, "1.A1", "bestaat-niet", realised=date(2026, 1, 5),
                                              at=at(2026, 1, 5), by="anna")
    assert "1.A1" in str(refused.value)
    assert "bestaat-niet" in str(refused.value)


@pytest.mark.parametrize(("plan_id", "code"), [(PLAN, "9.9"), ("ander-plan", "1.A1")])
def test_an_unknown_intervention_or_plan_is_not_found(small_services, plan_id, code):
    with pytest.raises(NotFoundError) as refused:
        small_services.app.add_note(plan_id, code, text="Hallo", at=at(2026, 1, 5), by="anna")
    assert code in str(refused.value)
    assert plan_id in str(refused.value)


# --- reschedule ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_reschedule_needs_a_reason(small_services, reason):
    with pytest.raises(DomainError, match="reden"):
        small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason=reason,
                                                at=at(2026, 1, 5), by="anna")


def test_reschedule_keeps_every_earlier_due_with_its_reason(small_services):
    app = small_services.app
    app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Aanbieder later",
                             at=at(2026, 1, 5), by="anna")
    app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q4 2026", reason="Besluit college later",
                             at=at(2026, 2, 5), by="piet")
    m = app.get_intervention(PLAN, "1.A1").milestones["pilot"]
    assert m.due.text == "Q4 2026"
    assert m.due.date == date(2026, 12, 31)
    assert [(due.text, reason) for due, reason in m.earlier_dues] == [
        ("Q1-Q2 2026", "Aanbieder later"), ("Q3 2026", "Besluit college later")]

    shown = milestone(small_services, "1.A1", "pilot", as_of=date(2026, 3, 1))
    assert (shown["due"], shown["due_text"]) == ("2026-12-31", "Q4 2026")
    assert (shown["planned_due"], shown["planned_due_text"]) == ("2026-06-30", "Q1-Q2 2026")
    assert [(e["due_text"], e["reason"], e["by"]) for e in shown["earlier_dues"]] == [
        ("Q1-Q2 2026", "Aanbieder later", "anna"), ("Q3 2026", "Besluit college later", "piet")]
    assert shown["reason"] == "Besluit college later"


def test_a_rescheduled_milestone_reads_verschoven_until_it_comes_near(small_services):
    small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q4 2026", reason="Later",
                                            at=at(2026, 1, 5), by="anna")
    assert milestone(small_services, "1.A1", "pilot", as_of=date(2026, 3, 1))["state"] == "verschoven"
    assert milestone(small_services, "1.A1", "pilot", as_of=date(2027, 1, 1))["state"] == "te_laat"


def test_reschedule_to_an_unreadable_due_is_refused(small_services):
    with pytest.raises(DomainError, match="Ongeldige termijn"):
        small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q9 2026", reason="x",
                                                at=at(2026, 1, 5), by="anna")


def test_reschedule_to_the_same_due_is_refused(small_services):
    with pytest.raises(DomainError, match="staat al op Q1-Q2 2026"):
        small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q1-Q2 2026", reason="x",
                                                at=at(2026, 1, 5), by="anna")


def test_a_done_milestone_cannot_be_rescheduled(small_services):
    with pytest.raises(DomainError, match="gereed"):
        small_services.app.reschedule_milestone(PLAN, "1.A1", "training", due="Q1 2026", reason="x",
                                                at=at(2026, 1, 5), by="anna")


# --- cancel ----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  "])
def test_cancel_needs_a_reason(small_services, reason):
    with pytest.raises(DomainError, match="reden"):
        small_services.app.cancel_milestone(PLAN, "1.A2", "besluit", reason=reason,
                                            at=at(2026, 1, 5), by="anna")


def test_cancel_keeps_the_reason(small_services):
    small_services.app.cancel_milestone(PLAN, "1.A2", "besluit", reason="Niet meer nodig",
                                        at=at(2026, 1, 5), by="anna")
    m = small_services.app.get_intervention(PLAN, "1.A2").milestones["besluit"]
    assert (m.status, m.cancel_reason) == ("cancelled", "Niet meer nodig")
    shown = milestone(small_services, "1.A2", "besluit")
    assert (shown["state"], shown["reason"]) == ("vervallen", "Niet meer nodig")


def test_a_cancelled_milestone_cannot_be_rescheduled_or_cancelled_again(small_services):
    app = small_services.app
    app.cancel_milestone(PLAN, "1.A2", "besluit", reason="Niet meer nodig", at=at(2026, 1, 5), by="anna")
    with pytest.raises(DomainError, match="vervallen"):
        app.reschedule_milestone(PLAN, "1.A2", "besluit", due="Q4 2026", reason="x", at=at(2026, 1, 6), by="anna")
    with pytest.raises(DomainError, match="al vervallen"):
        app.cancel_milestone(PLAN, "1.A2", "besluit", reason="nogmaals", at=at(2026, 1, 6), by="anna")


# --- trekker, note, stoplicht ----------------------------------------------------------


@pytest.mark.parametrize("email", ["anna", "anna@", "anna@nijmegen", "anna nijmegen.nl", "", "a b@nijmegen.nl"])
def test_assign_refuses_a_bad_email_address(small_services, email):
    with pytest.raises(DomainError, match="geen geldig e-mailadres"):
        small_services.app.assign_trekker(PLAN, "1.A1", name="Anna de Vries", email=email,
                                          at=at(2026, 1, 5), by="beheer")


def test_assign_records_the_trekker(small_services):
    app = small_services.app
    app.assign_trekker(PLAN, "1.A1", name="Anna de Vries", email="anna@nijmegen.nl",
                       at=at(2026, 1, 5), by="beheer")
    assert app.get_intervention(PLAN, "1.A1").trekker == ("Anna de Vries", "anna@nijmegen.nl")
    assert read(small_services, "1.A1")["trekker"] == {"name": "Anna de Vries", "email": "anna@nijmegen.nl"}
    with pytest.raises(DomainError, match="al trekker"):
        app.assign_trekker(PLAN, "1.A1", name="Anna de Vries", email="anna@nijmegen.nl",
                           at=at(2026, 1, 6), by="beheer")
    with pytest.raises(DomainError, match="naam"):
        app.assign_trekker(PLAN, "1.A1", name=" ", email="piet@nijmegen.nl", at=at(2026, 1, 6), by="beheer")


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_an_empty_note_is_refused(small_services, text):
    with pytest.raises(DomainError, match="niet leeg"):
        small_services.app.add_note(PLAN, "1.A1", text=text, at=at(2026, 1, 5), by="anna")


def test_a_note_is_recorded_in_the_history(small_services):
    small_services.app.add_note(PLAN, "1.A1", text="Eerste groep gestart", at=at(2026, 1, 5), by="anna")
    small_services.catch_up()
    last = intervention_history(small_services.db, PLAN, "1.A1")[-1]
    assert (last["event"], last["by"], last["at"]) == ("NoteAdded", "anna", "2026-01-05T09:00:00")
    assert "Eerste groep gestart" in last["description"]


@pytest.mark.parametrize("colour", ["oranje", "rood"])
@pytest.mark.parametrize("missing", ["oorzaak", "gevolg", "bijsturing"])
def test_oranje_and_rood_need_oorzaak_gevolg_and_bijsturing(small_services, colour, missing):
    explanation = {"oorzaak": "Aanbieder haakt af", "gevolg": "Pilot later",
                   "bijsturing": "Nieuwe aanbieder gezocht"}
    explanation[missing] = "  "
    with pytest.raises(DomainError) as refused:
        small_services.app.set_stoplicht(PLAN, "1.A1", colour=colour, **explanation,
                                         at=at(2026, 1, 5), by="anna")
    assert f"ontbreekt: {missing}" in str(refused.value)
    assert "verplicht" in str(refused.value)


def test_groen_needs_no_explanation(small_services):
    small_services.app.set_stoplicht(PLAN, "1.A1", colour="groen", at=at(2026, 1, 5), by="anna")
    assert small_services.app.get_intervention(PLAN, "1.A1").stoplicht == "groen"


def test_oranje_with_an_explanation_is_recorded(small_services):
    small_services.app.set_stoplicht(PLAN, "1.A1", colour="oranje", oorzaak="Aanbieder haakt af",
                                     gevolg="Pilot later", bijsturing="Nieuwe aanbieder gezocht",
                                     at=at(2026, 1, 5), by="anna")
    shown = read(small_services, "1.A1", as_of=date(2026, 1, 6))
    assert shown["stoplicht_manual"] == "oranje"
    assert shown["stoplicht"] == "oranje"
    assert shown["stoplicht_explanation"] == {"oorzaak": "Aanbieder haakt af", "gevolg": "Pilot later",
                                              "bijsturing": "Nieuwe aanbieder gezocht"}


def test_an_unknown_stoplicht_colour_is_refused(small_services):
    with pytest.raises(DomainError, match="paars"):
        small_services.app.set_stoplicht(PLAN, "1.A1", colour="paars", at=at(2026, 1, 5), by="anna")


# --- plan a milestone, close -------------------------------------------------------------


def test_plan_milestone_adds_it_with_an_id_from_its_label(small_services):
    app = small_services.app
    first = app.plan_milestone(PLAN, "2.1", label="Tussenrapportage", due="Q3 2026", kind="report",
                               at=at(2026, 1, 5), by="anna")
    second = app.plan_milestone(PLAN, "2.1", label="Tussenrapportage", due="Q4 2026", kind="report",
                                at=at(2026, 1, 6), by="anna")
    assert (first, second) == ("tussenrapportage", "tussenrapportage-2")
    shown = milestone(small_services, "2.1", "tussenrapportage-2")
    assert (shown["label"], shown["kind"], shown["due"], shown["due_text"]) == (
        "Tussenrapportage", "report", "2026-12-31", "Q4 2026")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"label": "", "due": "Q3 2026"}, "omschrijving"),
    ({"label": "X", "due": "Q3 2026", "kind": "feest"}, "feest"),
    ({"label": "X", "due": "ooit"}, "Ongeldige termijn"),
])
def test_plan_milestone_refuses_incomplete_input(small_services, kwargs, message):
    with pytest.raises(DomainError, match=message):
        small_services.app.plan_milestone(PLAN, "2.1", **kwargs, at=at(2026, 1, 5), by="anna")


def test_close_is_refused_while_milestones_are_open(small_services):
    with pytest.raises(DomainError) as refused:
        small_services.app.close_intervention(PLAN, "1.A2", note="Klaar", at=at(2026, 1, 5), by="anna")
    assert "2 open mijlpalen" in str(refused.value)


def test_close_once_every_milestone_is_done_or_cancelled_and_then_nothing_changes(small_services):
    app = small_services.app
    app.complete_milestone(PLAN, "1.A2", "opdracht-aan-jongerenwerk-geformuleerd",
                           realised=date(2026, 3, 1), at=at(2026, 3, 2), by="anna")
    app.cancel_milestone(PLAN, "1.A2", "besluit", reason="Opgenomen in 1.A1", at=at(2026, 3, 2), by="anna")
    app.close_intervention(PLAN, "1.A2", note="Afgerond", at=at(2026, 3, 3), by="anna")
    assert app.get_intervention(PLAN, "1.A2").closed
    assert read(small_services, "1.A2")["closed"] is True
    with pytest.raises(DomainError, match="afgesloten"):
        app.add_note(PLAN, "1.A2", text="Nog iets", at=at(2026, 3, 4), by="anna")


# --- refused commands store nothing; every event says who and when -----------------------


REFUSED = {
    "complete a cancelled milestone": lambda app: (
        app.complete_milestone(PLAN, "1.A2", "besluit", realised=date(2026, 1, 6), at=at(2026, 1, 7), by="x")),
    "reschedule without a reason": lambda app: (
        app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="", at=at(2026, 1, 7), by="x")),
    "unknown milestone": lambda app: (
        app.cancel_milestone(PLAN, "1.A1", "nope", reason="x", at=at(2026, 1, 7), by="x")),
    "realised in the future": lambda app: (
        app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2026, 2, 1), at=at(2026, 1, 7), by="x")),
    "bad e-mail": lambda app: (
        app.assign_trekker(PLAN, "1.A1", name="A", email="geen-adres", at=at(2026, 1, 7), by="x")),
    "empty note": lambda app: app.add_note(PLAN, "1.A1", text=" ", at=at(2026, 1, 7), by="x"),
    "rood without explanation": lambda app: (
        app.set_stoplicht(PLAN, "1.A1", colour="rood", at=at(2026, 1, 7), by="x")),
    "close with open milestones": lambda app: (
        app.close_intervention(PLAN, "1.A1", at=at(2026, 1, 7), by="x")),
    "cancel without a reason": lambda app: (
        app.cancel_milestone(PLAN, "1.A1", "pilot", reason="", at=at(2026, 1, 7), by="x")),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_refused_command_stores_no_event(small_services, name):
    app = small_services.app
    app.cancel_milestone(PLAN, "1.A2", "besluit", reason="Vooraf", at=at(2026, 1, 6), by="x")
    before = event_count(small_services)
    versions = {code: app.get_intervention(PLAN, code).version for code in ("1.A1", "1.A2")}
    with pytest.raises((DomainError, NotFoundError)):
        REFUSED[name](app)
    assert event_count(small_services) == before
    assert {code: app.get_intervention(PLAN, code).version for code in versions} == versions


def test_every_event_records_by_and_at(small_services):
    app = small_services.app
    commands = [
        (at(2026, 1, 5, 10), "anna", lambda when, who: app.complete_milestone(
            PLAN, "1.A1", "pva", realised=date(2026, 1, 4), at=when, by=who)),
        (at(2026, 1, 6, 11), "piet", lambda when, who: app.reschedule_milestone(
            PLAN, "1.A1", "pilot", due="Q3 2026", reason="Later", at=when, by=who)),
        (at(2026, 1, 7, 12), "kees", lambda when, who: app.cancel_milestone(
            PLAN, "1.A1", "evaluatie", reason="Vervalt", at=when, by=who)),
        (at(2026, 1, 8, 13), "beheer", lambda when, who: app.assign_trekker(
            PLAN, "1.A1", name="Anna", email="anna@nijmegen.nl", at=when, by=who)),
        (at(2026, 1, 9, 14), "anna", lambda when, who: app.add_note(
            PLAN, "1.A1", text="Loopt", at=when, by=who)),
        (at(2026, 1, 10, 15), "anna", lambda when, who: app.set_stoplicht(
            PLAN, "1.A1", colour="groen", at=when, by=who)),
        (at(2026, 1, 11, 16), "anna", lambda when, who: app.plan_milestone(
            PLAN, "1.A1", label="Extra", due="Q2 2026", at=when, by=who)),
    ]
    imported = len(stored_events(small_services))
    for when, who, command in commands:
        command(when, who)
    events = stored_events(small_services)
    assert all(isinstance(e.at, datetime) and e.by for e in events)
    assert all((e.at, e.by) == (datetime(2025, 10, 1, 9), "beheer") for e in events[:imported])
    assert [(e.at, e.by) for e in events[imported:]] == [(when, who) for when, who, _ in commands]
    assert [type(e).__name__ for e in events[imported:]] == [
        "MilestoneCompleted", "MilestoneRescheduled", "MilestoneCancelled", "TrekkerAssigned",
        "NoteAdded", "StoplichtSet", "MilestonePlanned"]
