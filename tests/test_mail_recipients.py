"""Mail goes to the account's own address, whatever its name says; a bad name never stops a run."""

from __future__ import annotations

from datetime import datetime

import pytest

from events.intervention import TrekkerAssigned
from notifications.delivery import _claims, planned_messages, run_reminders
from notifications.digest import message_id, sender_domain
from notifications.mailer import mailer_for
from projections.outbox import reminders_by_status
from tests.accounts import PASSWORD, csrf_token, sign_in
from tests.helpers import SMALL_PLAN_ID, import_text, SMALL_PLAN
from tests.mail_helpers import (  # noqa: F401 (smtp_server is a fixture)
    ANNA,
    BERT,
    STUURGROEP,
    fixed,
    mail_settings,
    smtp_server,
    trekker_scenario,
)
from tracker.errors import DomainError

MONDAY = datetime(2026, 3, 2, 7, 30)
PIET = "piet@teststad.nl"
KEES = "kees@teststad.nl"
CRLF_NAME = "Bert Bos\r\nBcc: spy@evil.example"


def run(services, moment: datetime = MONDAY):
    mail = mail_settings(services.data_dir)
    return run_reminders(services, mailer_for(mail), mail, moment.date(), fixed(moment))


def test_names_with_commas_and_addresses_receive_mail_at_their_own_address(services, smtp_server) -> None:
    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    names = {PIET: "Jansen, Piet", KEES: "attacker@evil.example, Jansen, Piet"}
    for (email, name), code in zip(names.items(), ("1.A1", "1.A2")):
        services.app.add_user(email=email, name=name, role="trekker", password=PASSWORD,
                              at=datetime(2025, 10, 2, 9), by="beheer")
        services.app.assign_trekker(SMALL_PLAN_ID, code, name=name, email=email,
                                    at=datetime(2025, 10, 2, 9), by="beheer")
    services.catch_up()
    report = run(services)
    assert not report.failed and len(report.sent) == 3
    # Each message went to exactly one envelope recipient, and only these three ever got mail.
    assert sorted(smtp_server.recorder.envelopes) == [[KEES], [PIET], [STUURGROEP]]
    by_address = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert sorted(by_address) == [KEES, PIET, STUURGROEP]
    for email, name in names.items():
        (address,) = by_address[email]["To"].addresses
        assert (address.display_name, address.addr_spec) == (name, email)
    services.catch_up()
    assert {r["recipient"] for r in reminders_by_status(services.db, "sent")} == {PIET, KEES, STUURGROEP}


def test_a_name_with_a_line_break_is_refused_at_every_input(services, cli) -> None:
    from web import create_app

    with pytest.raises(DomainError, match="stuurtekens"):
        services.app.add_user(email="x@teststad.nl", name="X\r\nBcc: y@evil.example", role="lezer",
                              password=PASSWORD, at=datetime(2025, 10, 1), by="test")
    with pytest.raises(DomainError, match="stuurtekens"):
        services.app.add_user(email="x@teststad.nl", name="X\u2028Y", role="lezer",
                              password=PASSWORD, at=datetime(2025, 10, 1), by="test")
    done = cli("user", "add", "--email", "x@teststad.nl", "--name", "X\nBcc: y@evil.example",
               "--role", "lezer", "--password", PASSWORD)
    assert done.exit_code != 0 and "stuurtekens" in done.output
    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    with pytest.raises(DomainError, match="stuurtekens"):
        services.app.assign_trekker(SMALL_PLAN_ID, "1.A1", name="Anna\rSmit", email=ANNA,
                                    at=datetime(2025, 10, 2), by="beheer")
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-03-02"}).test_client()
    sign_in(client, services, "beheerder")
    answer = client.post("/gebruikers", data={
        "csrf_token": csrf_token(client, "/gebruikers"), "email": "x@teststad.nl",
        "name": "X\r\nBcc: y@evil.example", "role": "lezer", "password": PASSWORD})
    assert answer.status_code == 422 and "stuurtekens" in answer.get_data(as_text=True)
    services.catch_up()
    emails = [u["email"] for u in __import__("projections.users", fromlist=["all_users"]).all_users(services.db)]
    assert "x@teststad.nl" not in emails


