"""A live server on 127.0.0.1 with the default plan, and Debian's Chromium through Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from waitress.server import create_server

from tests.accounts import email_for, ensure_user, sign_in_page
from tests.seed import PLAN, TODAY, seed_plan
from web import create_app
from web.services import open_services

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser") / "data"
    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ("beheerder", "stuurgroep", "trekker", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def page(page, live_server):
    """Return a page signed in as a lezer (read only)."""
    sign_in_page(page, live_server, email_for("lezer"))
    return page


@pytest.fixture
def axe():
    """Return a function that runs axe-core on a page and returns serious/critical violations."""
    source = AXE.read_text(encoding="utf-8")

    def run(page):
        # Through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
        page.evaluate(source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return run
