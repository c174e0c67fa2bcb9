"""The load phase of the benchmark: N signed-in readers on the board, through `tracker serve`.

It starts the production server (`tracker serve`, worker processes) on a free loopback port on a
data directory, signs in one session per reader, and runs `wrk` (Debian's package) with a Lua
script that sends each request with one of the session cookies, counts every answer that is not
200 as an error, and prints the latency percentiles. Bounded in time; loopback only.

    .venv/bin/python benchmarks/load.py --data-dir DIR --plan PLAN [--readers 20] [--seconds 15]

Server start, sign-in, the wrk script and its parsing belong to one stage; hence past 300 lines.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
HOST = "127.0.0.1"

# Every reply but 200 is an error (a 302 to the login page means the session was not valid).
WRK_SCRIPT = r"""
local cookies = {}
local threads = {}
local n = 0
bad = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(cookies, line) end
  end
end

function request()
  n = n % #cookies + 1
  return wrk.format("GET", wrk.path, {["Cookie"] = cookies[n]})
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "not_200": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, wrong,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def tracker_command() -> list[str]:
    """Return the `tracker` entry point of this virtualenv."""
    entry = Path(sys.executable).parent / "tracker"
    if entry.exists():
        return [str(entry)]
    return [sys.executable, "-m", "cli"]


class Served:
    """`tracker serve` as a child process on a data directory, stopped on exit."""

    def __init__(self, data_dir: Path, env: dict[str, str], workers: int | None, threads: int | None):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-serve-", suffix=".log", delete=False)
        environ = {**os.environ, **env, "TRACKER_DATA_DIR": str(data_dir), "TRACKER_HOST": HOST,
                   "TRACKER_PORT": str(self.port), "PYTHONUNBUFFERED": "1"}
        if workers:
            environ["TRACKER_SERVER_WORKERS"] = str(workers)
        if threads:
            environ["TRACKER_SERVER_THREADS"] = str(threads)
        self.proc = subprocess.Popen([*tracker_command(), "serve"], env=environ, cwd=REPO_ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tracker serve stopped ({self.proc.returncode}):\n{self.output()}")
            try:
                status, _, _ = request(self.port, "GET", "/inloggen")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"tracker serve did not answer within {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        Path(self.log.name).unlink(missing_ok=True)

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        conn.close()


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the login form; return the session cookie ("session=...")."""
    status, headers, page = request(port, "GET", "/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    first = headers.get("set-cookie", "").split(";")[0]
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token[1] if token else ""})
    status, headers, _ = request(port, "POST", "/inloggen", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": first})
    if status != 302 or "set-cookie" not in headers:
        raise RuntimeError(f"signing in as {email} failed: HTTP {status}")
    return headers["set-cookie"].split(";")[0]


def run_wrk(port: int, path: str, cookies: list[str], seconds: int, connections: int) -> dict[str, Any]:
    """Run wrk with one connection per reader for a bounded time; return its figures."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise RuntimeError("wrk is not installed (scripts/setup.sh --test, or apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script, jar = Path(tmp) / "readers.lua", Path(tmp) / "cookies.txt"
        script.write_text(WRK_SCRIPT)
        jar.write_text("\n".join(cookies) + "\n")
        done = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                               "-s", str(script), f"http://{HOST}:{port}{path}", "--", str(jar)],
                              capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK-RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["not_200"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {"requests": raw["requests"], "seconds": seconds_run, "req_per_s": raw["requests"] / seconds_run,
            "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "errors": errors, "not_200": raw["not_200"],
            "socket_errors": {k: raw[k] for k in ("connect", "read", "write", "timeout")}}


def cpu_seconds_of(pid: int) -> float:
    """Return the CPU seconds used by a process and its children so far (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is ppid, [2] pgrp; utime/stime at [11]/[12] after the ")" split.
        if int(fields[2]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def worker_pids(pid: int) -> list[int]:
    """Return the pids of a server's worker processes (its children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def load(data_dir: Path, path: str, email: str, password: str, readers: int = 20, seconds: int = 15,
         env: dict[str, str] | None = None, workers: int | None = None,
         threads: int | None = None) -> dict[str, Any]:
    """Serve the data directory and measure `readers` signed-in readers on `path` for `seconds`."""
    with Served(data_dir, env or {}, workers, threads) as served:
        cookies = [sign_in(served.port, email, password) for _ in range(readers)]
        status, _, page = request(served.port, "GET", path, headers={"Cookie": cookies[0]})
        if status != 200:
            raise RuntimeError(f"{path} answered {status} to a signed-in reader")
        for _ in range(20):  # warm every worker's caches before the clock starts
            request(served.port, "GET", path, headers={"Cookie": cookies[0]})
        cpu_before = cpu_seconds_of(served.proc.pid)
        load_before = os.getloadavg()
        figures = run_wrk(served.port, path, cookies, seconds, readers)
        figures.update(load_average_before=load_before, load_average_after=os.getloadavg())
        figures["server_cpu_s"] = cpu_seconds_of(served.proc.pid) - cpu_before
        figures.update(readers=readers, path=path, page_kib=len(page.encode()) / 1024,
                       workers=len(worker_pids(served.proc.pid)))
        return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--plan", required=True, help="plan whose board is loaded")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    figures = load(args.data_dir, f"/plannen/{args.plan}", args.email, args.password, args.readers,
                   args.seconds, workers=args.workers, threads=args.threads)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


