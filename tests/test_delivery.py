"""Delivery against a real SMTP server: one mail per recipient, never twice, never silently lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime

import pytest

from notifications.delivery import RUN_LOCK, planned_messages, run_reminders
from notifications.mailer import FileSink, SmtpMailer, mailer_for
from projections.outbox import reminders_by_status, status_counts
from tracker.concurrency import exclusive
from tests.helpers import REPO, SMALL_PLAN_ID
from tests.mail_helpers import (  # noqa: F401 (smtp_server is a fixture)
    ANNA,
    BERT,
    STUURGROEP,
    body,
    fixed,
    free_port,
    mail_settings,
    opdracht_id,
    smtp_server,
    trekker_scenario,
)
from web.services import open_services

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores

MONDAY = datetime(2026, 3, 2, 7, 30)


def run(services, moment: datetime = MONDAY, **overrides):
    mail = mail_settings(services.data_dir, **overrides)
    return run_reminders(services, mailer_for(mail), mail, moment.date(), fixed(moment))


def test_one_mail_per_recipient_in_dutch_text_and_html(services, smtp_server) -> None:
    trekker_scenario(services)
    report = run(services)
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]
    assert len(report.sent) == 3 and not report.failed
    bert = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == BERT)
    assert bert["Subject"] == "Herinnering mijlpalen: 1 binnenkort"
    assert bert["From"].addresses[0].addr_spec == "voortgang@teststad.nl"
    assert bert.get_content_type() == "multipart/alternative"
    url = f"https://voortgang.teststad.nl/plannen/{SMALL_PLAN_ID}/interventies/1.A2"
    assert url in body(bert) and f'href="{url}"' in body(bert, "html")
    assert "Opdracht aan jongerenwerk geformuleerd (maart 2026): nog 29 dagen" in body(bert)
    stuurgroep = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == STUURGROEP)
    assert stuurgroep["Subject"] == "Stuurgroep uitvoeringsagenda: weekoverzicht en 2 escalaties"
    assert "Escalatie: interventies zonder trekker" in body(stuurgroep)
    # Every reminder is recorded as sent, with its message's Message-ID.
    services.catch_up()
    sent = reminders_by_status(services.db, "sent")
    assert len(sent) == 5
    ids = {m["Message-ID"] for m in smtp_server.messages}
    assert {r["message_id"] for r in sent} == ids


def test_dry_run_json_shows_exactly_what_the_run_sends(services, smtp_server, cli) -> None:
    trekker_scenario(services)
    dry = cli("reminders", "--today", "2026-03-02", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.output)
    assert planned["dry_run"] is True and smtp_server.messages == []
    assert cli("reminders", "--today", "2026-03-02", "--dry-run", "--json").output == dry.output
    done = cli("reminders", "--today", "2026-03-02", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert sorted((m["to"], sorted(i["key"] for i in m["items"])) for m in planned["messages"]) == \
        sorted((m["to"], sorted(m["keys"])) for m in report["sent"])
    assert sorted((m["to"], m["subject"]) for m in planned["messages"]) == \
        sorted((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in smtp_server.messages)
    after = json.loads(cli("reminders", "--today", "2026-03-02", "--dry-run", "--json").output)
    assert after["messages"] == []


def test_a_restart_and_a_rebuild_of_the_read_model_never_send_twice(data_dir, smtp_server) -> None:
    first = open_services(data_dir)
    trekker_scenario(first)
    assert len(run(first).sent) == 3
    restarted = open_services(data_dir)
    assert run(restarted).sent == []
    restarted.runner.rebuild()
    assert status_counts(restarted.db) == {"sent": 5}
    assert run(restarted).sent == [] and run(restarted, datetime(2026, 3, 4, 9)).sent == []
    assert len(smtp_server.messages) == 3


def test_two_runs_that_race_send_each_message_once(data_dir, smtp_server) -> None:
    from notifications.delivery import RunReport, deliver

    a, b = open_services(data_dir), open_services(data_dir)
    trekker_scenario(a)
    mail = mail_settings(data_dir)
    # Both runs decide what to send before either has claimed anything.
    plan_a = planned_messages(a, MONDAY.date(), mail)
    plan_b = planned_messages(b, MONDAY.date(), mail)
    assert [m.keys for m in plan_a] == [m.keys for m in plan_b] and len(plan_a) == 3
    report_a = deliver(a, SmtpMailer(mail), mail, plan_a, RunReport(MONDAY.date()), fixed(MONDAY))
    report_b = deliver(b, SmtpMailer(mail), mail, plan_b, RunReport(MONDAY.date()), fixed(MONDAY))
    assert len(report_a.sent) == 3
    assert report_b.sent == [] and len(report_b.skipped) == 3
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]


def test_two_processes_at_once_send_each_message_once(data_dir, smtp_server, services) -> None:
    trekker_scenario(services)
    env = {**os.environ, "TRACKER_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "cli", "reminders", "--today", "2026-03-02T07:30", "--json"]
    procs = [subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    sent = [m["to"] for out, _ in outputs for m in json.loads(out)["sent"]]
    assert sorted(sent) == [ANNA, BERT, STUURGROEP]
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]


def test_while_another_run_holds_the_lock_a_run_sends_nothing_and_says_so(data_dir, smtp_server, services) -> None:
    trekker_scenario(services)
    elsewhere = open_services(data_dir)  # another process (on SQLite) or node (on PostgreSQL)
    with exclusive(elsewhere.app.recorder, RUN_LOCK) as held:
        assert held
        report = run(services)
        assert report.busy and report.sent == [] and report.skipped == []
        assert "Een andere herinneringsrun loopt al" in report.warnings[0]
        assert smtp_server.messages == []
    after = run(services)
    assert not after.busy and len(after.sent) == 3
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]


def test_smtp_down_is_recorded_as_failed_shown_and_retried(services, smtp_server) -> None:
    trekker_scenario(services)
    down = run(services, smtp_port=free_port())
    assert down.sent == [] and len(down.failed) == 3
    assert "niet bereikbaar" in down.failed[0]["error"]
    services.catch_up()
    failed = reminders_by_status(services.db, "failed")
    assert len(failed) == 5 and all(r["attempts"] == 1 and "niet bereikbaar" in r["last_error"] for r in failed)
    # The next run (server up again) sends them, once.
    up = run(services, datetime(2026, 3, 2, 7, 45))
    assert len(up.sent) == 3 and sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]
    services.catch_up()
    sent = reminders_by_status(services.db, "sent")
    assert len(sent) == 5 and all(r["attempts"] == 2 for r in sent)
    assert run(services, datetime(2026, 3, 2, 8)).sent == []


def test_a_refused_recipient_fails_alone_and_is_retried(services, smtp_server) -> None:
    trekker_scenario(services)
    smtp_server.recorder.refuse.add(BERT)
    report = run(services)
    assert [m["to"] for m in report.failed] == [BERT] and "geweigerd" in report.failed[0]["error"]
    assert sorted(smtp_server.recorder.to()) == [ANNA, STUURGROEP]
    assert run(services, datetime(2026, 3, 2, 7, 45)).failed[0]["to"] == BERT   # still refused: tried again
    smtp_server.recorder.refuse.clear()
    retry = run(services, datetime(2026, 3, 2, 8))
    assert [m["to"] for m in retry.sent] == [BERT]
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]
    services.catch_up()
    (bert,) = [r for r in reminders_by_status(services.db, "sent") if r["recipient"] == BERT]
    assert bert["attempts"] == 3


def test_a_connection_lost_after_the_message_is_in_doubt_and_not_resent(services, smtp_server, cli) -> None:
    trekker_scenario(services)
    smtp_server.recorder.break_after_data.add(BERT)
    report = run(services)
    assert [m["to"] for m in report.in_doubt] == [BERT]
    assert smtp_server.recorder.to().count(BERT) == 1          # it did arrive
    smtp_server.recorder.break_after_data.clear()
    for moment in (datetime(2026, 3, 2, 9), datetime(2026, 3, 3, 9)):
        assert BERT not in [m["to"] for m in run(services, moment).sent]
    assert smtp_server.recorder.to().count(BERT) == 1
    shown = json.loads(cli("outbox", "--json").output)
    (doubt,) = shown["in_doubt"]
    assert doubt["recipient"] == BERT and "verbroken" in doubt["last_error"]
    # Both at once, or neither, is no decision.
    for flags in (["--sent", "--resend"], []):
        undecided = cli("resolve-reminder", doubt["message_id"], *flags)
        assert undecided.exit_code == 1 and "kies --sent of --resend, één van beide" in undecided.output
    # The beheerder checks the mail log and decides: it did arrive.
    resolved = cli("resolve-reminder", doubt["message_id"], "--sent", "--note", "Staat in maillog")
    assert resolved.exit_code == 0, resolved.output
    services.catch_up()
    assert reminders_by_status(services.db, "in_doubt") == []
    assert run(services, datetime(2026, 3, 3, 10)).sent == []
    assert smtp_server.recorder.to().count(BERT) == 1


def test_a_reminder_in_doubt_can_be_sent_again_on_purpose(services, smtp_server, cli) -> None:
    trekker_scenario(services)
    smtp_server.recorder.break_after_data.add(BERT)
    run(services)
    smtp_server.recorder.break_after_data.clear()
    doubt = json.loads(cli("outbox", "--json").output)["in_doubt"][0]
    assert cli("resolve-reminder", doubt["key"], "--resend").exit_code == 0
    again = run(services, datetime(2026, 3, 2, 9))
    assert [m["to"] for m in again.sent] == [BERT]
    assert smtp_server.recorder.to().count(BERT) == 2


def test_completing_stops_and_rescheduling_moves_the_mail(services, smtp_server) -> None:
    trekker_scenario(services)

    def about_opdracht() -> list[str]:
        """Return the reminder line about Bert's milestone in each message Bert got."""
        return [line.strip() for m in smtp_server.messages if m["To"].addresses[0].addr_spec == BERT
                for line in body(m).splitlines() if "Mijlpaal: Opdracht aan jongerenwerk" in line]

    run(services, datetime(2026, 3, 1, 8))               # 30 days before 31 March
    assert about_opdracht() == ["Mijlpaal: Opdracht aan jongerenwerk geformuleerd (maart 2026): nog 30 dagen"]
    services.app.reschedule_milestone(SMALL_PLAN_ID, "1.A2", opdracht_id(services), due="april 2026",
                                      reason="Later", at=datetime(2026, 3, 10, 9), by="Bert Bos")
    run(services, datetime(2026, 3, 24, 8))               # no 7-day reminder for 31 March any more
    assert len(about_opdracht()) == 1
    run(services, datetime(2026, 4, 23, 8))               # 7 days before 30 April
    assert about_opdracht()[1:] == ["Mijlpaal: Opdracht aan jongerenwerk geformuleerd (april 2026): nog 7 dagen"]
    services.app.complete_milestone(SMALL_PLAN_ID, "1.A2", opdracht_id(services), realised=date(2026, 4, 24),
                                    at=datetime(2026, 4, 24, 9), by="Bert Bos")
    run(services, datetime(2026, 4, 29, 8))
    run(services, datetime(2026, 5, 2, 8))
    assert len(about_opdracht()) == 2


