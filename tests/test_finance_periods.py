"""Honest finance figures: each states the part of the year it covers; savings never claim more."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from events.plan import FinanceFigureRecorded, share_of_year
from projections.finance import finance_figures
from projections.report import report_data
from tests.accounts import csrf_token, sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import at, event_count, stored_events
from tracker.errors import DomainError
from tracker.inputs import parse_coverage


def _finance(report, year, domain):
    return {r["domain"]: r for y in report["finance"]["years"] if y["year"] == year for r in y["rows"]}[domain]


@pytest.mark.parametrize(("text", "key", "end"), [
    ("2025", "2025", date(2025, 12, 31)),
    ("2026-H1", "2026-H1", date(2026, 6, 30)),
    ("t/m 2026-Q2", "2026-H1", date(2026, 6, 30)),
    ("t/m 2026-Q3", "t/m 2026-Q3", date(2026, 9, 30)),
    ("tot en met Q3 2026", "t/m 2026-Q3", date(2026, 9, 30)),
    ("2026-Q1", "2026-Q1", date(2026, 3, 31)),
    ("t/m 2026-05", "t/m 2026-05", date(2026, 5, 31)),
    ("t/m 2026-07-14", "t/m 2026-07-14", date(2026, 7, 14)),
])
def test_a_period_covers_the_year_from_1_january(text, key, end):
    year = int(re.search(r"\d{4}", text)[0])
    coverage = parse_coverage(text, year, date(2026, 12, 1))
    assert (coverage.key, coverage.end) == (key, end)


def test_without_a_period_a_running_year_counts_up_to_the_day_before_it_is_recorded():
    assert parse_coverage(None, 2026, date(2026, 7, 1)).key == "2026-H1"
    assert parse_coverage("", 2026, date(2026, 7, 15)).end == date(2026, 7, 14)
    assert parse_coverage(None, 2025, date(2026, 2, 1)).whole_year


@pytest.mark.parametrize(("text", "message"), [
    ("2026-Q3", "Een bedrag telt vanaf 1 januari: '2026-Q3' begint later. Gebruik 't/m 2026-Q3'"),
    ("2026-H2", "begint later"),
    ("2026", "De periode '2026' is nog niet voorbij"),
    ("t/m 2026-Q3", "nog niet voorbij"),
    ("2025", "hoort niet bij het jaar 2026"),
    ("t/m 2026-02-30", "geen bestaande datum"),
])
def test_a_period_that_is_not_year_to_date_or_not_over_is_refused(text, message):
    with pytest.raises(DomainError, match=re.escape(message)):
        parse_coverage(text, 2026, date(2026, 7, 1))


def test_the_share_of_a_year_counts_months_or_else_days():
    assert share_of_year(2026, date(2026, 6, 30)) == Decimal("0.5")
    assert share_of_year(2026, date(2026, 12, 31)) == 1
    assert share_of_year(2026, date(2026, 1, 10)) == Decimal(10) / 365


def test_a_figure_recorded_before_figures_had_periods_reads_as_the_whole_year(default_services):
    default_services.app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="33000000",
                                        at=at(2026, 4, 1), by="P&C")
    mapper = default_services.runner.mapper
    event = next(e for e in stored_events(default_services) if isinstance(e, FinanceFigureRecorded))
    stored = mapper.to_stored_event(event)
    # The same event as the first version of the class stored it: no period, no class version.
    state = json.loads(stored.state)
    for name in ("period", "period_end", "check", "confirmed", "class_version"):
        state.pop(name)
    old = mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))
    assert (old.period, old.period_end, old.check, old.confirmed) == ("2025", date(2025, 12, 31), "", False)


def test_half_a_year_of_spending_is_not_a_whole_year_of_saving(default_services, cli, tmp_path):
    """The realisation of the year so far, entered in July, says what it covers and claims nothing more."""
    result = cli("finance", "--year", "2026", "--domain", "jeugd", "--kind", "realisatie", "--amount", "1250000",
                 "--today", "2026-07-01")
    assert result.exit_code == 0, result.output
    default_services.catch_up()
    figure = finance_figures(default_services.db, PLAN)[(2026, "jeugd", "realisatie")]
    assert (figure["period"], figure["period_end"], figure["whole_year"]) == ("2026-H1", "2026-06-30", False)
    out = tmp_path / "rapportage.md"
    result = cli("report", "--period", "2026-H1", "--format", "md", "-o", out, "--today", "2026-07-15")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "€ 1.250.000" in text and "januari t/m juni 2026" in text
    assert "gehaald" not in text
    kern = text[text.index("## Kernboodschap"):text.index("## ", text.index("## Kernboodschap") + 3)]
    assert "jeugd gerealiseerde uitgaven € 1.250.000 over januari t/m juni 2026" in kern
    assert "over het hele jaar" not in text and "€ 34.150.000" not in text
    # The figure lies far below half the nulmeting over the same half year: flagged until confirmed.
    assert "nog niet bevestigd" in kern
    row = _finance(report_data(default_services.db, PLAN, "2026-H1", date(2026, 7, 15)), 2026, "jeugd")
    assert (row["besparing"], row["taakstelling_gehaald"], row["year_complete"]) == (None, None, False)
    assert row["besparing_deel"]["withheld"] is True
    assert row["unconfirmed"][0]["check"] == "minder dan de helft van de nulmeting over dezelfde periode"


def test_a_plausible_part_of_the_year_shows_the_saving_so_far_beside_that_part_of_the_taakstelling(default_services):
    app = default_services.app
    assert app.record_finance(PLAN, year=2026, domain="jeugd", kind="realisatie", amount="16.200.000",
                              period="2026-H1", at=at(2026, 7, 20), by="P&C") == ""
    default_services.catch_up()
    row = _finance(report_data(default_services.db, PLAN, "2026-H1", date(2026, 7, 31)), 2026, "jeugd")
    part = row["besparing_deel"]
    # Half the nulmeting (35,4 mln) minus the half year's spending, against half the taakstelling.
    assert (part["amount"], part["taakstelling_deel"], part["covers"]) == (
        Decimal("1500000"), Decimal("3000000"), "januari t/m juni 2026")
    assert row["besparing"] is None and row["taakstelling_gehaald"] is None and not row["unconfirmed"]


def test_an_implausible_whole_year_is_flagged_until_it_is_confirmed(default_services):
    app = default_services.app
    check = app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="12.000.000",
                               at=at(2026, 4, 1), by="P&C")
    assert check == "minder dan de helft van de nulmeting"
    default_services.catch_up()
    before = _finance(report_data(default_services.db, PLAN, "2026-H1", date(2026, 4, 2)), 2025, "jeugd")
    assert before["unconfirmed"] and before["besparing"] is None and before["taakstelling_gehaald"] is None
    with pytest.raises(DomainError, match="Er is geen bedrag vastgelegd"):
        app.confirm_finance(PLAN, year=2025, domain="jeugd", kind="kosten_maatregelen", at=at(2026, 4, 3), by="P&C")
    app.confirm_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", note="Klopt: scope versmald",
                        at=at(2026, 4, 5), by="Controller")
    with pytest.raises(DomainError, match="hoeft niet bevestigd te worden"):
        app.confirm_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", at=at(2026, 4, 6), by="P&C")
    default_services.catch_up()
    after = _finance(report_data(default_services.db, PLAN, "2026-H1", date(2026, 4, 5)), 2025, "jeugd")
    assert not after["unconfirmed"]
    assert (after["besparing"], after["taakstelling_gehaald"]) == (Decimal("23400000"), True)
    # As known the day before the confirmation, the report still flags it.
    assert _finance(report_data(default_services.db, PLAN, "2026-H1", date(2026, 4, 5), known_on=date(2026, 4, 4)),
                    2025, "jeugd")["unconfirmed"]
    # A rebuild from the events gives the same.
    default_services.runner.rebuild()
    assert not _finance(report_data(default_services.db, PLAN, "2026-H1", date(2026, 4, 5)), 2025, "jeugd")["unconfirmed"]


def test_a_figure_recorded_as_confirmed_is_not_flagged(default_services):
    app = default_services.app
    assert app.record_finance(PLAN, year=2025, domain="wmo", kind="realisatie", amount="4000000", confirmed=True,
                              at=at(2026, 4, 1), by="P&C") == ""
    default_services.catch_up()
    figure = finance_figures(default_services.db, PLAN)[(2025, "wmo", "realisatie")]
    assert figure["check_text"] and not figure["unconfirmed"]


# --- the pages -----------------------------------------------------------------------------------

@pytest.fixture
def web(default_services, data_dir):
    from web import create_app

    return create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-07-10", "TESTING": True})


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select id="{name}" name="{name}".*?</select>', page, re.S)[0]
    found = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)<', select)
    return found[1] if found[1] is not None else found[2]


def test_the_finance_form_asks_the_period_keeps_year_and_period_and_asks_to_confirm(web, default_services):
    client = web.test_client()
    sign_in(client, default_services, "beheerder")
    url = f"/plannen/{PLAN}/financien"
    token = csrf_token(client, url)
    before = event_count(default_services)
    response = client.post(url, data={"csrf_token": token, "jaar": "2026", "domein": "jeugd",
                                      "soort": "realisatie", "bedrag": "17.000.000"})
    assert response.status_code == 422 and "Kies over welk deel van het jaar" in response.get_data(as_text=True)
    assert event_count(default_services) == before
    response = client.post(url, data={"csrf_token": token, "jaar": "2026", "domein": "jeugd", "periode": "H1",
                                      "soort": "realisatie", "bedrag": "17.000.000"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Het bedrag is vastgelegd." in page
    assert (_selected(page, "jaar"), _selected(page, "periode")) == ("2026", "H1")
    assert "januari t/m juni 2026" in page
    response = client.post(url, data={"csrf_token": token, "jaar": "2026", "domein": "wmo", "periode": "H1",
                                      "soort": "realisatie", "bedrag": "500.000"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "maar het is minder dan de helft van de nulmeting over dezelfde periode" in page
    assert "Nog te bevestigen" in page and (_selected(page, "jaar"), _selected(page, "domein")) == ("2026", "wmo")
    response = client.post(f"{url}/bevestigen", data={"csrf_token": token, "jaar": "2026", "domein": "wmo",
                                                      "soort": "realisatie"})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Het bedrag is bevestigd." in page and "Nog te bevestigen" not in page
    default_services.catch_up()
    assert finance_figures(default_services.db, PLAN)[(2026, "wmo", "realisatie")]["confirmed_by"] == "Bea Beheer"


def test_the_indicator_form_keeps_the_indicator_and_period_after_saving(web, default_services):
    client = web.test_client()
    sign_in(client, default_services, "beheerder")
    url = f"/plannen/{PLAN}/indicatoren"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "indicator": "wachtlijst-jeugd-ggz",
                                      "periode": "2026-H1", "waarde": "118", "bron": "Uitvraag"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _selected(page, "indicator") == "wachtlijst-jeugd-ggz"
    assert 'name="periode" required placeholder="2026-H1" value="2026-H1"' in page


def test_the_cli_takes_the_period_warns_of_an_implausible_figure_and_confirms_it(default_services, cli):
    result = cli("finance", "--year", "2026", "--domain", "wmo", "--kind", "realisatie", "--amount", "4.000.000",
                 "--period", "t/m 2026-Q3", "--today", "2026-10-05")
    assert result.exit_code == 0, result.output
    assert "Let op: het bedrag is minder dan de helft van de nulmeting over dezelfde periode" in result.output
    result = cli("finance", "--year", "2026", "--domain", "wmo", "--kind", "realisatie", "--amount", "1",
                 "--period", "2026-Q3", "--today", "2026-10-05")
    assert result.exit_code == 1 and "Gebruik 't/m 2026-Q3'" in result.output
    result = cli("confirm-finance", "--year", "2026", "--domain", "wmo", "--kind", "realisatie", "--today", "2026-10-06")
    assert result.exit_code == 0 and "Bevestigd." in result.output
    default_services.catch_up()
    figure = finance_figures(default_services.db, PLAN)[(2026, "wmo", "realisatie")]
    assert (figure["period"], figure["unconfirmed"], figure["confirmed_by"]) == ("t/m 2026-Q3", False, "via de command line, tester")
    result = cli("finance", "--year", "2025", "--domain", "wmo", "--kind", "realisatie", "--amount", "100",
                 "--confirm", "--today", "2026-03-01")
    assert result.exit_code == 0 and "Let op" not in result.output
