"""One benchmark run over a generated store: prints a table of figures against the goals.

    .venv/bin/python benchmarks/run.py              # full scale: 300 plans x 25 interventions
    .venv/bin/python benchmarks/run.py --small      # quick: 20 plans x 25 interventions
    .venv/bin/python benchmarks/run.py --profile    # also: where a rebuild spends its time
    .venv/bin/python benchmarks/run.py --variants   # also: rebuild settings, direct log read
    .venv/bin/python benchmarks/run.py --no-pg --no-load   # without the PostgreSQL and load stages

The store is generated on first use (benchmarks/generate.py) and reused afterwards. Every run
rebuilds the store's read model, appends a few notes to one intervention (the catch-up
measurement) and, once, a reader account to sign the board requests in; nothing else is
changed. Figures only, no assertions on them: it exits 0, or 1 when a stage could not run.
Results also go to <data dir>/last-run.json; --profile writes <data dir>/profile-rebuild.txt.
The PostgreSQL stage (benchmarks/pg.py) starts a server of its own and copies the store into it;
the load stage (benchmarks/load.py) serves the store with `tracker serve` and loads it with wrk.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import load  # noqa: E402
import pg  # noqa: E402
from events.store import EVENTS_FILENAME, make_mapper  # noqa: E402

TODAY = date(2028, 12, 31)
AS_OF = date(2026, 6, 30)
BATCH = 500
BENCH_EMAIL = "benchmark-lezer@example.nl"
BENCH_PASSWORD = "benchmark-wachtwoord"

GOALS = {
    "rebuild": 100_000,       # events/s
    "rebuild_ratio": 0.5,     # of the raw scan (direct SELECT + json.loads, one core, same run)
    "board_p95": 100.0,       # ms
    "as_of_board_p95": 200.0,  # ms
}


# --- small helpers ------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> float:
    return seconds * 1000.0


def timed(fn: Callable[[], Any], n: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def code_version() -> str:
    """Name the commit of the work tree (read from .git, without running git)."""
    git = REPO_ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            path = git / ref
            if path.exists():
                return f"{ref.rsplit('/', 1)[-1]} {path.read_text().strip()[:12]}"
            for line in (git / "packed-refs").read_text().splitlines():
                if line.endswith(" " + ref):
                    return f"{ref.rsplit('/', 1)[-1]} {line[:12]}"
        return head[:12]
    except OSError:
        return "unknown"


def cpu_sample() -> tuple[float, float, float] | None:
    """Return (wall, machine busy CPU seconds, this process's CPU seconds), or None off Linux."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle, iowait
    own = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    return time.monotonic(), busy, own


def other_cpu_share(before: tuple[float, float, float] | None) -> float | None:
    """Return the share of the machine's CPU that other processes used since ``before``."""
    after = cpu_sample()
    if before is None or after is None:
        return None
    wall = after[0] - before[0]
    other = (after[1] - before[1]) - (after[2] - before[2])
    return max(0.0, other / (wall * (os.cpu_count() or 1)))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, value: str, goal: str = "", status: str = "") -> None:
        self.rows.append((what, value, goal, status))

    def section(self, title: str) -> None:
        self.rows.append((title, "", "", "#"))

    def print(self) -> None:
        w = [max(len(r[i]) for r in self.rows + [("Measure", "Measured", "Goal", "")]) for i in range(3)]
        line = f"+-{'-' * w[0]}-+-{'-' * w[1]}-+-{'-' * w[2]}-+------+"
        print(line)
        print(f"| {'Measure':<{w[0]}} | {'Measured':>{w[1]}} | {'Goal':<{w[2]}} | ok?  |")
        print(line)
        for what, value, goal, status in self.rows:
            if status == "#":
                print(f"| {what:<{w[0]}} | {'':>{w[1]}} | {'':<{w[2]}} |      |")
                continue
            print(f"| {what:<{w[0]}} | {value:>{w[1]}} | {goal:<{w[2]}} | {status:<4} |")
        print(line)


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISS"


# --- the store ------------------------------------------------------------------------------------

