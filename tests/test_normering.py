"""Normering per aanbieder: norms and spending as events, all lines or none, signals at the threshold, analysegesprekken."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from projections import plans as plan_queries
from projections.normering import norm_overview, signals
from tests.helpers import DEFAULT_PLAN_ID, event_count
from tracker.errors import DomainError, LinesError

PLAN = DEFAULT_PLAN_ID
NORMS = "aanbieder;zorgsoort;jaar;bestedingsruimte\nZorgaanbieder Noord;Jeugd-begeleiding;2026;€ 100.000\n" \
        "Zorgaanbieder Zuid;Jeugd-begeleiding;2026;€ 200.000\n"
SPENDING = "aanbieder;zorgsoort;periode;bedrag\n" \
           "Zorgaanbieder Noord;Jeugd-begeleiding;Q1 2026;€ 35.000\n" \
           "Zorgaanbieder Noord;Jeugd-begeleiding;Q2 2026;€ 40.000\n" \
           "Zorgaanbieder Zuid;Jeugd-begeleiding;Q1 2026;€ 50.000\n" \
           "Zorgaanbieder Zuid;Jeugd-begeleiding;Q2 2026;€ 50.000\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(text: str) -> list[dict]:
    from tracker.normering_csv import read_norms_csv, read_spending_csv

    reader = read_norms_csv if text.startswith("aanbieder;zorgsoort;jaar") else read_spending_csv
    return reader(text.encode("utf-8"))


@pytest.fixture
def normed(default_services):
    """The default plan with the two norms of 2026 and the spending of Q1 and Q2, recorded in July."""
    app = default_services.app
    app.record_norms(PLAN, rows(NORMS), source="normen.csv", at=datetime(2026, 1, 5, 9), by="P&C")
    app.record_spending(PLAN, rows(SPENDING), source="besteding.csv", at=datetime(2026, 7, 5, 9), by="P&C")
    default_services.catch_up()
    return default_services


def plan(services) -> dict:
    return plan_queries.plan(services.db, PLAN)


def test_signals_list_the_aanbieder_at_75_percent_and_not_the_one_at_50(services, cli, tmp_path):
    assert cli("init", "--today", "2025-10-01").exit_code == 0  # both plans: norms go to the uitvoeringsagenda
    norms = cli("import-norms", write(tmp_path, "normen.csv", NORMS), "--today", "2026-01-05")
    assert norms.exit_code == 0, norms.output
    assert PLAN in norms.output
    spending = cli("import-spending", write(tmp_path, "besteding.csv", SPENDING), "--today", "2026-07-05")
    assert spending.exit_code == 0, spending.output
    result = cli("signals", "--json", "--as-of", "2026-07-10")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [(s["aanbieder"], s["zorgsoort"], s["jaar"]) for s in found] == [
        ("Zorgaanbieder Noord", "Jeugd-begeleiding", 2026)]
    assert found[0]["share"] == 75.0 and found[0]["threshold"] == 70 and found[0]["since"] == "2026-06-30"
    assert found[0]["norm"] == 100000 and found[0]["spent"] == 75000


def test_a_spending_line_of_veel_is_refused_with_its_line_and_nothing_is_recorded(services, cli, tmp_path):
    assert cli("init", "--today", "2025-10-01").exit_code == 0
    assert cli("import-norms", write(tmp_path, "normen.csv", NORMS), "--today", "2026-01-05").exit_code == 0
    before = event_count(services)
    bad = SPENDING.replace("Q2 2026;€ 50.000", "Q2 2026;veel")
    result = cli("import-spending", write(tmp_path, "besteding.csv", bad), "--today", "2026-07-05")
    assert result.exit_code == 1
    assert "besteding.csv: Regel 5: 'veel' is geen getal." in result.output
    assert "Niets vastgelegd." in result.output
    assert event_count(services) == before
    assert json.loads(cli("signals", "--json", "--as-of", "2026-07-10").output) == []


def test_every_wrong_line_is_named_and_none_is_recorded(normed):
    text = ("aanbieder;zorgsoort;periode;bedrag\n"
            "Zorgaanbieder Noord;Jeugd-begeleiding;2026-07;1.000\n"     # 2: not over yet on 15 July
            "Onbekend;Jeugd-begeleiding;Q1 2026;1.000\n"                 # 3: no norm
            "Zorgaanbieder Noord;Jeugd-begeleiding;2026-02;1.000\n"      # 4: inside Q1, already recorded
            "Zorgaanbieder Zuid;Jeugd-begeleiding;Q2 2026;-5\n"          # 5: negative
            "Zorgaanbieder Zuid;Jeugd-begeleiding;elfde maand;10\n")     # 6: no period
    before = event_count(normed)
    with pytest.raises(LinesError) as caught:
        normed.app.record_spending(PLAN, rows(text), at=datetime(2026, 7, 15, 9), by="P&C")
    lines = [p.split(":")[0] for p in caught.value.problems]
    assert lines == ["Regel 2", "Regel 3", "Regel 4", "Regel 5", "Regel 6"]
    assert "overlapt met 2026-Q1" in caught.value.problems[2]
    assert event_count(normed) == before


def test_dutch_amounts_and_a_signaalplafond_without_bestedingsruimte(default_services):
    app = default_services.app
    norms = ("aanbieder;zorgsoort;jaar;bestedingsruimte;signaalplafond;instroomtarget\n"
             "Dagbehandeling Oost;Dagbehandeling;2026;;€ 10.000,-;12\n")
    app.record_norms(PLAN, rows(norms), at=datetime(2026, 1, 5, 9), by="P&C")
    app.record_spending(PLAN, rows("aanbieder;zorgsoort;periode;bedrag\n"
                                   "dagbehandeling  oost;DAGBEHANDELING;2026-01;7.000,50\n"),
                        at=datetime(2026, 2, 3, 9), by="P&C")
    default_services.catch_up()
    [row] = norm_overview(default_services.db, plan(default_services), date(2026, 2, 3), 2026)
    assert row["basis"] == "signaalplafond" and row["norm"] == 10000 and row["instroomtarget"] == 12
    assert row["spent"] == 7000.5 and row["share"] == 70.0 and row["signal"] and row["since"] == "2026-01-31"
    assert row["aanbieder"] == "Dagbehandeling Oost"  # the norm's spelling


def test_as_of_is_valid_time_and_as_known_on_is_recorded_time(normed):
    p = plan(normed)
    assert signals(normed.db, p, date(2026, 6, 29)) == []             # Q2 had not ended
    assert len(signals(normed.db, p, date(2026, 7, 10))) == 1
    assert signals(normed.db, p, date(2026, 7, 10), known_on=date(2026, 7, 4)) == []  # not yet recorded


def test_a_corrected_amount_replaces_the_earlier_one(normed):
    normed.app.record_spending(PLAN, rows("aanbieder;zorgsoort;periode;bedrag\n"
                                          "Zorgaanbieder Noord;Jeugd-begeleiding;Q2 2026;€ 30.000\n"),
                               at=datetime(2026, 7, 20, 9), by="P&C")
    normed.catch_up()
    p = plan(normed)
    assert signals(normed.db, p, date(2026, 7, 25)) == []
    assert len(signals(normed.db, p, date(2026, 7, 25), known_on=date(2026, 7, 10))) == 1


def test_the_quarter_trend_adds_up(normed):
    noord = norm_overview(normed.db, plan(normed), date(2026, 7, 10), 2026)[0]
    assert [(q["quarter"], q["spent"], q["share"], q["complete"]) for q in noord["quarters"]] == [
        ("Q1 2026", 35000, 35.0, True), ("Q2 2026", 40000, 75.0, True), ("Q3 2026", 0, 75.0, False)]


def test_the_threshold_is_set_per_plan_in_the_plan_file(services, tmp_path):
    from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID
    from tracker.errors import PlanFileError
    from tracker.planfile import parse_plan

    text = SMALL_PLAN.replace("  extra:\n", "  normering:\n    signal_at: 50\n  extra:\n", 1)
    services.app.import_plan(parse_plan(text, "testagenda.yaml"), at=datetime(2025, 10, 1, 9), by="beheer")
    services.app.record_norms(SMALL_PLAN_ID, rows(NORMS), at=datetime(2026, 1, 5, 9), by="P&C")
    services.app.record_spending(SMALL_PLAN_ID, rows(SPENDING), at=datetime(2026, 7, 5, 9), by="P&C")
    services.catch_up()
    small = plan_queries.plan(services.db, SMALL_PLAN_ID)
    found = signals(services.db, small, date(2026, 7, 10))
    assert [(s["aanbieder"], s["threshold"]) for s in found] == [("Zorgaanbieder Noord", 50),
                                                                 ("Zorgaanbieder Zuid", 50)]
    wrong = text.replace("signal_at: 50", "signal_at: 150")
    with pytest.raises(PlanFileError) as caught:
        parse_plan(wrong, "testagenda.yaml")
    line = wrong.splitlines().index("    signal_at: 150") + 1
    assert caught.value.problems == [f"testagenda.yaml:{line}: plan.normering: 'signal_at' moet een percentage "
                                     "van 1 tot en met 100 zijn (het aandeel van de norm waarop een signaal volgt), "
                                     "niet '150'"]


def test_norms_outside_the_plan_period_or_twice_in_a_file_are_refused(default_services):
    text = NORMS + "Zorgaanbieder Noord;Jeugd-begeleiding;2026;5\nZorgaanbieder West;Wmo-begeleiding;2031;5\n"
    with pytest.raises(LinesError) as caught:
        default_services.app.record_norms(PLAN, rows(text), at=datetime(2026, 1, 5, 9), by="P&C")
    assert [p.split(":")[0] for p in caught.value.problems] == ["Regel 4", "Regel 5"]
    assert "buiten de looptijd" in caught.value.problems[1]


def test_an_analysegesprek_is_tracked_until_it_is_held(normed, cli):
    result = cli("analysis-talk", "plan", "--aanbieder", "Zorgaanbieder Noord", "--zorgsoort", "Jeugd-begeleiding",
                 "--year", "2026", "--due", "augustus 2026", "--owner", "Contractmanager jeugd", "--today", "2026-07-11")
    assert result.exit_code == 0, result.output
    late = json.loads(cli("signals", "--json", "--as-of", "2026-09-02").output)[0]["analysis"]
    assert [(t["id"], t["state"], t["owner"], t["due_text"]) for t in late] == [
        ("1", "te_laat", "Contractmanager jeugd", "augustus 2026")]
    assert cli("analysis-talk", "held", "1", "--date", "2026-09-03", "--today", "2026-09-03").exit_code == 0
    held = json.loads(cli("signals", "--json", "--as-of", "2026-09-04").output)[0]["analysis"][0]
    assert held["state"] == "gehouden" and held["held_on"] == "2026-09-03"
    again = cli("analysis-talk", "held", "1", "--today", "2026-09-05")
    assert again.exit_code == 1 and "al gehouden" in again.output
    with pytest.raises(DomainError):
        normed.app.plan_analysis_talk(PLAN, aanbieder="Onbekend", zorgsoort="Jeugd-begeleiding", jaar=2026,
                                      due="Q3 2026", owner="X", at=datetime(2026, 7, 11), by="P&C")


def test_the_council_report_has_a_normering_section_frozen_when_published(normed):
    from web.reports import render_report
    from web.reports.build import concept, published

    app = normed.app
    app.plan_analysis_talk(PLAN, aanbieder="Zorgaanbieder Noord", zorgsoort="Jeugd-begeleiding", jaar=2026,
                           due="augustus 2026", owner="Contractmanager jeugd", at=datetime(2026, 7, 11), by="P&C")
    normed.catch_up()
    data, meta = concept(normed.db, PLAN, "2026-H1", date(2026, 7, 12), date(2026, 7, 12))
    md = render_report(data, meta, "md").decode()
    assert "## Normering" in md
    assert "| Zorgaanbieder Noord | Jeugd-begeleiding | € 100.000 (bestedingsruimte) | € 75.000 (Q1 2026, Q2 2026) " \
           "| 75,0 % | sinds 30 juni 2026 |" in md
    assert "analysegesprek gepland augustus 2026" in md
    app.publish_report(PLAN, period="2026-H1", as_of=date(2026, 7, 12), position=event_count(normed),
                       at=datetime(2026, 7, 13, 9), by="Bea Beheer")
    app.record_spending(PLAN, rows("aanbieder;zorgsoort;periode;bedrag\n"
                                   "Zorgaanbieder Zuid;Jeugd-begeleiding;Q2 2026;€ 90.000\n"),
                        at=datetime(2026, 7, 14, 9), by="P&C")
    normed.catch_up()
    frozen, frozen_meta = published(normed, normed.db, PLAN, 1)
    assert render_report(frozen, frozen_meta, "md").decode().count("| Zorgaanbieder Zuid | Jeugd-begeleiding | "
                                                                    "€ 200.000 (bestedingsruimte) | € 100.000") == 1


def test_a_rebuild_gives_the_same_normering(normed, cli):
    before = norm_overview(normed.db, plan(normed), date(2026, 7, 10))
    normed.runner.rebuild()
    assert norm_overview(normed.db, plan(normed), date(2026, 7, 10)) == before


def test_the_council_report_as_known_on_a_day_shows_only_the_spending_and_talks_recorded_by_then(normed):
    from projections.report import report_data

    app = normed.app
    app.plan_analysis_talk(PLAN, aanbieder="Zorgaanbieder Noord", zorgsoort="Jeugd-begeleiding", jaar=2026,
                           due="augustus 2026", owner="Contractmanager jeugd", at=datetime(2026, 7, 11), by="P&C")
    normed.catch_up()

    def noord(known_on):
        rows = report_data(normed.db, PLAN, "2026-H1", date(2026, 7, 12), known_on)["normering"]["rows"]
        return next(r for r in rows if r["aanbieder"] == "Zorgaanbieder Noord")

    now = noord(None)
    assert now["spent"] == 75000 and now["signal"] and len(now["analysis"]) == 1
    # Known on 1 July: the norms (recorded 5 January), not yet the spending (5 July) nor the talk (11 July).
    then = noord(date(2026, 7, 1))
    assert then["spent"] == 0 and not then["signal"] and then["analysis"] == []
    # Known on 6 July: the spending, not the talk planned after it.
    assert noord(date(2026, 7, 6))["spent"] == 75000 and noord(date(2026, 7, 6))["analysis"] == []
