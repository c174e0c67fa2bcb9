"""Accounts that cannot lock out the office: one beheerder remains; deactivating; links by e-mail."""

from __future__ import annotations

from datetime import datetime

import pytest

from notifications.delivery import run_reminders
from notifications.mailer import mailer_for
from tests.accounts import PASSWORD, choose_password, csrf_token, ensure_user, mailed_link, sign_in
from tests.helpers import SMALL_PLAN_ID
from tests.mail_helpers import (  # noqa: F401 (smtp_server is a fixture)
    ANNA,
    BERT,
    fixed,
    mail_settings,
    smtp_server,
    trekker_scenario,
)
from tracker.errors import DomainError

AT = datetime(2026, 3, 1, 9)
BEA = "beheerder@nijmegen.nl"


def events(services) -> int:
    return services.app.recorder.max_notification_id() or 0


@pytest.fixture
def web(services, monkeypatch):
    from web import create_app

    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    return create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-03-02"})


def test_the_only_beheerder_cannot_be_demoted_or_deactivated(services, cli, web) -> None:
    ensure_user(services, "beheerder")
    before = events(services)
    for args in (("user", "set-role", BEA, "lezer"), ("user", "deactivate", BEA)):
        done = cli(*args)
        assert done.exit_code != 0 and "laatste actieve beheerder" in done.output, done.output
    assert events(services) == before
    client = web.test_client()
    sign_in(client, services, "beheerder")
    answer = client.post("/gebruikers/rol", data={"csrf_token": csrf_token(client, "/gebruikers"),
                                                  "email": BEA, "role": "stuurgroep"})
    assert answer.status_code == 422 and "laatste actieve beheerder" in answer.get_data(as_text=True)
    assert events(services) == before
    # With a second beheerder the first may step down; then the second is the last one.
    ensure_user(services, "beheerder", email="tweede@nijmegen.nl", name="Tweede Beheerder")
    assert cli("user", "set-role", BEA, "stuurgroep").exit_code == 0
    with pytest.raises(DomainError, match="laatste actieve beheerder"):
        services.app.deactivate_user("tweede@nijmegen.nl", at=AT, by="test")


def test_tracker_user_deactivate_ends_sign_in_sessions_reminders_and_feeds(services, cli, web, smtp_server) -> None:
    trekker_scenario(services)
    ensure_user(services, "trekker", email=BERT, name="Bert Bos")
    token = services.app.issue_calendar_feed(scope="trekker", subject=BERT, label="Bert", at=AT, by="Bert Bos")
    client = web.test_client()
    sign_in(client, services, "trekker", email=BERT)
    assert client.get(f"/agenda/{token}.ics").status_code == 200
    done = cli("user", "deactivate", BERT)
    assert done.exit_code == 0, done.output
    assert "nog trekker van testagenda 1.A2" in done.output       # to reassign
    # Sign-in fails, the session ended, the feed is gone.
    assert client.get(f"/plannen/{SMALL_PLAN_ID}").status_code == 302
    fresh = web.test_client()
    assert fresh.post("/inloggen", data={"email": BERT, "password": PASSWORD,
                                         "csrf_token": csrf_token(fresh)}).status_code == 401
    assert fresh.get(f"/agenda/{token}.ics").status_code == 404
    # No reminders for Bert any more; Anna's go out as before.
    mail = mail_settings(services.data_dir)
    report = run_reminders(services, mailer_for(mail), mail, datetime(2026, 3, 2).date(),
                           fixed(datetime(2026, 3, 2, 7, 30)))
    assert BERT not in [m["to"] for m in report.sent] and ANNA in [m["to"] for m in report.sent]
    assert BERT not in smtp_server.recorder.to()
    # The history keeps the name; the account is listed as deactivated.
    assert "Bert Bos (gedeactiveerd)" in cli("user", "list").output
    assert cli("user", "deactivate", BERT).exit_code != 0          # once is enough


def test_a_trekker_who_gets_another_role_loses_reminders_and_feeds(services, cli, web, smtp_server) -> None:
    trekker_scenario(services)
    ensure_user(services, "trekker", email=BERT, name="Bert Bos")
    token = services.app.issue_calendar_feed(scope="trekker", subject=BERT, label="Bert", at=AT, by="Bert Bos")
    done = cli("user", "set-role", BERT, "lezer")
    assert done.exit_code == 0 and "nog trekker van testagenda 1.A2" in done.output
    assert web.test_client().get(f"/agenda/{token}.ics").status_code == 404
    mail = mail_settings(services.data_dir)
    report = run_reminders(services, mailer_for(mail), mail, datetime(2026, 3, 2).date(),
                           fixed(datetime(2026, 3, 2, 7, 30)))
    assert BERT not in [m["to"] for m in report.sent]


