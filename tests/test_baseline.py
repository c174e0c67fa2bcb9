"""The beginstand: a gemeente that starts mid-plan records what already happened, in one go, with its dates."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from projections.baseline import baseline_milestones
from tests.accounts import csrf_token, sign_in
from tests.helpers import DEFAULT_PLAN_ID, event_count, stored_events
from tracker.baseline import UNKNOWN_REASON, BaselineEntry, read_baseline_csv
from tracker.errors import LinesError

PLAN = DEFAULT_PLAN_ID
LOADED = datetime(2026, 12, 1, 12)
TODAY = date(2026, 12, 1)


def test_the_beginstand_lists_every_open_milestone_that_fell_due_before_today(late_adopter):
    rows = baseline_milestones(late_adopter.db, PLAN, TODAY)
    assert rows and all(r["due"] < TODAY.isoformat() for r in rows)
    assert ("2.A2", "selectie-aanbieders", "Q4 2025") in [(r["code"], r["milestone_id"], r["due_text"]) for r in rows]
    # Lines the plan itself marks as done are not asked about.
    assert ("2.A3", "gezinswerkers-getraind") not in [(r["code"], r["milestone_id"]) for r in rows]


def test_the_beginstand_is_recorded_in_one_go_with_the_dates_given(late_adopter):
    app = late_adopter.app
    count = app.record_baseline(PLAN, [
        BaselineEntry("2.A2", "selectie-aanbieders", "gereed", date(2025, 12, 15)),
        BaselineEntry("2.A2", "afspraken-aanbieders", "verschoven", date(2026, 2, 1), "Q2 2027", "Aanbieders later"),
        BaselineEntry("2.A3", "start-oudercursus", "verschoven", None, "Q1 2027"),
        BaselineEntry("2.A1", "aanbod-inzichtelijk", "open"),
    ], at=datetime(2026, 12, 2, 9), by="Bea Beheer")
    assert count == 3
    events = stored_events(late_adopter)[-3:]
    assert [(type(e).__name__, e.milestone_id) for e in events] == [
        ("MilestoneCompleted", "selectie-aanbieders"), ("MilestoneRescheduled", "afspraken-aanbieders"),
        ("MilestoneRescheduled", "start-oudercursus")]
    assert events[0].realised == date(2025, 12, 15)
    assert (events[1].valid_on, events[1].reason) == (date(2026, 2, 1), "Aanbieders later")
    assert (events[2].valid_on, events[2].reason) == (None, UNKNOWN_REASON)
    # A trekker corrects their own later, as always.
    app.complete_milestone(PLAN, "2.A2", "afspraken-aanbieders", realised=date(2026, 12, 3),
                           at=datetime(2026, 12, 3, 9), by="Fatima de Vries")


def test_one_wrong_line_records_nothing_and_every_wrong_line_is_named(late_adopter):
    before = event_count(late_adopter)
    with pytest.raises(LinesError) as caught:
        late_adopter.app.record_baseline(PLAN, [
            BaselineEntry("2.A2", "selectie-aanbieders", "gereed", date(2025, 12, 15), line=2),
            BaselineEntry("2.A2", "afspraken-aanbieders", "gereed", None, line=3),
            BaselineEntry("2.A3", "start-oudercursus", "verschoven", None, "", line=4),
            BaselineEntry("2.A1", "bestaat-niet", "gereed", date(2026, 1, 1), line=5),
            BaselineEntry("2.A1", "aanbod-inzichtelijk", "half", None, line=6),
            BaselineEntry("3.A1", "commissie-operationeel", "gereed", date(2027, 1, 1), line=7),
        ], at=LOADED, by="Bea Beheer")
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["Regel 3", "Regel 4", "Regel 5", "Regel 6", "Regel 7"]
    assert "Geef de datum op" in problems[0] and "nieuwe termijn" in problems[1]
    assert "geen mijlpaal 'bestaat-niet'" in problems[2] and "Onbekende stand 'half'" in problems[3]
    assert "in de toekomst" in problems[4]
    assert event_count(late_adopter) == before


def test_a_beginstand_csv_is_read_with_its_dates_or_refused_per_line():
    entries = read_baseline_csv("interventie;mijlpaal;stand;datum;termijn;reden\n"
                                "2.A2;selectie-aanbieders;Gereed;15-12-2025;;\n"
                                "2.A3;start-oudercursus;verschoven;2026-02-01;Q1 2027;Later\n".encode())
    assert [(e.code, e.state, e.day, e.due, e.line) for e in entries] == [
        ("2.A2", "gereed", date(2025, 12, 15), "", 2), ("2.A3", "verschoven", date(2026, 2, 1), "Q1 2027", 3)]
    with pytest.raises(LinesError, match="Regel 2: '31-02-2026' is geen datum"):
        read_baseline_csv(b"interventie;mijlpaal;stand;datum\n2.A2;x;gereed;31-02-2026\n")


def test_the_cli_lists_a_csv_to_fill_in_and_records_it(late_adopter, cli, tmp_path):
    result = cli("baseline", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "interventie;mijlpaal;stand;datum;termijn;reden;gepland;omschrijving"
    assert "2.A2;selectie-aanbieders;open;;;;Q4 2025;Selectie aanbieders en invulling per aanbieder" in lines
    filled = [lines[0]] + [re.sub(r"^(2\.A2;selectie-aanbieders);open;", r"\1;gereed;2025-12-15;", line)
                           for line in lines[1:]]
    path = tmp_path / "beginstand.csv"
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    result = cli("baseline", "--file", path, "--today", "2026-12-02")
    assert result.exit_code == 0, result.output
    assert "Beginstand vastgelegd: 1 mijlpaal." in result.output
    assert "selectie-aanbieders" not in cli("baseline", "--today", "2026-12-02").output


@pytest.fixture
def web(late_adopter, data_dir):
    from web import create_app

    return create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-12-01", "TESTING": True})


def test_the_beheerder_records_the_beginstand_on_its_page(web, late_adopter):
    client = web.test_client()
    sign_in(client, late_adopter, "beheerder")
    url = f"/plannen/{PLAN}/beginstand"
    page = client.get(url).get_data(as_text=True)
    rows = re.findall(r'<tr data-code="([^"]+)" data-milestone="([^"]+)">', page)
    i = rows.index(("2.A2", "selectie-aanbieders"))
    j = rows.index(("2.A3", "start-oudercursus"))
    token = csrf_token(client, url)
    form = {"csrf_token": token, "aantal": str(len(rows)), f"m{i}-code": "2.A2", f"m{i}-id": "selectie-aanbieders",
            f"m{i}-stand": "gereed", f"m{i}-datum": "2025-12-15",
            f"m{j}-code": "2.A3", f"m{j}-id": "start-oudercursus", f"m{j}-stand": "verschoven", f"m{j}-termijn": ""}
    response = client.post(url, data=form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Er is niets vastgelegd." in text and "Geef de nieuwe termijn op" in text
    assert 'value="2025-12-15"' in text  # what was typed is kept
    form[f"m{j}-termijn"] = "Q2 2027"
    response = client.post(url, data=form)
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Beginstand vastgelegd: 2 mijlpalen." in page
    assert 'data-milestone="selectie-aanbieders"' not in page


@pytest.mark.parametrize("role", ["stuurgroep", "trekker", "lezer"])
def test_only_the_beheerder_records_a_beginstand(web, late_adopter, role):
    client = web.test_client()
    sign_in(client, late_adopter, role)
    assert client.get(f"/plannen/{PLAN}/beginstand").status_code == 403


# --- the plan's own milestones in the beginstand (code "plan") ---------------------------------

OWN_PLAN_FILE = Path(__file__).parent / "data" / "plan-milestones.yaml"
OWN_PLAN = "programma-lindeveld"


@pytest.fixture
def own_plan(services):
    """The Lindeveld programme (its own milestones beside its actions) loaded on 10 January 2026."""
    from tracker.planfile import read_plan_file

    services.app.import_plan(read_plan_file(OWN_PLAN_FILE), at=datetime(2026, 1, 10, 9), by="beheerder")
    services.catch_up()
    return services


def test_the_beginstand_lists_the_plans_own_milestones_under_the_code_plan(own_plan, cli):
    result = cli("baseline", "--today", "2027-01-15")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "plan;begroting;open;;;;in het eerste kwartaal van 2026;Programmabegroting vastgesteld" in lines
    assert "plan;actualisatie;open;;;;Q4 2026;Actualisatie van het programma" in lines
    # Done in the plan file, or not yet due: not asked about.
    assert not [line for line in lines if ";startbijeenkomst;" in line or ";evaluatie;" in line]
    assert "L1;werving;open;;;;Q2 2026;Werving afgerond" in lines
    rows = json.loads(cli("baseline", "--today", "2027-01-15", "--json").output)
    own = [r for r in rows if r["of_plan"]]
    assert [(r["code"], r["milestone_id"]) for r in own] == [("plan", "begroting"), ("plan", "actualisatie")]
    assert {"code", "title", "trekker", "milestone_id", "label", "due", "due_text"} <= set(rows[0])


def test_the_plans_own_milestones_are_recorded_in_the_same_go_with_their_dates(own_plan, cli, tmp_path):
    path = tmp_path / "beginstand.csv"
    path.write_text("interventie;mijlpaal;stand;datum;termijn;reden\n"
                    "L1;werving;gereed;2026-05-20;;\n"
                    "plan;begroting;gereed;2026-03-20;;\n"
                    "Plan;actualisatie;verschoven;2026-11-01;Q2 2027;Wacht op de evaluatie\n", encoding="utf-8")
    result = cli("baseline", "--file", path, "--today", "2027-01-15")
    assert result.exit_code == 0, result.output
    assert "Beginstand vastgelegd: 3 mijlpalen." in result.output
    own = json.loads(cli("plan-milestone", "list", "--json", "--as-of", "2027-01-15").output)
    by_id = {m["id"]: m for m in own}
    assert by_id["begroting"]["state"] == "gereed" and by_id["begroting"]["realised"] == "2026-03-20"
    assert (by_id["actualisatie"]["state"], by_id["actualisatie"]["due_text"]) == ("verschoven", "Q2 2027")
    # In valid time: done on 20 March 2026, as the beginstand says, though entered in January 2027.
    before = {m["id"]: m["state"] for m in json.loads(
        cli("plan-milestone", "list", "--json", "--as-of", "2026-03-31").output)}
    assert before["begroting"] == "gereed"
    left = json.loads(cli("baseline", "--today", "2027-01-15", "--json").output)
    assert [(r["code"], r["milestone_id"]) for r in left] == [("L2", "plan")]


def test_a_wrong_line_of_the_plans_own_records_nothing_of_either_kind(own_plan, cli, tmp_path):
    before = event_count(own_plan)
    path = tmp_path / "beginstand.csv"
    path.write_text("interventie;mijlpaal;stand;datum;termijn;reden\n"
                    "L1;werving;gereed;2026-05-20;;\n"
                    "plan;begroting;gereed;;;\n"
                    "plan;bestaat-niet;gereed;2026-03-01;;\n"
                    "plan;actualisatie;verschoven;;;\n"
                    "plan;startbijeenkomst;gereed;2025-11-12;;\n", encoding="utf-8")
    result = cli("baseline", "--file", path, "--today", "2027-01-15")
    assert result.exit_code != 0
    out = result.output
    assert "Geef de datum op" in out and "geen mijlpaal 'bestaat-niet' op planniveau" in out
    assert "nieuwe termijn" in out and "al gereed" in out
    assert [n for n in (3, 4, 5, 6) if f":{n}:" in out or f"Regel {n}" in out] == [3, 4, 5, 6]
    assert event_count(own_plan) == before


def test_the_beheerder_records_the_plans_own_milestones_on_the_beginstand_page(own_plan, data_dir):
    from web import create_app

    client = create_app({"DATA_DIR": str(data_dir), "TODAY": "2027-01-15", "TESTING": True}).test_client()
    sign_in(client, own_plan, "beheerder")
    url = f"/plannen/{OWN_PLAN}/beginstand"
    page = client.get(url).get_data(as_text=True)
    rows = re.findall(r'<tr data-code="([^"]+)" data-milestone="([^"]+)">', page)
    assert ("plan", "begroting") in rows and "Plan zelf" in page
    i = rows.index(("plan", "begroting"))
    form = {"csrf_token": csrf_token(client, url), "aantal": str(len(rows)), f"m{i}-code": "plan",
            f"m{i}-id": "begroting", f"m{i}-stand": "gereed", f"m{i}-datum": "2026-03-20"}
    response = client.post(url, data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    page = client.get(url).get_data(as_text=True)
    assert "Beginstand vastgelegd: 1 mijlpaal." in page and 'data-milestone="begroting"' not in page


def test_no_intervention_may_be_coded_plan_the_code_of_the_plans_own_milestones():
    from tests.helpers import SMALL_PLAN
    from tracker.errors import PlanFileError
    from tracker.planfile import parse_plan

    with pytest.raises(PlanFileError, match=r"testagenda.yaml:\d+: interventie: code 'Plan' is gereserveerd"):
        parse_plan(SMALL_PLAN.replace('code: "1.A1"', 'code: "Plan"', 1), "testagenda.yaml")


def test_the_cli_names_every_wrong_line_at_once_and_a_milestone_given_twice(late_adopter, cli, tmp_path):
    before = event_count(late_adopter)
    path = tmp_path / "beginstand.csv"
    path.write_text("interventie;mijlpaal;stand;datum;termijn;reden\n"
                    "2.A2;selectie-aanbieders;gereed;2026-02-30;;\n"      # 2: a date that does not exist
                    "9.Z9;iets;gereed;2025-12-01;;\n"                     # 3: no such intervention
                    "2.B2;pva;misschien;;;\n"                             # 4: no such state
                    "2.B2;start-implementatie;verschoven;;morgen;\n"      # 5: no such term
                    "2.C1;pva-regierol;gereed;2025-12-01;;\n"             # 6: fine
                    "2.C1;pva-regierol;open;;;\n", encoding="utf-8")      # 7: the same milestone again
    result = cli("baseline", "--file", path, "--today", "2026-12-02")
    assert result.exit_code == 1
    named = [int(n) for n in re.findall(r"Regel (\d+):", result.output)]
    assert named == [2, 3, 4, 5, 7], result.output
    assert "staat ook op regel 6" in result.output and "Niets vastgelegd." in result.output
    assert event_count(late_adopter) == before


def test_the_csv_to_fill_in_starts_no_formula(late_adopter, cli):
    late_adopter.app.plan_milestone(PLAN, "2.A2", label='=HYPERLINK("http://evil.example","klik")', due="Q4 2025",
                                    at=datetime(2026, 11, 30, 9), by="beheer")
    late_adopter.catch_up()
    lines = cli("baseline", "--today", "2026-12-01").output.splitlines()
    assert any("'=HYPERLINK(" in line for line in lines)
    assert not any(";=HYPERLINK" in line or ';"=HYPERLINK' in line for line in lines)
