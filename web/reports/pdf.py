"""The report as PDF, printed from its HTML by WeasyPrint."""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """Return the PDF of a report's HTML document."""
    # WeasyPrint takes about half a second to import: only when a PDF is asked for.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
