"""The council report's content: figures, reasons and sections, from the read model only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import re

import pytest

from projections.report import HalfYear, ReportError, report_data
from tests.report_seed import AS_OF, PERIOD, PLAN, revised_plan_text, seed_report_scenario
from tracker.planfile import parse_plan


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Return services with the report scenario recorded (read only: shared by the tests here)."""
    from web.services import open_services

    services = open_services(tmp_path_factory.mktemp("report") / "data")
    seed_report_scenario(services)
    return services


@pytest.fixture(scope="module")
def data(scenario):
    return report_data(scenario.db, PLAN, PERIOD, AS_OF)


def _interventions(data):
    found = {}

    def walk(section):
        for iv in section["interventions"]:
            found[iv["code"]] = iv
        for child in section["groups"]:
            walk(child)

    for section in data["sections"]:
        walk(section)
    return found


def test_half_years_are_read_in_both_spellings():
    assert HalfYear.parse("2026-H1") == HalfYear.parse("H1 2026") == HalfYear(2026, 1)
    h2 = HalfYear.parse("h2 2026")
    assert (h2.start, h2.end, h2.key, h2.label) == (date(2026, 7, 1), date(2026, 12, 31), "2026-H2",
                                                    "tweede halfjaar 2026")
    assert h2.next() == HalfYear(2027, 1)
    with pytest.raises(ReportError, match="geen halfjaar"):
        HalfYear.parse("2026-Q1")


def test_the_milestones_that_fell_due_are_counted_by_outcome(data):
    # Independently: every milestone the plan (as revised) puts in the first half of 2026.
    spec = parse_plan(revised_plan_text(), "herzien.yaml")
    due_in_h1 = [(iv.code, m.id) for iv in spec.interventions for m in iv.milestones
                 if date(2026, 1, 1) <= m.due.date <= date(2026, 6, 30)]
    # The plan's own milestones count too (none of them was updated: all late on the as-of date).
    own_in_h1 = [m["id"] for m in spec.facts["milestones"]
                 if m["due"] and "2026-01-01" <= m["due"] <= "2026-06-30"]
    assert own_in_h1 == ["cpv-verbreding", "plan-oco"]
    due_in_h1 += [("plan", m) for m in own_in_h1]
    k = data["kernboodschap"]
    assert k["plan_milestones_due"] == 2 and k["plan_counts"]["te_laat"] == 2
    assert k["counts"]["op_tijd"] == 1          # 2.A2 afspraken, done 20 March (due Q1)
    assert k["counts"]["te_laat_gereed"] == 1   # 2.A3 oudercursus, done 10 April (due Q1)
    assert k["counts"]["verschoven"] == 1       # 3.A1 commissie, moved to Q3 2026
    assert k["counts"]["vervallen"] == 1        # 3.C3 noord-start
    assert k["counts"]["open"] == 0             # the period had ended on the as-of date
    assert k["milestones_due"] == len(due_in_h1)
    assert k["counts"]["te_laat"] == len(due_in_h1) - 4
    assert k["interventions"] == 24             # 24 - 3.C2 + 4.3
    assert sum(k["stoplicht"].values()) == 24


def test_the_kernboodschap_says_the_figures_in_dutch(data):
    k = data["kernboodschap"]
    text = " ".join(k["paragraphs"])
    assert "omvat 24 interventies" in text
    assert f"stonden {k['milestones_due']} mijlpalen van het tijdpad op de planning" in text
    assert "1 op tijd gerealiseerd, 1 later dan gepland gerealiseerd" in text
    assert f"{k['stoplicht']['oranje']} op oranje en {k['stoplicht']['rood']} op rood" in text
    assert "1 interventie toegevoegd, 1 interventie vervallen" in text
    assert "Voor 2 van de 17 primaire indicatoren is een waarde vastgelegd." in text
    assert ("Financiën 2026: wmo € 250.000 besparing ten opzichte van de nulmeting over januari t/m juni "
            "2026 (nog geen heel jaar), tegenover € 600.000 als deel van de taakstelling") in text