def ensure_store(data_dir: Path, plans: int, interventions: int, regenerate: bool) -> dict[str, Any]:
    manifest = generate.read_manifest(data_dir)
    wanted = {"plans": plans, "interventions": interventions,
              "generator_version": generate.GENERATOR_VERSION}
    if manifest and all(manifest.get(k) == v for k, v in wanted.items()) and not regenerate:
        print(f"Reusing the store in {data_dir} ({manifest['events']:,} events, generated "
              f"{manifest['generated_at']}).", flush=True)
        return manifest
    exists = (data_dir / EVENTS_FILENAME).exists()
    if exists and not regenerate:
        raise SystemExit(f"{data_dir} holds a store of another size or an unfinished one: "
                         "pass --regenerate to replace it, or another --data-dir.")
    print(f"Generating {plans} plans x {interventions} interventions into {data_dir} "
          "(once; reused by later runs)...", flush=True)
    return generate.generate(data_dir, plans, interventions, force=exists)


def separate_append(plans: int) -> dict[str, Any]:
    """Time appends of a small generated store into a fresh, empty store."""
    with tempfile.TemporaryDirectory(prefix="bench-append-") as tmp:
        return generate.generate(Path(tmp), plans, 25, progress=False)


# --- reading the notification log -----------------------------------------------------------------

def read_log(recorder: Any, decode: Callable[[Any], Any] | None) -> tuple[int, float]:
    position, count = 0, 0
    t0 = time.perf_counter()
    while True:
        notifications = recorder.select_notifications(start=position, limit=BATCH, inclusive_of_start=False)
        if not notifications:
            break
        if decode is not None:
            for n in notifications:
                decode(n)
        count += len(notifications)
        position = notifications[-1].id
    return count, time.perf_counter() - t0


