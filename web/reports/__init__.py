"""The council report in every format: HTML, PDF (WeasyPrint), Word (python-docx) and Markdown."""

from __future__ import annotations

from typing import Any

from web.reports.document import ReportMeta, report_blocks, title

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "docx": "Word", "md": "Markdown"}

__all__ = ["FORMATS", "FORMAT_LABELS", "ReportMeta", "filename", "render_report"]


def render_report(data: dict[str, Any], meta: ReportMeta, fmt: str) -> bytes:
    """Return the report in a format: html, pdf, docx or md."""
    if fmt not in FORMATS:
        raise ValueError(f"Onbekend formaat '{fmt}': kies {', '.join(FORMATS)}.")
    blocks = report_blocks(data, meta)
    if fmt == "md":
        from web.reports.markdown import render_markdown

        return render_markdown(blocks).encode("utf-8")
    if fmt == "docx":
        from web.reports.word import render_docx

        return render_docx(blocks, title(data, meta), meta.generated_on)
    from web.reports.html import render_document

    html = render_document(blocks, title(data, meta), data["period"]["label"])
    if fmt == "pdf":
        from web.reports.pdf import render_pdf

        return render_pdf(html)
    return html.encode("utf-8")


def filename(data: dict[str, Any], meta: ReportMeta, fmt: str) -> str:
    """Return the file name of a report: plan, period, status (and number)."""
    status = f"vastgesteld-nr{meta.number}" if meta.status == "vastgesteld" else "concept"
    status += "-openbaar" if meta.withheld else ""
    return f"{data['plan']['id']}-raadsrapportage-{data['period']['key']}-{status}.{fmt}"