def test_the_main_deviations_come_worst_first_with_their_cause(data):
    deviations = data["kernboodschap"]["deviations"]
    colours = [d["stoplicht"] for d in deviations]
    assert colours == sorted(colours, key=lambda c: c != "rood")
    assert "groen" not in colours
    by_code = {d["code"]: d for d in deviations}
    assert by_code["3.A1"]["cause"] == "Besluit college later dan voorzien (tijdpad: 4 mijlpalen te laat)"


def test_an_intervention_shows_its_stoplicht_explanation_and_reasons(data):
    iv = _interventions(data)["3.A1"]
    assert iv["stoplicht_manual"] == "oranje"
    assert iv["explanation"]["manual"] == {"oorzaak": "Besluit college later dan voorzien",
                                           "gevolg": "Commissie start een kwartaal later",
                                           "bijsturing": "Extra bestuurlijk overleg ingepland"}
    assert iv["trekker"] == "Jan Jansen"
    moved = iv["rescheduled"]
    assert [(m["from"], m["to"], m["reason"]) for m in moved] == [
        ("Q1 2026", "Q3 2026", "Wacht op besluit college over de samenstelling")]
    assert "Commissie operationeel" in [m["label"] for m in iv["next"]]
    categories = {m["id"]: m["category"] for m in iv["due_in_period"]}
    assert categories["commissie-operationeel"] == "verschoven"


def test_realised_late_and_cancelled_milestones_per_intervention(data):
    ivs = _interventions(data)
    assert [(m["label"], m["realised"], m["category"]) for m in ivs["2.A2"]["realised"]] == [
        ("Afspraken per aanbieder over invulling", "2026-03-20", "op_tijd")]
    assert ivs["2.A2"]["notes"][0]["text"] == "Vier aanbieders zetten groepsproducten in"
    assert [m["category"] for m in ivs["2.A3"]["realised"]] == ["te_laat_gereed"]
    assert [m["reason"] for m in ivs["3.C3"]["cancelled"]] == ["Opgegaan in het intake-netwerk van 3.C4"]
    # 2.A2's selection of providers (Q4 2025) is still open: late, from an earlier period.
    assert [m["id"] for m in ivs["2.A2"]["late"]] == ["selectie-aanbieders"]
    assert ivs["2.A2"]["explanation"]["missing"] is True
    assert "Selectie aanbieders" in ivs["2.A2"]["explanation"]["auto_reason"]


def test_sections_follow_the_plans_chapters_and_themes(data):
    sections = data["sections"]
    assert [s["title"] for s in sections] == ["2 Generieke maatregelen", "3 Maatregelen jeugd",
                                              "4 Maatregelen ambulante Wmo-begeleiding"]
    assert [g["key"] for g in sections[0]["groups"]] == ["2.A", "2.B", "2.C", "2.D", "2.E"]
    assert [iv["code"] for iv in sections[2]["interventions"]] == ["4.1", "4.2", "4.3"]
    codes = list(_interventions(data))
    assert "3.C2" not in codes and len(codes) == 24


def test_changes_in_the_agenda_hold_the_new_plan_version_with_reasons(data):
    changes = data["changes"]
    assert [(c["code"], c["what"]) for c in changes["interventions"]] == [("4.3", "toegevoegd"),
                                                                          ("3.C2", "vervallen")]
    assert "planversie 2" in changes["interventions"][1]["reason"]
    [version] = changes["plan_versions"]
    assert "4.3: interventie toegevoegd" in version["summary"] and version["number"] == 2
    assert [(m["code"], m["what"], m["reason"]) for m in changes["milestones"]] == [
        ("3.A1", "termijn: Q1 2026 → Q3 2026", "Wacht op besluit college over de samenstelling"),
        ("3.C3", "vervallen", "Opgegaan in het intake-netwerk van 3.C4")]


def test_the_first_import_is_not_reported_as_24_added_interventions(scenario):
    data = report_data(scenario.db, PLAN, "2025-H2", date(2025, 12, 31))
    assert data["changes"]["interventions"] == []
    # Loading the plan is no new plan version.
    assert data["changes"]["plan_versions"] == []
    assert data["changes"]["plan_loaded"] == [{"at": "2025-10-01", "valid": "2025-09-01", "what": "plan geladen"}]
    assert "planversie" not in " ".join(data["kernboodschap"]["paragraphs"])
    # 2.B2's plan van aanpak (15 December) on time; two Q3 2025 lines the plan marks as done, without
    # a date: done, but on time or not nobody knows, and the kernboodschap says so.
    assert data["kernboodschap"]["counts"]["op_tijd"] == 1
    assert data["kernboodschap"]["counts"]["gereed_zonder_datum"] == 2
    assert "1 op tijd gerealiseerd, 2 gerealiseerd zonder vastgelegde datum" in " ".join(
        data["kernboodschap"]["paragraphs"])


