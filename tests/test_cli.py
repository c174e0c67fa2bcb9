"""The `tracker` CLI, in-process through click's CliRunner, on TRACKER_DATA_DIR of the test."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import event_count

CODE = "2.B2"  # Tijdpad: pva Q4 2025, start-implementatie Q1 2026, evaluatie Q1 2027
OPERATOR = "via de command line, tester"  # without --by: the operator, as $TRACKER_USER (conftest) names them


def ok(result):
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def as_json(result):
    return json.loads(ok(result).stdout)


@pytest.fixture
def initialised(cli):
    """Run `tracker init` (the default plan) on 1 October 2025 and return the CLI runner."""
    ok(cli("init", "--today", "2025-10-01"))
    return cli


def shown(cli, code: str = CODE, as_of: str = "2026-04-01") -> dict:
    return as_json(cli("show", code, "--json", "--as-of", as_of))


def milestone(cli, milestone_id: str, code: str = CODE, as_of: str = "2026-04-01") -> dict:
    return next(m for m in shown(cli, code, as_of)["milestones"] if m["id"] == milestone_id)


def test_init_loads_the_default_plan(cli, services, data_dir):
    result = ok(cli("init", "--today", "2025-10-01"))
    assert f"{PLAN}: geïmporteerd (24 interventies" in result.stdout
    assert (data_dir / "events.sqlite").is_file()
    count = event_count(services)
    assert count > 24
    again = ok(cli("init", "--today", "2025-10-02"))
    assert "al ingericht" in again.stdout
    assert event_count(services) == count


def test_plans_json(initialised):
    nijmegen, regio = as_json(initialised("plans", "--json", "--as-of", "2025-10-01"))
    assert {k: v for k, v in nijmegen.items() if k not in ("milestones", "recurring")} == {
        "id": PLAN, "title": "Uitvoeringsagenda Duurzame Jeugdhulp en Wmo-begeleiding",
        "organisation": "Gemeente Nijmegen", "participants": [], "period": {"start": 2025, "end": 2027},
        "versions": 1, "interventions": 24}
    # The plan's own milestones and recurring commitments, as the plan file words them.
    assert [(m["id"], m["due_text"], m["state"]) for m in nijmegen["milestones"]][:2] == [
        ("actualisatie-agenda", "Q4 2026", "gepland"), ("externe-evaluatie", "Q3 2027", "gepland")]
    assert [r["every_text"] for r in nijmegen["recurring"]][:2] == ["elk halfjaar", "elk halfjaar"]
    assert regio["id"] == "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"
    assert len(regio["participants"]) == 7


def test_interventions_json_has_the_documented_shape(initialised):
    rows = as_json(initialised("interventions", "--plan", PLAN, "--json", "--as-of", "2026-04-01"))
    assert len(rows) == 24
    assert [r["code"] for r in rows][:3] == ["2.A1", "2.A2", "2.A3"]
    assert rows[-1]["code"] == "4.2"
    for row in rows:
        assert {"plan", "code", "title", "grouping", "trekker", "stoplicht", "milestones"} <= set(row)
        assert row["plan"] == PLAN
        assert row["stoplicht"] in ("groen", "oranje", "rood")
        assert row["grouping"] and all({"key", "title"} <= set(g) for g in row["grouping"])
        for m in row["milestones"]:
            assert {"id", "label", "kind", "due", "due_text", "state", "realised"} <= set(m)
            assert date.fromisoformat(m["due"])
            assert m["state"] in ("gepland", "binnenkort", "te_laat", "gereed", "verschoven", "vervallen")
    b2 = next(r for r in rows if r["code"] == CODE)
    assert b2["trekker"] is None
    assert [(m["id"], m["due"], m["due_text"]) for m in b2["milestones"]] == [
        ("pva", "2025-12-31", "Q4 2025"), ("start-implementatie", "2026-03-31", "Q1 2026"),
        ("evaluatie", "2027-03-31", "Q1 2027")]
    assert [m["state"] for m in b2["milestones"]] == ["te_laat", "te_laat", "gepland"]


def test_show_json_includes_the_history(initialised):
    data = shown(initialised)
    assert (data["code"], data["plan"]) == (CODE, PLAN)
    assert data["title"] == "Scherper sturen op doelmatige zorg in het netwerk"
    assert [h["event"] for h in data["history"]] == ["InterventionAdded"] + ["MilestonePlanned"] * 3
    assert {h["by"] for h in data["history"]} == {"systeem"}
    assert data["details"]["stakeholders"]


def test_milestone_complete(initialised):
    ok(initialised("milestone", "complete", CODE, "pva", "--date", "2025-12-20", "--note", "Vastgesteld",
                   "--today", "2026-01-05"))
    m = milestone(initialised, "pva")
    assert (m["state"], m["realised"], m["note"]) == ("gereed", "2025-12-20", "Vastgesteld")


def test_milestone_complete_defaults_to_today(initialised):
    ok(initialised("milestone", "complete", CODE, "pva", "--today", "2026-01-05"))
    assert milestone(initialised, "pva")["realised"] == "2026-01-05"


def test_milestone_complete_in_the_future_is_refused(initialised, services):
    before = event_count(services)
    result = initialised("milestone", "complete", CODE, "pva", "--date", "2026-02-01", "--today", "2026-01-05")
    assert result.exit_code == 1
    assert "toekomst" in result.stderr
    assert event_count(services) == before


def test_milestone_reschedule(initialised):
    ok(initialised("milestone", "reschedule", CODE, "evaluatie", "--due", "Q2 2027",
                   "--reason", "Later gestart", "--today", "2026-01-06"))
    m = milestone(initialised, "evaluatie")
    assert (m["due"], m["due_text"], m["planned_due_text"]) == ("2027-06-30", "Q2 2027", "Q1 2027")
    assert [(e["due_text"], e["reason"], e["by"]) for e in m["earlier_dues"]] == [
        ("Q1 2027", "Later gestart", OPERATOR)]


def test_milestone_reschedule_with_an_empty_reason_is_refused(initialised, services):
    before = event_count(services)
    result = initialised("milestone", "reschedule", CODE, "evaluatie", "--due", "Q2 2027", "--reason", " ",
                         "--today", "2026-01-06")
    assert result.exit_code == 1
    assert "reden" in result.stderr
    assert event_count(services) == before


def test_milestone_cancel(initialised):
    ok(initialised("milestone", "cancel", CODE, "start-implementatie", "--reason", "Geschrapt",
                   "--today", "2026-01-07"))
    m = milestone(initialised, "start-implementatie")
    assert (m["state"], m["reason"]) == ("vervallen", "Geschrapt")


def test_milestone_add(initialised):
    ok(initialised("milestone", "add", CODE, "--label", "Tussenrapportage", "--due", "Q3 2026",
                   "--kind", "report", "--today", "2026-01-08"))
    m = milestone(initialised, "tussenrapportage")
    assert (m["label"], m["kind"], m["due"], m["due_text"], m["state"]) == (
        "Tussenrapportage", "report", "2026-09-30", "Q3 2026", "gepland")


def test_an_unknown_milestone_is_reported(initialised):
    result = initialised("milestone", "complete", CODE, "bestaat-niet", "--today", "2026-01-05")
    assert result.exit_code == 1
    assert "bestaat-niet" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_code_is_reported(initialised):
    result = initialised("show", "9.9", "--json")
    assert result.exit_code == 1
    assert "9.9" in result.stderr


def account(cli, email: str, name: str, role: str = "trekker") -> None:
    """Add an account through the CLI (as the operator)."""
    ok(cli("user", "add", "--email", email, "--name", name, "--role", role, "--password", "geheim-wachtwoord-1",
           "--today", "2025-10-01"))


def test_assign(initialised):
    account(initialised, "anna@nijmegen.nl", "Anna de Vries")
    ok(initialised("assign", CODE, "--name", "Anna de Vries", "--email", "anna@nijmegen.nl",
                   "--today", "2026-01-08"))
    assert shown(initialised)["trekker"] == {"name": "Anna de Vries", "email": "anna@nijmegen.nl"}
    bad = initialised("assign", CODE, "--name", "Piet", "--email", "piet-at-nijmegen", "--today", "2026-01-08")
    assert bad.exit_code == 1
    assert "Er is geen account met e-mailadres piet-at-nijmegen" in bad.stderr


def test_note(initialised):
    ok(initialised("note", CODE, "Loopt volgens plan", "--today", "2026-01-09"))
    last = shown(initialised)["history"][-1]
    assert (last["event"], last["by"], last["at"]) == ("NoteAdded", OPERATOR, "2026-01-09T12:00:00")
    assert last["by_id"] is None  # the operator is no account
    assert last["description"] == "Voortgangsnotitie: Loopt volgens plan"


def test_the_operator_reads_as_a_name_on_the_pages_though_recorded_as_documented(initialised, data_dir):
    from tests.accounts import ensure_user, sign_in
    from web import create_app
    from web.services import open_services

    ok(initialised("note", CODE, "Loopt volgens plan", "--today", "2026-01-09"))
    services = open_services(data_dir)
    ensure_user(services, "lezer")
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-01-10", "TESTING": True}).test_client()
    sign_in(client, services, "lezer")
    page = client.get(f"/plannen/{PLAN}/interventies/{CODE}").get_data(as_text=True)
    assert "tester (via de command line) · Voortgangsnotitie: Loopt volgens plan" in page
    assert OPERATOR not in page
    services.db.close()
    services.app.close()


def test_status_oranje_without_an_explanation_is_refused_and_records_nothing(initialised, services):
    before = event_count(services)
    result = initialised("status", CODE, "oranje", "--today", "2026-01-09")
    assert result.exit_code == 1
    assert "oorzaak, gevolg en bijsturing verplicht" in result.stderr
    assert event_count(services) == before
    assert shown(initialised)["stoplicht_manual"] is None


def test_status_oranje_with_an_explanation(initialised):
    ok(initialised("status", CODE, "oranje", "--oorzaak", "Capaciteit", "--gevolg", "Later klaar",
                   "--bijsturing", "Extra inhuur", "--today", "2026-01-10"))
    data = shown(initialised, as_of="2026-01-10")
    assert (data["stoplicht"], data["stoplicht_manual"]) == ("oranje", "oranje")
    # Later two milestones are late: the derived stoplicht (rood) outweighs the manual one.
    later = shown(initialised, as_of="2026-04-01")
    assert (later["stoplicht"], later["stoplicht_auto"], later["stoplicht_manual"]) == ("rood", "rood", "oranje")
    assert data["stoplicht_explanation"] == {"oorzaak": "Capaciteit", "gevolg": "Later klaar",
                                             "bijsturing": "Extra inhuur"}


def test_history_lists_who_did_what_when(initialised):
    account(initialised, "anna@nijmegen.nl", "Anna")
    ok(initialised("assign", CODE, "--email", "anna@nijmegen.nl", "--today", "2026-01-05"))
    ok(initialised("milestone", "reschedule", CODE, "evaluatie", "--due", "Q2 2027", "--reason", "Later",
                   "--today", "2026-01-06", "--by", "anna@nijmegen.nl"))
    ok(initialised("note", CODE, "Loopt", "--today", "2026-01-09"))
    lines = ok(initialised("history", CODE)).stdout.splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("2025-10-01T12:00  systeem")
    assert "Interventie opgenomen in het plan" in lines[0]
    assert lines[-2].startswith("2026-01-06T12:00  Anna (via de command line)")
    assert "verschoven van Q1 2027 naar Q2 2027: Later" in lines[-2]
    assert lines[-1].startswith("2026-01-09T12:00  tester (via de command line)")  # as the pages name the operator
    data = as_json(initialised("history", CODE, "--json"))
    assert data[-1]["by"] == OPERATOR  # the JSON keeps the recorded name
    assert [h["event"] for h in data][-2:] == ["MilestoneRescheduled", "NoteAdded"]


def test_export_events_writes_one_json_line_per_event(initialised, services):
    ok(initialised("note", CODE, "Loopt", "--today", "2026-01-09"))
    lines = ok(initialised("export-events")).stdout.splitlines()
    assert len(lines) == event_count(services)
    events = [json.loads(line) for line in lines]
    assert [e["position"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "PlanImported"
    assert events[-1]["type"] == "NoteAdded"
    assert (events[-1]["text"], events[-1]["by"]) == ("Loopt", OPERATOR)
    assert all(datetime.fromisoformat(e["at"]) and e["by"] for e in events)


def test_as_of_shows_what_had_happened_and_as_known_on_what_was_known(initialised):
    ok(initialised("milestone", "complete", CODE, "pva", "--date", "2025-12-20", "--today", "2026-01-05"))
    ok(initialised("milestone", "reschedule", CODE, "evaluatie", "--due", "Q2 2027", "--reason", "Later",
                   "--today", "2026-01-06"))
    # Stand per 4 January: done on 20 December, as known now.
    before = shown(initialised, as_of="2026-01-04")
    assert [(m["id"], m["state"], m["due_text"]) for m in before["milestones"]] == [
        ("pva", "gereed", "Q4 2025"), ("start-implementatie", "gepland", "Q1 2026"),
        ("evaluatie", "gepland", "Q1 2027")]
    assert [h["event"] for h in before["history"]] == ["InterventionAdded"] + ["MilestonePlanned"] * 3 + [
        "MilestoneCompleted"]
    # As the tracker knew it on 4 January: not yet done, so late.
    known = as_json(initialised("show", CODE, "--json", "--as-of", "2026-01-04", "--as-known-on", "2026-01-04"))
    assert [(m["id"], m["state"]) for m in known["milestones"]][0] == ("pva", "te_laat")
    assert [h["event"] for h in known["history"]] == ["InterventionAdded"] + ["MilestonePlanned"] * 3
    between = shown(initialised, as_of="2026-01-05")
    assert [(m["state"], m["due_text"]) for m in between["milestones"]][0] == ("gereed", "Q4 2025")
    assert between["milestones"][2]["due_text"] == "Q1 2027"
    # The plan was adopted in September 2025 and loaded on 1 October: it holds from its adoption.
    assert len(as_json(initialised("interventions", "--plan", PLAN, "--json", "--as-of", "2025-09-30"))) == 24
    assert as_json(initialised("interventions", "--plan", PLAN, "--json", "--as-of", "2025-08-31")) == []
    assert as_json(initialised("interventions", "--plan", PLAN, "--json", "--as-of", "2025-09-30",
                               "--as-known-on", "2025-09-30")) == []


def test_rebuild_gives_the_same_answers(initialised, services):
    ok(initialised("milestone", "complete", CODE, "pva", "--date", "2025-12-20", "--today", "2026-01-05"))
    account(initialised, "anna@nijmegen.nl", "Anna")
    ok(initialised("assign", CODE, "--name", "Anna", "--email", "anna@nijmegen.nl", "--today", "2026-01-06"))
    before = as_json(initialised("interventions", "--plan", PLAN, "--json", "--as-of", "2026-04-01"))
    result = ok(initialised("rebuild"))
    assert f"uit {event_count(services)} gebeurtenissen" in result.stdout
    assert as_json(initialised("interventions", "--plan", PLAN, "--json", "--as-of", "2026-04-01")) == before


@pytest.mark.parametrize(("args", "said"), [
    (["milestone", "complete", CODE, "pva", "--date", "2026-02-30", "--today", "2026-03-15"],
     "fout: '2026-02-30' is geen datum (JJJJ-MM-DD)"),
    (["milestone", "reschedule", CODE, "start-implementatie", "--due", "Q3 2026", "--today", "2026-03-15"],
     "fout: de optie --reason ontbreekt"),
    (["status", CODE, "paars"], "fout: ongeldige waarde: 'paars' is geen van 'groen', 'oranje', 'rood'"),
    (["user", "add", "--email", "a@b.nl", "--name", "A", "--role", "baas"], "fout: ongeldige waarde voor --role"),
    (["note"], "fout: het argument CODE ontbreekt"),
    (["interventions", "--bogus"], "fout: onbekende optie --bogus"),
    (["indicator-value", "x", "2025-H2", "-5"], "een negatief getal? Zet er -- voor"),
    (["reprt"], "fout: onbekende opdracht 'reprt'; bedoelt u een van: 'report', 'reports'?"),
    (["report", "--fromat", "x"], "fout: onbekende optie --fromat; bedoelt u '--format'?"),
    (["report", "--period"], "fout: de optie --period heeft een waarde nodig\nZie `tracker report --help`."),
    (["meeting", "open", "--date"], "Zie `tracker meeting open --help`."),
])
def test_a_command_line_it_cannot_read_is_refused_in_dutch_with_exit_code_1(initialised, args, said):
    before = event_count_of(initialised)
    result = initialised(*args)
    assert result.exit_code == 1, result.output
    assert said in result.output and "Zie `tracker " in result.output
    assert "Usage:" not in result.output and "Error:" not in result.output and "Did you" not in result.output
    assert event_count_of(initialised) == before


def event_count_of(cli) -> int:
    return len(ok(cli("export-events")).stdout.splitlines())


def test_a_document_to_a_place_it_cannot_be_written_is_refused_in_a_line(initialised, tmp_path):
    result = initialised("report", "--plan", PLAN, "--period", "2026-H1", "--format", "md", "-o",
                         tmp_path / "nergens" / "r.md",
                         "--today", "2026-07-01")
    assert result.exit_code == 1
    assert result.output.startswith("fout: ") and "kan niet worden geschreven" in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_no_csv_is_refused_in_a_line(initialised, tmp_path):
    excel = tmp_path / "waarden.csv"
    excel.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    result = initialised("import-indicators", excel, "--plan", PLAN, "--today", "2026-07-01")
    assert result.exit_code == 1 and "geen CSV-bestand" in result.output and "Traceback" not in result.output
    odd = tmp_path / "vreemd.csv"
    odd.write_bytes("indicator;periode;waarde;bron\n".encode() + b"\x81\x8d\x8f\x90\x9d\n")
    result = initialised("import-indicators", odd, "--plan", PLAN, "--today", "2026-07-01")
    assert result.exit_code == 1 and "geen tekst in UTF-8 of Windows-1252" in result.output


def test_an_unknown_plan_or_a_code_it_has_not_is_refused_not_answered_with_nothing(initialised):
    for args, said in ((["history", CODE, "--plan", "nope"], "fout: onbekend plan 'nope'"),
                       (["history", "9.Z9", "--plan", PLAN, "--json"],
                        f"fout: plan '{PLAN}' heeft geen interventie met code '9.Z9'"),
                       (["show", CODE, "--plan", "nope"], "fout: onbekend plan 'nope'")):
        result = initialised(*args)
        assert result.exit_code == 1 and said in result.output, (args, result.output)


def test_export_events_leaves_password_hashes_out(initialised):
    ok(initialised("user", "add", "--email", "a.smit@nijmegen.nl", "--name", "A. Smit", "--role", "lezer",
                   "--password", "Lange-wachtzin-voor-A-Smit-2026", "--today", "2025-10-02"))
    lines = [json.loads(line) for line in ok(initialised("export-events")).stdout.splitlines()]
    registered = [e for e in lines if e["type"] == "UserRegistered"]
    assert registered and all("password_hash" not in e for e in lines)
    assert any(e.get("email") == "a.smit@nijmegen.nl" for e in registered)


def test_a_password_asked_for_is_asked_twice_in_dutch(initialised):
    from click.testing import CliRunner

    from cli.main import main

    runner = CliRunner()
    args = ["user", "add", "--email", "b.smit@nijmegen.nl", "--name", "B. Smit", "--role", "lezer"]
    differ = runner.invoke(main, args, input="Lange-wachtzin-2026-a\nLange-wachtzin-2026-b\n")
    assert differ.exit_code == 1 and "Herhaal het wachtwoord" in differ.output
    assert "de twee wachtwoorden zijn niet gelijk" in differ.output and "match" not in differ.output
    stopped = runner.invoke(main, args, input="")
    assert stopped.exit_code == 1 and "fout: afgebroken" in stopped.output and "Aborted" not in stopped.output
    same = runner.invoke(main, args, input="Lange-wachtzin-voor-B-Smit-2026\nLange-wachtzin-voor-B-Smit-2026\n")
    assert same.exit_code == 0, same.output


def test_history_says_the_day_a_back_dated_change_holds_from(initialised):
    ok(initialised("milestone", "reschedule", CODE, "start-implementatie", "--due", "Q3 2026", "--reason", "Later",
                   "--date", "2026-01-15", "--today", "2026-02-02"))
    last = ok(initialised("history", CODE)).stdout.splitlines()[-1]
    assert last.startswith("2026-02-02T12:00") and last.endswith("(per 15-01-2026)")


def test_interventions_of_several_plans_are_headed_by_their_plan(cli):
    ok(cli("init", "--today", "2025-10-01"))  # both shipped plans
    lines = ok(cli("interventions", "--as-of", "2025-10-01")).stdout.splitlines()
    heads = [line for line in lines if line.startswith("== ")]
    assert heads == [f"== {PLAN}", "== regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"]
    assert lines[0] == heads[0]


def test_an_import_names_its_file_once_and_counts_in_dutch(cli, tmp_path):
    from tests.helpers import SMALL_PLAN

    import re

    path = tmp_path / "agenda.yaml"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    done = ok(cli("import-plan", path, "--today", "2025-10-01"))
    assert re.search(r"testagenda: geïmporteerd \(\d+ interventies, \d+ gebeurtenissen\)", done.output)
    # A link to a group the linked plan lacks is refused by the import, at its line, naming the file once.
    bad = tmp_path / "links.yaml"
    bad.write_text(SMALL_PLAN.replace("id: testagenda", "id: tweede-agenda").replace(
        "  - code: \"1.A1\"\n", "  - code: \"1.A1\"\n    contributes_to:\n"
        "      - {plan: testagenda, group: \"9.Z\", reason: Omdat}\n", 1), encoding="utf-8")
    refused = cli("import-plan", bad, "--today", "2025-10-02")
    assert refused.exit_code == 1, refused.output
    assert refused.output.count(str(bad)) == 1 and re.search(rf"{re.escape(str(bad))}:\d+: ", refused.output)


def test_normering_says_when_no_norms_are_recorded(initialised):
    result = ok(initialised("normering", "--plan", PLAN, "--year", "2031"))
    assert result.output.strip() == "Geen normen vastgelegd voor 2031 (tracker import-norms)."
