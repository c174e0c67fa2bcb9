"""Plan files: valid ones are read whole, invalid ones are refused with FILE:LINE: message."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import DEFAULT_PLAN, SMALL_PLAN, line_of, replace_once
from tracker.errors import PlanFileError
from tracker.planfile import main as check_plan_files
from tracker.planfile import parse_plan, read_plan_file

PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>.+)$")


def problems_of(path: Path) -> list[tuple[int, str]]:
    """Return (line, message) of every problem in a plan file, checking the FILE:LINE: shape."""
    with pytest.raises(PlanFileError) as refused:
        read_plan_file(path)
    found = []
    for problem in refused.value.problems:
        match = PROBLEM.match(problem)
        assert match, f"not FILE:LINE: message: {problem!r}"
        assert match["file"] == str(path)
        found.append((int(match["line"]), match["message"]))
    assert str(refused.value) == "\n".join(refused.value.problems)
    return found


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- valid plans -----------------------------------------------------------------------


def test_the_default_plan_is_valid(capsys):
    spec = read_plan_file(DEFAULT_PLAN)
    assert spec.id == "nijmegen-uitvoeringsagenda-2025"
    assert len(spec.interventions) == 24
    assert all(iv.milestones for iv in spec.interventions)
    assert check_plan_files([str(DEFAULT_PLAN)]) == 0
    assert "geldig — 24 interventies" in capsys.readouterr().out


def test_the_small_plan_is_valid(small_plan_file):
    spec = read_plan_file(small_plan_file)
    assert spec.id == "testagenda"
    assert spec.source_name == str(small_plan_file)
    assert len(spec.source_hash) == 64
    assert [iv.code for iv in spec.interventions] == ["1.A1", "1.A2", "2.1"]
    dues = {m.due.text: (m.due.date, m.due.precision) for iv in spec.interventions for m in iv.milestones}
    assert dues == {
        "Q4 2025": (date(2025, 12, 31), "quarter"),
        "Q1-Q2 2026": (date(2026, 6, 30), "quarter"),
        "Q3 2025": (date(2025, 9, 30), "quarter"),
        "2027": (date(2027, 12, 31), "year"),
        "maart 2026": (date(2026, 3, 31), "month"),
        "per 1 juli 2026": (date(2026, 7, 1), "day"),
        "H2 2026": (date(2026, 12, 31), "half"),
    }
    training = spec.interventions[0].milestones[2]
    assert (training.id, training.done, training.realised) == ("training", True, None)
    assert [m.done for m in spec.interventions[0].milestones] == [False, False, True, False]


def test_a_milestone_without_id_gets_one_from_its_label(small_plan_file):
    spec = read_plan_file(small_plan_file)
    assert [m.id for m in spec.interventions[1].milestones] == [
        "opdracht-aan-jongerenwerk-geformuleerd", "besluit"]


def test_a_single_string_is_read_as_a_list_of_one(small_plan_file):
    spec = read_plan_file(small_plan_file)
    assert spec.interventions[0].details["stakeholders"] == ["Buurtteam Jeugd en Gezin"]


def test_kind_defaults_to_other(small_plan_file):
    spec = read_plan_file(small_plan_file)
    assert spec.interventions[0].milestones[2].kind == "other"


def test_group_path_follows_from_the_tree(small_plan_file):
    spec = read_plan_file(small_plan_file)
    assert spec.interventions[0].group_path == [
        {"key": "1", "title": "Jeugd"}, {"key": "1.A", "title": "Collectief aanbod"}]
    assert spec.interventions[2].group_path == [{"key": "2", "title": "Wmo"}]
    assert spec.facts["grouping_levels"] == ["hoofdstuk", "thema"]


# --- invalid plans: the line and the message ---------------------------------------------


def _bad_due(text):
    return replace_once(text, "due: H2 2026", "due: Q9 2026"), "due: Q9 2026", 1, "termijn"


def _unknown_domain(text):
    return replace_once(text, "    domain: wmo\n", "    domain: zorg\n"), "domain: zorg", 1, "'domain' is 'zorg'"


def _duplicate_code(text):
    bad = replace_once(text, 'code: "1.A2"', 'code: "1.A1"')
    first = line_of(bad, 'code: "1.A1"', 1)
    return bad, 'code: "1.A1"', 2, f"code komt al voor op regel {first}"


def _duplicate_milestone_id(text):
    bad = replace_once(text, "id: pilot", "id: pva")
    return bad, "id: pva", 2, f"id 'pva' komt al voor op regel {line_of(bad, 'id: pva', 1)}"


def _unknown_group(text):
    return replace_once(text, 'group: "2"', 'group: "9"'), 'group: "9"', 1, "groep '9' staat niet in plan.groups"


def _unknown_field(text):
    bad = replace_once(text, "    domain: wmo\n", "    domain: wmo\n    eigenaar: Piet\n")
    return bad, "eigenaar: Piet", 1, "onbekend veld 'eigenaar'"


def _yaml_syntax(text):
    bad = replace_once(text, "title: Ontmoetingsplaatsen in de wijk", "title: Ontmoetingsplaatsen: in de wijk")
    return bad, "title: Ontmoetingsplaatsen: in de wijk", 1, "geen geldige YAML"


def _missing_title(text):
    # Without a title the problem is on the line where the intervention begins.
    bad = replace_once(text, "    title: Ontmoetingsplaatsen in de wijk\n", "")
    return bad, '- code: "2.1"', 1, "'title' ontbreekt"


def _missing_plan_title(text):
    bad = replace_once(text, "  title: Testagenda Jeugd en Wmo\n", "")
    return bad, "  id: testagenda", 1, "plan: 'title' ontbreekt"


def _bad_realised(text):
    bad = replace_once(text, "        done: true\n", "        realised: 1 juni\n")
    return bad, "realised: 1 juni", 1, "datum JJJJ-MM-DD"


def _bad_kind(text):
    bad = replace_once(text, "kind: decision", "kind: feestje")
    return bad, "kind: feestje", 1, "'kind' is 'feestje'"


def _unknown_frequency(text):
    bad = replace_once(text, "every: kwartaal", "every: wekelijks")
    return bad, "every: wekelijks", 1, "'every' is 'wekelijks'"


def _savings_min_above_max(text):
    bad = replace_once(text, "min: 300000, max: 500000", "min: 600000, max: 500000")
    return bad, "min: 600000", 1, "'min' is groter dan 'max'"


INVALID = {
    "bad due text": _bad_due,
    "unknown domain": _unknown_domain,
    "duplicate code": _duplicate_code,
    "duplicate milestone id": _duplicate_milestone_id,
    "unknown group": _unknown_group,
    "unknown field": _unknown_field,
    "YAML syntax error": _yaml_syntax,
    "missing title": _missing_title,
    "missing plan title": _missing_plan_title,
    "bad realised date": _bad_realised,
    "unknown kind": _bad_kind,
    "unknown frequency": _unknown_frequency,
    "savings min above max": _savings_min_above_max,
}


@pytest.mark.parametrize("case", list(INVALID))
def test_an_invalid_file_is_refused_with_file_line_and_message(tmp_path, case):
    text, needle, occurrence, message = INVALID[case](SMALL_PLAN)
    path = write(tmp_path, text)
    found = problems_of(path)
    assert len(found) == 1, found
    line, said = found[0]
    assert line == line_of(text, needle, occurrence)
    assert message in said


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    text = SMALL_PLAN
    expected = []
    for case in ("bad due text", "unknown field", "unknown domain", "duplicate milestone id"):
        text, needle, occurrence, message = INVALID[case](text)
        expected.append((needle, occurrence, message))
    path = write(tmp_path, text)
    found = problems_of(path)
    assert len(found) == len(expected)
    for needle, occurrence, message in expected:
        line = line_of(text, needle, occurrence)
        assert any(l == line and message in m for l, m in found), (needle, found)


def test_a_missing_file_is_reported_not_raised_as_a_traceback(tmp_path):
    with pytest.raises(PlanFileError, match="bestaat niet"):
        read_plan_file(tmp_path / "nergens.yaml")


def test_the_check_command_exits_1_and_prints_every_problem(tmp_path, capsys):
    text, needle, _, _ = _bad_due(SMALL_PLAN)
    path = write(tmp_path, text)
    assert check_plan_files([str(path)]) == 1
    assert f"{path}:{line_of(text, needle)}:" in capsys.readouterr().err


def test_a_recurring_line_cannot_pass_as_a_milestone(tmp_path):
    text = replace_once(SMALL_PLAN, "due: H2 2026", "due: ieder kwartaal")
    found = problems_of(write(tmp_path, text))
    assert [line for line, _ in found] == [line_of(text, "due: ieder kwartaal")]


# --- shapes of other plans -----------------------------------------------------------------


def test_codes_are_optional_and_made_stable_from_the_title(tmp_path):
    head, tail = SMALL_PLAN.split('  - code: "2.1"\n')
    without_code = "  - " + tail[4:]  # the last intervention, now without its code
    last = head + without_code
    before, interventions = head.split("interventions:\n")
    first = before + "interventions:\n" + without_code + interventions
    at_the_end = read_plan_file(write(tmp_path, last, "a.yaml"))
    in_front = read_plan_file(write(tmp_path, first, "b.yaml"))
    assert at_the_end.interventions[-1].code == "ontmoetingsplaatsen-in-de-wijk"
    assert in_front.interventions[0].code == "ontmoetingsplaatsen-in-de-wijk"
    assert [iv.code for iv in in_front.interventions[1:]] == ["1.A1", "1.A2"]


def test_an_unquoted_numeric_code_is_never_silently_changed(tmp_path):
    # YAML reads 2.10 as the number 2.1: the plan's code must not become "2.1" unnoticed.
    text = replace_once(SMALL_PLAN, 'code: "2.1"', "code: 2.10")
    path = write(tmp_path, text)
    try:
        spec = read_plan_file(path)
    except PlanFileError as refused:
        assert f"{path}:{line_of(text, 'code: 2.10')}:" in str(refused)
    else:
        assert spec.interventions[2].code == "2.10"


REGIONAL = """\
format: 1
plan:
  id: regio-jeugd-2023-2028
  title: Regioprogramma Jeugd 2023-2028
  organisation: Regio Rijk van Nijmegen
  period: {start: 2023, end: 2028}
  grouping_levels: [ambitie, actielijn, doel]
  groups:
    - key: gezond-opgroeien
      title: Kinderen groeien gezond en veilig op
      groups:
        - key: normaliseren
          title: Normaliseren
          summary: Minder problematiseren, meer gewoon opvoeden.
          groups:
            - key: minder-verwijzingen
              title: Minder verwijzingen naar jeugdhulp
            - key: sterke-basis
              title: Sterke pedagogische basis
  finance:
    budget:
      - {year: 2024, domain: jeugd, amount: 250000, label: "Regionaal transformatiebudget"}
  extra:
    doelenboom: true