def test_the_quarter_view_counts_a_milestone_done_without_a_date_apart(scenario):
    from events.periods import Quarter
    from projections.quarters import quarter_status

    status = quarter_status(scenario.db, PLAN, Quarter(2025, 3), date(2025, 12, 31))
    undated = [m for r in status["rows"] for m in r["milestones"] if m["category"] == "gereed_zonder_datum"]
    assert len(undated) == status["totals"]["gereed_zonder_datum"] == 2
    assert all(m["status"] == "done" and m["realised"] is None for m in undated)


def test_indicators_show_values_per_period_corrections_and_targets(data):
    rows = {r["id"]: r for r in data["indicators"]["rows"]}
    assert len(rows) == 17
    groep = rows["groepsproducten-zorgaanbieders"]
    assert [(v["period_label"], v["value"]) for v in groep["values"]] == [("H1 2026", Decimal("65"))]
    assert [e["value"] for e in groep["values"][0]["earlier"]] == [Decimal("60")]
    assert groep["target_text"] == "ten minste 150 cliënten in 2026"
    assert "150 jeugdigen ontvangen in 2026 groepsproducten" in groep["target_note"]
    assert groep["progress_pct"] == Decimal("43")
    wachtlijst = rows["wachtlijst-jeugd-ggz"]
    assert [(v["period"], v["value"]) for v in wachtlijst["values"]] == [("2025-H2", Decimal("130")),
                                                                         ("2026-H1", Decimal("118"))]
    assert rows["instroom-per-zorgvorm"]["values"] == []


def test_indicator_values_are_those_of_the_periods_ended_by_the_peildatum_as_known_on_a_day(scenario):
    # The first half year's values, recorded in July, belong to a report with peildatum 30 June.
    june = report_data(scenario.db, PLAN, PERIOD, date(2026, 6, 30))
    rows = {r["id"]: r for r in june["indicators"]["rows"]}
    assert [v["value"] for v in rows["groepsproducten-zorgaanbieders"]["values"]] == [Decimal("65")]
    assert [v["period"] for v in rows["wachtlijst-jeugd-ggz"]["values"]] == ["2025-H2", "2026-H1"]
    # As the tracker knew it on 4 July: the first value, not yet its correction nor the later one.
    early = report_data(scenario.db, PLAN, PERIOD, date(2026, 6, 30), known_on=date(2026, 7, 4))
    rows = {r["id"]: r for r in early["indicators"]["rows"]}
    assert [v["value"] for v in rows["groepsproducten-zorgaanbieders"]["values"]] == [Decimal("60")]
    assert [v["period"] for v in rows["wachtlijst-jeugd-ggz"]["values"]] == ["2025-H2"]
    # A period that has not ended by the peildatum has no value yet.
    may = report_data(scenario.db, PLAN, PERIOD, date(2026, 5, 31))
    rows = {r["id"]: r for r in may["indicators"]["rows"]}
    assert [v["period"] for v in rows["wachtlijst-jeugd-ggz"]["values"]] == ["2025-H2"]


