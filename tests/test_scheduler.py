"""The scheduler in its own process: periodic runs, catch-up after downtime, killed mid-run."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time as clock
import urllib.request
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from notifications.delivery import run_reminders
from notifications.mailer import FileSink, mailer_for
from notifications.scheduler import ReminderJob, build_scheduler, reminder_day
from notifications.settings import MailSettings
from projections.outbox import reminders_by_status
from tests.helpers import REPO, SMALL_PLAN
from tests.mail_helpers import (  # noqa: F401 (smtp_server is a fixture)
    ANNA,
    BERT,
    STUURGROEP,
    fixed,
    free_port,
    mail_settings,
    smtp_server,
    trekker_scenario,
)
from web.services import open_services


class Output:
    """Read a child's output as it comes, up to a line that says what we wait for (no sleeping)."""

    def __init__(self, proc: subprocess.Popen, stream) -> None:
        self.proc = proc
        self.fd = stream.fileno()
        self.text = ""

    def until(self, needle: str | Callable[[str], bool], timeout: float = 60) -> str:
        """Read until the text holds ``needle`` (or ``needle(text)`` is true); return the text so far."""
        seen = needle if callable(needle) else (lambda text: needle in text)
        deadline = clock.monotonic() + timeout
        while not seen(self.text):
            remaining = deadline - clock.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(remaining, 0))
            if not ready:
                raise AssertionError(f"{needle!r} not seen in time; output so far:\n{self.text}")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise AssertionError(f"{needle!r} not seen before the output ended:\n{self.text}")
            self.text += chunk.decode("utf-8", errors="replace")
        return self.text

    def rest(self) -> str:
        while chunk := os.read(self.fd, 65536):
            self.text += chunk.decode("utf-8", errors="replace")
        return self.text


def tracker(*args: str, env: dict[str, str] | None = None, killed_after_first_send: bool = False
            ) -> subprocess.CompletedProcess:
    """Run the command line; ``killed_after_first_send``: it dies right after its first mail went out."""
    module = "tests.kill_after_first_send" if killed_after_first_send else "cli"
    return subprocess.run([sys.executable, "-m", module, *args], env={**os.environ, **(env or {})}, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


# --- the schedule ---------------------------------------------------------------------------

def test_the_scheduler_runs_reminders_every_15_minutes_and_the_digest_on_monday_morning() -> None:
    mail = MailSettings(data_dir=Path("."), send_time=time(7, 0))
    scheduler = build_scheduler(lambda: None, mail, start_now=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"reminders", "weekly-digest"}
    interval, weekly = jobs["reminders"].trigger, jobs["weekly-digest"].trigger
    assert isinstance(interval, IntervalTrigger) and interval.interval.total_seconds() == 15 * 60
    assert isinstance(weekly, CronTrigger)
    wednesday = datetime(2026, 3, 4, 12, tzinfo=weekly.timezone)
    nxt = weekly.get_next_fire_time(None, wednesday)
    assert (nxt.date(), nxt.hour, nxt.minute) == (date(2026, 3, 9), 7, 0)
    for job in jobs.values():  # a late run still runs, and several missed runs make one
        assert job.coalesce is True and job.misfire_grace_time is None and job.max_instances == 1


def test_before_the_send_time_a_run_works_on_yesterday() -> None:
    assert reminder_day(datetime(2026, 3, 2, 6, 59), time(7)) == date(2026, 3, 1)
    assert reminder_day(datetime(2026, 3, 2, 7, 0), time(7)) == date(2026, 3, 2)


def test_the_job_keeps_running_when_a_run_fails(data_dir) -> None:
    opened = []

    def broken_services():
        services = open_services(data_dir)
        opened.append(services)
        services.app.recorder = None  # every use of the store fails
        return services

    job = ReminderJob(broken_services, MailSettings(data_dir=data_dir), today=date(2026, 3, 2))
    job()
    job()
    assert job.runs == 2 and len(opened) == 2


# --- catch-up after downtime ----------------------------------------------------------------

def test_a_reminder_that_came_due_while_down_goes_out_late_once(services, smtp_server) -> None:
    trekker_scenario(services)
    mail = mail_settings(services.data_dir)

    def run(moment: datetime):
        return run_reminders(services, mailer_for(mail), mail, reminder_day(moment, mail.send_time), fixed(moment))

    run(datetime(2026, 3, 20, 9))
    sent_before = len(smtp_server.messages)
    # Down from Friday 20 March until Thursday 26 March: Bert's 7-day reminder (24 March) and the
    # stuurgroep's Monday digest (23 March) were missed.
    late = run(datetime(2026, 3, 26, 10))
    assert sorted(m["to"] for m in late.sent) == [ANNA, BERT, STUURGROEP]
    new = smtp_server.messages[sent_before:]
    bert = next(m for m in new if m["To"].addresses[0].addr_spec == BERT)
    assert "(maart 2026): nog 5 dagen" in bert.get_body(("plain",)).get_content()
    stuurgroep = next(m for m in new if m["To"].addresses[0].addr_spec == STUURGROEP)
    assert "16 maart 2026 t/m 22 maart 2026" in stuurgroep.get_body(("plain",)).get_content()
    # Once: the runs of the rest of the day and week send nothing more about it.
    for moment in (datetime(2026, 3, 26, 10, 15), datetime(2026, 3, 27, 10), datetime(2026, 3, 29, 10)):
        assert all("nog 5 dagen" not in m["subject"] for m in run(moment).sent)
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages[sent_before:]].count(STUURGROEP) == 1


# --- the scheduler as its own process -------------------------------------------------------

