"""Who may do what is the application's rule, the same on the command line, the web and from a mail.

The command line acts as the operator without --by (full rights, recorded as "via de command
line, <login>") and as an account with --by EMAIL (that account's rights); a trekker is always
an active account with the role trekker; the events keep the account's id beside its name.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from tests.accounts import csrf_token, ensure_user, sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import event_count
from tracker.actors import Actor
from tracker.errors import NotFoundError, TrackerError
from tracker.permissions import MATRIX, NotAllowedError
from tracker.users import user_id

CODE, OTHER = "2.A1", "2.B2"
BERT, CARLA, LEA = "bert@nijmegen.nl", "carla@nijmegen.nl", "lea@nijmegen.nl"
PASSWORD = "geheim-wachtwoord-1"


def ok(result):
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def refused(result, *words: str):
    """Assert a command failed with a Dutch message holding the words."""
    assert result.exit_code != 0, result.output
    assert result.stderr.startswith("fout: "), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def tracker(cli):
    """The default plan (1 October 2025); Bert trekker of 2.A1, Carla trekker of 2.B2, Lea lezer."""
    ok(cli("init", "--today", "2025-10-01"))
    for email, name, role in ((BERT, "Bert Bos", "trekker"), (CARLA, "Carla de Wit", "trekker"),
                              (LEA, "Lea Lezer", "lezer")):
        ok(cli("user", "add", "--email", email, "--name", name, "--role", role, "--password", PASSWORD,
               "--today", "2025-10-01"))
    ok(cli("assign", CODE, "--email", BERT, "--today", "2025-10-02"))
    ok(cli("assign", OTHER, "--email", CARLA, "--today", "2025-10-02"))
    return cli


def exported(cli) -> str:
    return ok(cli("export-events")).stdout


def history(cli, code: str = CODE) -> list[dict]:
    return json.loads(ok(cli("history", code, "--json")).stdout)


def test_assigning_a_lezer_on_the_command_line_is_refused_and_records_nothing(tracker):
    before = exported(tracker)
    refused(tracker("assign", CODE, "--email", LEA, "--today", "2026-01-05"),
            "Lea Lezer", "heeft de rol lezer", "Kies een gebruiker met de rol trekker", "niets vastgelegd")
    refused(tracker("assign", CODE, "--email", "niemand@nijmegen.nl", "--today", "2026-01-05"),
            "Er is geen account met e-mailadres niemand@nijmegen.nl")
    refused(tracker("assign", CODE, "--today", "2026-01-05"), "--email")  # Dutch, not click's English
    assert exported(tracker) == before


def test_assign_takes_the_accounts_name_and_refuses_another(tracker):
    assert json.loads(ok(tracker("show", CODE, "--json")).stdout)["trekker"] == {"name": "Bert Bos", "email": BERT}
    before = exported(tracker)
    refused(tracker("assign", CODE, "--email", CARLA, "--name", "Karel", "--today", "2026-01-05"),
            "heet Carla de Wit, niet Karel")
    assert exported(tracker) == before
    ok(tracker("assign", CODE, "--email", CARLA, "--name", "Carla de Wit", "--today", "2026-01-05"))


def test_a_deactivated_trekker_cannot_be_assigned(tracker):
    ok(tracker("user", "deactivate", CARLA, "--today", "2026-01-04"))
    before = exported(tracker)
    refused(tracker("assign", CODE, "--email", CARLA, "--today", "2026-01-05"), "gedeactiveerd")
    assert exported(tracker) == before


def test_a_trekker_of_another_intervention_may_not_write_a_note(tracker):
    before = exported(tracker)
    refused(tracker("note", CODE, "Ik schrijf mee", "--by", CARLA, "--today", "2026-01-05"),
            f"Alleen de trekker van {CODE}", "Carla de Wit", "niets vastgelegd")
    refused(tracker("milestone", "complete", CODE, "pva", "--by", LEA, "--today", "2026-01-05"),
            "heeft de rol lezer", "interventies bijwerken")
    assert exported(tracker) == before


def test_the_assigned_trekkers_by_works_and_history_keeps_name_and_account(tracker):
    ok(tracker("note", CODE, "Gesprekken gevoerd", "--by", BERT.upper(), "--today", "2026-01-05"))
    last = history(tracker)[-1]
    assert (last["event"], last["by"], last["by_id"]) == ("NoteAdded", "Bert Bos (via de command line)",
                                                          str(user_id(BERT)))
    assert {"seq", "at", "valid", "by", "event", "milestone", "description", "data"} <= set(last)
    assert "by_id" not in last["data"]
    exported_note = json.loads(exported(tracker).splitlines()[-1])
    assert (exported_note["by"], exported_note["by_id"]) == ("Bert Bos (via de command line)", str(user_id(BERT)))


def test_an_unknown_or_deactivated_by_is_refused(tracker):
    ok(tracker("user", "deactivate", BERT, "--today", "2026-01-04"))
    before = exported(tracker)
    refused(tracker("note", CODE, "x", "--by", "onbekend@nijmegen.nl", "--today", "2026-01-05"),
            "--by onbekend@nijmegen.nl", "geen gebruiker")
    refused(tracker("note", CODE, "x", "--by", BERT, "--today", "2026-01-05"), "gedeactiveerd")
    refused(tracker("note", CODE, "x", "--by", "bert", "--today", "2026-01-05"), "geen gebruiker")
    assert exported(tracker) == before


def test_a_by_acts_with_that_accounts_rights_only(tracker):
    before = exported(tracker)
    refused(tracker("assign", CODE, "--email", CARLA, "--by", BERT, "--today", "2026-01-05"),
            "heeft de rol trekker", "trekkers toewijzen")
    refused(tracker("user", "set-role", LEA, "stuurgroep", "--by", LEA, "--today", "2026-01-05"),
            "gebruikers beheren")
    assert exported(tracker) == before


def test_the_plans_own_milestones_are_the_beheerders(tracker):
    before = exported(tracker)
    refused(tracker("plan-milestone", "complete", "actualisatie-agenda", "--plan", PLAN, "--by", BERT,
                    "--today", "2026-12-15"), "heeft de rol trekker", "mijlpalen op planniveau bijwerken")
    assert exported(tracker) == before
    ok(tracker("plan-milestone", "complete", "actualisatie-agenda", "--plan", PLAN, "--today", "2026-12-15"))


def test_without_by_the_operator_acts_and_is_recorded_as_such(tracker, monkeypatch):
    monkeypatch.setenv("TRACKER_USER", "bert.beheer")
    ok(tracker("note", CODE, "Namens de stuurgroep", "--today", "2026-01-05"))  # not the trekker: full rights
    last = history(tracker)[-1]
    assert (last["by"], last["by_id"]) == ("via de command line, bert.beheer", None)
    assigned = [h for h in history(tracker) if h["event"] == "TrekkerAssigned"]
    assert assigned[0]["by"] == "via de command line, tester"


# --- the application, whatever calls it ------------------------------------------------------


def test_the_application_refuses_an_account_whose_role_changed_since(default_services):
    app = default_services.app
    app.add_user(email=BERT, name="Bert Bos", role="trekker", password=None, at=datetime(2025, 10, 1), by="test")
    app.assign_trekker(PLAN, CODE, email=BERT, at=datetime(2025, 10, 2), by=Actor.operator("beheer"))
    bert = Actor.of_account(app.get_user(BERT), "web")
    app.add_note(PLAN, CODE, text="Mag", at=datetime(2026, 1, 5), by=bert)
    app.set_role(BERT, "lezer", at=datetime(2026, 1, 6), by="test")
    before = event_count(default_services)
    with pytest.raises(NotAllowedError, match="heeft de rol lezer"):
        app.add_note(PLAN, CODE, text="Mag niet meer", at=datetime(2026, 1, 7), by=bert)  # still says trekker
    assert event_count(default_services) == before


# One command of the application per action of the matrix, as an account would call it.
COMMANDS = {
    "update": lambda app, n, by: app.add_note(PLAN, CODE, text=f"Notitie {n}", at=AT, by=by),
    "review": lambda app, n, by: app.record_review(PLAN, CODE, meeting_date=date(2026, 1, 5), decision="Akkoord",
                                                   at=AT, by=by),
    "assign": lambda app, n, by: app.assign_trekker(PLAN, CODE, email=BERT, at=AT, by=by),
    "import_plan": lambda app, n, by: app.preview_import(_default_spec(), at=AT, by=by),
    "manage_users": lambda app, n, by: app.add_user(email=f"nieuw{n}@nijmegen.nl", name="Nieuwe Collega",
                                                    role="lezer", password=None, at=AT, by=by),
    "record_data": lambda app, n, by: app.record_indicator_value(PLAN, indicator_id="bestaat-niet",
                                                                 period="2026-Q1", value=1, source="CBS", at=AT,
                                                                 by=by),
    "publish_site": lambda app, n, by: app.set_public_site(PLAN, public=n % 2 == 0, reason="Besluit", at=AT, by=by),
    "publish_report": lambda app, n, by: app.write_report_text(PLAN, period="2026-H1", section="inleiding",
                                                               text=f"Tekst {n}", at=AT, by=by),
    "plan_milestones": lambda app, n, by: app.complete_plan_milestone(PLAN, "bestaat-niet",
                                                                      realised=date(2026, 1, 5), at=AT, by=by),
    "link_plans": lambda app, n, by: app.link_contribution(PLAN, CODE, target_plan="bestaat-niet", reason="x",
                                                           at=AT, by=by),
    "outbox": lambda app, n, by: app.resolve_reminder("bestaat-niet", outcome="sent", at=AT, by=by),
    "deliver": lambda app, n, by: app.claim_reminders([], message_id="<m@tracker>", at=AT, by=by),
}
AT = datetime(2026, 1, 5, 10)


def _default_spec():
    from tests.helpers import DEFAULT_PLAN
    from tracker.planfile import read_plan_file

    return read_plan_file(DEFAULT_PLAN)


def test_the_application_checks_the_whole_matrix_for_every_role(default_services):
    app = default_services.app
    roles = ("beheerder", "stuurgroep", "trekker", "lezer")
    for role in roles:
        app.add_user(email=f"{role}@nijmegen.nl", name=f"De {role}", role=role, password=None,
                     at=datetime(2025, 10, 1), by="test")
    app.add_user(email=BERT, name="Bert Bos", role="trekker", password=None, at=datetime(2025, 10, 1), by="test")
    app.assign_trekker(PLAN, CODE, email=BERT, at=datetime(2025, 10, 2), by=Actor.operator("beheer"))
    actors = {role: Actor.of_account(app.get_user(f"{role}@nijmegen.nl"), "web") for role in roles}
    actors["trekker van 2.A1"] = Actor.of_account(app.get_user(BERT), "command line")
    actors["operator"] = Actor.operator("beheer")
    assert set(COMMANDS) == set(MATRIX) - {"view", "read_reports", "report", "normering", "plan_feed", "read_figures"}
    n = 0
    for action, command in COMMANDS.items():
        for who, actor in actors.items():
            n += 1
            may = who == "operator" or (actor.role in MATRIX[action]
                                        and (action != "update" or who == "trekker van 2.A1"))
            before = event_count(default_services)
            try:
                command(app, n, actor)
            except NotAllowedError:
                assert not may, (action, who)
                assert event_count(default_services) == before
                continue
            except TrackerError:
                pass  # allowed, then refused on its content (an unknown indicator, say)
            assert may, (action, who)


def test_every_command_of_the_application_resolves_who_acts():
    """A command added later gets the same treatment: it asks who acts before it changes anything."""
    import inspect

    from tracker.application import TrackerApp

    commands = [name for name, fn in inspect.getmembers(TrackerApp, inspect.isfunction)
                if not name.startswith("_") and name != "acting" and "by" in inspect.signature(fn).parameters]
    assert len(commands) > 40
    unchecked = [name for name in commands
                 if not any(call in inspect.getsource(getattr(TrackerApp, name))
                            for call in ("self.acting(", "self._own_or_managed("))]
    assert unchecked == []


def test_an_actor_must_be_an_account_that_exists(default_services):
    app = default_services.app
    before = event_count(default_services)
    nobody = Actor(name="Niemand", channel="web", role="beheerder", account_id=user_id("niemand@nijmegen.nl"))
    plan_as_account = Actor(name="Plan", channel="web", role="beheerder", account_id=app.get_plan(PLAN).id)
    for actor in (nobody, plan_as_account):
        with pytest.raises(NotFoundError, match="Er is geen account"):
            app.add_note(PLAN, CODE, text="x", at=datetime(2026, 1, 5), by=actor)
    assert event_count(default_services) == before


def test_an_event_stored_before_accounts_were_kept_still_reads(default_services, cli):
    """A store written before ``by_id`` existed: its events load, with no account id."""
    from events.intervention import NoteAdded

    app = default_services.app
    iv = app.get_intervention(PLAN, CODE)
    old = object.__new__(NoteAdded)
    object.__setattr__(old, "__dict__", {"originator_id": iv.id, "originator_version": iv.version + 1,
                                         "timestamp": datetime(2026, 1, 5, 12), "at": datetime(2026, 1, 5, 12),
                                         "by": "Bert Bos", "text": "Van voor de accounts"})
    app.recorder.insert_events([app.mapper.to_stored_event(old)])
    assert "by_id" not in json.loads(app.mapper.to_stored_event(old).state)
    read = list(app.events.get(iv.id))[-1]
    assert (read.by, read.by_id, read.text) == ("Bert Bos", None, "Van voor de accounts")
    assert app.get_intervention(PLAN, CODE).version == iv.version + 1
    default_services.catch_up()
    from projections.history import intervention_history

    last = intervention_history(default_services.db, PLAN, CODE)[-1]
    assert (last["by"], last["by_id"], last["data"]) == ("Bert Bos", None, {"text": "Van voor de accounts"})
    line = json.loads(ok(cli("export-events")).stdout.splitlines()[-1])
    assert (line["type"], line["by"], line["by_id"]) == ("NoteAdded", "Bert Bos", None)


# --- the web ---------------------------------------------------------------------------------


@pytest.fixture
def site(default_services, data_dir):
    from web import create_app

    app = default_services.app
    for email, name, role in ((BERT, "Bert Bos", "trekker"), (LEA, "Lea Lezer", "lezer")):
        app.add_user(email=email, name=name, role=role, password=PASSWORD, at=datetime(2025, 10, 1), by="test")
    default_services.catch_up()
    flask_app = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-01-05", "TESTING": True})
    return flask_app.test_client()


def test_the_web_refuses_assigning_a_lezer_and_records_nothing(site, default_services):
    sign_in(site, default_services, "beheerder")
    token = csrf_token(site, f"/plannen/{PLAN}")
    before = event_count(default_services)
    version = default_services.app.get_intervention(PLAN, CODE).version
    response = site.post(f"/plannen/{PLAN}/interventies/{CODE}/trekker",
                         data={"csrf_token": token, "email": LEA, "version": str(version)})
    assert response.status_code == 422
    assert "heeft de rol lezer" in response.get_data(as_text=True)
    assert event_count(default_services) == before


def test_the_web_records_the_signed_in_account(site, default_services):
    app = default_services.app
    app.assign_trekker(PLAN, CODE, email=BERT, at=datetime(2025, 10, 2), by=Actor.operator("beheer"))
    default_services.catch_up()
    ensure_user(default_services, "trekker", email=BERT)
    site.post("/inloggen", data={"email": BERT, "password": PASSWORD, "csrf_token": csrf_token(site)})
    token = csrf_token(site, f"/plannen/{PLAN}/interventies/{CODE}")
    response = site.post(f"/plannen/{PLAN}/interventies/{CODE}/notities", data={
        "csrf_token": token, "text": "Via de pagina", "version": str(app.get_intervention(PLAN, CODE).version)})
    assert response.status_code == 303
    note = list(app.events.get(app.get_intervention(PLAN, CODE).id))[-1]
    assert (note.by, note.by_id) == ("Bert Bos", str(user_id(BERT)))
