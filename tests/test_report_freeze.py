"""Vaststellen: a published report is frozen at a position of the event log and made again identically."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime

import pytest

from projections.frozen import plan_aggregates, read_model_at
from projections.publications import published_reports
from projections.report import report_data
from tests.accounts import csrf_token, sign_in
from tests.helpers import SMALL_PLAN, import_text, stored_events
from tests.report_seed import AS_OF, PERIOD, PLAN, seed_report_scenario
from tracker.errors import DomainError
from web.reports import render_report
from web.reports.build import concept, published

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores

PUBLISHED_AT = datetime(2026, 7, 20, 10)


@pytest.fixture
def scenario(services):
    seed_report_scenario(services)
    return services


def publish(services, as_of=AS_OF, at=PUBLISHED_AT, **new_version) -> int:
    position = services.runner.position
    number = services.app.publish_report(PLAN, period=PERIOD, as_of=as_of, position=position, at=at, by="Bea Beheer",
                                         **new_version)
    services.catch_up()
    return number


def texts(services, number: int, tmp_path) -> dict[str, str]:
    """Return the published report's text in every format."""
    import docx

    data, meta = published(services, services.db, PLAN, number)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_report(data, meta, "pdf"))
    document = docx.Document(io.BytesIO(render_report(data, meta, "docx")))
    return {
        "md": render_report(data, meta, "md").decode("utf-8"),
        "html": render_report(data, meta, "html").decode("utf-8"),
        "docx": "\n".join([p.text for p in document.paragraphs]
                          + [c.text for t in document.tables for r in t.rows for c in r.cells]),
        "pdf": subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout,
    }


def add_later_events(services) -> None:
    """Events after publication, several back-dated to before the report's as-of date."""
    app = services.app
    app.complete_milestone(PLAN, "4.3", "start-pilot", realised=date(2026, 6, 20),
                           at=datetime(2026, 7, 1, 9), by="Karin Smit")        # back-dated
    app.set_stoplicht(PLAN, "2.A1", colour="rood", oorzaak="Capaciteit", gevolg="Vertraging",
                      bijsturing="Inhuur", at=datetime(2026, 7, 2, 9), by="Karin Smit")  # back-dated
    app.record_indicator_value(PLAN, indicator_id="groepsproducten-zorgaanbieders", period="2026-H1",
                               value="70", source="Herziene telling", at=datetime(2026, 7, 12, 9), by="P&C")
    app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="32000000",
                       note="Na accountantscontrole", at=datetime(2026, 7, 14, 9), by="P&C")
    app.add_note(PLAN, "3.A1", text="Commissie alsnog bijeen", at=datetime(2026, 8, 1, 9), by="Jan Jansen")
    services.catch_up()


def test_a_published_report_made_again_after_new_events_is_identical(scenario, tmp_path):
    number = publish(scenario)
    first = texts(scenario, number, tmp_path)
    add_later_events(scenario)
    again = texts(scenario, number, tmp_path)
    for fmt in ("md", "html", "docx", "pdf"):
        assert again[fmt] == first[fmt], fmt
    assert "Status:** vastgesteld op 20 juli 2026 door Bea Beheer (rapportage nr. 1)" in again["md"]
    # The same report as a concept does change: the later events were back-dated before its as-of date.
    data, meta = concept(scenario.db, PLAN, PERIOD, AS_OF, date(2026, 8, 2))
    fresh = render_report(data, meta, "md").decode("utf-8")
    assert "70 (gecorrigeerd; eerder 60, 65)" in fresh and "70 (gecorrigeerd" not in again["md"]
    assert data["kernboodschap"]["counts"] != published(scenario, scenario.db, PLAN, number)[0]["kernboodschap"]["counts"]