def test_a_stored_name_with_a_line_break_fails_alone_and_the_rest_go_out(services, smtp_server) -> None:
    trekker_scenario(services)
    # A name from before names were checked: written into the store as it stood.
    iv = services.app.get_intervention(SMALL_PLAN_ID, "1.A2")
    iv.trigger_event(TrekkerAssigned, name=CRLF_NAME, email=BERT, at=datetime(2025, 10, 3, 9), by="oud")
    services.app.save(iv)
    services.catch_up()
    report = run(services)
    assert [m["to"] for m in report.failed] == [BERT] and "past niet in een e-mail" in report.failed[0]["error"]
    assert sorted(m["to"] for m in report.sent) == [ANNA, STUURGROEP]
    assert sorted(smtp_server.recorder.envelopes) == [[ANNA], [STUURGROEP]]
    services.catch_up()
    assert reminders_by_status(services.db, "claimed") == []
    assert reminders_by_status(services.db, "in_doubt") == []
    (failed,) = reminders_by_status(services.db, "failed")
    assert failed["recipient"] == BERT
    again = run(services, datetime(2026, 3, 2, 7, 45))       # retried by the next run, failing alone again
    assert [m["to"] for m in again.failed] == [BERT] and again.sent == []
    services.catch_up()
    assert reminders_by_status(services.db, "failed")[0]["attempts"] == 2


def test_a_claim_whose_send_never_started_is_released_and_sent_not_put_in_doubt(services, smtp_server) -> None:
    trekker_scenario(services)
    mail = mail_settings(services.data_dir)
    # A run claimed Bert's reminders and died before it reached the mail server.
    crashed_at = datetime(2026, 3, 2, 7, 0)
    (bert,) = [m for m in planned_messages(services, MONDAY.date(), mail) if m.recipient == BERT]
    mid = message_id(bert.keys, crashed_at, sender_domain(mail))
    assert services.app.claim_reminders(_claims(bert), message_id=mid, at=crashed_at, by="herinneringen")
    report = run(services)                         # 30 minutes later: past the lease
    assert [(s["message_id"], s["outcome"]) for s in report.settled] == [(mid, "failed")]
    assert sorted(m["to"] for m in report.sent) == [ANNA, BERT, STUURGROEP]
    assert smtp_server.recorder.to().count(BERT) == 1
    services.catch_up()
    assert reminders_by_status(services.db, "in_doubt") == []


def test_the_beheerder_is_told_to_set_the_stuurgroep_address(services, monkeypatch) -> None:
    from web import create_app

    monkeypatch.delenv("TRACKER_STUURGROEP_EMAIL", raising=False)
    trekker_scenario(services)
    config = {"DATA_DIR": str(services.data_dir), "TODAY": "2026-03-02"}
    client = create_app(config).test_client()
    sign_in(client, services, "beheerder")
    page = client.get(f"/plannen/{SMALL_PLAN_ID}").get_data(as_text=True)
    banner = page[page.index("geen stuurgroepadres ingesteld"):page.index("zegt hoe u het instelt.</p>")]
    assert "<em>Testagenda Jeugd en Wmo</em>:" in banner and 'href="/uitgaande-berichten">' in banner
    assert "TRACKER_" not in banner                      # how to set it: on the outbox page
    outbox = client.get("/uitgaande-berichten").get_data(as_text=True)
    assert "Geen stuurgroepadres voor «Testagenda Jeugd en Wmo»" in outbox and SMALL_PLAN_ID not in outbox
    assert "geen stuurgroepadres ingesteld" not in outbox  # the page says it per plan: no banner above it too
    assert "(Plan importeren)" in outbox and "TRACKER_STUURGROEP_EMAIL" in outbox
    reader = create_app(config).test_client()
    sign_in(reader, services, "lezer")
    assert "stuurgroepadres" not in reader.get(f"/plannen/{SMALL_PLAN_ID}").get_data(as_text=True)
    configured = create_app({**config, "STUURGROEP_EMAIL": STUURGROEP}).test_client()
    sign_in(configured, services, "beheerder")
    assert "stuurgroepadres" not in configured.get(f"/plannen/{SMALL_PLAN_ID}").get_data(as_text=True)


