"""`tracker serve`: worker processes behind one port; a change through one worker is shown by any other."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

import pytest

from tests.accounts import PASSWORD, ensure_user
from tests.helpers import DEFAULT_PLAN, DEFAULT_PLAN_ID as PLAN, IMPORTED_AT, REPO
from tests.mail_helpers import free_port
from tests.test_scheduler import Output

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores

PAGE = f"/plannen/{PLAN}/interventies/3.A1"


class Client:
    """A browser's cookie jar over plain HTTP on loopback, one new connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";")[0]
            return response.status, text
        finally:
            conn.close()

    def form_field(self, path: str, name: str, action: str | None = None) -> str:
        status, page = self.request("GET", path)
        assert status == 200, (status, page[:300])
        if action:
            page = page[page.index(f'action="{action}"'):]
        return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


@pytest.fixture
def served(services, data_dir):
    """`tracker serve` with two worker processes, on the default plan with Jan Jansen as trekker of 3.A1."""
    from tracker.planfile import read_plan_file

    services.app.import_plan(read_plan_file(DEFAULT_PLAN), at=IMPORTED_AT, by="beheer")
    services.app.assign_trekker(PLAN, "3.A1", name="Jan Jansen", email="j.jansen@nijmegen.nl",
                                at=datetime(2025, 10, 2, 9), by="beheer")
    ensure_user(services, "trekker")
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TRACKER_PORT": str(port), "TRACKER_SERVER_WORKERS": "2",
           "TRACKER_SERVER_THREADS": "2", "TRACKER_TODAY": "2026-04-01"}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = Output(proc, proc.stdout)
    try:
        out.until("Webapplicatie op")
        out.until(lambda text: text.count("gestart") >= 2)
        yield proc, out, Client(port)
    finally:
        for pid in children_of(proc.pid):
            os.kill(pid, signal.SIGCONT)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_runs_worker_processes_and_a_post_on_one_is_shown_by_another(served):
    proc, out, client = served
    first, second = children_of(proc.pid)
    # Only the first worker takes connections while the note is recorded ...
    os.kill(second, signal.SIGSTOP)
    token = client.form_field("/inloggen", "csrf_token")
    status, _ = client.request("POST", "/inloggen", {"email": "j.jansen@nijmegen.nl", "password": PASSWORD,
                                                     "csrf_token": token})
    assert status == 302
    action = f"{PAGE}/notities"
    version = client.form_field(PAGE, "version", action)
    token = client.form_field(PAGE, "csrf_token", action)
    status, _ = client.request("POST", action, {"text": "Gesprek met de scholen gevoerd", "version": version,
                                                "csrf_token": token})
    assert status == 303
    # ... and only the second one while the page is read again: it shows the note.
    os.kill(first, signal.SIGSTOP)
    os.kill(second, signal.SIGCONT)
    status, page = client.request("GET", PAGE)
    assert status == 200 and "Gesprek met de scholen gevoerd" in page
    os.kill(first, signal.SIGCONT)


def test_a_worker_that_dies_is_replaced(served):
    proc, out, client = served
    first, second = children_of(proc.pid)
    os.kill(first, signal.SIGKILL)
    out.until(lambda text: f"werkproces {first} gestopt (signaal 9)" in text and text.count("gestart") >= 3)
    assert len(children_of(proc.pid)) == 2 and first not in children_of(proc.pid)
    status, _ = client.request("GET", "/inloggen")
    assert status == 200


def test_the_workers_stop_with_the_server_even_when_it_is_killed(served):
    proc, out, client = served
    workers = children_of(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    for pid in workers:   # each notices its parent is gone (a pipe closes) and ends
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
            assert time.monotonic() < deadline, f"worker {pid} outlived its parent"
            time.sleep(0.05)


def test_serve_refuses_a_shared_store_without_a_session_key_before_any_worker_starts(cli, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql://tracker:pw@127.0.0.1:5432/voortgang")
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    result = cli("serve")
    assert result.exit_code == 1 and "TRACKER_SECRET_KEY ontbreekt" in result.stderr


def test_serve_refuses_an_unusable_worker_count(cli, monkeypatch):
    monkeypatch.setenv("TRACKER_SERVER_WORKERS", "veel")
    result = cli("serve")
    assert result.exit_code == 1 and "TRACKER_SERVER_WORKERS='veel' is geen geheel getal" in result.stderr


def test_the_server_runs_one_worker_per_core_and_at_least_two():
    from web.serving import ServerSettings

    assert ServerSettings.from_env({}).workers == max(2, os.cpu_count() or 1)
    assert ServerSettings.from_env({"TRACKER_SERVER_WORKERS": "3"}).workers == 3
    assert "workers" not in ServerSettings.from_env({}).waitress_options()


def test_a_request_over_the_bound_is_refused_with_the_dutch_page(served):
    _, _, client = served
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    try:
        body = b"email=" + b"x" * 9_000_000  # over the 8 MiB bound, within what waitress lets through
        conn.request("POST", "/inloggen", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        page = response.read().decode("utf-8")
    finally:
        conn.close()
    assert response.status == 413, page[:2000]
    assert "Te groot" in page and "Er is niets opgeslagen" in page and "exceeds" not in page