def read_log_direct(events_file: Path, table: str, batch: int, loads: bool) -> tuple[int, float]:
    """Read the SQLite notification log with plain SQL (no Notification objects, no mapper)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{events_file}?mode=ro", uri=True)
    sql = f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    position = count = 0
    t0 = time.perf_counter()
    try:
        while True:
            rows = conn.execute(sql, (position, batch)).fetchall()
            if not rows:
                break
            if loads:
                for row in rows:
                    json.loads(row[4])
            count += len(rows)
            position = rows[-1][0]
    finally:
        conn.close()
    return count, time.perf_counter() - t0


# --- profile of a rebuild ---------------------------------------------------------------------------

class _TimedRecorder:
    def __init__(self, recorder: Any, clock: dict[str, float]):
        self._recorder, self._clock = recorder, clock

    def select_notifications(self, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self._recorder.select_notifications(*args, **kwargs)
        finally:
            self._clock["select_notifications"] += time.perf_counter() - t0


def _timed(fn: Callable, name: str, clock: dict[str, float]) -> Callable:
    clock.setdefault(name, 0.0)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            clock[name] += time.perf_counter() - t0
    return wrapped


def _sql_key(sql: str) -> str:
    """Name a statement by its shape: verb, table and what it selects or sets."""
    text = " ".join(sql.split())
    words = text.split(" ")
    verb = words[0].upper()
    if verb == "SELECT":
        table = re.search(r" FROM (\w+)", text)
        what = "current row" if "recorded_to IS NULL" in text else text[7:40]
        return f"SELECT {table[1] if table else '?'} ({what})"
    if verb == "UPDATE":
        sets = text.split(" SET ", 1)[1].split(" WHERE ")[0]
        n = sets.count("= ?")
        return f"UPDATE {words[1]} SET {sets if n <= 2 else f'<{n} columns>'}"
    if verb == "CREATE":
        name = re.search(r'INDEX (?:IF NOT EXISTS )?"?(\w+)', text)
        return f"CREATE INDEX {name[1]}" if name else text[:40]
    if verb in ("INSERT", "REPLACE"):
        return " ".join(words[:5] if len(words) > 1 and words[1].upper() == "OR" else words[:3])
    return text[:40]


class _TimedConnection:
    """Time every statement run through ``db.conn``, by the statement's shape."""

    def __init__(self, conn: Any, clock: dict[str, list[float]]):
        self._conn, self._clock = conn, clock

    def _note(self, sql: str, seconds: float, rows: int) -> None:
        entry = self._clock.setdefault(_sql_key(sql), [0.0, 0, 0])
        entry[0] += seconds
        entry[1] += 1
        entry[2] += rows

    def execute(self, sql: str, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            self._note(sql, time.perf_counter() - t0, 1)

    def executemany(self, sql: str, rows: Any) -> Any:
        rows = list(rows)
        t0 = time.perf_counter()
        try:
            return self._conn.executemany(sql, rows)
        finally:
            self._note(sql, time.perf_counter() - t0, len(rows))

    def __enter__(self) -> Any:
        return self._conn.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._conn.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _rebuild(runner: Any) -> int:
    """Run the runner's own rebuild (into its, scratch, database)."""
    return runner.rebuild()


def rebuild_breakdown(recorder: Any, out: Path) -> dict[str, Any]:
    """Rebuild into a scratch read model with timers around each part; return seconds per part.

    Parts: reading and decoding the log, every per-event handler, the core projection's
    handle / begin / flush where the runner has one, the rest of each batch (BEGIN, COMMIT,
    tracking, the loop) and what the rebuild does around the batches (dropping and creating
    tables, indexes). Every statement through ``db.conn`` is timed by its shape as well.
    """
    from projections.dispatch import Routes
    from projections.runner import ProjectionRunner, open_read_model

    clock: dict[str, float] = {"read the log": 0.0}
    db = open_read_model(out)
    runner = ProjectionRunner(recorder, db)
    select = runner._select
    if select is not None:
        runner._select = _timed(select, "read the log", clock)
    else:
        runner.recorder = _TimedRecorder(recorder, clock)
        clock["select_notifications"] = clock.pop("read the log")
    # Every handler timed under its read model and event class; the core's begin/flush too.
    runner.routes = Routes([{cls: _timed(h, f"{h.__module__.rsplit('.', 1)[-1]} {cls.__name__}", clock)
                             for cls, h in table.items()} for table in runner.routes.tables])
    core = runner.core
    for method in ("begin", "flush"):
        setattr(core, method, _timed(getattr(core, method), f"core.{method}", clock))
    batches: dict[str, float] = {}
    runner.catch_up = _timed(runner.catch_up, "catch_up", batches)
    sql_clock: dict[str, list[float]] = {}
    raw_conn = db.conn
    db.conn = _TimedConnection(raw_conn, sql_clock)
    t0 = time.perf_counter()
    applied = _rebuild(runner)
    total = time.perf_counter() - t0
    db.conn = raw_conn
    pages = {k: db.execute(f"PRAGMA {k}").fetchone()[0] for k in ("page_count", "page_size")}
    db.close()
    clock["rest of each batch (BEGIN, COMMIT, tracking, loop)"] = batches["catch_up"] - sum(clock.values())
    clock["around the batches (drop, create tables, indexes)"] = total - batches["catch_up"]
    return {"events": applied, "seconds": total, "parts": clock, "sql": sql_clock,
            "size_mb": pages["page_count"] * pages["page_size"] / 2**20}


def rebuild_profile(recorder: Any, out: Path, report: Path) -> str:
    """cProfile a rebuild into a scratch read model; write the full report, return the top lines."""
    from projections.runner import ProjectionRunner, open_read_model

    db = open_read_model(out)
    runner = ProjectionRunner(recorder, db)
    profiler = cProfile.Profile()
    profiler.enable()
    applied = _rebuild(runner)
    profiler.disable()
    db.close()
    text = []
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(key)
        stats.print_stats(40)
        text.append(f"==== sorted by {key} ({applied:,} events) ====\n{buf.getvalue()}")
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats("cumulative").print_callers(
        "execute|fetchone|dumps|loads|to_domain_event|_record|current|change")
    text.append(f"==== callers of SQL, JSON and the row cache ====\n{buf.getvalue()}")
    report.write_text("\n".join(text), encoding="utf-8")
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats("tottime").print_stats(25)
    return buf.getvalue()


# --- the council report ---------------------------------------------------------------------------

def report_timings(run: Any) -> None:
    """Time the 2026-H1 council report per format: the default plan, and one plan of the store."""
    from tracker.planfile import read_plan_file
    from web.reports import render_report
    from web.reports.build import concept
    from web.services import DEFAULT_PLAN, open_services

    import weasyprint  # noqa: F401  (its import, ~0.5 s, is not part of a report's time)

    print("Timing the council report per format...", flush=True)
    run.table.section(f"Council report 2026-H1 as of {AS_OF} (data + rendering, one run each)")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        default = open_services(Path(tmp), env={})
        spec = read_plan_file(DEFAULT_PLAN)
        default.app.import_plan(spec, at=datetime(2025, 10, 1, 9), by="benchmark")
        default.catch_up()
        for label, services, plan_id in (("default plan", default, spec.id),
                                         (run.plan_id, run.services, run.plan_id)):
            db = services.read_model()
            for fmt in ("md", "html", "docx", "pdf"):
                t0 = time.perf_counter()
                data, meta = concept(db, plan_id, "2026-H1", AS_OF, AS_OF)
                size = len(render_report(data, meta, fmt))
                seconds = time.perf_counter() - t0
                run.results[f"report_{'default' if services is default else 'store'}_{fmt}_ms"] = ms(seconds)
                run.table.add(f"{label} ({len(data['tijdpad'])} interventions): {fmt}, {size // 1024} KiB",
                              f"{ms(seconds):.0f} ms")
        default.close()


# --- main -----------------------------------------------------------------------------------------

class Run:
    """The stages of one run; each adds rows to the table and figures to ``results``."""

    def __init__(self, args: argparse.Namespace, data_dir: Path, plans: int, manifest: dict[str, Any]):
        from web.services import open_services

        self.args, self.data_dir, self.plans, self.manifest = args, data_dir, plans, manifest
        self.plan_id = args.plan or generate.plan_id_of((plans + 1) // 2)
        self.table = Table()
        self.results: dict[str, Any] = {"manifest": manifest, "plan": self.plan_id}
        self.services = open_services(data_dir, env={})
        self.recorder = self.services.app.recorder
        self.errors: list[str] = []

    def stage(self, title: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # report and go on with the other stages
            import traceback

            traceback.print_exc()
            self.errors.append(f"{title}: {type(exc).__name__}: {exc}")
            self.table.add(f"{title}: FAILED", f"{type(exc).__name__}", "", "ERR")

    def append(self) -> None:
        m, t = self.manifest, self.table
        t.section(f"Store: {self.plans} plans x {self.args.interventions} interventions, "
                  f"{m['events']:,} events at generation")
        t.add("append during generation (in app.save / import)", f"{m['append_events_per_s']:,.0f} ev/s")
        t.add("generation overall (wall, incl. YAML, domain)", f"{m['generate_events_per_s']:,.0f} ev/s")
        if self.args.append_plans:
            print(f"Timing a separate append of {self.args.append_plans} plans into a fresh store...", flush=True)
            sep = separate_append(self.args.append_plans)
            t.add(f"separate append, {sep['events']:,} events, fresh store",
                  f"{sep['append_events_per_s']:,.0f} ev/s")
            self.results["separate_append_rate"] = sep["append_events_per_s"]

    def rebuild(self) -> None:
        t, r = self.table, self.results
        print("Reading the notification log (select only, then select + decode)...", flush=True)
        read_log(self.recorder, None)  # warm the page cache
        n_select, t_select = read_log(self.recorder, None)
        n_decode, t_decode = read_log(self.recorder, make_mapper().to_domain_event)
        select_rate, decode_rate = n_select / t_select, n_decode / t_decode
        events_file = self.data_dir / EVENTS_FILENAME
        table_name = getattr(self.recorder, "events_table_name", "stored_events")
        n_raw, t_raw = read_log_direct(events_file, table_name, 5000, loads=True)
        raw_scan_rate = n_raw / t_raw
        r.update(events=n_select, select_rate=select_rate, decode_rate=decode_rate, raw_scan_rate=raw_scan_rate,
                 load_before_rebuild=os.getloadavg())
        t.section(f"Read model rebuild: runner.rebuild() of {n_select:,} events")
        t.add(f"raw read: select_notifications ({BATCH}) only", f"{select_rate:,.0f} ev/s")
        t.add("raw read: select + decode (mapper)", f"{decode_rate:,.0f} ev/s")
        t.add("raw scan: direct SELECT + json.loads of every state, one core", f"{raw_scan_rate:,.0f} ev/s")
        if self.args.no_rebuild:
            t.add("full rebuild", "skipped", "", "")
            self.services.catch_up()
            return
        print(f"Rebuilding the read model from {n_select:,} events...", flush=True)
        t0 = time.perf_counter()
        rebuilt = self.services.runner.rebuild()
        t_rebuild = time.perf_counter() - t0
        rate = rebuilt / t_rebuild
        ratio = rate / raw_scan_rate
        r.update(rebuild_rate=rate, rebuild_seconds=t_rebuild, ratio=ratio, ratio_to_decode=rate / decode_rate,
                 load_after_rebuild=os.getloadavg())
        t.add("full rebuild throughput", f"{rate:,.0f} ev/s", f">= {GOALS['rebuild']:,} ev/s",
              verdict(rate >= GOALS["rebuild"]))
        t.add("rebuild / raw scan (same run)", f"{ratio:.2f}", f">= {GOALS['rebuild_ratio']}",
              verdict(ratio >= GOALS["rebuild_ratio"]))
        t.add("rebuild / raw read (select + decode)", f"{rate / decode_rate:.2f}")
        t.add("rebuild / raw read (select only)", f"{rate / select_rate:.2f}")
        t.add("full rebuild time", f"{t_rebuild:,.1f} s")
        db = self.services.db
        pragma = {k: db.execute(f"PRAGMA {k}").fetchone()[0] for k in ("page_count", "freelist_count", "page_size")}
        used_mb = (pragma["page_count"] - pragma["freelist_count"]) * pragma["page_size"] / 2**20
        r["read_model_mb"] = used_mb
        t.add("read model size (pages in use)", f"{used_mb:,.0f} MiB")
        r["rss_after_rebuild_mb"] = rss_mb()
        t.add("peak RSS up to the end of the rebuild", f"{rss_mb():,.0f} MiB")

    def catch_up(self) -> None:
        n = self.args.commands
        print(f"Catch-up after {n} single commands...", flush=True)
        self.services.catch_up()
        row = self.services.db.execute(
            "SELECT code FROM intervention_versions WHERE plan_id = ? AND valid_to IS NULL "
            "AND recorded_to IS NULL AND closed = 0 AND dropped = 0 ORDER BY code LIMIT 1",
            [self.plan_id]).fetchone()
        code = row[0]
        base = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=12)
        stamp = int(time.time())
        t_cmd, t_catch, applied = [], [], 0
        for k in range(n):
            t0 = time.perf_counter()
            self.services.app.add_note(self.plan_id, code, text=f"Benchmark-notitie {stamp}-{k}",
                                       at=base + timedelta(seconds=k), by="benchmark")
            t1 = time.perf_counter()
            applied += self.services.catch_up()
            t2 = time.perf_counter()
            t_cmd.append(t1 - t0)
            t_catch.append(t2 - t1)
        self.results.update(command_p50_ms=ms(statistics.median(t_cmd)),
                            catch_up_p50_ms=ms(statistics.median(t_catch)), catch_up_max_ms=ms(max(t_catch)))
        t = self.table
        t.section(f"Catch-up after one command (add_note on {self.plan_id} {code}, n={n}, "
                  f"{applied} events applied)")
        t.add("command (load aggregate + save) p50", f"{ms(statistics.median(t_cmd)):.1f} ms")
        t.add("catch-up p50", f"{ms(statistics.median(t_catch)):.1f} ms")
        t.add("catch-up max", f"{ms(max(t_catch)):.1f} ms")

        # What every web request pays before it reads: an idle catch-up of the process's runner.
        t_idle = timed(self.services.runner.catch_up, self.args.requests)
        self.results["idle_catch_up_p50_ms"] = ms(statistics.median(t_idle))
        t.add("per request: idle catch-up p50", f"{ms(statistics.median(t_idle)):.1f} ms")

    def board(self) -> None:
        from web import create_app

        n, plan_id = self.args.requests, self.plan_id
        print(f"Board of {plan_id}: {n} requests now and as of {AS_OF}...", flush=True)
        web = create_app({"DATA_DIR": str(self.data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
        client = web.test_client()
        self.sign_in(client)
        sizes: dict[str, int] = {}

        def board(query: str) -> Callable[[], None]:
            def get() -> None:
                response = client.get(f"/plannen/{plan_id}{query}")
                assert response.status_code == 200, (response.status_code, query)
                assert plan_id.encode() in response.data, "not the plan's board"
                sizes[query] = len(response.data)
            return get

        as_of_query = f"?as_of={AS_OF.isoformat()}"
        t_board = timed(board(""), n)
        t_board_as_of = timed(board(as_of_query), n)
        t = self.table
        t.section(f"Board /plannen/{plan_id} (Flask test client, TODAY {TODAY}, n={n})")
        for label, key, values, goal in (("board now", "board", t_board, GOALS["board_p95"]),
                                         (f"board {as_of_query}", "as_of_board", t_board_as_of,
                                          GOALS["as_of_board_p95"])):
            p50, p95 = ms(statistics.median(values)), ms(pct(values, 95))
            self.results.update({f"{key}_p50_ms": p50, f"{key}_p95_ms": p95})
            t.add(f"{label} p50", f"{p50:.1f} ms")
            t.add(f"{label} p95", f"{p95:.1f} ms", f"<= {goal:.0f} ms", verdict(p95 <= goal))
        t.add("board page size now / as of", f"{sizes[''] // 1024} / {sizes[as_of_query] // 1024} KiB")

    def sign_in(self, client: Any, role: str = "lezer") -> None:
        """Sign the test client in as a reader, or in another role (the account is added to the store once)."""
        try:
            from tracker.users import user_id
        except ImportError:  # a version without accounts
            return
        email = BENCH_EMAIL if role == "lezer" else BENCH_EMAIL.replace("lezer", role)
        if user_id(email) not in self.services.app.repository:
            self.services.app.add_user(email=email, name=f"Benchmark {role.capitalize()}", role=role,
                                       password=BENCH_PASSWORD, at=datetime(2025, 1, 2, 9), by="benchmark")
            self.services.catch_up()
        page = client.get("/inloggen").data.decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        response = client.post("/inloggen", data={"email": email, "password": BENCH_PASSWORD,
                                                  "csrf_token": token[1] if token else ""})
        if response.status_code != 302:
            raise RuntimeError(f"signing in failed: HTTP {response.status_code}")

    def query(self) -> None:
        from projections.interventions import interventions_as_of

        n, plan_id = self.args.requests, self.plan_id
        db = self.services.read_model()
        ivs = interventions_as_of(db, TODAY, plan_id=plan_id)
        t_now = timed(lambda: interventions_as_of(db, TODAY, plan_id=plan_id), n)
        t_as_of = timed(lambda: interventions_as_of(db, AS_OF, plan_id=plan_id), n)
        n_ms = sum(len(iv["milestones"]) for iv in ivs)
        t = self.table
        t.section(f"Query interventions_as_of({plan_id}): {len(ivs)} interventions, {n_ms} milestones")
        for label, key, values in (("now", "query", t_now), (f"as of {AS_OF}", "as_of_query", t_as_of)):
            p50, p95 = ms(statistics.median(values)), ms(pct(values, 95))
            self.results.update({f"{key}_p50_ms": p50, f"{key}_p95_ms": p95})
            t.add(f"{label} p50", f"{p50:.1f} ms")
            t.add(f"{label} p95", f"{p95:.1f} ms")

    def pages(self) -> None:
        """Time the pages and queries that look past one plan: a region's hundreds of plans are in them."""
        from web import create_app

        from projections.calendar_feeds import feed_milestones
        from projections.interventions import interventions_as_of, owned_actions
        from projections.plans import plan

        n, plan_id = 5, self.plan_id
        db = self.services.read_model()
        ivs = interventions_as_of(db, TODAY, plan_id=plan_id)
        code, email = ivs[0]["code"], next((iv["trekker_email"] for iv in ivs if iv["trekker_email"]), "")
        key = (plan(db, plan_id)["facts"].get("groups") or [{"key": ""}])[0]["key"]
        print(f"Pages beyond one plan's board ({n} requests each)...", flush=True)
        web = create_app({"DATA_DIR": str(self.data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
        client, beheerder = web.test_client(), web.test_client()
        self.sign_in(client)
        self.sign_in(beheerder, "beheerder")

        def page(path: str, by: Any = client) -> Callable[[], None]:
            def get() -> None:
                response = by.get(path)
                assert response.status_code == 200, (response.status_code, path)
            return get

        def made(path: str, kept: str, by: Any = client) -> Callable[[], None]:
            get = page(path, by)

            def fresh() -> None:  # as at a new position: what the web app keeps per position forgotten
                web.extensions.pop(kept, None)
                get()
            return fresh

        mine = sum(1 for iv in interventions_as_of(db, TODAY, trekker=email)) if email else 0
        measured = (
            ("home: the portfolio of every plan, made (a new position)", "portfolio", made("/", "portfolio_cache")),
            ("home: the portfolio, kept (the next reader at that position)", "portfolio_kept", page("/")),
            (f"intervention page {plan_id} {code} (history, links both ways)", "intervention_page",
             page(f"/plannen/{plan_id}/interventies/{code}")),
            (f"goal page {plan_id} {key}", "goal_page", page(f"/plannen/{plan_id}/doelen/{key}")),
            ("the same intervention page for a beheerder (with the link form)", "beheerder_intervention_page",
             page(f"/plannen/{plan_id}/interventies/{code}", beheerder)),
            ("a beheerder's page that reads no plan (Plan laden)", "beheerder_plain_page",
             page("/plannen/importeren", beheerder)),
            ("the outbox (every plan's due reminders, by recipient), made", "outbox_page",
             made("/uitgaande-berichten", "outbox_due", beheerder)),
            ("the outbox, kept (the next look at that position)", "outbox_page_kept",
             page("/uitgaande-berichten", beheerder)),
            (f"a trekker's interventions (Mijn interventies: {mine} of them)", "trekker_query",
             lambda: interventions_as_of(db, TODAY, trekker=email)),
            ("a trekker's calendar feed (its milestones)", "trekker_feed",
             lambda: feed_milestones(db, {"scope": "trekker", "subject": email}, TODAY)),
            ("the stuurgroep's actions given to the trekker (Mijn acties)", "owned_actions",
             lambda: owned_actions(db, email, TODAY)),
        )
        t = self.table
        t.section(f"Beyond one plan: {self.plans} plans (Flask test client or the query, TODAY {TODAY}, n={n})")
        for label, key_, get in measured:
            values = timed(get, n, warmup=1)
            p50, most = ms(statistics.median(values)), ms(max(values))
            self.results.update({f"{key_}_p50_ms": p50, f"{key_}_max_ms": most})
            t.add(f"{label} p50 / max", f"{p50:.0f} / {most:.0f} ms")

    def memory(self) -> None:
        self.results["peak_rss_mb"] = rss_mb()
        self.table.section("Memory and machine")
        self.table.add("peak RSS of this run (ru_maxrss)", f"{rss_mb():,.0f} MiB")
        self.table.add("peak RSS of the generation", f"{self.manifest['peak_rss_mb']:,.0f} MiB")
        idle = self.results.get("other_cpu_share_before")
        if idle is not None:
            self.table.add("CPU used by others, 2 s before the run", f"{100 * idle:.0f} % of machine",
                           "~0 % (quiet machine)", "" if idle < 0.10 else "BUSY")
        load = os.getloadavg()
        self.results["load_average_end"] = load
        self.table.add("load average (1, 5, 15 min) at the start / end",
                       f"{' '.join(f'{v:.1f}' for v in self.results['load_average_start'])} / "
                       f"{' '.join(f'{v:.1f}' for v in load)}", f"<= {os.cpu_count()} (cores)")
        other = other_cpu_share(self.results["cpu_before"])
        self.results["other_cpu_share"] = other
        if other is not None:
            self.table.add("CPU used outside this process during the run", f"{100 * other:.0f} % of machine",
                           "< 25 % (incl. kernel writeback)", "" if other < 0.25 else "BUSY")

    def variants(self) -> None:
        """Rebuild into scratch files with other settings, and time a direct read of the log."""
        from projections.runner import ProjectionRunner, open_read_model

        print("\nRebuild variants (scratch read models) and the direct-read ceiling...", flush=True)
        rows = []
        events_file = self.data_dir / EVENTS_FILENAME
        table_name = getattr(self.recorder, "events_table_name", "stored_events")
        for loads in (False, True):
            n, seconds = read_log_direct(events_file, table_name, 5000, loads)
            rows.append((f"direct SELECT on {table_name}" + (" + json.loads(state)" if loads else ""),
                         n, seconds, None))
        for journal, batch in (("WAL", 5000), ("WAL", 20000), ("OFF", 5000), ("OFF", 20000)):
            with tempfile.TemporaryDirectory(prefix="bench-variant-", dir=self.data_dir) as tmp:
                db = open_read_model(Path(tmp) / "rm.sqlite")
                if journal != "WAL":
                    db.conn.execute(f"PRAGMA journal_mode={journal}")
                runner = ProjectionRunner(self.recorder, db)
                t0 = time.perf_counter()
                try:
                    n = runner.rebuild(batch_size=batch)
                except TypeError:  # a runner without the batch_size argument
                    runner.batch_size = batch
                    n = runner.rebuild()
                seconds = time.perf_counter() - t0
                db.close()
            rows.append((f"runner.rebuild(), journal_mode={journal}, batch {batch}", n, seconds, None))
        print(f"  {'variant':<60} {'events':>9} {'seconds':>8} {'events/s':>9}")
        for label, n, seconds, _ in rows:
            print(f"  {label:<60} {n:>9,} {seconds:>8.1f} {n / seconds:>9,.0f}")
        self.results["variants"] = [(label, n, seconds) for label, n, seconds, _ in rows]

    def profile(self) -> None:
        with tempfile.TemporaryDirectory(prefix="bench-profile-", dir=self.data_dir) as tmp:
            print("\nRebuild with timers per part (scratch read model)...", flush=True)
            b = rebuild_breakdown(self.recorder, Path(tmp) / "breakdown.sqlite")
            print(f"{b['events']:,} events in {b['seconds']:.1f} s ({b['events'] / b['seconds']:,.0f} ev/s):")
            for part, seconds in sorted(b["parts"].items(), key=lambda kv: -kv[1]):
                print(f"  {part:<52} {seconds:7.1f} s  {100 * seconds / b['seconds']:5.1f} %  "
                      f"{1e6 * seconds / b['events']:6.1f} us/event")
            print(f"  SQL through db.conn (inside the parts above; read model {b['size_mb']:,.0f} MiB):")
            print(f"    {'statement':<62} {'calls':>9} {'rows':>9} {'seconds':>8} {'share':>6}")
            for key, (seconds, calls, rows) in sorted(b["sql"].items(), key=lambda kv: -kv[1][0])[:15]:
                print(f"    {key[:62]:<62} {calls:9,} {rows:9,} {seconds:8.1f} {100 * seconds / b['seconds']:5.1f}%")
            self.results["breakdown"] = b
            report = self.data_dir / "profile-rebuild.txt"
            print(f"\ncProfile of a rebuild (full report: {report})...", flush=True)
            print(rebuild_profile(self.recorder, Path(tmp) / "profile.sqlite", report))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="20 plans x 25 interventions")
    parser.add_argument("--plans", type=int, default=None, help="plans in the store (default 300, 20 with --small)")
    parser.add_argument("--interventions", type=int, default=25)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="store directory (default benchmarks/.data/<plans>x<interventions>)")
    parser.add_argument("--regenerate", action="store_true", help="replace the store in --data-dir")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per board measurement")
    parser.add_argument("--plan", default=None, help="plan whose board is measured (default: the middle one)")
    parser.add_argument("--append-plans", type=int, default=10,
                        help="plans written into a fresh store for the separate append timing (0: skip)")
    parser.add_argument("--commands", type=int, default=20, help="commands for the catch-up latency")
    parser.add_argument("--no-rebuild", action="store_true", help="catch up instead of rebuilding")
    parser.add_argument("--profile", action="store_true",
                        help="also rebuild with timers per part and under cProfile (into scratch files)")
    parser.add_argument("--variants", action="store_true",
                        help="also rebuild into scratch files with journal_mode OFF and larger batches, "
                             "and time a direct SQL read of the log")
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL stage (benchmarks/pg.py)")
    parser.add_argument("--no-load", action="store_true", help="skip the load stage (benchmarks/load.py)")
    parser.add_argument("--load-readers", type=int, default=20, help="concurrent signed-in readers")
    parser.add_argument("--load-seconds", type=int, default=15, help="seconds of load per board")
    args = parser.parse_args(argv)

    plans = args.plans or (20 if args.small else 300)
    data_dir = (args.data_dir or HERE / ".data" / f"{plans}x{args.interventions}").resolve()
    started = datetime.now()
    print(f"Benchmark {started:%Y-%m-%d %H:%M} on {platform.node()} "
          f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores), "
          f"Python {platform.python_version()}, code at {code_version()} (plus uncommitted changes, if any)",
          flush=True)
    manifest = ensure_store(data_dir, plans, args.interventions, args.regenerate)
    run = Run(args, data_dir, plans, manifest)
    before = cpu_sample()
    time.sleep(2)
    run.results["other_cpu_share_before"] = other_cpu_share(before)
    run.results.update(started=started.isoformat(timespec="seconds"), code=code_version(),
                       load_average_start=os.getloadavg(),
                       data_dir=str(data_dir), cpu_before=cpu_sample())
    run.stage("append", run.append)
    run.stage("rebuild", run.rebuild)
    run.stage("catch-up", run.catch_up)
    run.stage("board", run.board)
    run.stage("query", run.query)
    run.stage("pages", run.pages)
    run.stage("report", lambda: report_timings(run))
    if not args.no_pg:
        run.stage("postgresql", lambda: pg.stage(run))
    if not args.no_load:
        run.stage("load", lambda: load.stage(run, BENCH_EMAIL, BENCH_PASSWORD, TODAY.isoformat()))
    run.memory()
    print()
    run.table.print()
    if args.variants:
        run.stage("variants", run.variants)
    if args.profile:
        run.stage("profile", run.profile)
    run.results["errors"] = run.errors
    (data_dir / "last-run.json").write_text(json.dumps(run.results, indent=2, default=str) + "\n", encoding="utf-8")
    run.services.app.close()
    if run.errors:
        print("\nStages that failed (figures above are incomplete):", *run.errors, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