interventions:
  - title: Praktijkondersteuners jeugd bij alle huisartsen
    group: minder-verwijzingen
    domain: jeugd
    milestones:
      - label: Alle huisartsen hebben een POH-J
        due: rond de jaarwisseling 2024
  - title: Pedagogisch klimaat in de kinderopvang
    group: sterke-basis
    domain: jeugd
    milestones:
      - label: Training medewerkers kinderopvang
        due: tweede helft 2025
    recurring:
      - label: Jaarlijkse regionale bijeenkomst
        every: jaar
    extra:
      regio_budget_per_jaar: {2024: 100000, 2025: 120000}
      penvoerder: Nijmegen
"""


def test_a_regional_plan_with_three_levels_and_no_codes_is_read(tmp_path):
    text = REGIONAL.replace("due: rond de jaarwisseling 2024", "due: 2024")
    spec = read_plan_file(write(tmp_path, text))
    assert spec.facts["grouping_levels"] == ["ambitie", "actielijn", "doel"]
    first, second = spec.interventions
    assert [g["key"] for g in first.group_path] == ["gezond-opgroeien", "normaliseren", "minder-verwijzingen"]
    assert [g["title"] for g in second.group_path] == [
        "Kinderen groeien gezond en veilig op", "Normaliseren", "Sterke pedagogische basis"]
    assert first.code == "praktijkondersteuners-jeugd-bij"
    assert second.code == "pedagogisch-klimaat-in-de-kinder"
    tree = spec.facts["groups"][0]
    assert tree["groups"][0]["summary"] == "Minder problematiseren, meer gewoon opvoeden."
    assert [g["key"] for g in tree["groups"][0]["groups"]] == ["minder-verwijzingen", "sterke-basis"]


def test_an_unreadable_due_in_a_regional_plan_names_its_line(tmp_path):
    path = write(tmp_path, REGIONAL)
    [(line, message)] = problems_of(path)
    assert line == line_of(REGIONAL, "due: rond de jaarwisseling 2024")
    assert message.startswith("interventie praktijkondersteuners-jeugd-bij, mijlpaal "
                              "'Alle huisartsen hebben een POH-J': termijn ")


def test_recurring_lines_stay_recurring_and_never_become_milestones(small_plan_file, tmp_path):
    spec = read_plan_file(small_plan_file)
    first = spec.interventions[0]
    assert first.details["recurring"] == [
        {"label": "Voortgang bespreken in het kwartaaloverleg", "every": "kwartaal", "note": ""}]
    assert "Voortgang bespreken in het kwartaaloverleg" not in [m.label for m in first.milestones]
    assert spec.facts["recurring"] == [
        {"label": "Halfjaarlijkse rapportage aan de raad", "every": "halfjaar", "note": ""}]
    assert "Halfjaarlijkse rapportage aan de raad" not in [m["label"] for m in spec.facts["milestones"]]
    regional = read_plan_file(write(tmp_path, REGIONAL.replace("due: rond de jaarwisseling 2024", "due: 2024")))
    assert regional.interventions[1].details["recurring"][0]["every"] == "jaar"
    assert len(regional.interventions[1].milestones) == 1


def test_extra_fields_are_kept_as_they_are(small_plan_file, tmp_path):
    spec = read_plan_file(small_plan_file)
    assert spec.facts["extra"] == {"vastgesteld_door": "gemeenteraad", "bijlagen": ["normering", "begroting"]}
    assert spec.interventions[0].details["extra"] == {"begrotingspost": 6.72, "contact": {"afdeling": "Beleid"}}
    regional = read_plan_file(write(tmp_path, REGIONAL.replace("due: rond de jaarwisseling 2024", "due: 2024")))
    assert regional.facts["extra"] == {"doelenboom": True}
    assert regional.interventions[1].details["extra"] == {
        "regio_budget_per_jaar": {"2024": 100000, "2025": 120000}, "penvoerder": "Nijmegen"}


def test_finance_and_indicators_are_carried(small_plan_file):
    facts = read_plan_file(small_plan_file).facts
    assert facts["finance"]["currency"] == "EUR"
    assert facts["finance"]["targets"] == [
        {"domain": "jeugd", "amount": 1000000, "from": 2025}, {"domain": "wmo", "amount": 200000, "from": 2025}]
    assert facts["finance"]["baseline"] == [{"domain": "jeugd", "amount": 9000000, "basis": "realisatie 2023"}]
    assert facts["finance"]["expected_savings"] == [{"domain": "jeugd", "year": 2026, "min": 300000, "max": 500000}]
    assert facts["indicators"] == [{"id": "instroom", "name": "Instroom per zorgvorm", "unit": "cliënten",
                                    "frequency": "kwartaal",
                                    "target": {"value": 150, "by": "2026", "direction": "up"}}]
    assert facts["milestones"][0]["due_text"] == "Q4 2026"
    assert facts["milestones"][0]["due"] == "2026-12-31"
    assert facts["period"] == {"start": 2025, "end": 2027}


def test_the_text_of_a_plan_can_be_checked_without_a_file():
    spec = parse_plan(SMALL_PLAN, "in-geheugen.yaml")
    assert spec.source_name == "in-geheugen.yaml"
    with pytest.raises(PlanFileError) as refused:
        parse_plan(_bad_due(SMALL_PLAN)[0], "in-geheugen.yaml")
    assert refused.value.problems[0].startswith(f"in-geheugen.yaml:{line_of(SMALL_PLAN, 'due: H2 2026')}: ")


@pytest.mark.parametrize("text, line, words", [
    ("title: Ontmoetingsplaatsen: in de wijk\n", 1, "tussen aanhalingstekens"),
    ("plan:\n\t- x\n", 2, "spring in met spaties"),
    ("plan:\n  id: x\n - title: y\n", 3, "controleer de inspringing"),
    ("plan: [1, 2\n", 2, "lijst tussen [ ]"),
    ("plan: 'x\n", 2, "aanhalingsteken"),
    ("plan: !!python/object x\n", 1, "YAML-tag"),
    ("? [1, 2]\n: 3\n", 1, "een sleutel die een lijst of reeks is"),
    ("plan:\n  title: x\x07y\n", 2, "een stuurteken, U+0007"),
])
def test_a_file_that_is_no_yaml_is_refused_with_line_and_column_in_dutch(text, line, words):
    from tracker.planfile.loader import load_yaml

    with pytest.raises(PlanFileError) as caught:
        load_yaml(text, "kapot.yaml")
    (problem,) = caught.value.problems
    assert problem.startswith(f"kapot.yaml:{line}: geen geldige YAML") and words in problem
    for english in ("expected", "found", "mapping", "while", "token"):
        assert english not in problem


def test_a_key_written_twice_is_refused_at_its_second_line() -> None:
    # YAML's reader keeps the last one: a second 'interventions' would drop every intervention of the first.
    text = SMALL_PLAN.rstrip("\n") + "\ninterventions: []\n"
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text, "dubbel.yaml")
    second = text.count("\n")
    assert refused.value.problems == [
        f"dubbel.yaml:{second}: 'interventions' staat hier twee keer (ook op regel "
        f"{line_of(text, 'interventions:')}); de tweede zou de eerste stil vervangen: voeg ze samen of verwijder er een"]


def test_a_date_that_does_not_exist_is_refused_at_its_own_line() -> None:
    text = replace_once(SMALL_PLAN, "      due: Q4 2026\n", "      due: 2026-02-30\n")
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text, "datum.yaml")
    assert refused.value.problems == [
        f"datum.yaml:{line_of(text, 'due: 2026-02-30')}: '2026-02-30' is geen bestaande datum (JJJJ-MM-DD)"]


def test_a_plan_text_over_the_bound_is_refused_however_it_came() -> None:
    text = SMALL_PLAN + "# " + "x" * 2_000_000 + "\n"
    with pytest.raises(PlanFileError, match=r"^groot\.yaml:0: bestand is groter dan 2 MB$") as refused:
        parse_plan(text, "groot.yaml")
    assert refused.value.problems == ["groot.yaml:0: bestand is groter dan 2 MB"]


def test_a_control_character_written_as_an_escape_is_refused_at_its_line() -> None:
    text = replace_once(SMALL_PLAN, "      label: Actualisatie van de agenda\n",
                        '      label: "Actualisatie\\bvan de agenda"\n')
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text, "stuur.yaml")
    assert refused.value.problems == [f"stuur.yaml:{line_of(text, 'Actualisatie')}: een stuurteken (zoals \\b of "
                                      "\\x0b) in een tekst: verwijder het"]


def test_a_merge_key_and_keys_alike_only_in_writing_are_no_duplicates() -> None:
    text = replace_once(SMALL_PLAN, "      due: Q4 2026\n", "      <<: {due: Q3 2026}\n      due: Q4 2026\n")
    assert parse_plan(text, "samen.yaml").facts["milestones"][0]["due"] == "2026-12-31"