def test_the_frozen_read_model_equals_the_live_one_at_that_position(scenario, tmp_path):
    import_text(scenario, SMALL_PLAN, "testagenda.yaml", datetime(2026, 7, 1, 9))  # another plan
    position = scenario.runner.position
    live = report_data(scenario.db, PLAN, PERIOD, AS_OF)
    add_later_events(scenario)
    frozen = read_model_at(scenario.app.recorder, position, tmp_path / "bevroren")
    assert report_data(frozen, PLAN, PERIOD, AS_OF) == live
    frozen.close()
    # Kept as a file per position: the second time nothing is replayed.
    again = read_model_at(scenario.app.recorder, position, tmp_path / "bevroren")
    assert again.execute("SELECT position FROM tracking").fetchone()[0] == position
    assert report_data(again, PLAN, PERIOD, AS_OF) == live
    in_memory = read_model_at(scenario.app.recorder, position)
    assert report_data(in_memory, PLAN, PERIOD, AS_OF) == live
    # Only the plan's own events: the other plan's are skipped.
    only_plan = read_model_at(scenario.app.recorder, position, aggregates=plan_aggregates(scenario.db, PLAN))
    assert report_data(only_plan, PLAN, PERIOD, AS_OF) == live
    assert only_plan.execute("SELECT count(*) FROM history").fetchone()[0] < \
        in_memory.execute("SELECT count(*) FROM history").fetchone()[0]


def test_the_list_of_published_reports_is_kept(scenario):
    first = publish(scenario)
    scenario.app.add_note(PLAN, "2.A2", text="Nog een notitie", at=datetime(2026, 7, 21, 9), by="Fatima de Vries")
    scenario.catch_up()
    second = publish(scenario, at=datetime(2026, 7, 22, 9), new_version=True, reason="Notitie 2.A2 nagekomen")
    rows = published_reports(scenario.db, PLAN)
    assert (first, second) == (1, 2)
    assert [(r["number"], r["period"], r["as_of"], r["by"], r["replaces"], r["reason"]) for r in rows] == [
        (2, "2026-H1", "2026-07-15", "Bea Beheer", 1, "Notitie 2.A2 nagekomen"),
        (1, "2026-H1", "2026-07-15", "Bea Beheer", 0, "")]
    assert rows[0]["position"] > rows[1]["position"]
    events = [type(e).__name__ for e in stored_events(scenario)]
    assert events.count("ReportPublished") == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"period": "2026-Q2"}, "gaat over een halfjaar"),
    ({"as_of": date(2025, 12, 31)}, "ligt voor het begin van 2026-H1"),
    ({"as_of": date(2026, 7, 21)}, "ligt in de toekomst"),
    ({"position": 10**9}, "ligt voorbij de laatste gebeurtenis"),
    ({"position": 0}, "minstens één gebeurtenis"),
])
def test_publishing_is_checked_first(scenario, kwargs, message):
    values = {"period": PERIOD, "as_of": AS_OF, "position": scenario.runner.position, **kwargs}
    with pytest.raises(DomainError, match=message):
        scenario.app.publish_report(PLAN, **values, at=PUBLISHED_AT, by="Bea Beheer")


def test_the_same_report_cannot_be_published_twice(scenario):
    publish(scenario)
    position = published_reports(scenario.db, PLAN)[0]["position"]
    with pytest.raises(DomainError, match=r"al vastgesteld \(nr. 1\)"):
        scenario.app.publish_report(PLAN, period=PERIOD, as_of=AS_OF, position=position,
                                    at=datetime(2026, 7, 21, 9), by="Bea Beheer")


def test_a_second_report_of_the_same_period_and_peildatum_only_as_a_new_version_with_a_reason(scenario):
    publish(scenario)
    scenario.app.add_note(PLAN, "2.A2", text="Nog een notitie", at=datetime(2026, 7, 21, 9), by="Fatima de Vries")
    scenario.catch_up()
    before = len(stored_events(scenario))
    later = datetime(2026, 7, 22, 9)
    with pytest.raises(DomainError, match=r"al rapportage nr\. 1 vastgesteld.*nieuwe versie"):
        publish(scenario, at=later)
    with pytest.raises(DomainError, match="reden van de nieuwe versie"):
        publish(scenario, at=later, new_version=True, reason="  ")
    with pytest.raises(DomainError, match="geen vorige versie"):
        publish(scenario, as_of=date(2026, 7, 10), at=later, new_version=True, reason="Correctie")
    assert len(stored_events(scenario)) == before  # nothing recorded
    assert publish(scenario, as_of=date(2026, 7, 10), at=later) == 2  # another peildatum: a report of its own
    assert publish(scenario, at=later, new_version=True, reason="Correctie 2.A2") == 3
    data, meta = published(scenario, scenario.db, PLAN, 3)
    assert b"nieuwe versie van nr. 1: Correctie 2.A2" in render_report(data, meta, "md")


