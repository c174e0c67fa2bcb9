"""The read side of the stuurgroep: board, quarter status, changes since, exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from projections.board import BoardFilter, board
from projections.history import changes_by_section
from projections.interventions import interventions_as_of
from projections.quarters import Quarter, planned_vs_realised, quarter_status
from tests.accounts import sign_in
from tests.conftest import SHARED_SECRET_KEY
from tests.seed import PLAN, TODAY, seed_plan
from web import create_app
from web.services import open_services


# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, module_database_url):
    data_dir = tmp_path_factory.mktemp("board") / "data"
    seed_plan(data_dir, module_database_url)
    services = open_services(data_dir, database_url=module_database_url)
    # A Q1 2026 milestone moved out of its quarter during the quarter.
    start = next(m for m in services.app.get_intervention(PLAN, "2.B2").milestones.values()
                 if m.due.text == "Q1 2026")
    services.app.reschedule_milestone(PLAN, "2.B2", start.id, due="Q2 2026", reason="Capaciteit",
                                      at=datetime(2026, 2, 1, 9), by="Fatima de Vries")
    services.catch_up()
    return services


def codes(rows):
    return [r["code"] for r in rows]


def test_board_filters_and_sorts(seeded) -> None:
    db = seeded.db
    everything = board(db, PLAN, TODAY)
    assert everything["total"] == 24 and len(everything["rows"]) == 24
    assert codes(board(db, PLAN, TODAY, BoardFilter(trekker="Jan Jansen"))["rows"]) == ["3.A1"]
    without = board(db, PLAN, TODAY, BoardFilter(trekker="-"))["rows"]
    assert len(without) == 22 and "3.A1" not in codes(without)
    theme = board(db, PLAN, TODAY, BoardFilter(group="3.A"))["rows"]
    assert theme and all(c.startswith("3.A") for c in codes(theme))
    chapter = board(db, PLAN, TODAY, BoardFilter(group="3"))["rows"]
    assert set(codes(theme)) < set(codes(chapter))
    wmo = board(db, PLAN, TODAY, BoardFilter(domain="wmo"))["rows"]
    assert codes(wmo) == ["4.1", "4.2"]
    by_colour = board(db, PLAN, TODAY, BoardFilter(sort="stoplicht"))["rows"]
    order = ["rood", "oranje", "groen"]
    ranks = [order.index(r["stoplicht_effective"]) for r in by_colour]
    assert ranks == sorted(ranks)


def test_manual_and_automatic_stoplicht_side_by_side(seeded) -> None:
    row = board(seeded.db, PLAN, TODAY, BoardFilter(trekker="Jan Jansen"))["rows"][0]
    assert row["stoplicht"] == "oranje"            # set by the trekker
    assert row["stoplicht_auto"] == "rood"          # several milestones late by 1 April 2026
    assert row["stoplicht_effective"] == "rood"
    assert len(row["late_milestones"]) >= 2


def test_board_as_of_a_past_date(seeded) -> None:
    past = board(seeded.db, PLAN, date(2025, 11, 1))
    row = next(r for r in past["rows"] if r["code"] == "3.A1")
    assert row["trekker_name"] == "Jan Jansen" and row["stoplicht"] is None
    assert row["stoplicht_auto"] == "groen" and not row["late_milestones"]
    before = board(seeded.db, PLAN, date(2025, 10, 1))
    assert all(r["trekker_name"] is None for r in before["rows"])


def test_deviations_only(seeded) -> None:
    day = date(2025, 10, 15)
    everything = board(seeded.db, PLAN, day)["rows"]
    shown = board(seeded.db, PLAN, day, BoardFilter(deviations_only=True))["rows"]
    expected = [r["code"] for r in everything
                if r["late_milestones"] or r["stoplicht_effective"] != "groen" or r["stale"]]
    assert codes(shown) == expected
    assert 0 < len(shown) < len(everything)


def test_quarter_status_counts_on_time_late_and_rescheduled(seeded) -> None:
    q4 = quarter_status(seeded.db, PLAN, Quarter(2025, 4), TODAY)
    assert not q4["running"]
    assert q4["totals"]["op_tijd"] == 1                     # 2.B2's first milestone, 15 Dec 2025
    # The quarter is over: what was due in it and not done by its end was not done in it (te laat),
    # however long ago; none is left "open".
    assert q4["totals"]["te_laat"] == q4["due"] - 1 - q4["totals"]["verschoven"]
    assert q4["totals"]["open"] == 0
    # The same, looked at the day after the quarter ended: the state of its end, judged so. On its
    # last day a term of that day has not passed yet.
    assert quarter_status(seeded.db, PLAN, Quarter(2025, 4), date(2026, 1, 1))["totals"] == q4["totals"]
    last_day = quarter_status(seeded.db, PLAN, Quarter(2025, 4), date(2025, 12, 31))["totals"]
    assert last_day["te_laat"] < q4["totals"]["te_laat"] and last_day["open"] > 0
    q1 = quarter_status(seeded.db, PLAN, Quarter(2026, 1), TODAY)
    rescheduled = [m for r in q1["rows"] for m in r["milestones"] if m["category"] == "verschoven"]
    assert [(m["code"], m["reason"]) for m in rescheduled] == [("2.B2", "Capaciteit")]
    running = quarter_status(seeded.db, PLAN, Quarter(2026, 2), TODAY)
    assert running["running"] and running["totals"]["te_laat"] == 0


def test_planned_vs_realised_per_quarter(seeded) -> None:
    data = planned_vs_realised(interventions_as_of(seeded.db, TODAY, plan_id=PLAN), Quarter(2025, 1), Quarter(2027, 4))
    by_key = {d["quarter"].key: d for d in data}
    assert by_key["2025-Q4"]["realised"] == 1
    assert sum(d["planned"] for d in data) >= 60


def test_changes_since_a_date(seeded) -> None:
    sections = {s["key"]: s["items"] for s in changes_by_section(seeded.db, PLAN, date(2025, 12, 31), TODAY)}
    assert [h["code"] for h in sections["verschoven"]] == ["3.A1", "2.B2"]
    assert "Wacht op besluit college" in sections["verschoven"][0]["description"]
    assert [h["code"] for h in sections["stoplicht"]] == ["3.A1"]
    assert sections["gereed"] == []                      # completed in December, before the window
    earlier = {s["key"]: s["items"] for s in changes_by_section(seeded.db, PLAN, date(2025, 9, 30), date(2025, 12, 31))}
    assert [h["code"] for h in earlier["gereed"]] == ["2.B2"]
    assert len(earlier["agenda"]) >= 24                  # the plan's import


@pytest.fixture(scope="module")
def client(seeded):
    client = create_app({"DATA_DIR": str(seeded.data_dir), "TODAY": TODAY.isoformat(),
                         "DATABASE_URL": seeded.database_url, "SECRET_KEY": SHARED_SECRET_KEY}).test_client()
    sign_in(client, seeded, "lezer")
    return client


def test_csv_export_has_dutch_columns_and_follows_filters(client) -> None:
    response = client.get(f"/plannen/{PLAN}/export.csv?trekker=Jan+Jansen")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Code", "Interventie", "Hoofdstuk/thema"]
    assert [r[0] for r in rows[1:]] == ["3.A1"]
    assert "Besluit later" in rows[1][rows[0].index("Toelichting")]


def test_xlsx_export_as_of_a_past_date(client) -> None:
    response = client.get(f"/plannen/{PLAN}/export.xlsx?as_of=2025-10-01")
    ws = load_workbook(io.BytesIO(response.data)).active
    assert "1 oktober 2025" in ws["A1"].value
    header = [c.value for c in ws[4]]  # below the plan, the peildatum and the filter
    trekkers = [row[header.index("Trekker")] for row in ws.iter_rows(min_row=5, values_only=True)]
    assert len(trekkers) == 24 and all(not t for t in trekkers)


def test_xlsx_export_works_in_excel(client) -> None:
    response = client.get(f"/plannen/{PLAN}/export.xlsx?trekker=Jan+Jansen&stoplicht=rood")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Interventies", "Mijlpalen"]
    for ws in book.worksheets:
        # What it is at the top: the plan, the peildatum, the filter; a frozen header row with an autofilter.
        assert ws["A1"].value.endswith("— stand per 1 april 2026")
        assert ws["A2"].value == "Filter: trekker Jan Jansen; stoplicht rood · 1 interventie"
        assert ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:")
        assert int(ws.auto_filter.ref.rsplit(":", 1)[1][1:]) == ws.max_row
    ivs = book["Interventies"]
    header = [c.value for c in ivs[4]]
    row = [c for c in ivs[5]]
    updated = row[header.index("Laatst bijgewerkt")]
    assert updated.is_date and updated.value.date() == date(2026, 1, 12) and updated.number_format == "DD-MM-YYYY"
    assert row[header.index("Dagen sinds bijwerken")].value == 79
    milestones = book["Mijlpalen"]
    header = [c.value for c in milestones[4]]
    lines = list(milestones.iter_rows(min_row=5))
    assert {line[0].value for line in lines} == {"3.A1"}
    late = next(line for line in lines if line[header.index("Mijlpaal")].value.startswith("Afwegingskader"))
    due = late[header.index("Uiterste datum")]
    assert due.is_date and due.value.date() == date(2025, 12, 31)
    assert late[header.index("Termijn")].value == "Q4 2025" and late[header.index("Stand")].value == "te laat"


def test_csv_export_has_a_bom_semicolons_and_dutch_dates(client) -> None:
    data = client.get(f"/plannen/{PLAN}/export.csv?trekker=Jan+Jansen").data.decode("utf-8")
    assert data.startswith("\ufeffCode;Interventie;")
    rows = list(csv.reader(io.StringIO(data[1:]), delimiter=";"))
    assert rows[1][rows[0].index("Laatst bijgewerkt")] == "12-01-2026"


def test_exports_say_not_updated_instead_of_counting_from_the_plan_load(client) -> None:
    # As the board says: an intervention only the plan file wrote is "nog niet bijgewerkt", and
    # has no count of days since an update that never was.
    rows = list(csv.reader(io.StringIO(client.get(f"/plannen/{PLAN}/export.csv").data.decode("utf-8-sig")),
                           delimiter=";"))
    header, lines = rows[0], rows[1:]
    untouched = [r for r in lines if r[header.index("Laatst bijgewerkt")] == "nog niet bijgewerkt"]
    assert untouched and all(r[header.index("Dagen sinds bijwerken")] == "" for r in untouched)
    updated = next(r for r in lines if r[0] == "3.A1")
    assert updated[header.index("Dagen sinds bijwerken")] == "79"
    ws = load_workbook(io.BytesIO(client.get(f"/plannen/{PLAN}/export.xlsx").data))["Interventies"]
    header = [c.value for c in ws[4]]
    values = list(ws.iter_rows(min_row=5, values_only=True))
    assert any(v[header.index("Laatst bijgewerkt")] == "nog niet bijgewerkt"
               and v[header.index("Dagen sinds bijwerken")] is None for v in values)


def test_htmx_request_gets_only_the_board_fragment(client) -> None:
    full = client.get(f"/plannen/{PLAN}?stoplicht=rood")
    fragment = client.get(f"/plannen/{PLAN}?stoplicht=rood", headers={"HX-Request": "true"})
    assert b"<html" in full.data and b"<html" not in fragment.data
    assert fragment.data.strip().startswith(b'<div id="board"')
    assert fragment.data.count(b"board-row") == full.data.count(b"board-row") > 0


def test_read_your_writes_after_a_command(seeded, client) -> None:
    seeded.app.add_note(PLAN, "4.1", text="Gesprek met BTV gevoerd", at=datetime(2026, 3, 30, 15), by="Piet")
    page = client.get(f"/plannen/{PLAN}/interventies/4.1")
    assert "Gesprek met BTV gevoerd" in page.data.decode()


@pytest.mark.parametrize("url, status", [
    (f"/plannen/{PLAN}/kwartaal?kwartaal=2026-Q9", 400),
    (f"/plannen/{PLAN}/wijzigingen?van=2026-04-01&tot=2026-01-01", 400),
    (f"/plannen/{PLAN}/export.pdf", 404),
    ("/plannen/onbekend/kwartaal", 404),
])
def test_bad_requests_get_a_dutch_page(client, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    text = response.data.decode()
    assert "Traceback" not in text and 'lang="nl"' in text


def test_a_milestone_done_or_cancelled_before_its_quarter_counts_in_the_quarter_it_was_due(seeded) -> None:
    """Done early is done on time in the quarter it was due in, as the dashboard counts it; not left out of
    every quarter. The council report counts its half year the same way."""
    from projections.report import report_data

    app = seeded.app
    later = [(iv["code"], m["milestone_id"]) for iv in interventions_as_of(seeded.db, TODAY, plan_id=PLAN)
             for m in iv["milestones"] if m["status"] == "open" and "2026-10-01" <= (m["due"] or "") <= "2026-12-31"]
    assert len(later) >= 2, "the plan has milestones due in Q4 2026"
    (done_code, done), (dropped_code, dropped) = later[0], later[1]
    app.complete_milestone(PLAN, done_code, done, realised=date(2026, 3, 20), at=datetime(2026, 3, 20, 9),
                           by="beheerder")
    app.cancel_milestone(PLAN, dropped_code, dropped, reason="Niet meer nodig", at=datetime(2026, 3, 21, 9),
                         by="beheerder")
    seeded.catch_up()
    today = date(2027, 1, 15)

    def category(status, milestone):
        return next((m["category"] for r in status["rows"] for m in r["milestones"]
                     if m["milestone_id"] == milestone), None)

    q4 = quarter_status(seeded.db, PLAN, Quarter(2026, 4), today)
    assert category(q4, done) == "op_tijd" and category(q4, dropped) == "vervallen"
    q1 = quarter_status(seeded.db, PLAN, Quarter(2026, 1), today)
    assert category(q1, done) is None and category(q1, dropped) is None  # due in Q4, not in Q1
    report = report_data(seeded.db, PLAN, "2026-H2", date(2026, 12, 31))

    def progress(sections):
        for section in sections:
            yield from section["interventions"]
            yield from progress(section["groups"])

    counted = {m["id"]: m["category"] for p in progress(report["sections"]) for m in p["due_in_period"]}
    assert counted[done] == "op_tijd" and counted[dropped] == "vervallen"


def test_the_quarter_view_takes_a_stand_per_day_as_the_board_does(client) -> None:
    page = client.get(f"/plannen/{PLAN}/kwartaal?as_of=2025-11-15").get_data(as_text=True)
    assert "Kwartaaloverzicht Q4 2025" in page and "Stand per 15 november 2025 (het kwartaal liep nog)" in page
    assert "as_of=2025-11-15" in page  # kept by the pager and the form
    later = client.get(f"/plannen/{PLAN}/kwartaal?kwartaal=2025-Q4").get_data(as_text=True)
    assert "Stand per 31 december 2025 (het eind van het kwartaal)" in later
    # The chart's figures, also as a table (a phone's chart is small; a screen reader reads the table).
    assert re.search(r'<tr class="current"><th scope="row">Q4 2025</th><td>\d+</td><td>\d+</td></tr>', later)
    ahead = client.get(f"/plannen/{PLAN}/kwartaal?kwartaal=2026-Q1&as_of=2025-11-15").get_data(as_text=True)
    assert "Stand per 15 november 2025 (het kwartaal was toen nog niet begonnen: zoals het gepland stond)" in ahead
