"""Action links of reminder mails: signed, for one recipient and milestone, once, for 14 days,
void once the milestone changed; the confirmation page records nothing until its button."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from notifications.digest import compose_all
from notifications.selection import reminders_due
from tests.accounts import ensure_user
from tests.helpers import event_count, stored_events
from tests.mail_helpers import mail_settings
from tests.seed import PLAN, TODAY, seed_plan
from tracker.action_links import ActionLink, make_token
from tracker.secret_key import data_secret

LATE = "afwegingskader-startfase"
JAN = "j.jansen@nijmegen.nl"


@pytest.fixture
def site(data_dir):
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ("trekker", "stuurgroep"):
        ensure_user(services, role)
    return services


def client(services, day: date = TODAY):
    from web import create_app

    return create_app({"DATA_DIR": str(services.data_dir), "TODAY": day.isoformat(), "TESTING": True}).test_client()


def link(services, action: str = "gereed", milestone: str = LATE, issued: date = TODAY, **changes) -> str:
    fields = dict(recipient=JAN, plan_id=PLAN, code="3.A1", milestone_id=milestone if action != "actueel" else "",
                  action=action, version=services.app.get_intervention(PLAN, "3.A1").version, issued=issued)
    return "/actie/" + make_token(data_secret(services.data_dir), ActionLink(**fields | changes))


def confirm(web, url: str, **form):
    page = web.get(url).get_data(as_text=True)
    if 'name="csrf_token"' not in page:  # a void link shows no form: post as a replayed one would
        page = web.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return web.post(url, data={"csrf_token": token, **form})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_trekkers_mail_has_links_and_the_stuurgroeps_has_none(site) -> None:
    mail = mail_settings(site.data_dir, stuurgroep_email="stuurgroep@nijmegen.nl", base_url="https://v.example")
    messages = compose_all(reminders_due(site.db, TODAY, mail), mail, {}, TODAY)
    jan = next(m for m in messages if m.recipient == JAN)
    assert jan.text.count("Gereed melden: https://v.example/actie/") == len(
        [i for i in jan.items if i.rule in ("due_soon", "overdue")])
    stuurgroep = next(m for m in messages if m.recipient == "stuurgroep@nijmegen.nl")
    assert "/actie/" not in stuurgroep.text and "/actie/" not in stuurgroep.html


def test_opening_a_link_records_nothing_and_its_button_records_once(site) -> None:
    web, url = client(site), link(site)
    before = event_count(site)
    page = web.get(url)
    assert page.status_code == 200 and "Bevestigen</button>" in text(page)
    assert "Jan Jansen</strong> (j.jansen@nijmegen.nl)" in text(page)
    assert event_count(site) == before
    done = confirm(web, url)
    assert done.status_code == 200 and "<h1>Vastgelegd</h1>" in text(done)
    assert event_count(site) == before + 1
    again = confirm(web, url)
    assert again.status_code == 410 and "Er is niets vastgelegd." in text(again)
    assert event_count(site) == before + 1


def test_a_tampered_link_is_refused(site) -> None:
    url = link(site)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    response = client(site).get(tampered)
    assert response.status_code == 400 and "niet geldig" in text(response) and 'href="/inloggen"' in text(response)
    forged = "/actie/" + make_token("een andere sleutel", ActionLink(JAN, PLAN, "3.A1", LATE, "gereed", 1, TODAY))
    assert client(site).get(forged).status_code == 400


def test_a_link_expires_after_14_days(site) -> None:
    url = link(site)
    assert client(site, TODAY + timedelta(days=14)).get(url).status_code == 200
    late = client(site, TODAY + timedelta(days=15)).get(url)
    assert late.status_code == 410 and "verlopen" in text(late)


def test_a_link_is_void_once_its_milestone_changed_but_not_for_another_change(site) -> None:
    url = link(site)
    site.app.add_note(PLAN, "3.A1", text="Ernaast", at=datetime(2026, 4, 1, 8), by="Jan Jansen")
    assert client(site).get(url).status_code == 200  # a note beside it: still good
    site.app.reschedule_milestone(PLAN, "3.A1", LATE, due="Q3 2026", reason="Later", at=datetime(2026, 4, 1, 9),
                                  by="Jan Jansen")
    response = client(site).get(url)
    assert response.status_code == 410 and "gewijzigd" in text(response)


def test_a_link_is_only_for_its_recipient_while_trekker(site) -> None:
    url = link(site)
    site.app.assign_trekker(PLAN, "3.A1", name="Fatima de Vries", email="f.devries@nijmegen.nl",
                            at=datetime(2026, 4, 1, 9), by="beheerder")
    response = client(site).get(url)
    assert response.status_code == 410 and "niet meer de trekker" in text(response)


def test_reschedule_from_the_mail_asks_the_term_and_the_reason(site) -> None:
    web, url = client(site), link(site, "verschuiven")
    before = event_count(site)
    refused = confirm(web, url, due="Q3 2026", reason="")
    assert refused.status_code == 422 and "Geef een reden op" in text(refused) and 'value="Q3 2026"' in text(refused)
    assert event_count(site) == before
    assert confirm(web, url, due="Q3 2026", reason="Na de zomer").status_code == 200
    moved = stored_events(site)[-1]
    assert type(moved).__name__ == "MilestoneRescheduled" and moved.by == "Jan Jansen (via e-mail)"
    assert confirm(web, url, due="Q4 2026", reason="Nog eens").status_code == 410


def test_nog_actueel_from_the_mail_works_once(site) -> None:
    web, url = client(site), link(site, "actueel")
    assert confirm(web, url).status_code == 200
    assert type(stored_events(site)[-1]).__name__ == "UpToDateConfirmed"
    assert confirm(web, url).status_code == 410


def test_the_button_needs_the_pages_csrf_token(site) -> None:
    web, url = client(site), link(site)
    before = event_count(site)
    assert web.post(url, data={}).status_code == 400
    assert event_count(site) == before


def test_the_owner_of_a_stuurgroep_action_completes_it_from_the_mail_and_nothing_else(site) -> None:
    from tests.accounts import email_for

    owner = email_for("stuurgroep")
    app = site.app
    key = app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    action = app.decide(PLAN, key, "3.A1", decision="Versnellen", action="Scholen uitnodigen", owner=owner,
                        term="2026-03-31", at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    site.catch_up()
    web = client(site)
    other = confirm(web, link(site, recipient=owner))  # another milestone of 3.A1: not the owner's
    assert other.status_code == 410 and "niet meer de trekker" in text(other)
    before = event_count(site)
    done = confirm(web, link(site, milestone=action, recipient=owner))
    assert done.status_code in (200, 303) and event_count(site) == before + 1
    assert app.get_intervention(PLAN, "3.A1").milestones[action].status == "done"