def test_smtp_login_with_user_and_password(services, smtp_server) -> None:
    trekker_scenario(services)
    report = run(services, smtp_user="voortgang", smtp_password="geheim")
    assert len(report.sent) == 3 and smtp_server.recorder.logins[0] == ("voortgang", "geheim")
    wrong = run(services, datetime(2026, 3, 9, 8), smtp_user="voortgang", smtp_password="fout")
    assert wrong.sent == [] and wrong.failed and len(smtp_server.messages) == 3


def test_without_smtp_host_mail_goes_to_files_in_the_data_directory(services, monkeypatch) -> None:
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    monkeypatch.setenv("TRACKER_STUURGROEP_EMAIL", STUURGROEP)
    trekker_scenario(services)
    mail = mail_settings(services.data_dir)
    assert mail.uses_sink
    report = run_reminders(services, mailer_for(mail), mail, MONDAY.date(), fixed(MONDAY))
    sink = FileSink(services.data_dir / "outbox")
    files = sink.messages()
    assert len(files) == len(report.sent) == 3
    assert sorted(f["to"].split("<")[-1].rstrip(">") for f in files) == [ANNA, BERT, STUURGROEP]
    # The outbox page shows the day each was sent, read from its Date header (not the header's English).
    assert {f["date"][:10] for f in files} == {MONDAY.date().isoformat()}
    assert all(sink.was_delivered(m["message_id"]) for m in report.sent)
    assert not list((services.data_dir / "outbox").glob("*.part"))