def test_finance_against_taakstelling_nulmeting_and_expected_ranges(data):
    fin = data["finance"]
    assert fin["domains"] == ["jeugd", "wmo"]
    assert {(t["domain"], t["amount"]) for t in fin["targets"]} == {("jeugd", Decimal("6000000")),
                                                                    ("wmo", Decimal("1200000"))}
    years = {y["year"]: {r["domain"]: r for r in y["rows"]} for y in fin["years"]}
    assert sorted(years) == [2025, 2026]
    jeugd_2025 = years[2025]["jeugd"]
    assert jeugd_2025["nulmeting"] == Decimal("35400000")
    assert jeugd_2025["realisatie"] == Decimal("33000000")
    assert (jeugd_2025["besparing"], jeugd_2025["besparing_basis"]) == (Decimal("2400000"), "berekend")
    assert jeugd_2025["taakstelling_gehaald"] is False
    assert (jeugd_2025["kosten_verwacht"], jeugd_2025["kosten_gerealiseerd"]) == (Decimal("30000"), Decimal("28000"))
    wmo_2026 = years[2026]["wmo"]
    assert jeugd_2025["year_complete"] is True
    # Half a year's saving is no whole-year saving: it stands beside half the taakstelling.
    assert (wmo_2026["besparing"], wmo_2026["taakstelling_gehaald"], wmo_2026["range_verdict"]) == (None, None, None)
    part = wmo_2026["besparing_deel"]
    assert (part["amount"], part["basis"], part["covers"], part["taakstelling_deel"]) == (
        Decimal("250000"), "vastgelegd", "januari t/m juni 2026", Decimal("600000"))
    assert (wmo_2026["expected_min"], wmo_2026["expected_max"]) == (Decimal("300000"), Decimal("600000"))
    assert [(f["year"], f["kind"], f["by"]) for f in fin["recorded"]] == [
        (2025, "kosten_maatregelen", "P&C"), (2025, "realisatie", "P&C"), (2026, "besparing", "P&C")]


def test_the_appendix_holds_every_milestone_planned_and_realised(data, scenario):
    from projections.interventions import interventions_as_of

    expected = sum(len(iv["milestones"]) for iv in interventions_as_of(scenario.db, AS_OF, plan_id=PLAN))
    assert sum(len(iv["milestones"]) for iv in data["tijdpad"]) == expected
    rows = {(iv["code"], m["label"]): m for iv in data["tijdpad"] for m in iv["milestones"]}
    moved = rows[("3.A1", "Commissie operationeel")]
    assert (moved["planned_due_text"], moved["due_text"]) == ("Q1 2026", "Q3 2026")
    assert rows[("2.A2", "Afspraken per aanbieder over invulling")]["realised"] == "2026-03-20"
    assert [m["label"] for m in data["plan_milestones"]][0] == "Actualisatie van de uitvoeringsagenda in zijn geheel"


def test_the_charts_data_counts_stoplicht_and_quarters(data):
    charts = data["charts"]
    assert charts["stoplicht"] == data["kernboodschap"]["stoplicht"]
    quarters = charts["per_quarter"]
    assert [q["key"] for q in quarters][:2] == ["2025-Q1", "2025-Q2"] and len(quarters) == 12
    assert [q["key"] for q in quarters if q["in_period"]] == ["2026-Q1", "2026-Q2"]
    q1 = next(q for q in quarters if q["key"] == "2026-Q1")
    assert q1["realised"] == 1  # 2.A2 on 20 March


def test_the_report_is_a_pure_function_of_the_read_model(scenario, data):
    assert report_data(scenario.db, PLAN, "H1 2026", AS_OF) == data
    assert data["position"] == scenario.app.recorder.max_notification_id()
    assert data["as_of"] == "2026-07-15" and data["period"]["key"] == "2026-H1"


def test_a_report_before_its_period_or_of_an_unknown_plan_is_refused(scenario):
    with pytest.raises(ReportError, match="ligt voor het begin"):
        report_data(scenario.db, PLAN, "2026-H2", date(2026, 6, 1))
    with pytest.raises(ReportError, match="Onbekend plan"):
        report_data(scenario.db, "bestaat-niet", PERIOD, AS_OF)


def test_a_new_event_changes_a_concept_report(tmp_path):
    from web.services import open_services

    services = open_services(tmp_path / "eigen")
    seed_report_scenario(services)
    before = report_data(services.db, PLAN, PERIOD, AS_OF)
    services.app.complete_milestone(PLAN, "4.3", "start-pilot", realised=date(2026, 6, 20),
                                    at=datetime(2026, 7, 1, 9), by="Karin Smit")
    services.catch_up()
    after = report_data(services.db, PLAN, PERIOD, AS_OF)
    assert after["kernboodschap"]["counts"]["op_tijd"] == before["kernboodschap"]["counts"]["op_tijd"] + 1


