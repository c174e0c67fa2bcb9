"""The report as HTML: a whole accessible document, or the fragment shown in the app's preview."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

WEB = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def _env() -> Environment:
    # Our own environment, not Flask's: the CLI renders reports without an app.
    return Environment(loader=FileSystemLoader(str(WEB / "templates")),
                       autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def report_css() -> str:
    """Return the report's stylesheet."""
    return (WEB / "static" / "report.css").read_text(encoding="utf-8")


def render_document(blocks: list[dict[str, Any]], title: str, period: str) -> str:
    """Return the report as one self-contained HTML document (styles inline)."""
    return _env().get_template("report/document.html").render(
        blocks=blocks, title=title, period=period, css=Markup(report_css()))


def render_fragment(blocks: list[dict[str, Any]], offset: int = 1) -> Markup:
    """Return the report's body for a page that has its own h1 (headings one level down)."""
    macro = _env().get_template("report/_blocks.html").module.render  # type: ignore[attr-defined]
    return Markup(macro(blocks, offset))
