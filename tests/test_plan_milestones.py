"""The plan's own milestones, tracked like an intervention's: complete, reschedule, cancel; as of any day; counted."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from projections.agenda_milestones import plan_milestones_as_of
from projections.report import report_data
from tracker.errors import DomainError, NotFoundError
from tracker.planfile import read_plan_file

PLAN_FILE = Path(__file__).parent / "data" / "plan-milestones.yaml"
PLAN = "programma-lindeveld"
LOADED = datetime(2026, 1, 10, 9)


def ok(result):
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def states(cli, *args: str) -> dict[str, tuple[str, str]]:
    rows = json.loads(ok(cli("plan-milestone", "list", "--json", *args)).stdout)
    return {m["id"]: (m["state"], m["due_text"]) for m in rows}


@pytest.fixture
def loaded(cli):
    ok(cli("import-plan", PLAN_FILE, "--today", LOADED.isoformat(), "--by", "beheer"))
    return cli


def test_a_plan_file_line_marked_done_is_done_from_its_realised_day(loaded):
    assert states(loaded, "--as-of", "2026-01-10") == {
        "startbijeenkomst": ("gereed", "november 2025"),
        "begroting": ("gepland", "in het eerste kwartaal van 2026"),
        "actualisatie": ("gepland", "Q4 2026"),
        "evaluatie": ("gepland", "uiterlijk 1 juli 2027")}
    # The plan holds from its adoption (15 September 2025); the line was done on 12 November.
    assert states(loaded, "--as-of", "2025-11-11")["startbijeenkomst"][0] == "binnenkort"
    assert states(loaded, "--as-of", "2025-11-12")["startbijeenkomst"][0] == "gereed"


def test_complete_reschedule_and_cancel_on_the_command_line_in_two_times(loaded):
    ok(loaded("plan-milestone", "complete", "begroting", "--date", "2026-03-20", "--today", "2026-04-02"))
    ok(loaded("plan-milestone", "reschedule", "actualisatie", "--due", "Q1 2027", "--reason", "Wacht op de evaluatie",
              "--date", "2026-03-01", "--today", "2026-04-02"))
    ok(loaded("plan-milestone", "cancel", "evaluatie", "--plan", PLAN, "--reason", "Vervangen door de monitor",
              "--today", "2026-04-03"))
    now = states(loaded, "--as-of", "2026-04-05")
    assert now["begroting"] == ("gereed", "in het eerste kwartaal van 2026")
    assert now["actualisatie"] == ("verschoven", "Q1 2027")
    assert now["evaluatie"][0] == "vervallen"
    # Stand per 25 March, as known now: done on 20 March, moved on 1 March, not yet cancelled.
    assert states(loaded, "--as-of", "2026-03-25") == {
        "startbijeenkomst": ("gereed", "november 2025"),
        "begroting": ("gereed", "in het eerste kwartaal van 2026"),
        "actualisatie": ("verschoven", "Q1 2027"),
        "evaluatie": ("gepland", "uiterlijk 1 juli 2027")}
    # The same day as the tracker knew it on 1 April: nothing of it was entered yet.
    assert states(loaded, "--as-of", "2026-03-25", "--as-known-on", "2026-04-01")["begroting"] == (
        "binnenkort", "in het eerste kwartaal van 2026")
    assert states(loaded, "--as-of", "2026-03-25", "--as-known-on", "2026-04-01")["actualisatie"] == (
        "gepland", "Q4 2026")
    moved = next(m for m in json.loads(ok(loaded("plan-milestone", "list", "--json")).stdout)
                 if m["id"] == "actualisatie")
    assert moved["planned_due_text"] == "Q4 2026" and moved["reason"] == "Wacht op de evaluatie"
    assert [e["due_text"] for e in moved["earlier_dues"]] == ["Q4 2026"]
    # The plans list carries them, with the recurring commitments and their next occurrence.
    [plan] = json.loads(ok(loaded("plans", "--json", "--as-of", "2026-04-05")).stdout)
    assert plan["interventions"] == 2 and plan["versions"] == 1
    assert [(m["id"], m["state"]) for m in plan["milestones"]] == [
        ("startbijeenkomst", "gereed"), ("begroting", "gereed"), ("actualisatie", "verschoven"),
        ("evaluatie", "vervallen")]
    assert [(r["every_text"], r["next_text"], r["next_due"]) for r in plan["recurring"]] == [
        ("elk kwartaal", "Q2 2026", "2026-06-30"), ("jaarlijks", "2026", "2026-12-31")]


def test_the_command_line_refuses_what_cannot_be(loaded):
    ok(loaded("plan-milestone", "complete", "begroting", "--date", "2026-03-20", "--today", "2026-04-02"))
    again = loaded("plan-milestone", "complete", "begroting", "--today", "2026-04-03")
    assert again.exit_code == 1 and "al gereed" in again.output
    future = loaded("plan-milestone", "complete", "actualisatie", "--date", "2026-05-01", "--today", "2026-04-03")
    assert future.exit_code == 1 and "in de toekomst" in future.output
    unknown = loaded("plan-milestone", "complete", "geen-mijlpaal", "--today", "2026-04-03")
    assert unknown.exit_code == 1 and "geen plan met een mijlpaal" in unknown.output
    unreadable = loaded("plan-milestone", "reschedule", "actualisatie", "--due", "op korte termijn",
                        "--reason", "x", "--today", "2026-04-03")
    assert unreadable.exit_code == 1 and "Ongeldige termijn" in unreadable.output
    assert states(loaded, "--as-of", "2026-04-03")["actualisatie"] == ("gepland", "Q4 2026")


def test_the_history_is_the_truth(services):
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.app.reschedule_plan_milestone(PLAN, "begroting", due="Q2 2026", reason="Later aangeleverd",
                                           at=datetime(2026, 3, 2, 9), by="Bea Beheer")
    services.app.reschedule_plan_milestone(PLAN, "begroting", due="Q3 2026", reason="Nog later",
                                           at=datetime(2026, 5, 2, 9), by="Bea Beheer")
    with pytest.raises(DomainError, match="reden"):
        services.app.cancel_plan_milestone(PLAN, "begroting", reason=" ", at=datetime(2026, 5, 3, 9), by="x")
    with pytest.raises(NotFoundError):
        services.app.complete_plan_milestone(PLAN, "nope", realised=date(2026, 5, 1), at=datetime(2026, 5, 3, 9),
                                             by="x")
    services.catch_up()
    [m] = [m for m in plan_milestones_as_of(services.db, PLAN, date(2026, 5, 3)) if m["milestone_id"] == "begroting"]
    assert m["due_text"] == "Q3 2026" and m["reschedule_count"] == 2
    assert [(e["due_text"], e["reason"]) for e in m["earlier_dues"]] == [
        ("in het eerste kwartaal van 2026", "Later aangeleverd"), ("Q2 2026", "Nog later")]
    # Each step stays readable as of its own day.
    [before] = [m for m in plan_milestones_as_of(services.db, PLAN, date(2026, 4, 1)) if m["milestone_id"] == "begroting"]
    assert before["due_text"] == "Q2 2026"


def test_completing_one_changes_the_reports_summary_counts(services):
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.catch_up()
    before = report_data(services.db, PLAN, "2026-H1", date(2026, 7, 15))["kernboodschap"]
    # Due in H1 2026: the begroting (Q1) and the two interventions' milestones; nothing done yet.
    assert before["plan_milestones_due"] == 1 and before["plan_counts"]["te_laat"] == 1
    assert before["counts"]["op_tijd"] == 0 and before["milestones_due"] == 2

    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 3, 20), at=datetime(2026, 7, 16, 9),
                                         by="Bea Beheer")
    services.catch_up()
    data = report_data(services.db, PLAN, "2026-H1", date(2026, 7, 16))
    after = data["kernboodschap"]
    assert after["counts"]["op_tijd"] == 1 and after["plan_counts"] == {**before["plan_counts"], "te_laat": 0,
                                                                          "op_tijd": 1}
    assert after["milestones_due"] == before["milestones_due"]
    assert "(waarvan 1 van het plan zelf): 1 op tijd gerealiseerd" in " ".join(after["paragraphs"])
    own = {m["id"]: m for m in data["plan_milestones"]}
    assert own["begroting"]["state"] == "gereed" and own["begroting"]["realised"] == "2026-03-20"
    assert [r["label"] for r in data["recurring"]] == ["Voortgang bespreken in het regionaal overleg",
                                                       "Jaarverslag aan de gemeenteraden"]
    # As the tracker knew it on 15 July, the report says what it said then.
    then = report_data(services.db, PLAN, "2026-H1", date(2026, 7, 16), known_on=date(2026, 7, 15))
    assert then["kernboodschap"]["counts"]["op_tijd"] == 0


def test_a_new_plan_version_moves_adds_and_drops_the_plans_own_milestones(services, tmp_path):
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 3, 20), at=datetime(2026, 3, 21, 9),
                                         by="Bea Beheer")
    text = PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace("      due: Q4 2026\n", "      due: Q2 2027\n")            # actualisatie moved
    text = text.replace("      kind: evaluation\n      due: uiterlijk 1 juli 2027\n",
                        "      kind: evaluation\n      due: uiterlijk 1 juli 2027\n"
                        "    - id: tussenevaluatie\n      label: Tussenevaluatie\n      due: najaar 2026\n")
    text = text.replace("      label: Programmabegroting vastgesteld\n      kind: decision\n"
                        "      due: in het eerste kwartaal van 2026\n", "")
    text = text.replace("    - id: begroting\n", "")
    revised = tmp_path / "herzien.yaml"
    revised.write_text(text, encoding="utf-8")
    services.app.import_plan(read_plan_file(revised), at=datetime(2026, 4, 1, 9), by="beheer")
    services.catch_up()
    rows = {m["milestone_id"]: m for m in plan_milestones_as_of(services.db, PLAN, date(2026, 4, 2))}
    assert (rows["actualisatie"]["due_text"], rows["actualisatie"]["reason"]) == ("Q2 2027", "Gewijzigd in planversie 2")
    assert rows["tussenevaluatie"]["state"] == "gepland"
    # Done before the version dropped its line: it stays done.
    assert rows["begroting"]["state"] == "gereed"
    assert "tussenevaluatie" not in {m["milestone_id"] for m in plan_milestones_as_of(services.db, PLAN, date(2026, 3, 1))}