def test_the_first_start_tells_the_beheerder_to_set_the_stuurgroep_address(cli, monkeypatch) -> None:
    monkeypatch.delenv("TRACKER_STUURGROEP_EMAIL", raising=False)
    first = cli("init", "--today", "2025-10-01")
    assert first.exit_code == 0, first.output
    assert "geen stuurgroepadres ingesteld" in first.output and "TRACKER_STUURGROEP_EMAIL" in first.output
    monkeypatch.setenv("TRACKER_STUURGROEP_EMAIL", STUURGROEP)
    again = cli("init", "--today", "2025-10-02")
    assert again.exit_code == 0 and "stuurgroepadres" not in again.output


def test_a_name_longer_than_a_name_is_refused(services) -> None:
    from tracker.texts import MAX_NAME

    with pytest.raises(DomainError, match="Deze naam is te lang: 201 tekens, ten hoogste 200"):
        services.app.add_user(email="x@teststad.nl", name="A" * (MAX_NAME + 1), role="lezer",
                              password=PASSWORD, at=datetime(2025, 10, 1), by="test")
    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    with pytest.raises(DomainError, match="te lang"):
        services.app.assign_trekker(SMALL_PLAN_ID, "1.A1", name="Anna " * 50, email=ANNA,
                                    at=datetime(2025, 10, 2), by="beheer")
    services.app.add_user(email="x@teststad.nl", name="A" * MAX_NAME, role="lezer",
                          password=PASSWORD, at=datetime(2025, 10, 1), by="test")


ENCODED_NAME = "=?utf-8?q?Piet=0D=0AReply-To:_attacker@evil.example=0D=0AContent-Type:_text/html?="


def test_a_name_with_an_encoded_word_is_refused_and_a_stored_one_adds_no_header(services, smtp_server) -> None:
    from email import message_from_bytes
    from email.policy import default

    from notifications.account_mail import account_message

    with pytest.raises(DomainError, match="gecodeerde tekst"):
        services.app.add_user(email="x@teststad.nl", name=ENCODED_NAME, role="lezer",
                              password=PASSWORD, at=datetime(2025, 10, 1), by="test")
    trekker_scenario(services)
    with pytest.raises(DomainError, match="gecodeerde tekst"):
        services.app.assign_trekker(SMALL_PLAN_ID, "1.A2", name=ENCODED_NAME, email=BERT,
                                    at=datetime(2025, 10, 3), by="beheer")
    # One stored before names were checked: the message goes to the address alone, with no added header.
    iv = services.app.get_intervention(SMALL_PLAN_ID, "1.A2")
    iv.trigger_event(TrekkerAssigned, name=ENCODED_NAME, email=BERT, at=datetime(2025, 10, 3, 9), by="oud")
    services.app.save(iv)
    services.catch_up()
    report = run(services)
    assert BERT in [m["to"] for m in report.sent]
    to_bert = [m for envelope, m in zip(smtp_server.recorder.envelopes, smtp_server.recorder.messages)
               if envelope == [BERT]]
    assert to_bert and all("Reply-To" not in m and m["To"] == BERT for m in to_bert)
    invite = message_from_bytes(account_message(mail_settings(services.data_dir), "invite", email=BERT, name=ENCODED_NAME,
                                                url="https://x/", days=7, minutes=30,
                                                moment=datetime(2026, 3, 2, 9)).as_bytes(), policy=default)
    assert "Reply-To" not in invite and invite["To"] == BERT and invite.get_content_type() == "text/plain"


def test_a_label_stored_with_a_control_character_stops_no_reminder(services, smtp_server, monkeypatch) -> None:
    trekker_scenario(services)
    # Recorded before texts were checked: a milestone of Bert's, due this month, with a backspace in it.
    with monkeypatch.context() as unchecked:
        unchecked.setattr("tracker.actors.check_lengths", lambda fields: None)
        services.app.plan_milestone(SMALL_PLAN_ID, "1.A2", label="Nota\x08 aan het college", due="maart 2026",
                                    at=datetime(2025, 10, 3, 9), by="beheer")
    services.catch_up()
    report = run(services)
    assert BERT in [m["to"] for m in report.sent] and ANNA in [m["to"] for m in report.sent]
    assert report.failed == []
