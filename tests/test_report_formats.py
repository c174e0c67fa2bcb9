"""The council report as HTML, PDF (WeasyPrint), Word (python-docx) and Markdown; CLI and downloads."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest

from projections.report import report_data
from tests.accounts import sign_in
from tests.report_seed import AS_OF, PERIOD, PLAN, seed_report_scenario
from web.reports import ReportMeta, filename, render_report

SECTIONS = ["Kernboodschap", "Wijzigingen in de agenda", "Indicatoren", "Financiën", "Bijlage: Tijdpad"]
MADE_ON = date(2026, 7, 16)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    from web.services import open_services

    services = open_services(tmp_path_factory.mktemp("formats") / "data")
    seed_report_scenario(services)
    return services


@pytest.fixture(scope="module")
def data(scenario):
    return report_data(scenario.db, PLAN, PERIOD, AS_OF)


@pytest.fixture(scope="module")
def codes(data):
    return [iv["code"] for iv in data["tijdpad"]]


@pytest.fixture(scope="module")
def rendered(data):
    meta = ReportMeta(status="concept", generated_on=MADE_ON)
    return {fmt: render_report(data, meta, fmt) for fmt in ("html", "pdf", "docx", "md")}


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "rapportage.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def docx_text(content: bytes) -> tuple[list[tuple[str, str]], str]:
    import docx

    document = docx.Document(io.BytesIO(content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return paragraphs, "\n".join([t for _, t in paragraphs] + cells)


class Outline(HTMLParser):
    """Collect headings, table header cells and the lang attribute of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.th_scopes: list[str | None] = []
        self.tables = 0
        self.lang = None
        self._heading: int | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), ""
        if tag == "th":
            self.th_scopes.append(attrs.get("scope"))
        if tag == "table":
            self.tables += 1

    def handle_data(self, data):
        if self._heading:
            self._text += data

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join(self._text.split())))
            self._heading = None


def test_markdown_holds_the_sections_every_intervention_and_the_reasons(rendered, codes):
    text = rendered["md"].decode("utf-8")
    assert text.startswith("# Voortgangsrapportage Uitvoeringsagenda Duurzame Jeugdhulp en Wmo-begeleiding")
    for section in SECTIONS:
        assert f"\n## {section}\n" in text
    for code in codes:
        assert re.search(rf"^#{{3,4}} {re.escape(code)} ", text, re.M), code
    assert "- **Status:** concept" in text and "- **Peildatum:** 15 juli 2026" in text
    assert "- **Oorzaak:** Besluit college later dan voorzien" in text
    assert "Reden: Wacht op besluit college over de samenstelling" in text
    assert "| 3.C2 | vervallen | Niet meer opgenomen in planversie 2" in text
    assert "| Aantal cliënten dat groepsproducten ontvangt van zorgaanbieders (cliënten) | H1 2026 | 65 (gecorrigeerd; eerder 60) |" in text
    # The appendix: a milestone the plan marks done without a date says so, not an empty cell.
    appendix = text[text.index("## Bijlage: Tijdpad"):]
    assert re.search(r"\| gereed \| datum niet vastgelegd \|", appendix)


def test_html_is_accessible_one_document_with_real_headings_and_header_cells(rendered, codes):
    html = rendered["html"].decode("utf-8")
    outline = Outline()
    outline.feed(html)
    assert outline.lang == "nl"
    levels = [level for level, _ in outline.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), "a heading level is skipped"
    titles = [text for _, text in outline.headings]
    for section in SECTIONS:
        assert section in titles
    assert "3 Maatregelen jeugd" in titles and "3.A Duurzame begeleiding" in titles
    for code in codes:
        assert any(t.startswith(f"{code} ") for t in titles), code
    assert outline.tables >= 8 and set(outline.th_scopes) == {"col", "row"}
    assert html.count("<caption>") == outline.tables
    assert html.count('role="img"') == 2 and "<title id=\"chart-stoplicht-title\">" in html
    assert "@media print" in html and "<script" not in html


def test_the_pdf_is_valid_and_its_text_holds_every_intervention_code(rendered, codes, tmp_path):
    pdf = rendered["pdf"]
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    text = pdf_text(pdf, tmp_path)
    for code in codes:
        assert re.search(rf"(^|\s){re.escape(code)}\s", text), code
    for section in SECTIONS:
        assert section in text
    assert "CONCEPT" in text and "pagina 2 van" in text
    assert "Besluit college later dan voorzien" in text