def test_the_cli_publishes_and_makes_the_published_report_again(scenario, cli, tmp_path):
    result = cli("publish-report", "--period", "2026-H1", "--as-of", "2026-07-15", "--today", "2026-07-20")
    assert result.exit_code == 0, result.output
    assert re.search(r"Rapportage nr\. 1 over 2026-H1 vastgesteld \(vastleggingen tot en met nr\. \d+\)", result.output)
    first = tmp_path / "eerst.md"
    assert cli("report", "--period", "2026-H1", "--published", "-o", first, "--format", "md").exit_code == 0
    add_later_events(scenario)
    later = tmp_path / "later.md"
    assert cli("report", "--number", "1", "-o", later, "--format", "md").exit_code == 0
    assert later.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    listing = cli("reports", "--json")
    assert '"number": 1' in listing.output and '"by": "via de command line, tester"' in listing.output
    again = cli("publish-report", "--period", "2026-H1", "--as-of", "2026-07-15", "--today", "2026-08-02")
    assert again.exit_code == 1 and "alleen opnieuw vast als nieuwe versie" in again.output
    again = cli("publish-report", "--period", "2026-H1", "--as-of", "2026-07-15", "--today", "2026-08-02",
                "--new-version", "--reason", "Commissie alsnog bijeen")
    assert again.exit_code == 0, again.output
    assert '"replaces": 1' in cli("reports", "--json").output
    result = cli("report", "--period", "2025-H2", "--published", "-o", tmp_path / "x.md")
    assert result.exit_code == 1 and "geen vastgestelde rapportage over 2025-H2" in result.output
    # Options that contradict the published report are refused, not ignored.
    result = cli("report", "--period", "2025-H2", "--number", "1", "-o", tmp_path / "y.md")
    assert result.exit_code == 1 and "rapportage nr. 1 gaat over 2026-H1, niet over 2025-H2" in result.output
    result = cli("report", "--number", "1", "--as-of", "2026-07-01", "-o", tmp_path / "z.md")
    assert result.exit_code == 1 and "laat --as-of en --as-known-on weg" in result.output
    assert not (tmp_path / "y.md").exists() and not (tmp_path / "z.md").exists()