def test_without_a_stuurgroep_address_escalations_are_held_not_sent_to_a_stand_in(services, monkeypatch) -> None:
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    monkeypatch.delenv("TRACKER_STUURGROEP_EMAIL", raising=False)
    trekker_scenario(services)
    mail = mail_settings(services.data_dir)
    report = run_reminders(services, mailer_for(mail), mail, MONDAY.date(), fixed(MONDAY))
    files = FileSink(services.data_dir / "outbox").messages()
    assert sorted(f["to"].split("<")[-1].rstrip(">") for f in files) == [ANNA, BERT]
    assert sorted(m["to"] for m in report.sent) == [ANNA, BERT]
    (warning,) = report.warnings
    assert "Geen stuurgroepadres" in warning and "vastgehouden" in warning
    assert "TRACKER_STUURGROEP_EMAIL" in warning


def test_the_beheerder_decides_on_a_reminder_in_doubt_on_the_outbox_page(services, smtp_server) -> None:
    from urllib.parse import unquote

    from tests.accounts import csrf_token, sign_in
    from web import create_app

    trekker_scenario(services)
    smtp_server.recorder.break_after_data.add(BERT)
    run(services)
    smtp_server.recorder.break_after_data.clear()
    services.catch_up()
    (doubt,) = reminders_by_status(services.db, "in_doubt")
    app = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-03-02"})
    reader = app.test_client()
    sign_in(reader, services, "lezer")
    assert reader.post(f"/uitgaande-berichten/onzeker/{doubt['key']}", data={
        "csrf_token": csrf_token(reader, "/mijn-interventies"), "outcome": "resend"}).status_code == 403
    client = app.test_client()
    sign_in(client, services, "beheerder")
    import html
    import re

    page = client.get("/uitgaande-berichten").get_data(as_text=True)
    (action,) = re.findall(r'action="(/uitgaande-berichten/onzeker/[^"]+)"', page)
    assert unquote(html.unescape(action)).endswith(doubt["key"])
    answer = client.post(html.unescape(action),
                         data={"csrf_token": csrf_token(client, "/uitgaande-berichten"), "outcome": "resend"})
    assert answer.status_code == 303
    services.catch_up()
    assert reminders_by_status(services.db, "in_doubt") == []
    again = run(services, datetime(2026, 3, 2, 9))
    assert [m["to"] for m in again.sent] == [BERT]
    assert smtp_server.recorder.to().count(BERT) == 2