def test_a_milestone_moved_twice_counts_once_and_the_kernboodschap_says_how_often(small_services):
    from projections.report import report_data

    app = small_services.app
    for due, day in (("2026-09-30", 10), ("2026-12-31", 20)):
        app.reschedule_milestone("testagenda", "1.A1", "pilot", due=due, reason="Later gestart.",
                                 at=datetime(2026, 2, day, 9), by="beheer")
    small_services.catch_up()
    data = report_data(small_services.db, "testagenda", "2026-H1", date(2026, 6, 30))
    said = " ".join(data["kernboodschap"]["paragraphs"])
    assert "ook aan mijlpalen van andere perioden: 1 mijlpaal verschoven (2 keer)." in said
    assert len([m for m in data["changes"]["milestones"] if m["kind"] == "verschoven"]) == 2  # the table: each move
    # Counted up to the peildatum, and said so: a peildatum after the half year counts later moves too.
    assert "Wijzigingen in de agenda van 1 januari 2026 tot en met 30 juni 2026, ook aan" in said
    app.reschedule_milestone("testagenda", "1.A1", "pilot", due="2027-03-31", reason="Nog later.",
                             at=datetime(2026, 9, 1, 9), by="beheer")
    small_services.catch_up()
    later = " ".join(report_data(small_services.db, "testagenda", "2026-H1", date(2026, 9, 30))
                     ["kernboodschap"]["paragraphs"])
    assert "van 1 januari 2026 tot en met 30 september 2026, ook aan mijlpalen van andere perioden: " \
           "1 mijlpaal verschoven (3 keer)." in later


def test_late_milestones_outside_the_half_year_are_told_apart_before_and_after_it(default_services):
    from projections.report import report_data

    # Peildatum 1 December 2026, half year H1: late then are milestones due before 2026 and ones
    # due in Q3 2026, after the half year; neither is "uit eerdere perioden" both.
    data = report_data(default_services.db, "nijmegen-uitvoeringsagenda-2025", "2026-H1", date(2026, 12, 1))
    late = [(m["due"], p["code"]) for p in (i for s in data["sections"] for i in _items(s)) for m in p["late"]]
    in_h1 = {(p["code"], m["id"]) for s in data["sections"] for p in _items(s) for m in p["due_in_period"]}
    assert any(due > "2026-06-30" for due, _ in late) and any(due < "2026-01-01" for due, _ in late)
    text = " ".join(data["kernboodschap"]["paragraphs"])
    earlier = re.search(r"nog (\d+) mijlpa\w+ uit eerdere perioden open", text)
    after = re.search(r"Na het eerste halfjaar 2026 (?:is|zijn) tot de peildatum nog (\d+) mijlpa\w+ te laat", text)
    assert earlier and after, text
    assert int(after[1]) >= sum(1 for due, _ in late if due > "2026-06-30")
    assert int(earlier[1]) + int(after[1]) + len(in_h1) >= len(late)


def _items(section):
    yield from section.get("interventions", [])
    for child in section.get("groups", []):
        yield from _items(child)


def test_a_milestone_of_an_earlier_period_done_late_in_this_one_says_so_and_undated_ones_say_that(small_services):
    from projections.report import report_data
    from web.reports import ReportMeta, render_report

    app = small_services.app
    pva = next(m.id for m in app.get_intervention("testagenda", "1.A1").milestones.values()
               if m.due and m.due.date == date(2025, 12, 31))
    app.complete_milestone("testagenda", "1.A1", pva, realised=date(2026, 1, 20), at=datetime(2026, 1, 21, 9),
                           by="beheer")
    small_services.catch_up()
    data = report_data(small_services.db, "testagenda", "2026-H1", date(2026, 6, 30))

    def interventions(sections):
        for s in sections:
            yield from s["interventions"]
            yield from interventions(s["groups"])

    (done,) = [m for p in interventions(data["sections"]) if p["code"] == "1.A1" for m in p["realised"]]
    assert done["category"] == "te_laat_gereed"  # due Q4 2025, done in January: not on time
    text = render_report(data, ReportMeta(status="concept", generated_on=date(2026, 7, 1)), "md").decode()
    assert "gereed op 20 januari 2026, later dan gepland" in text
    # No value yet for any indicator: said in words.
    assert data["indicators"]["rows"] and "Voor geen van de" in " ".join(data["kernboodschap"]["paragraphs"])