def test_the_beheerder_publishes_the_preview_from_the_page(scenario, data_dir):
    from web import create_app

    web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-07-20", "TESTING": True})
    client = web.test_client()
    sign_in(client, scenario, "beheerder")
    url = f"/plannen/{PLAN}/rapportages?periode=2026-H1&peildatum=2026-07-15"
    page = client.get(url).get_data(as_text=True)
    position = int(re.search(r'name="positie" value="(\d+)"', page).group(1))
    # An event between the preview and the click: the report published is the one previewed.
    scenario.app.add_note(PLAN, "2.A2", text="Tussendoor", at=datetime(2026, 7, 20, 9), by="Fatima de Vries")
    # "Vaststellen…" first asks to confirm, and records nothing.
    assert 'action="/plannen/{}/rapportages/vaststellen" class="publish-form"'.format(PLAN) in page
    assert 'method="get" action="/plannen/{}/rapportages/vaststellen"'.format(PLAN) in page
    events = len(stored_events(scenario))
    confirm = client.get(f"/plannen/{PLAN}/rapportages/vaststellen?periode=2026-H1&peildatum=2026-07-15&positie={position}")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Ja, vaststellen</button>" in text
    assert f"tot en met\n  nr. {position}" in text and "eerste halfjaar 2026" in text
    assert len(stored_events(scenario)) == events
    response = client.post(f"/plannen/{PLAN}/rapportages/vaststellen",
                           data={"csrf_token": csrf_token(client, url), "periode": "2026-H1",
                                 "peildatum": "2026-07-15", "positie": str(position)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/rapportages/nr-1")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rapportage nr. 1 over het eerste halfjaar 2026 is vastgesteld." in shown
    assert f"vastleggingen tot en met nr. {position}" in shown
    assert published_reports(scenario.db, PLAN)[0]["position"] == position
    listing = client.get(f"/plannen/{PLAN}/rapportages").get_data(as_text=True)
    assert "Rapportage nr. 1</a>" in listing
    download = client.get(f"/plannen/{PLAN}/rapportages/nr-1.md")
    assert download.status_code == 200 and b"vastgesteld op 20 juli 2026 door Bea Beheer" in download.data
    assert client.get(f"/plannen/{PLAN}/rapportages/nr-7").status_code == 404
    # The same period and peildatum again: the confirmation asks for a new version and its reason.
    confirm = client.get(f"/plannen/{PLAN}/rapportages/vaststellen?periode=2026-H1&peildatum=2026-07-15"
                         f"&positie={position + 1}").get_data(as_text=True)
    assert "al <a href" in confirm and "rapportage nr. 1</a>" in confirm
    assert "Nieuwe versie vaststellen</button>" in confirm and 'name="reden"' in confirm
    form = {"csrf_token": csrf_token(client, url), "periode": "2026-H1", "peildatum": "2026-07-15",
            "positie": str(position + 1), "nieuwe_versie": "ja", "reden": ""}
    refused = client.post(f"/plannen/{PLAN}/rapportages/vaststellen", data=form)
    assert refused.status_code == 422 and "Geef de reden van de nieuwe versie op." in refused.get_data(as_text=True)
    assert len(published_reports(scenario.db, PLAN)) == 1
    second = client.post(f"/plannen/{PLAN}/rapportages/vaststellen", data=form | {"reden": "Notitie tussendoor"})
    assert second.status_code == 303 and second.headers["Location"].endswith("/rapportages/nr-2")
    shown = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Nieuwe versie van <a href" in shown and "Reden: Notitie tussendoor" in shown
    assert "nieuwe versie van nr. 1: Notitie tussendoor" in client.get(url).get_data(as_text=True)


def test_a_lezer_reads_the_published_reports_and_makes_no_concept(scenario, data_dir):
    from web import create_app

    publish(scenario)
    web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-07-20", "TESTING": True})
    client = web.test_client()
    sign_in(client, scenario, "lezer")
    page = client.get(f"/plannen/{PLAN}/rapportages")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Rapportage nr. 1</a>" in text
    assert "Voorbeeld tonen" not in text and "Vaststellen" not in text
    assert "Raadsrapportage</a>" in client.get(f"/plannen/{PLAN}").get_data(as_text=True)
    assert client.get(f"/plannen/{PLAN}/rapportages/nr-1").status_code == 200
    download = client.get(f"/plannen/{PLAN}/rapportages/nr-1.md")
    assert download.status_code == 200 and b"vastgesteld op 20 juli 2026" in download.data
    assert client.get(f"/plannen/{PLAN}/rapportages/concept.md?periode=2026-H1&peildatum=2026-07-15").status_code == 403
    assert client.get(f"/plannen/{PLAN}/rapportages?periode=2026-H1&peildatum=2026-07-15").get_data(as_text=True).count(
        "Voorbeeld van de rapportage") == 0
    url = f"/plannen/{PLAN}/rapportages"
    assert client.get(f"{url}/vaststellen?periode=2026-H1&peildatum=2026-07-15&positie=5").status_code == 403


def test_the_stuurgroep_may_not_publish(scenario, data_dir):
    from web import create_app

    web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-07-20", "TESTING": True})
    client = web.test_client()
    sign_in(client, scenario, "stuurgroep")
    url = f"/plannen/{PLAN}/rapportages"
    response = client.post(f"{url}/vaststellen", data={"csrf_token": csrf_token(client, url), "periode": "2026-H1",
                                                        "peildatum": "2026-07-15", "positie": "5"})
    assert response.status_code == 403
    assert published_reports(scenario.db, PLAN) == []
