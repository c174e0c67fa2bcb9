"""From the reminder mail to done in two clicks: a trekker's mail (through a real SMTP server) holds
a link that, in a browser that is not signed in, confirms and records one update, once."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from notifications.delivery import run_reminders
from notifications.mailer import mailer_for
from tests.helpers import stored_events
from tests.mail_helpers import body, fixed, mail_settings, smtp_server  # noqa: F401 (smtp_server is a fixture)
from tests.seed import TODAY

pytestmark = pytest.mark.browser

JAN = "j.jansen@nijmegen.nl"
LATE_LABEL = "Afwegingskader voor de startfase gereed"


def completions(services) -> int:
    return sum(1 for e in stored_events(services) if type(e).__name__ == "MilestoneCompleted")


def test_a_link_in_the_reminder_marks_the_milestone_done_without_signing_in_and_only_once(
        browser, server, smtp_server) -> None:
    mail = mail_settings(server.services.data_dir, base_url=server.url)
    report = run_reminders(server.services, mailer_for(mail), mail, TODAY, fixed(datetime(2026, 4, 1, 7, 30)))
    assert JAN in [entry["to"] for entry in report.sent]
    message = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == JAN)
    text = body(message)
    # Each milestone of the mail has its three links; the one of the late milestone is taken.
    block = text[text.index(LATE_LABEL):]
    url = re.search(r"Gereed melden: (\S+)", block).group(1)
    assert url.startswith(f"{server.url}/actie/")
    assert re.search(r"Verschuiven: \S+", block) and re.search(r"Nog actueel: \S+", block)
    assert f'href="{url}"' in body(message, "html")

    context = browser.new_context()  # nobody signed in
    page = context.new_page()
    before, events = completions(server.services), len(stored_events(server.services))
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Gereed melden: bevestigen")
    expect(page.locator("main")).to_contain_text(LATE_LABEL)
    expect(page.locator("main")).to_contain_text("in naam van Jan Jansen")
    assert len(stored_events(server.services)) == events  # opening the link records nothing
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vastgelegd")
    assert completions(server.services) == before + 1
    done = [e for e in stored_events(server.services) if type(e).__name__ == "MilestoneCompleted"][-1]
    assert done.by == "Jan Jansen (via e-mail)" and done.realised == TODAY

    # The same link again: a Dutch page that records nothing and offers to sign in.
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet (meer)")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Bevestigen")).to_have_count(0)
    assert completions(server.services) == before + 1
    context.close()
