"""The kinds of block a report is made of, shared by its parts."""

from __future__ import annotations

from typing import Any

from projections.wording import DOMAIN_LABELS

Block = dict[str, Any]


def heading(level: int, text: str, ident: str = "") -> Block:
    """Return a heading of a level (2 for a section)."""
    return {"type": "heading", "level": level, "text": text, "id": ident}


def paragraph(text: str, label: str = "", css: str = "") -> Block:
    """Return a paragraph, with an optional bold label and CSS class."""
    return {"type": "paragraph", "text": text, "label": label, "class": css}


def bullets(items: list[str], title: str = "") -> Block:
    """Return a bulleted list with an optional title."""
    return {"type": "list", "items": items, "title": title}


def table(caption: str, columns: list[str], rows: list[list[Any]], css: str = "") -> Block:
    """Return a table with its caption and column headings."""
    return {"type": "table", "caption": caption, "columns": columns, "rows": rows, "class": css}


def cell(text: str, css: str) -> dict[str, str]:
    """Return a table cell with a CSS class."""
    return {"text": text, "class": css}


def domain_name(domain: str) -> str:
    """Return a domain as the report names it: 'Jeugd en Wmo'."""
    return DOMAIN_LABELS.get(domain, domain)
