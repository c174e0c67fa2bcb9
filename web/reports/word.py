"""The report as a Word document (.docx) the griffie can edit: real headings, tables, PNG charts."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from web.exports import xml_text
from web.reports.charts import svg_to_png


def _text(cell: Any) -> str:
    return cell["text"] if isinstance(cell, dict) else str(cell)


def _repeat_header(row: Any) -> None:
    # Word repeats a row marked as table header on every page, and screen readers use it.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


# Word's core properties hold at most 255 characters (python-docx refuses more).
CORE_PROPERTY_LIMIT = 255


def _core_text(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1] + "…"


def _a4_with_page_numbers(section: Any) -> None:
    """Make a section A4 (the library's default is US Letter) with 2.5 cm margins and "Pagina N" below."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Pagina ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)


def render_docx(blocks: list[dict[str, Any]], title: str, made_on: date | None) -> bytes:
    """Return the blocks as a .docx file."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt

    blocks, title = xml_text(blocks), xml_text(title)  # a text recorded with a control character
    doc = Document()
    doc.core_properties.title = _core_text(title)
    doc.core_properties.language = "nl-NL"
    # Not the library's name: the griffie fills in who wrote it.
    doc.core_properties.author = doc.core_properties.last_modified_by = ""
    _a4_with_page_numbers(doc.sections[0])
    if made_on:
        moment = datetime.combine(made_on, time(12, 0))
        doc.core_properties.created = doc.core_properties.modified = moment
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(10)
    for b in blocks:
        kind = b["type"]
        if kind == "title":
            doc.add_paragraph(b["status"].upper()).runs[0].bold = True
            doc.add_heading(b["text"], level=0)
            doc.add_paragraph(b["subtitle"])
            for label, value in b["facts"]:
                p = doc.add_paragraph()
                p.add_run(f"{label}: ").bold = True
                p.add_run(value)
        elif kind == "heading":
            doc.add_heading(b["text"], level=max(1, b["level"] - 1))
        elif kind == "paragraph":
            p = doc.add_paragraph()
            if b["label"]:
                p.add_run(f"{b['label']}: ").bold = True
            run = p.add_run(b["text"])
            run.italic = b["class"] == "missing"
        elif kind == "facts":
            for label, value in b["items"]:
                p = doc.add_paragraph()
                p.add_run(f"{label}: ").bold = True
                p.add_run(value)
        elif kind == "list":
            if b["title"]:
                doc.add_paragraph().add_run(b["title"]).bold = True
            for item in b["items"]:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            doc.add_paragraph(b["caption"], style="Caption")
            table = doc.add_table(rows=1, cols=len(b["columns"]))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b["columns"]):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            _repeat_header(table.rows[0])
            for row in b["rows"]:
                cells = table.add_row().cells
                for cell, value in zip(cells, row):
                    cell.text = _text(value)
        elif kind == "chart":
            doc.add_picture(io.BytesIO(svg_to_png(b["svg"])), width=Cm(b.get("width_cm", 15)))
            doc.add_paragraph(b["caption"], style="Caption")
        elif kind == "page_break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