def test_the_deactivate_button_and_the_list_to_reassign(services, web) -> None:
    trekker_scenario(services)
    ensure_user(services, "trekker", email=BERT, name="Bert Bos")
    client = web.test_client()
    sign_in(client, services, "beheerder")
    page = client.get("/gebruikers").get_data(as_text=True)
    assert "Bert Bos deactiveren" in page
    answer = client.post("/gebruikers/deactiveren", data={"csrf_token": csrf_token(client, "/gebruikers"),
                                                          "email": BERT}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "is gedeactiveerd" in text and "Wijs een nieuwe trekker toe aan: 1.A2" in text
    assert "gedeactiveerd</td>" in text
    board = client.get(f"/plannen/{SMALL_PLAN_ID}").get_data(as_text=True)
    assert f'<option value="{BERT}"' not in board                 # no longer offered as trekker


def test_a_forgotten_password_is_reset_through_a_single_use_link(services, web) -> None:
    email = ensure_user(services, "lezer")
    elsewhere = web.test_client()
    sign_in(elsewhere, services, "lezer")
    client = web.test_client()
    answer = client.post("/wachtwoord-vergeten", data={"csrf_token": csrf_token(client, "/wachtwoord-vergeten"),
                                                       "email": email})
    assert answer.status_code == 200 and "Als dit e-mailadres bij ons bekend is" in answer.get_data(as_text=True)
    for thread in web.extensions["mail_threads"]:   # sent beside the answer, not before it
        thread.join(timeout=30)
    link = mailed_link(services.data_dir, email)
    assert choose_password(client, link, "fiets naar de markt", "fiets naar de mark").status_code == 422
    assert choose_password(client, link, "fiets naar de markt").status_code == 303
    assert services.app.check_login(email, "fiets naar de markt") is not None
    assert services.app.check_login(email, PASSWORD) is None
    assert elsewhere.get(f"/plannen/{SMALL_PLAN_ID}").status_code == 302   # other sessions ended
    used = web.test_client().get(link)
    assert used.status_code == 400 and "verlopen of al gebruikt" in used.get_data(as_text=True)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(services, web) -> None:
    from notifications.mailer import FileSink

    client = web.test_client()
    answer = client.post("/wachtwoord-vergeten", data={"csrf_token": csrf_token(client, "/wachtwoord-vergeten"),
                                                       "email": "niemand@nijmegen.nl"})
    assert answer.status_code == 200 and "Als dit e-mailadres bij ons bekend is" in answer.get_data(as_text=True)
    assert web.extensions.get("mail_threads", []) == []
    assert FileSink(services.data_dir / "outbox").messages() == []


def test_links_are_signed_and_expire(services, web) -> None:
    from web.password_links import INVITE_DAYS, RESET_MINUTES, make_token, read_token

    email = ensure_user(services, "lezer")
    user = services.app.get_user(email)
    secret = web.secret_key
    token = make_token(secret, user, "reset")
    find = services.app.get_user
    assert read_token(secret, token, find).email == email
    assert read_token("een-ander-geheim", token, find) is None               # forged
    assert read_token(secret, token[:-2] + "xx", find) is None
    import time

    assert read_token(secret, token, find, now=time.time() + RESET_MINUTES * 60 + 5) is None
    invite = make_token(secret, user, "invite")
    assert read_token(secret, invite, find, now=time.time() + (INVITE_DAYS - 1) * 86400) is not None
    assert read_token(secret, invite, find, now=time.time() + INVITE_DAYS * 86400 + 5) is None


def test_no_feed_is_issued_for_an_ended_account_or_a_plan_not_loaded(services, cli) -> None:
    from tests.helpers import event_count
    from tracker.errors import NotFoundError

    trekker_scenario(services)
    ensure_user(services, "trekker", email=BERT, name="Bert Bos")
    assert cli("user", "deactivate", BERT).exit_code == 0
    before = event_count(services)
    with pytest.raises(DomainError, match="is beëindigd: het krijgt geen agenda-link"):
        services.app.issue_calendar_feed(scope="trekker", subject=BERT, at=AT, by="beheer")
    with pytest.raises(NotFoundError, match="Onbekend plan 'nope'"):
        services.app.issue_calendar_feed(scope="plan", subject="nope", at=AT, by="beheer")
    refused = cli("calendar", "issue", "--plan", "nope", "--today", "2026-03-15")
    assert refused.exit_code == 1 and "Onbekend plan 'nope'" in refused.output
    assert event_count(services) == before