def test_the_scheduler_process_sends_at_start_and_stops_on_sigterm(services, smtp_server) -> None:
    trekker_scenario(services)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "scheduler", "--today", "2026-03-02", "--interval", "60"],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = Output(proc, proc.stdout)
        out.until("Planner gestart")
        out.until("herinneringen 2026-03-02: 3 verstuurd")
        assert smtp_server.recorder.wait_for(3)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert "Planner gestopt." in out.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]
    # A restarted scheduler catches up and finds nothing left to send.
    again = subprocess.Popen([sys.executable, "-m", "cli", "scheduler", "--today", "2026-03-02"],
                             env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        Output(again, again.stdout).until("herinneringen 2026-03-02: 0 verstuurd")
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=60) == 0
    finally:
        if again.poll() is None:
            again.kill()
    assert len(smtp_server.messages) == 3


def test_killed_between_send_and_record_never_sends_twice_and_loses_nothing(services, smtp_server, cli) -> None:
    trekker_scenario(services)
    killed = tracker("reminders", "--today", "2026-03-02T07:30", killed_after_first_send=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert smtp_server.recorder.to() == [ANNA]      # handed over, then the process died
    services.catch_up()
    (claimed,) = reminders_by_status(services.db, "claimed")
    assert claimed["recipient"] == ANNA

    # A run right after it (the claim is fresh: maybe still running) sends the rest, not Anna's.
    rest = tracker("reminders", "--today", "2026-03-02T07:35", "--json")
    assert rest.returncode == 0, rest.stderr
    assert sorted(m["to"] for m in json.loads(rest.stdout)["sent"]) == [BERT, STUURGROEP]
    # Past the lease the claim is settled: SMTP cannot tell whether it arrived, so it is in
    # doubt: shown, never resent by itself.
    later = tracker("reminders", "--today", "2026-03-02T08:00", "--json")
    report = json.loads(later.stdout)
    assert report["sent"] == [] and [s["outcome"] for s in report["settled"]] == ["in_doubt"]
    assert tracker("reminders", "--today", "2026-03-09T08:00", "--json").returncode == 0
    assert smtp_server.recorder.to().count(ANNA) == 2  # Anna's new weekly reminder, not the old one twice
    outbox = json.loads(cli("outbox", "--json").output)
    (doubt,) = outbox["in_doubt"]
    assert doubt["recipient"] == ANNA and doubt["message_id"] == smtp_server.messages[0]["Message-ID"]
    assert cli("resolve-reminder", doubt["message_id"], "--sent").exit_code == 0
    assert json.loads(cli("outbox", "--json").output)["in_doubt"] == []


def test_killed_mid_run_with_the_file_sink_is_settled_from_the_files(services, monkeypatch) -> None:
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    trekker_scenario(services)
    killed = tracker("reminders", "--today", "2026-03-02T07:30", killed_after_first_send=True)
    assert killed.returncode == -signal.SIGKILL
    sink = FileSink(services.data_dir / "outbox")
    assert len(sink.messages()) == 1
    later = tracker("reminders", "--today", "2026-03-02T08:00", "--json")
    report = json.loads(later.stdout)
    assert [s["outcome"] for s in report["settled"]] == ["sent"]   # the file is there: it was sent
    assert sorted(m["to"] for m in report["sent"]) == [BERT]  # no stuurgroep address: escalations held
    assert len(sink.messages()) == 2
    services.catch_up()
    assert reminders_by_status(services.db, "claimed") == [] and reminders_by_status(services.db, "in_doubt") == []


def wait_for_port(port: int, timeout: float = 30) -> None:
    """Return once something listens on the port (the web app prints before it binds)."""
    deadline = clock.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except ConnectionRefusedError:
            if clock.monotonic() > deadline:
                raise


def test_tracker_run_starts_the_scheduler_beside_the_web_app_and_stops_it(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(SMALL_PLAN, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "TRACKER_DATA_DIR": str(tmp_path / "data"), "TRACKER_DEFAULT_PLAN": str(plan),
           "PYTHONUNBUFFERED": "1"}
    env.pop("TRACKER_SMTP_HOST", None)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "run", "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = Output(proc, proc.stdout)
        text = out.until("Planner gestart")
        child = int(text.split("Planner gestart (proces ")[1].split(")")[0])
        assert child != proc.pid
        out.until("Webapplicatie op")
        wait_for_port(port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/inloggen", timeout=30) as response:
            assert response.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert "Planner gestopt." in out.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_the_scheduler_stops_when_tracker_run_is_killed(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(SMALL_PLAN, encoding="utf-8")
    env = {**os.environ, "TRACKER_DATA_DIR": str(tmp_path / "data"), "TRACKER_DEFAULT_PLAN": str(plan),
           "PYTHONUNBUFFERED": "1"}
    env.pop("TRACKER_SMTP_HOST", None)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "run", "--port", str(free_port())], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = Output(proc, proc.stdout)
        out.until("Planner gestart")
        out.until("Webapplicatie op")
        # No chance to clean up: the child must notice by itself that its parent is gone.
        proc.kill()
        assert proc.wait(timeout=60) == -signal.SIGKILL
        text = out.until("Planner gestopt.")
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "het startende proces is gestopt" in text
    assert out.rest()  # the output ends: the child closed it on its way out


def test_the_web_app_never_starts_the_scheduler(tmp_path: Path) -> None:
    code = ("import sys; from web import create_app; "
            f"app = create_app({{'DATA_DIR': {str(tmp_path / 'data')!r}}}); "
            "app.test_client().get('/uitgaande-berichten'); "
            "print('apscheduler' in sys.modules, 'notifications.scheduler' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False False", done.stderr

