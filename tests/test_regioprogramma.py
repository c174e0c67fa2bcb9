"""The Regioprogramma Jeugd Rijk van Nijmegen 2023-2028 as a format-2 plan, against its source."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from tests.helpers import REPO
from tracker.planfile import read_plan_file

PLAN_FILE = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
SOURCE = REPO / "docs" / "sources" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.txt"
PLAN_ID = "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"
GEMEENTEN = ["Berg en Dal", "Beuningen", "Druten", "Heumen", "Mook en Middelaar", "Nijmegen", "Wijchen"]


@lru_cache(maxsize=None)
def spec():
    return read_plan_file(PLAN_FILE)


@lru_cache(maxsize=None)
def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").splitlines()


def dated(milestones):
    return [m for m in milestones if m.due is not None or m.starts is not None]


def test_six_opgaven_each_with_its_doel_from_the_doelenboom():
    groups = spec().groups
    assert [g["key"] for g in groups] == [f"opgave-{n}" for n in range(1, 7)]
    doelen = [g["groups"][0]["title"] for g in groups]
    assert doelen == ["Inclusiever onderwijs", "Grotere mentale veerkracht",
                      "Beter passende hulp voor complexe situaties", "Meer jeugdhulp zo thuis mogelijk",
                      "Vaker zonder schade scheiden", "Grotere veiligheid voor gezinnen"]
    tree = spec().facts["extra"]["doelenboom"]
    assert [d["doel"] for d in tree["doelen"]] == doelen
    assert [d["groep"] for d in tree["doelen"]] == [f"doel-{n}" for n in range(1, 7)]


def test_at_least_30_actielijnen_each_under_an_opgave_in_the_documents_order():
    interventions = spec().interventions
    assert len(interventions) >= 30
    tops = [iv.group_path[0]["key"] for iv in interventions]
    assert set(tops) == {f"opgave-{n}" for n in range(1, 7)}
    assert tops == sorted(tops)  # file order is the document's order: opgave 1 first, 6 last
    codes = [iv.code for iv in interventions]
    assert codes[:7] == ["1.1", "1.2a", "1.2b", "1.2c", "1.2d", "1.3", "1.4"]
    # The five developments of actielijn 2b have no number in the source: their codes are made.
    assert [c for c in codes if c.startswith("2.2b")] == [f"2.2b-{n}" for n in range(1, 6)]


def test_at_least_25_dated_milestones_each_traceable_to_its_source_line():
    milestones = [m for iv in spec().interventions for m in iv.milestones]
    found = dated(milestones)
    assert len(found) >= 25
    for m in found:
        line = source_lines()[m.source["line"] - 1]
        written = (m.due or m.starts).text
        for year in re.findall(r"\d{4}|'\d\d", written):
            assert year in line, (m.label, written, m.source["line"])


def test_every_source_pointer_lands_on_a_line_of_the_source():
    pointers = [iv.details["source"] for iv in spec().interventions]
    pointers += [m.source for iv in spec().interventions for m in iv.milestones]
    assert all(1 <= p["line"] <= len(source_lines()) and source_lines()[p["line"] - 1].strip()
               for p in pointers)


def test_the_indicators_of_meten_is_weten_hang_under_their_opgave():
    indicators = spec().facts["indicators"]
    per_group = {}
    for ind in indicators:
        per_group.setdefault(ind["group"], []).append(ind["id"])
    assert [len(per_group[f"opgave-{n}"]) for n in range(1, 7)] == [3, 3, 3, 3, 2, 2]
    for ind in indicators:
        assert str(ind["source"]).startswith("Meten = weten, regel ")
        line = int(ind["source"].rsplit(" ", 1)[1])
        assert source_lines()[line - 1].strip().startswith("- ")


def test_the_seven_gemeenten_take_part():
    participants = spec().facts["participants"]
    assert [p["name"] for p in participants] == [f"Gemeente {g}" for g in GEMEENTEN]
    assert {p["role"] for p in participants} == {"deelnemer"}  # the source names no penvoerder


def test_bijlage_1_lokale_teams_are_the_steps_of_professionaliseren_lokale_teams():
    iv = next(iv for iv in spec().interventions if iv.title.startswith("We professionaliseren lokale teams"))
    themes = [m for m in iv.milestones if m.id.startswith("thema-")]
    assert len(themes) == 7
    assert all(m.due is None and m.starts is None and m.when == "de aankomende jaren" for m in themes)
    assert [m.source["line"] for m in themes] == list(range(1188, 1195))


def test_tracker_init_loads_it_beside_the_uitvoeringsagenda(cli):
    result = cli("init", "--today", "2026-02-01")
    assert result.exit_code == 0, result.output
    plans = json.loads(cli("plans", "--json").stdout)
    assert [p["id"] for p in plans] == ["nijmegen-uitvoeringsagenda-2025", PLAN_ID]
    regio = plans[1]
    assert regio["organisation"] == ("7 gemeenten: Berg en Dal, Beuningen, Druten, Heumen, Mook en "
                                     "Middelaar, Nijmegen en Wijchen")
    rows = json.loads(cli("interventions", "--plan", PLAN_ID, "--json", "--as-of", "2026-02-01").stdout)
    assert len(rows) >= 30
    assert len({r["grouping"][0]["key"] for r in rows}) == 6
    dated = [m for r in rows for m in r["milestones"] if m["due"] or m["starts"]]
    assert len(dated) >= 25
    assert all(m["source"]["line"] for m in dated)
    # A code the two plans share needs --plan; a code only one has does not.
    assert cli("show", "4.1").exit_code == 1
    assert cli("show", "2.B2").exit_code == 0


def test_tracker_default_plan_may_list_several_files(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DEFAULT_PLAN", f"{REPO / 'tests' / 'data' / 'no-codes.yaml'},"
                                               f"{REPO / 'tests' / 'data' / 'funding-per-year.yaml'}")
    assert cli("init", "--today", "2026-02-01").exit_code == 0
    assert [p["id"] for p in json.loads(cli("plans", "--json").stdout)] == [
        "beleidsplan-rivierzande", "transformatiefonds-bosmeer"]


def test_init_loads_nothing_when_one_of_the_files_is_invalid(cli, monkeypatch, tmp_path, services):
    bad = tmp_path / "kapot.yaml"
    bad.write_text("format: 2\nplan: {id: kapot}\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_DEFAULT_PLAN", f"{REPO / 'tests' / 'data' / 'no-codes.yaml'}:{bad}")
    result = cli("init", "--today", "2026-02-01")
    assert result.exit_code == 1
    assert f"{bad}:2:" in result.stderr
    assert json.loads(cli("plans", "--json").stdout) == []