def test_the_docx_opens_with_python_docx_and_holds_the_sections(rendered, codes):
    paragraphs, text = docx_text(rendered["docx"])
    headings = {t for style, t in paragraphs if style.startswith("Heading")}
    for section in SECTIONS:
        assert section in headings
    assert ("Title", "Voortgangsrapportage Uitvoeringsagenda Duurzame Jeugdhulp en Wmo-begeleiding") in paragraphs
    assert ("Heading 3", "3.A1 Meer grip en zicht op ZBO in het regulier basisonderwijs via een lerende en "
                         "ontwikkelende aanpak en ZBO vanuit basishulp") in paragraphs
    for code in codes:
        assert f"{code} " in text
    import docx

    document = docx.Document(io.BytesIO(rendered["docx"]))
    assert len(document.inline_shapes) == 2  # the two charts, as PNG
    assert document.core_properties.language == "nl-NL"
    assert document.core_properties.author == ""  # not the library's name
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4
    assert 'w:instr="PAGE"' in section.footer._element.xml and "Pagina" in section.footer.paragraphs[0].text
    assert document.tables[0].rows[0].cells[0].text == "Interventie"
    assert "w:tblHeader" in document.tables[0].rows[0]._tr.xml


def test_every_format_says_the_same_figures(rendered, data, tmp_path):
    counts = data["kernboodschap"]["counts"]
    sentence = "1 op tijd gerealiseerd, 1 later dan gepland gerealiseerd"
    texts = {"md": rendered["md"].decode(), "html": rendered["html"].decode(),
             "docx": docx_text(rendered["docx"])[1], "pdf": " ".join(pdf_text(rendered["pdf"], tmp_path).split())}
    for fmt, text in texts.items():
        assert sentence in text, fmt
        assert f"{counts['te_laat']} te laat en nog niet gereed" in text, fmt
        assert "€ 2.400.000 (berekend)" in text, fmt


def test_a_published_title_page_says_vastgesteld(data):
    meta = ReportMeta(status="vastgesteld", generated_on=MADE_ON, number=2, published_at="2026-07-20T10:00:00",
                      published_by="Bea Beheer")
    text = render_report(data, meta, "md").decode()
    assert "- **Status:** vastgesteld op 20 juli 2026 door Bea Beheer (rapportage nr. 2)" in text
    assert filename(data, meta, "pdf") == f"{PLAN}-raadsrapportage-2026-H1-vastgesteld-nr2.pdf"


def test_the_cli_writes_each_format(scenario, cli, tmp_path, monkeypatch, codes):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(scenario.data_dir))
    for fmt in ("md", "html", "docx", "pdf"):
        out = tmp_path / f"rapportage.{fmt}"
        result = cli("report", "--plan", PLAN, "--period", "H1 2026", "--format", fmt, "-o", out,
                     "--as-of", "2026-07-15", "--today", "2026-07-16")
        assert result.exit_code == 0, result.output
        assert "concept, peildatum 2026-07-15" in result.output
    assert (tmp_path / "rapportage.pdf").read_bytes().startswith(b"%PDF-")
    md = (tmp_path / "rapportage.md").read_text(encoding="utf-8")
    assert "- **Gemaakt op:** 16 juli 2026" in md and all(f" {c} " in md for c in codes)
    result = cli("report", "--period", "2026-Q1", "-o", tmp_path / "x.md")
    assert result.exit_code == 1 and "geen halfjaar" in result.output


