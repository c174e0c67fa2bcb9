"""Our one contact point with htmx-flask: fragment or full page."""

from __future__ import annotations

from flask import Flask, request
from markupsafe import Markup, escape
from htmx_flask import Htmx
from jinja2_fragments.flask import render_block


def init_htmx(app: Flask) -> None:
    """Make request.htmx available."""
    Htmx(app)


def is_htmx() -> bool:
    """Tell whether the request came from htmx (and is not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render(template: str, block: str, **context: object) -> str:
    """Render the whole page, or only the named block for an htmx request."""
    from flask import render_template

    if is_htmx():
        return render_block(template, block, **context)
    return render_template(template, **context)


def render_fragment(template: str, block: str, **context: object) -> str:
    """Render only the named block of a page, whatever the request."""
    return render_block(template, block, **context)


def announce(message: str) -> Markup:
    """Return markup that puts a message in the page's live region when htmx swaps it in.

    Wrapped in a template element, so it parses beside a table row as well as anywhere else.
    """
    return Markup('<template><div hx-swap-oob="innerHTML:#meldingen">{}</div></template>').format(escape(message))