def test_the_outbox_works_out_what_is_due_once_per_position(services, smtp_server) -> None:
    from tests.accounts import sign_in
    from web import create_app

    trekker_scenario(services)
    services.catch_up()
    app = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-03-02",
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port})
    client = app.test_client()
    sign_in(client, services, "beheerder")
    first = client.get("/uitgaande-berichten").get_data(as_text=True)
    assert client.get("/uitgaande-berichten").get_data(as_text=True).count('data-status="pending"') == \
        first.count('data-status="pending"') > 0
    assert app.extensions["outbox_due"].made == 1
    run(services)  # sends what was waiting: the events move the position
    after = client.get("/uitgaande-berichten").get_data(as_text=True)
    assert app.extensions["outbox_due"].made == 2
    assert 'data-status="pending"' not in after and "Wacht op verzending <span class=\"count\">(0)</span>" in after


def test_a_reminder_about_a_very_long_milestone_label_is_sent_with_its_summary_cut(services, monkeypatch) -> None:
    from tracker.texts import MAX_TEXT

    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    trekker_scenario(services)
    # A label as long as a text may be: the reminder's summary (code, label, term, days) is longer.
    services.app.plan_milestone(SMALL_PLAN_ID, "1.A2", label="x" * MAX_TEXT, due="2026-03-05",
                                at=datetime(2026, 2, 1, 9), by="beheer")
    services.catch_up()
    mail = mail_settings(services.data_dir)
    report = run_reminders(services, mailer_for(mail), mail, MONDAY.date(), fixed(MONDAY))
    assert any(m["to"] == BERT for m in report.sent) and not report.failed
    services.catch_up()
    summaries = [r["summary"] for r in reminders_by_status(services.db, "sent")]
    assert any(s.startswith("1.A2 xxx") and s.endswith("…") and len(s) == 1000 for s in summaries)
