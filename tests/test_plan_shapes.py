"""Plans of every shape (format 2): goals with targets over actions, no codes, funding per year,
several municipalities, Dutch date wordings. The plans in tests/data/ are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, event_count
from tracker.errors import PlanFileError
from tracker.planfile import parse_plan, read_plan_file

DATA = REPO / "tests" / "data"


def ok(result):
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def as_json(result):
    return json.loads(ok(result).stdout)


def refused(text: str, name: str = "plan.yaml") -> list[str]:
    with pytest.raises(PlanFileError) as error:
        parse_plan(text, name)
    return error.value.problems


# --- goals with targets over actions ------------------------------------------------------

def test_groups_carry_what_a_goal_carries():
    spec = read_plan_file(DATA / "goals-over-actions.yaml")
    residentieel = spec.groups[0]
    assert residentieel["summary"].startswith("Kinderen groeien zo thuis mogelijk")
    assert residentieel["principles"] == ["Zo thuis mogelijk", "Eén gezin, één plan"]
    assert residentieel["current_practice"].startswith("In 2017 verbleven 246 kinderen")
    assert residentieel["extra"] == {"werkgroep": "Regiegroep Jeugd"}
    krimp, plaatsen = residentieel["results"]
    assert krimp["target"]["min"] == 5 and krimp["target"]["max"] == 7
    assert krimp["target"]["baseline"] == {"value": 100, "term": "2017", "source": "Volume 2017 = 100"}
    assert plaatsen["target"]["by"] == "2019"
    preventie = spec.groups[1]
    assert preventie["results"][0]["target"]["text"] == "Elke basisschool heeft een vast aanspreekpunt jeugdhulp"
    assert spec.facts["indicators"][0]["id"] == "zorgplaatsen"
    assert spec.facts["indicators"][0]["group"] == "residentieel"


def test_not_one_undated_action_is_groen(cli, tmp_path):
    ok(cli("import-plan", DATA / "goals-over-actions.yaml", "--today", "2018-03-01"))
    rows = as_json(cli("interventions", "--plan", "transformatieplan-heidevoort", "--json",
                       "--as-of", "2018-03-01"))
    by_code = {r["code"]: r["stoplicht"] for r in rows}
    assert by_code == {"R1": "groen", "R2": "geen_planning", "R3": "geen_planning",
                       "R4": "geen_planning", "P1": "geen_planning", "P2": "geen_planning",
                       "P3": "geen_planning"}
    r2 = next(r for r in rows if r["code"] == "R2")
    assert r2["milestones"][0]["state"] == "zonder_termijn"
    assert r2["milestones"][0]["due"] is None
    assert r2["milestones"][0]["when"] == "op korte termijn"


# --- no codes ------------------------------------------------------------------------------

def test_made_codes_are_short_readable_never_collide_and_keep_the_documents_order(cli):
    spec = read_plan_file(DATA / "no-codes.yaml")
    assert [iv.code for iv in spec.interventions] == ["wijk-1", "school-1", "wijk-2", "school-2", "1"]
    ok(cli("import-plan", DATA / "no-codes.yaml", "--today", "2024-02-01"))
    rows = as_json(cli("interventions", "--plan", "beleidsplan-rivierzande", "--json",
                       "--as-of", "2024-02-01"))
    assert [r["code"] for r in rows] == ["wijk-1", "school-1", "wijk-2", "school-2", "1"]
    vo = rows[1]
    assert vo["grouping"] == [{"key": "school", "title": "Onderwijs en jeugdhulp"}]
    assert vo["groups"] == ["school", "wijk"]


def test_a_given_code_is_skipped_by_a_made_one():
    text = (DATA / "no-codes.yaml").read_text(encoding="utf-8").replace(
        "  - title: Algemene voorziening opvoedondersteuning\n",
        "  - title: Algemene voorziening opvoedondersteuning\n    code: wijk-3\n")
    codes = [iv.code for iv in parse_plan(text, "p.yaml").interventions]
    assert codes == ["wijk-1", "school-1", "wijk-3", "school-2", "1"]
    text = text.replace("    code: wijk-3\n", "    code: wijk-1\n")
    codes = [iv.code for iv in parse_plan(text, "p.yaml").interventions]
    assert codes == ["wijk-2", "school-1", "wijk-1", "school-2", "1"]


# --- funding per year ----------------------------------------------------------------------

def test_funding_per_year_and_dutch_amounts():
    finance = read_plan_file(DATA / "funding-per-year.yaml").facts["finance"]
    fonds, impuls, cofinanciering = finance["funding"]
    assert fonds["amount"] == 671185 and fonds["every"] == "jaar"
    assert (fonds["from"], fonds["until"]) == (2018, 2020)
    assert fonds["recipient"] == "Gemeente Bosmeer"
    assert impuls == {"source": "Provincie", "label": "Impulssubsidie", "amount": 40000, "year": 2019}
    assert cofinanciering["share"] == 12.5
    budget = finance["budget"]
    assert [b["amount"] for b in budget] == [250000, 1234.5, 25000, 300000]
    assert "year" not in budget[2]  # for the whole period
    assert budget[3]["share"] == 30


@pytest.mark.parametrize(("row", "message"), [
    ("{source: Rijk, amount: veel, year: 2019}", "'veel' is geen bedrag"),
    ("{source: Rijk, year: 2019}", "'amount' of 'share' ontbreekt"),
    ("{source: Rijk, share: 120 %}", "tussen 0 en 100"),
    ("{amount: 5, year: 2019}", "'source' ontbreekt"),
    ("{source: Rijk, amount: 5, every: week}", "'every' is 'week', kies uit jaar"),
])
def test_a_wrong_funding_row_is_refused_with_its_line(row, message):
    text = (DATA / "funding-per-year.yaml").read_text(encoding="utf-8").replace(
        "      - {source: Provincie, label: Impulssubsidie, amount: \"40.000\", year: 2019}",
        f"      - {row}")
    problems = refused(text)
    assert any(p.startswith("plan.yaml:13:") and message in p for p in problems), problems


# --- several municipalities ----------------------------------------------------------------

def test_several_municipalities_one_of_them_penvoerder(cli):
    spec = read_plan_file(DATA / "several-municipalities.yaml")
    assert [(p["name"], p["role"]) for p in spec.facts["participants"]] == [
        ("Gemeente Zandvliet", "penvoerder"), ("Gemeente Aldeveen", "deelnemer"),
        ("Gemeente Heidevoort", "deelnemer"), ("Gemeente Rivierzande", "deelnemer")]
    ok(cli("import-plan", DATA / "several-municipalities.yaml", "--today", "2021-01-15"))
    plan = as_json(cli("plans", "--json"))[0]
    assert plan["organisation"] == "Gemeente Zandvliet (penvoerder) en 3 andere gemeenten"
    assert [p["name"] for p in plan["participants"]] == [p["name"] for p in spec.facts["participants"]]


@pytest.mark.parametrize(("participants", "message"), [
    ("[{name: A, role: penvoerder}, {name: B, role: penvoerder}]", "meer dan één penvoerder"),
    ("[{name: A, role: trekker}]", "'role' is 'trekker', kies uit penvoerder, deelnemer"),
    ("[{role: deelnemer}]", "'name' ontbreekt"),
    ("[]", "minstens één deelnemer"),
])
def test_a_wrong_participant_list_is_refused(participants, message):
    text = (DATA / "several-municipalities.yaml").read_text(encoding="utf-8")
    start = text.index("  organisation:\n")
    end = text.index("  period:")
    problems = refused(text[:start] + f"  organisation: {participants}\n" + text[end:])
    assert any(message in p and p.startswith("plan.yaml:") for p in problems), problems


# --- due wordings --------------------------------------------------------------------------

EXPECTED_DUES = {
    "per-dmy": "2019-01-01", "dmy": "2019-01-01", "dmy-end": "2020-12-31",
    "uiterlijk-maand": "2019-08-31", "voor-jaar": "2020-12-31", "in-maand": "2018-11-30",
    "kwartaal-lang": "2019-03-31", "eind": "2026-12-31", "begin": "2027-03-31",
    "medio": "2026-06-30", "voorjaar": "2019-05-31", "zomer": "2019-08-31",
    "najaar": "2018-11-30", "uiterlijk-dag": "2019-07-01", "zonder-jaar": "2018-10-03",
}


def test_each_due_wording_imports_with_its_due_and_its_words(cli):
    ok(cli("import-plan", DATA / "due-wordings.yaml", "--today", "2018-06-01"))
    [row] = as_json(cli("interventions", "--plan", "termijnen-proef", "--json", "--as-of", "2018-06-01"))
    plan = yaml.safe_load((DATA / "due-wordings.yaml").read_text(encoding="utf-8"))
    written = {m["id"]: m.get("due") for m in plan["interventions"][0]["milestones"]}
    milestones = {m["id"]: m for m in row["milestones"]}
    for mid, due in EXPECTED_DUES.items():
        assert milestones[mid]["due"] == due, mid
        assert milestones[mid]["due_text"] == written[mid], mid
    assert (milestones["vanaf"]["starts"], milestones["vanaf"]["starts_text"]) == ("2019-01-01", "vanaf 2019")
    assert milestones["vanaf"]["due"] is None and milestones["vanaf"]["state"] == "gepland"
    assert milestones["sinds"]["state"] == "gestart"
    assert milestones["stap"]["state"] == "zonder_termijn"


def test_a_start_in_the_past_is_gestart_never_late(cli):
    ok(cli("import-plan", DATA / "due-wordings.yaml", "--today", "2018-06-01"))
    [row] = as_json(cli("interventions", "--plan", "termijnen-proef", "--json", "--as-of", "2030-01-01"))
    sinds = next(m for m in row["milestones"] if m["id"] == "sinds")
    assert sinds["state"] == "gestart"


def test_op_korte_termijn_as_a_due_is_refused_with_file_and_line_and_nothing_changes(cli, services, tmp_path):
    bad = tmp_path / "kort.yaml"
    text = (DATA / "due-wordings.yaml").read_text(encoding="utf-8").replace(
        "{id: stap, label: Een stap zonder datum, when: op korte termijn}",
        "{id: stap, label: Een stap zonder datum, due: op korte termijn}")
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(l for l in text.splitlines() if "due: op korte termijn" in l)) + 1
    result = cli("import-plan", bad, "--today", "2018-06-01")
    assert result.exit_code == 1
    assert f"{bad}:{line}:" in result.stderr
    assert 'when: "op korte termijn"' in result.stderr
    assert event_count(services) == 0


def test_a_term_without_a_year_needs_the_year_context():
    text = (DATA / "due-wordings.yaml").read_text(encoding="utf-8").replace("  year_context: 2018\n", "")
    problems = refused(text)
    assert any("op 3 oktober a.s." in p and "year_context" in p for p in problems), problems


# --- errors name where content may go --------------------------------------------------------

def test_an_unknown_group_field_names_the_groups_extra():
    text = (DATA / "no-codes.yaml").read_text(encoding="utf-8").replace(
        "      title: Hulp dichtbij in de wijk\n",
        "      title: Hulp dichtbij in de wijk\n      ambitie: dichtbij\n")
    [problem] = refused(text)
    assert problem.startswith("plan.yaml:13:")
    assert "onbekend veld 'ambitie'" in problem and "'extra' van deze groep" in problem


def test_a_format_2_field_in_a_format_1_file_says_to_write_format_2():
    text = (DATA / "goals-over-actions.yaml").read_text(encoding="utf-8").replace("format: 2", "format: 1")
    problems = refused(text)
    assert any("kan vanaf format 2" in p for p in problems), problems
