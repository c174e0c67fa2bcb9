"""The beheerder's outbox in a real browser: sent, failed and pending reminders, the local mailbox."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from waitress.server import create_server

from notifications.delivery import run_reminders
from notifications.mailer import FileSink, SmtpMailer
from notifications.settings import MailSettings
from tests.accounts import email_for, ensure_user, sign_in_page
from tests.mail_helpers import free_port
from tests.seed import TODAY, seed_plan
from web import create_app
from web.services import open_services

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def outbox_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("outbox") / "data"
    seed_plan(data_dir)
    services = open_services(data_dir)
    ensure_user(services, "beheerder")
    ensure_user(services, "lezer")
    sink = MailSettings(data_dir=data_dir, stuurgroep_email="stuurgroep@nijmegen.nl")
    # Monday 2 March: delivered into the local mailbox.
    monday = datetime(2026, 3, 2, 7, 30)
    run_reminders(services, FileSink(sink.sink_path), sink, monday.date(), lambda: monday)
    # Monday 9 March: the mail server is down, so everything of that run fails.
    down = MailSettings(data_dir=data_dir, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none",
                        stuurgroep_email="stuurgroep@nijmegen.nl")
    later = datetime(2026, 3, 9, 7, 30)
    run_reminders(services, SmtpMailer(down), down, later.date(), lambda: later)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True,
                      "STUURGROEP_EMAIL": "stuurgroep@nijmegen.nl"})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def page(context) -> Page:
    """A page of a context of its own, signed in nowhere.

    Not the package's page, which signs in on the shared live server first: cookies are kept per
    host, not per port, so a late answer of that server could replace this server's session cookie
    between the sign-in form and its submission.
    """
    return context.new_page()


def test_the_beheerder_sees_sent_failed_and_pending_reminders(page: Page, outbox_server: str, axe) -> None:
    sign_in_page(page, outbox_server, email_for("beheerder"))
    page.get_by_role("link", name="Uitgaande berichten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uitgaande berichten")

    sent = page.locator("#verstuurd tbody tr")
    expect(sent.first).to_be_visible()
    expect(page.locator("#verstuurd")).to_contain_text("f.devries@nijmegen.nl")
    expect(page.locator("#verstuurd")).to_contain_text("02-03-2026 07:30")

    failed = page.locator("#mislukt tbody tr")
    expect(failed.first).to_be_visible()
    expect(page.locator("#mislukt")).to_contain_text("niet bereikbaar")
    expect(page.locator("#mislukt")).to_contain_text("09-03-2026 07:30")

    # On 1 April new reminders wait for the next run, with their recipients.
    pending = page.locator("#wachtend tbody tr")
    expect(pending.first).to_be_visible()
    expect(page.locator("#wachtend")).to_contain_text("j.jansen@nijmegen.nl")
    assert axe(page) == []

    # The local mailbox shows what was delivered there; a message opens with its text.
    page.locator("#postbus a").first.click()
    expect(page.locator("pre.mail-text")).to_contain_text("Beste")
    expect(page.locator("dl.facts")).to_contain_text("Message-ID")


def test_the_outbox_is_for_the_beheerder_only(page: Page, outbox_server: str) -> None:
    sign_in_page(page, outbox_server, email_for("lezer"))
    expect(page.get_by_role("link", name="Uitgaande berichten")).to_have_count(0)
    response = page.goto(f"{outbox_server}/uitgaande-berichten")
    assert response is not None and response.status == 403