LOAD_GOALS = {"p95_ms": 100.0, "req_per_s": 250.0}


def stage(run: Any, email: str, password: str, today: str) -> None:
    """The benchmark's load stage: the store's board and the default plan's, through `tracker serve`."""
    from datetime import datetime

    from tracker.planfile import read_plan_file
    from tracker.users import user_id
    from web.services import DEFAULT_PLAN, open_services

    readers, seconds = run.args.load_readers, run.args.load_seconds
    if user_id(email) not in run.services.app.repository:
        run.services.app.add_user(email=email, name="Benchmark Lezer", role="lezer", password=password,
                                  at=datetime(2025, 1, 2, 9), by="benchmark")
    run.services.catch_up()
    env = {"TRACKER_TODAY": today}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-", dir=run.data_dir) as tmp:
        default = open_services(Path(tmp) / "data", env={})
        spec = read_plan_file(DEFAULT_PLAN)
        default.app.import_plan(spec, at=datetime(2025, 10, 1, 9), by="benchmark")
        default.app.add_user(email=email, name="Benchmark Lezer", role="lezer", password=password,
                             at=datetime(2025, 10, 1, 9), by="benchmark")
        default.catch_up()
        default.db.close()
        default.app.close()
        for key, data_dir, plan_id in (("default", Path(tmp) / "data", spec.id),
                                       ("store", run.data_dir, run.plan_id)):
            print(f"Load: {readers} signed-in readers on the board of {plan_id} through tracker serve, "
                  f"{seconds} s...", flush=True)
            results[key] = load(data_dir, f"/plannen/{plan_id}", email, password, readers, seconds, env=env)
    run.results["load"] = results
    t = run.table
    for key, label in (("default", f"default plan ({spec.id}, fresh store)"),
                       ("store", f"{run.plan_id} in the generated store")):
        f = results[key]
        t.section(f"Load: {readers} signed-in readers, board of the {label}, tracker serve "
                  f"({f['workers']} workers), wrk on loopback, {f['seconds']:.0f} s")
        t.add("throughput", f"{f['req_per_s']:,.0f} req/s", f">= {LOAD_GOALS['req_per_s']:.0f} req/s",
              "MET" if f["req_per_s"] >= LOAD_GOALS["req_per_s"] else "MISS")
        t.add("latency p50 / p99 / max", f"{f['p50_ms']:.0f} / {f['p99_ms']:.0f} / {f['max_ms']:.0f} ms")
        t.add("latency p95", f"{f['p95_ms']:.0f} ms", f"<= {LOAD_GOALS['p95_ms']:.0f} ms",
              "MET" if f["p95_ms"] <= LOAD_GOALS["p95_ms"] else "MISS")
        t.add("errors (not 200, socket errors)", f"{f['errors']}", "0", "MET" if f["errors"] == 0 else "MISS")
        t.add("server CPU per request", f"{1000 * f['server_cpu_s'] / max(f['requests'], 1):.1f} ms",
              f"page {f['page_kib']:.0f} KiB")
        t.add("load average (1 min) before / after the load", f"{f['load_average_before'][0]:.1f} / "
              f"{f['load_average_after'][0]:.1f}")