def test_the_report_pages_offer_a_preview_and_downloads(scenario):
    from web import create_app

    web = create_app({"DATA_DIR": str(scenario.data_dir), "TODAY": "2026-07-16", "TESTING": True})
    client = web.test_client()
    sign_in(client, scenario, "stuurgroep")
    page = client.get(f"/plannen/{PLAN}/rapportages?periode=2026-H1&peildatum=2026-07-15")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<h3 id="kernboodschap">Kernboodschap</h3>' in text  # one level below the page's h1
    assert "Vaststellen</button>" not in text  # the stuurgroep may not publish
    for fmt, mimetype in (("pdf", "application/pdf"), ("md", "text/markdown; charset=utf-8"),
                          ("html", "text/html; charset=utf-8"),
                          ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")):
        response = client.get(f"/plannen/{PLAN}/rapportages/concept.{fmt}?periode=2026-H1&peildatum=2026-07-15")
        assert response.status_code == 200 and response.mimetype == mimetype.split(";")[0]
        assert f"{PLAN}-raadsrapportage-2026-H1-concept.{fmt}" in response.headers["Content-Disposition"]
    assert client.get(f"/plannen/{PLAN}/rapportages?periode=2026-Q1").status_code == 400
    assert client.get(f"/plannen/{PLAN}/rapportages/concept.odt?periode=2026-H1").status_code == 404
    assert 'max="2026-07-16"' in text  # the peildatum: today at the latest
    # A peildatum to come would count as late what may not be: refused, in Dutch, for the page and a download.
    for path in ("rapportages", "rapportages/concept.pdf"):
        future = client.get(f"/plannen/{PLAN}/{path}?periode=2026-H1&peildatum=2030-01-01")
        assert future.status_code == 400
        assert "De peildatum 01-01-2030 ligt in de toekomst." in future.get_data(as_text=True)


def test_a_lezer_gets_no_concept(scenario):
    from web import create_app

    web = create_app({"DATA_DIR": str(scenario.data_dir), "TODAY": "2026-07-16", "TESTING": True})
    client = web.test_client()
    sign_in(client, scenario, "lezer")
    page = client.get(f"/plannen/{PLAN}/rapportages?periode=2026-H1&peildatum=2026-07-15")
    assert page.status_code == 200  # the published reports (none here), no preview
    assert "Er is nog geen rapportage vastgesteld." in page.get_data(as_text=True)
    assert "Kernboodschap" not in page.get_data(as_text=True)
    assert client.get(f"/plannen/{PLAN}/rapportages/concept.md?periode=2026-H1").status_code == 403


def test_a_plan_without_nulmeting_or_taakstelling_gets_no_text_on_how_savings_are_reckoned(services):
    from tests.helpers import IMPORTED_AT, REPO
    from tracker.planfile import read_plan_file

    regio = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
    services.app.import_plan(read_plan_file(regio), at=IMPORTED_AT, by="beheer")
    services.catch_up()
    data = report_data(services.db, "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028", "2026-H1", date(2026, 6, 30))
    assert not (data["finance"]["targets"] or data["finance"]["baseline"])
    text = render_report(data, ReportMeta(status="concept", generated_on=MADE_ON), "md").decode()
    finance = text[text.index("\n## Financiën"):]
    assert "Een berekende besparing" not in finance[:finance.index("\n## ", 5)]
    # The title page names the gemeenten without a second colon after "Organisatie:".
    assert "- **Organisatie:** 7 gemeenten (Berg en Dal, Beuningen, " in text
    # No milestone of the Tijdpad was due in this half year: the kernboodschap says so, no table of zeros.
    assert data["kernboodschap"]["milestones_due"] == 0
    assert "In het eerste halfjaar 2026 stond geen mijlpaal van het tijdpad op de planning." in text
    assert "Mijlpalen in het eerste halfjaar 2026" not in text


def test_the_agendas_own_afspraken_get_room_for_their_words_within_the_margins(services, tmp_path):
    """The afspraken table has six columns of its own (not the interventions' seven): the afspraak
    is the widest but one, and no word passes the right margin."""
    from tests.helpers import IMPORTED_AT, REPO
    from tracker.planfile import read_plan_file

    regio = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
    services.app.import_plan(read_plan_file(regio), at=IMPORTED_AT, by="beheer")
    services.catch_up()
    data = report_data(services.db, "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028", "2026-H1", date(2026, 6, 30))
    assert data["plan_milestones"]
    pdf = tmp_path / "regio.pdf"
    pdf.write_bytes(render_report(data, ReportMeta(status="concept", generated_on=MADE_ON), "pdf"))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = [(float(x0), float(x1), w) for x0, x1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)]
    right_margin = width - 16 / 25.4 * 72  # @page margin: 16 mm
    assert max(x1 for _, x1, _ in words) <= right_margin + 0.5
    header = next(i for i, (_, _, w) in enumerate(words)
                  if w == "Afspraak" and words[i + 1][2].startswith("Oorspron"))
    text_width = right_margin - 16 / 25.4 * 72
    assert words[header + 1][0] - words[header][0] > 0.2 * text_width