def test_spending_above_the_nulmeting_is_said_as_such_not_as_a_negative_saving(default_services):
    from projections.report import report_data
    from tests.helpers import DEFAULT_PLAN_ID

    default_services.app.record_finance(DEFAULT_PLAN_ID, year=2025, domain="jeugd", kind="realisatie",
                                        amount="40000000", at=datetime(2026, 3, 1, 9), by="P&C")
    default_services.catch_up()
    said = " ".join(report_data(default_services.db, DEFAULT_PLAN_ID, "2026-H1", date(2026, 6, 30))
                    ["kernboodschap"]["paragraphs"])
    assert "jeugd € 4.600.000 meer uitgegeven dan de nulmeting (geen besparing) over het hele jaar" in said
    assert "€ -" not in said


def test_the_report_names_the_operator_as_the_beheerder_not_by_login(default_services):
    from events.vocabulary import OPERATOR_PREFIX
    from projections.report import report_data
    from tests.helpers import DEFAULT_PLAN_ID
    from web.reports import ReportMeta, render_report

    default_services.app.record_finance(DEFAULT_PLAN_ID, year=2025, domain="jeugd", kind="realisatie",
                                        amount="33000000", at=datetime(2026, 3, 1, 9), by=OPERATOR_PREFIX + "root")
    default_services.catch_up()
    data = report_data(default_services.db, DEFAULT_PLAN_ID, "2026-H1", date(2026, 6, 30))
    text = render_report(data, ReportMeta(status="concept", generated_on=date(2026, 7, 1)), "md").decode()
    assert "1 maart 2026 door de beheerder van het volgsysteem" in text and "root" not in text


def test_a_milestone_due_in_the_half_year_and_not_yet_late_is_listed_with_its_intervention(small_services):
    from projections.report import report_data
    from web.reports import ReportMeta, render_report

    data = report_data(small_services.db, "testagenda", "2026-H1", date(2026, 3, 15))
    assert data["kernboodschap"]["counts"]["open"] >= 1
    text = render_report(data, ReportMeta(status="concept", generated_on=date(2026, 3, 16)), "md").decode()
    import re

    start = re.search(r"^#+ 1\.A1 ", text, re.M).end()
    section = text[start:start + text[start:].index("\n#")]
    assert "Nog open in deze periode, termijn nog niet verstreken" in section and "Start pilot" in section


def test_an_intervention_with_every_milestone_settled_is_explained_as_such(small_services):
    from projections.report import report_data

    app = small_services.app
    iv = app.get_intervention("testagenda", "1.A2")
    for m in [m for m in iv.milestones.values() if m.status == "open"]:
        app.complete_milestone("testagenda", "1.A2", m.id, realised=date(2026, 3, 1), at=datetime(2026, 3, 2, 9),
                               by="beheer")
    small_services.catch_up()
    data = report_data(small_services.db, "testagenda", "2026-H1", date(2026, 6, 30))
    (row,) = [d for d in data["kernboodschap"]["deviations"] if d["code"] == "1.A2"]
    assert "alle mijlpalen zijn gereed of vervallen" in row["cause"]


def test_an_indicator_value_of_an_earlier_half_year_is_not_passed_off_as_this_ones(small_services):
    from projections.report import report_data

    small_services.app.record_indicator_value("testagenda", indicator_id="instroom", period="2025-Q4", value="120",
                                              source="CBS", at=datetime(2026, 1, 20, 9), by="beheer")
    small_services.catch_up()
    said = " ".join(report_data(small_services.db, "testagenda", "2026-H1", date(2026, 6, 30))
                    ["kernboodschap"]["paragraphs"])
    assert ("Voor 1 van de 1 primaire indicatoren is een waarde vastgelegd, voor geen daarvan over het "
            "eerste halfjaar 2026.") in said
    small_services.app.record_indicator_value("testagenda", indicator_id="instroom", period="2026-Q1", value="130",
                                              source="CBS", at=datetime(2026, 4, 20, 9), by="beheer")
    small_services.catch_up()
    said = " ".join(report_data(small_services.db, "testagenda", "2026-H1", date(2026, 6, 30))
                    ["kernboodschap"]["paragraphs"])
    assert "Voor 1 van de 1 primaire indicatoren is een waarde vastgelegd." in said
