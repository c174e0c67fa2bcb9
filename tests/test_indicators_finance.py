"""Indicator values and finance figures: recorded as events with who and when, corrected, never overwritten."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from projections.finance import finance_figures, recorded_figures
from projections.indicators import indicator_values, recorded_values
from tests.accounts import csrf_token, sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import at, event_count, stored_events
from tracker.errors import DomainError, LinesError
from tracker.inputs import parse_amount, parse_period
from web.indicator_csv import read_indicator_csv

GROEP = "groepsproducten-zorgaanbieders"


@pytest.mark.parametrize(("text", "key"), [
    ("2026-H1", "2026-H1"), ("H1 2026", "2026-H1"), ("eerste halfjaar 2026", "2026-H1"),
    ("Q3 2026", "2026-Q3"), ("2026-q3", "2026-Q3"), ("maart 2026", "2026-03"), ("2026-03", "2026-03"),
    ("2026", "2026"),
])
def test_periods_are_read_in_the_usual_spellings(text, key):
    assert parse_period(text).key == key


@pytest.mark.parametrize("text", ["2026-13", "Q5 2026", "2026-06-30", "Q1-Q2 2026", ""])
def test_other_periods_are_refused_in_dutch(text):
    with pytest.raises(DomainError, match="periode"):
        parse_period(text)


@pytest.mark.parametrize(("text", "value"), [
    ("150", "150"), ("12,5", "12.5"), ("12.5", "12.5"), ("1.234.567", "1234567"),
    ("€ 6.000.000", "6000000"), ("€ 30.000,-", "30000"), ("1.234,56", "1234.56"), ("-3,5%", "-3.5"),
])
def test_numbers_are_read_as_the_dutch_write_them(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23,4", "1e3", ""])
def test_other_numbers_are_refused(text):
    with pytest.raises(DomainError):
        parse_amount(text)


def test_a_value_is_an_event_with_who_and_when_and_a_correction_keeps_the_first(default_services):
    app = default_services.app
    app.record_indicator_value(PLAN, indicator_id=GROEP, period="2026-H1", value="60", source="CBS",
                               at=at(2026, 7, 3), by="Piet P&C")
    app.record_indicator_value(PLAN, indicator_id=GROEP, period="H1 2026", value="65,5", source="CBS, herzien",
                               at=at(2026, 7, 6), by="Anna P&C")
    default_services.catch_up()
    events = [e for e in stored_events(default_services) if type(e).__name__ == "IndicatorValueRecorded"]
    assert [(e.value, e.by, e.at) for e in events] == [("60", "Piet P&C", at(2026, 7, 3)),
                                                       ("65.5", "Anna P&C", at(2026, 7, 6))]
    current = indicator_values(default_services.db, PLAN)[GROEP]
    assert [(v["period"], v["value"], v["source"]) for v in current] == [("2026-H1", Decimal("65.5"), "CBS, herzien")]
    assert [e["value"] for e in current[0]["earlier"]] == [Decimal("60")]
    assert [r["value"] for r in recorded_values(default_services.db, PLAN)] == [Decimal("65.5"), Decimal("60")]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"indicator_id": "bestaat-niet"}, "Onbekende indicator 'bestaat-niet'. Het plan kent: instroom-per-zorgvorm"),
    ({"period": "2026-Q1"}, "wordt per halfjaar gemeten: geef een halfjaar op"),
    ({"period": "2027-H1"}, "is nog niet begonnen"),
    ({"value": "veel"}, "'veel' is geen getal"),
    ({"source": " "}, "Geef de bron van de waarde op"),
])
def test_a_wrong_value_is_refused_in_dutch_and_nothing_is_recorded(default_services, kwargs, message):
    before = event_count(default_services)
    values = {"indicator_id": GROEP, "period": "2026-H1", "value": "60", "source": "CBS", **kwargs}
    with pytest.raises(DomainError, match=re.escape(message)):
        default_services.app.record_indicator_value(PLAN, **values, at=at(2026, 7, 3), by="P&C")
    assert event_count(default_services) == before


def test_the_same_value_twice_is_refused(default_services):
    app = default_services.app
    app.record_indicator_value(PLAN, indicator_id=GROEP, period="2026-H1", value="60", source="CBS",
                               at=at(2026, 7, 3), by="P&C")
    with pytest.raises(DomainError, match="al vastgelegd"):
        app.record_indicator_value(PLAN, indicator_id=GROEP, period="2026-H1", value="60,0", source="CBS",
                                   at=at(2026, 7, 4), by="P&C")


def test_finance_figures_are_kept_and_the_latest_counts(default_services):
    app = default_services.app
    app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="€ 34.000.000",
                       note="Voorlopig", at=at(2026, 2, 1), by="P&C")
    app.record_finance(PLAN, year="2025", domain="jeugd", kind="realisatie", amount="33.250.000",
                       note="Jaarrekening", at=at(2026, 4, 15), by="P&C")
    default_services.catch_up()
    figure = finance_figures(default_services.db, PLAN)[(2025, "jeugd", "realisatie")]
    assert (figure["amount"], figure["note"]) == (Decimal("33250000"), "Jaarrekening")
    assert [e["amount"] for e in figure["earlier"]] == [Decimal("34000000")]
    assert len(recorded_figures(default_services.db, PLAN)) == 2
    as_of_march = finance_figures(default_services.db, PLAN, known_on=at(2026, 3, 1).date())
    assert as_of_march[(2025, "jeugd", "realisatie")]["amount"] == Decimal("34000000")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"year": 2030}, "valt buiten de looptijd van het plan (2025-2027)"),
    ({"year": "volgend jaar"}, "is geen jaartal"),
    ({"domain": "zorg"}, "Onbekend domein 'zorg'"),
    ({"kind": "begroting"}, "Onbekende soort 'begroting'"),
    ({"amount": "-5"}, "kunnen niet negatief zijn"),
])
def test_a_wrong_finance_figure_is_refused(default_services, kwargs, message):
    values = {"year": 2025, "domain": "jeugd", "kind": "realisatie", "amount": "1000", **kwargs}
    with pytest.raises(DomainError, match=re.escape(message)):
        default_services.app.record_finance(PLAN, **values, at=at(2026, 4, 1), by="P&C")


def test_a_negative_saving_is_allowed(default_services):
    default_services.app.record_finance(PLAN, year=2025, domain="wmo", kind="besparing", amount="-120.000",
                                        at=at(2026, 4, 1), by="P&C")
    default_services.catch_up()
    assert finance_figures(default_services.db, PLAN)[(2025, "wmo", "besparing")]["amount"] == Decimal("-120000")


GOOD_CSV = ("indicator;periode;waarde;bron\n"
            "wachtlijst-jeugd-ggz;2025-H2;130;Uitvraag aanbieders\n"
            "\n"
            "groepsproducten-zorgaanbieders;H1 2026;65;Declaraties\n")


def test_a_csv_records_every_line_in_one_go(default_services):
    rows = read_indicator_csv(GOOD_CSV.encode("utf-8"))
    assert [r["line"] for r in rows] == [2, 4]
    before = event_count(default_services)
    assert default_services.app.record_indicator_values(PLAN, rows, at=at(2026, 7, 8), by="P&C") == 2
    assert event_count(default_services) == before + 2
    default_services.catch_up()
    assert set(indicator_values(default_services.db, PLAN)) == {"wachtlijst-jeugd-ggz", GROEP}


def test_a_csv_with_a_bad_line_records_nothing_and_names_every_bad_line(default_services):
    text = ("indicator;periode;waarde;bron\n"
            "wachtlijst-jeugd-ggz;2025-H2;130;Uitvraag\n"
            "onbekend;2026-H1;5;x\n"
            "wachtlijst-jeugd-ggz;2026-Q1;5;x\n"
            "wachtlijst-jeugd-ggz;2026-H1;veel;x\n"
            "wachtlijst-jeugd-ggz;2026-H1\n")
    before = event_count(default_services)
    with pytest.raises(LinesError) as caught:
        default_services.app.record_indicator_values(PLAN, read_indicator_csv(text.encode()),
                                                     at=at(2026, 7, 8), by="P&C")
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["Regel 3", "Regel 4", "Regel 5", "Regel 6"]
    assert "Onbekende indicator 'onbekend'" in problems[0]
    assert "per halfjaar" in problems[1]
    assert "'veel' is geen getal" in problems[2]
    assert "2 kolommen gevonden, 4 verwacht" in problems[3]
    assert event_count(default_services) == before


def test_a_csv_without_the_header_or_with_commas_and_excel_encoding():
    with pytest.raises(LinesError, match="de kolom 'bron' ontbreekt"):
        read_indicator_csv(b"indicator;periode;waarde\nx;2026;1\n")
    rows = read_indicator_csv("indicator,period,value,source\ntotale-kosten,2026-H1,\"1.234,5\",Één bron\n"
                              .encode("cp1252"))
    assert rows == [{"line": 2, "indicator": "totale-kosten", "period": "2026-H1", "value": "1.234,5",
                     "source": "Één bron"}]


def test_the_read_model_rebuilt_from_zero_equals_the_incremental_one(default_services):
    app = default_services.app
    app.record_indicator_value(PLAN, indicator_id=GROEP, period="2026-H1", value="60", source="CBS",
                               at=at(2026, 7, 3), by="P&C")
    app.record_finance(PLAN, year=2026, domain="wmo", kind="besparing", amount="450000",
                       at=at(2026, 7, 3), by="P&C")
    default_services.catch_up()
    before = (list(default_services.db.query("SELECT * FROM indicator_values ORDER BY seq")),
              list(default_services.db.query("SELECT * FROM finance_figures ORDER BY seq")))
    default_services.runner.rebuild()
    after = (list(default_services.db.query("SELECT * FROM indicator_values ORDER BY seq")),
             list(default_services.db.query("SELECT * FROM finance_figures ORDER BY seq")))
    assert after == before and len(after[0]) == 1


# --- the command line --------------------------------------------------------------------------

def test_the_cli_records_values_imports_a_csv_and_finance(default_services, cli, tmp_path):
    result = cli("indicator-value", GROEP, "2026-H1", "60", "--source", "CBS", "--today", "2026-07-03")
    assert result.exit_code == 0, result.output
    bad = tmp_path / "fout.csv"
    bad.write_text("indicator;periode;waarde;bron\nonbekend;2026-H1;1;x\n", encoding="utf-8")
    result = cli("import-indicators", bad, "--today", "2026-07-08")
    assert result.exit_code == 1
    assert "Regel 2: Onbekende indicator 'onbekend'" in result.output and "Niets vastgelegd." in result.output
    good = tmp_path / "goed.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    result = cli("import-indicators", good, "--plan", PLAN, "--today", "2026-07-08")
    assert result.exit_code == 0 and "2 waarden vastgelegd." in result.output
    result = cli("finance", "--year", "2025", "--domain", "jeugd", "--kind", "realisatie",
                 "--amount", "€ 33.000.000", "--note", "Jaarrekening", "--today", "2026-04-15")
    assert result.exit_code == 0, result.output
    result = cli("finance", "--year", "2031", "--domain", "jeugd", "--kind", "realisatie", "--amount", "1")
    assert result.exit_code == 1 and "buiten de looptijd" in result.output
    default_services.catch_up()
    assert [r["by"] for r in recorded_values(default_services.db, PLAN)] == ["via de command line, tester"] * 3
    assert finance_figures(default_services.db, PLAN)[(2025, "jeugd", "realisatie")]["note"] == "Jaarrekening"


# --- the pages -----------------------------------------------------------------------------------

@pytest.fixture
def web(default_services, data_dir):
    from web import create_app

    return create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-07-10", "TESTING": True})


def test_the_beheerder_records_a_value_and_uploads_a_csv(web, default_services):
    client = web.test_client()
    sign_in(client, default_services, "beheerder")
    url = f"/plannen/{PLAN}/indicatoren"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "indicator": GROEP, "periode": "2026-H1",
                                      "waarde": "60", "bron": "CBS"})
    assert response.status_code == 303
    response = client.post(url, data={"csrf_token": token, "indicator": GROEP, "periode": "2026-Q1",
                                      "waarde": "61", "bron": "CBS"})
    assert response.status_code == 422
    assert "wordt per halfjaar gemeten" in response.get_data(as_text=True)
    bad = "indicator;periode;waarde;bron\nwachtlijst-jeugd-ggz;2025-H2;130;x\nonbekend;2026-H1;1;x\n"
    response = client.post(f"{url}/csv", data={"csrf_token": token, "bestand": (io.BytesIO(bad.encode()), "w.csv")},
                           content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is niets vastgelegd." in text and "Regel 3: Onbekende indicator" in text
    response = client.post(f"{url}/csv", data={"csrf_token": token,
                                               "bestand": (io.BytesIO(GOOD_CSV.encode()), "w.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "2 waarden vastgelegd uit w.csv." in page
    default_services.catch_up()
    assert [r["by"] for r in recorded_values(default_services.db, PLAN)] == ["Bea Beheer"] * 3


def test_the_beheerder_records_a_finance_figure(web, default_services):
    client = web.test_client()
    sign_in(client, default_services, "beheerder")
    url = f"/plannen/{PLAN}/financien"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "jaar": "2025", "domein": "jeugd",
                                      "soort": "realisatie", "periode": "jaar", "bedrag": "33.000.000",
                                      "toelichting": "Jaarrekening"})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "€ 33.000.000" in page and "Jaarrekening" in page
    response = client.post(url, data={"csrf_token": token, "jaar": "2025", "domein": "jeugd",
                                      "soort": "realisatie", "periode": "jaar", "bedrag": "veel"})
    assert response.status_code == 422 and "is geen getal" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["lezer", "trekker"])
def test_readers_and_trekkers_do_not_see_the_figure_pages(web, default_services, role):
    client = web.test_client()
    sign_in(client, default_services, role)
    assert client.get(f"/plannen/{PLAN}/indicatoren").status_code == 403
    assert client.get(f"/plannen/{PLAN}/financien").status_code == 403


def test_the_stuurgroep_sees_the_figures_but_records_none(web, default_services):
    default_services.app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="33000000",
                                        note="Jaarrekening", at=at(2026, 3, 1), by="beheer")
    default_services.catch_up()
    client = web.test_client()
    sign_in(client, default_services, "stuurgroep")
    board = client.get(f"/plannen/{PLAN}").get_data(as_text=True)
    assert f"/plannen/{PLAN}/financien" in board and f"/plannen/{PLAN}/indicatoren" in board
    for url in (f"/plannen/{PLAN}/indicatoren", f"/plannen/{PLAN}/financien"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "/financien/bevestigen" not in page and "name=\"bedrag\"" not in page and "name=\"waarde\"" not in page and "een beheerder legt" in page
    assert "Jaarrekening" in client.get(f"/plannen/{PLAN}/financien").get_data(as_text=True)
    before = event_count(default_services)
    token = csrf_token(client, f"/plannen/{PLAN}")
    response = client.post(f"/plannen/{PLAN}/financien", data={
        "csrf_token": token, "jaar": "2025", "domein": "jeugd", "soort": "realisatie", "periode": "jaar",
        "bedrag": "1"})
    assert response.status_code == 403 and event_count(default_services) == before


def test_the_finance_form_offers_the_domains_of_the_plan(web, default_services):
    from tests.helpers import IMPORTED_AT, REPO
    from tracker.planfile import read_plan_file

    regio = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
    default_services.app.import_plan(read_plan_file(regio), at=IMPORTED_AT, by="beheer")
    default_services.catch_up()
    client = web.test_client()
    sign_in(client, default_services, "beheerder")

    def offered(plan_id):
        page = client.get(f"/plannen/{plan_id}/financien").get_data(as_text=True)
        select = page[page.index('<select id="domein"'):]
        return re.findall(r'<option value="(\w+)"', select[:select.index("</select>")])

    assert offered(PLAN) == ["jeugd", "wmo", "beide"]  # the agenda covers youth care and the Wmo
    assert offered("regioprogramma-jeugd-rijk-van-nijmegen-2023-2028") == ["jeugd"]
