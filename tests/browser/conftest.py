"""A live server on 127.0.0.1 with the default plan, and Debian's Chromium through Playwright."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
from playwright.sync_api import Page
from waitress.server import create_server

from tests.accounts import email_for, ensure_user, sign_in_page
from tests.helpers import event_count
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


ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")


@dataclass
class Server:
    url: str
    services: Any

    @property
    def board(self) -> str:
        return f"{self.url}/plannen/{PLAN}"

    def iv(self, code: str = "3.A1") -> str:
        return f"{self.url}/plannen/{PLAN}/interventies/{code}"

    def events(self) -> int:
        return event_count(self.services)


@pytest.fixture
def server(data_dir: Path):
    """A server of its own for each test (the changes of one test don't reach another)."""
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ROLES:
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    waitress = create_server(app, host="127.0.0.1", port=0, threads=4)

    def serve() -> None:
        try:
            waitress.run()
        except OSError:  # the listening socket closed under the loop: the test is over
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{waitress.effective_port}", services)
    waitress.close()
    thread.join(timeout=5)


@pytest.fixture
def signed_in(browser, server) -> Callable[[str], Page]:
    """Return a function that opens a new browser context signed in with the role's account."""
    contexts = []

    def open_as(role: str) -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        sign_in_page(page, server.url, email_for(role))
        return page

    yield open_as
    for context in contexts:
        context.close()
