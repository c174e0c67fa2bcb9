"""One benchmark run over a generated store: prints a table of figures against the goals.

    .venv/bin/python benchmarks/run.py              # full scale: 300 plans x 25 interventions
    .venv/bin/python benchmarks/run.py --small      # quick: 20 plans x 25 interventions
    .venv/bin/python benchmarks/run.py --profile    # also: where a rebuild spends its time

The store is generated on first use (benchmarks/generate.py) and reused afterwards. Every run
rebuilds the store's read model and appends a few notes to one intervention (the catch-up
measurement); nothing else is changed. Figures only: this is not a test and exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
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
from events.store import EVENTS_FILENAME, make_mapper  # noqa: E402

TODAY = date(2028, 12, 31)
AS_OF = date(2026, 6, 30)
BATCH = 500

GOALS = {
    "rebuild": 50_000,        # events/s
    "rebuild_ratio": 0.3,     # of the raw read speed (select + decode)
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


class _TimedMapper:
    def __init__(self, mapper: Any, clock: dict[str, float]):
        self._mapper, self._clock = mapper, clock

    def to_domain_event(self, stored: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self._mapper.to_domain_event(stored)
        finally:
            self._clock["decode (mapper)"] += time.perf_counter() - t0


def _timed_handler(handler: Callable, clock: dict[str, float]) -> Callable:
    name = f"{handler.__module__}.handle"

    def wrapped(db: Any, event: Any, seq: int) -> None:
        t0 = time.perf_counter()
        try:
            handler(db, event, seq)
        finally:
            clock[name] += time.perf_counter() - t0
    clock[name] = 0.0
    return wrapped


def _sql_key(sql: str) -> str:
    """Name a statement by its shape: verb, table and what it selects or sets."""
    text = " ".join(sql.split())
    verb = text.split(" ", 1)[0].upper()
    if verb == "SELECT":
        table = re.search(r" FROM (\w+)", text)
        what = "current row" if "valid_to IS NULL" in text else text[7:40]
        return f"SELECT {table[1] if table else '?'} ({what})"
    if verb == "UPDATE":
        table = text.split(" ")[1]
        sets = text.split(" SET ", 1)[1].split(" WHERE ")[0]
        n = sets.count("= ?")
        return f"UPDATE {table} SET {sets if n <= 2 else f'<{n} columns> (same-moment change)'}"
    if verb.startswith("INSERT"):
        return " ".join(text.split(" ")[:4]) if " OR " in text[:20] else " ".join(text.split(" ")[:3])
    return text[:40]


class _TimedConnection:
    """Time every statement the handlers and the runner execute, by the statement's shape."""

    def __init__(self, conn: Any, clock: dict[str, list[float]]):
        self._conn, self._clock = conn, clock

    def execute(self, sql: str, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            entry = self._clock.setdefault(_sql_key(sql), [0.0, 0])
            entry[0] += time.perf_counter() - t0
            entry[1] += 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def rebuild_breakdown(recorder: Any, out: Path) -> dict[str, Any]:
    """Rebuild into a scratch read model with timers around each part; return seconds per part."""
    from projections.runner import HANDLERS, ProjectionRunner, open_read_model

    clock = {"select_notifications": 0.0, "decode (mapper)": 0.0}
    handlers = [_timed_handler(h, clock) for h in HANDLERS]
    db = open_read_model(out)
    runner = ProjectionRunner(_TimedRecorder(recorder, clock), db, mapper=_TimedMapper(make_mapper(), clock),
                              handlers=handlers)
    sql_clock: dict[str, list[float]] = {}
    db.conn = _TimedConnection(db.conn, sql_clock)
    t0 = time.perf_counter()
    applied = runner.catch_up()
    total = time.perf_counter() - t0
    db.conn = db.conn._conn
    pages = {k: db.execute(f"PRAGMA {k}").fetchone()[0] for k in ("page_count", "page_size")}
    db.close()
    clock["rest (commit, tracking, loop)"] = total - sum(clock.values())
    return {"events": applied, "seconds": total, "parts": clock, "sql": sql_clock,
            "size_mb": pages["page_count"] * pages["page_size"] / 2**20}


def rebuild_profile(recorder: Any, out: Path, max_events: int | None, report: Path) -> str:
    """cProfile a rebuild into a scratch read model; write the full report, return the top lines."""
    from projections.runner import ProjectionRunner, open_read_model

    db = open_read_model(out)
    runner = ProjectionRunner(recorder, db)
    max_batches = None if max_events is None else max(1, max_events // runner.batch_size)
    profiler = cProfile.Profile()
    profiler.enable()
    applied = runner.catch_up(max_batches=max_batches)
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
        "execute|fetchone|dumps|loads|describe|_data")
    text.append(f"==== callers of SQL and JSON ====\n{buf.getvalue()}")
    report.write_text("\n".join(text), encoding="utf-8")
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats("tottime").print_stats(20)
    return buf.getvalue()


# --- main -----------------------------------------------------------------------------------------

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
    parser.add_argument("--profile", action="store_true",
                        help="also rebuild with timers per part and under cProfile (into scratch files)")
    parser.add_argument("--profile-events", type=int, default=None,
                        help="limit the cProfile pass to the first N events (default: all)")
    args = parser.parse_args(argv)

    plans = args.plans or (20 if args.small else 300)
    data_dir = (args.data_dir or HERE / ".data" / f"{plans}x{args.interventions}").resolve()
    plan_id = args.plan or generate.plan_id_of((plans + 1) // 2)
    table = Table()
    started = datetime.now()

    print(f"Benchmark {started:%Y-%m-%d %H:%M} on {platform.node()} "
          f"({platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores), "
          f"Python {platform.python_version()}", flush=True)
    manifest = ensure_store(data_dir, plans, args.interventions, args.regenerate)

    from web.services import open_services
    from web import create_app
    from projections.interventions import interventions_as_of

    services = open_services(data_dir, env={})
    recorder = services.app.recorder
    mapper = make_mapper()

    # 1. Append.
    table.section(f"Store: {plans} plans x {args.interventions} interventions, "
                  f"{manifest['events']:,} events at generation")
    table.add("append during generation (in app.save)", f"{manifest['append_events_per_s']:,.0f} ev/s")
    table.add("generation overall (wall, incl. domain)", f"{manifest['generate_events_per_s']:,.0f} ev/s")
    if args.append_plans:
        print(f"Timing a separate append of {args.append_plans} plans into a fresh store...", flush=True)
        sep = separate_append(args.append_plans)
        table.add(f"separate append, {sep['events']:,} events, fresh store", f"{sep['append_events_per_s']:,.0f} ev/s")

    # 2. Raw read speed of the notification log.
    print("Reading the notification log (select only, then select + decode)...", flush=True)
    read_log(recorder, None)  # warm the page cache
    n_select, t_select = read_log(recorder, None)
    n_decode, t_decode = read_log(recorder, mapper.to_domain_event)
    select_rate, decode_rate = n_select / t_select, n_decode / t_decode

    # 3. Full rebuild of the read model.
    print(f"Rebuilding the read model from {n_select:,} events...", flush=True)
    t0 = time.perf_counter()
    rebuilt = services.runner.rebuild()
    t_rebuild = time.perf_counter() - t0
    rebuild_rate = rebuilt / t_rebuild
    ratio = rebuild_rate / decode_rate
    table.section(f"Read model rebuild ({rebuilt:,} events, batches of {BATCH})")
    table.add("raw read: select_notifications only", f"{select_rate:,.0f} ev/s")
    table.add("raw read: select + decode (mapper)", f"{decode_rate:,.0f} ev/s")
    table.add("full rebuild throughput", f"{rebuild_rate:,.0f} ev/s", f">= {GOALS['rebuild']:,} ev/s",
              verdict(rebuild_rate >= GOALS["rebuild"]))
    table.add("rebuild / raw read (select + decode)", f"{ratio:.2f}", f">= {GOALS['rebuild_ratio']}",
              verdict(ratio >= GOALS["rebuild_ratio"]))
    table.add("rebuild / raw read (select only)", f"{rebuild_rate / select_rate:.2f}")
    table.add("full rebuild time", f"{t_rebuild:,.1f} s")
    rm = data_dir / "readmodel.sqlite"
    table.add("read model size", f"{rm.stat().st_size / 2**20:,.0f} MiB")

    # 4. Catch-up latency after one command.
    print(f"Catch-up after {args.commands} single commands...", flush=True)
    row = services.db.execute(
        "SELECT code FROM intervention_versions WHERE plan_id = ? AND valid_to IS NULL "
        "AND closed = 0 AND dropped = 0 ORDER BY code LIMIT 1", [plan_id]).fetchone()
    code = row[0]
    base = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=12)
    stamp = int(time.time())
    t_cmd, t_catch = [], []
    for k in range(args.commands):
        t0 = time.perf_counter()
        services.app.add_note(plan_id, code, text=f"Benchmark-notitie {stamp}-{k}",
                              at=base + timedelta(seconds=k), by="benchmark")
        t1 = time.perf_counter()
        applied = services.catch_up()
        t2 = time.perf_counter()
        assert applied == 1, applied
        t_cmd.append(t1 - t0)
        t_catch.append(t2 - t1)
    table.section(f"Catch-up after one command (add_note on {plan_id} {code}, n={args.commands})")
    table.add("command (load aggregate + save) p50", f"{ms(statistics.median(t_cmd)):.1f} ms")
    table.add("catch-up p50", f"{ms(statistics.median(t_catch)):.1f} ms")
    table.add("catch-up max", f"{ms(max(t_catch)):.1f} ms")

    # 5. Board pages and the query under them.
    print(f"Board of {plan_id}: {args.requests} requests now and as of {AS_OF}...", flush=True)
    web = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    client = web.test_client()
    sizes = {}

    def board(query: str) -> Callable[[], None]:
        def get() -> None:
            response = client.get(f"/plannen/{plan_id}{query}")
            assert response.status_code == 200, (response.status_code, query)
            sizes[query] = len(response.data)
        return get

    t_board = timed(board(""), args.requests)
    t_board_as_of = timed(board(f"?as_of={AS_OF.isoformat()}"), args.requests)
    db = services.read_model()
    ivs = interventions_as_of(db, TODAY, plan_id=plan_id)
    t_query = timed(lambda: interventions_as_of(db, TODAY, plan_id=plan_id), args.requests)
    t_query_as_of = timed(lambda: interventions_as_of(db, AS_OF, plan_id=plan_id), args.requests)
    db.close()
    n_ms = sum(len(iv["milestones"]) for iv in ivs)
    table.section(f"Board /plannen/{plan_id} (TODAY {TODAY}, {len(ivs)} interventions, "
                  f"{n_ms} milestones, n={args.requests})")
    for label, values, goal in (
        ("board now", t_board, GOALS["board_p95"]),
        (f"board ?as_of={AS_OF}", t_board_as_of, GOALS["as_of_board_p95"]),
    ):
        table.add(f"{label} p50", f"{ms(statistics.median(values)):.1f} ms")
        p95 = ms(pct(values, 95))
        table.add(f"{label} p95", f"{p95:.1f} ms", f"<= {goal:.0f} ms", verdict(p95 <= goal))
    table.add("board page size now / as of", f"{sizes[''] // 1024} / {sizes[f'?as_of={AS_OF.isoformat()}'] // 1024} KiB")
    for label, values in (("interventions_as_of now", t_query), (f"interventions_as_of {AS_OF}", t_query_as_of)):
        table.add(f"{label} p50", f"{ms(statistics.median(values)):.1f} ms")
        table.add(f"{label} p95", f"{ms(pct(values, 95)):.1f} ms")

    # 6. Memory.
    table.section("Memory")
    table.add("peak RSS of this run (ru_maxrss)", f"{rss_mb():,.0f} MiB")
    table.add("peak RSS of the generation", f"{manifest['peak_rss_mb']:,.0f} MiB")

    print()
    table.print()

    results = {
        "started": started.isoformat(timespec="seconds"), "data_dir": str(data_dir), "plan": plan_id,
        "events": n_select, "select_rate": select_rate, "decode_rate": decode_rate,
        "rebuild_rate": rebuild_rate, "rebuild_seconds": t_rebuild, "ratio": ratio,
        "catch_up_p50_ms": ms(statistics.median(t_catch)), "command_p50_ms": ms(statistics.median(t_cmd)),
        "board_p50_ms": ms(statistics.median(t_board)), "board_p95_ms": ms(pct(t_board, 95)),
        "as_of_board_p50_ms": ms(statistics.median(t_board_as_of)),
        "as_of_board_p95_ms": ms(pct(t_board_as_of, 95)),
        "query_p50_ms": ms(statistics.median(t_query)), "query_p95_ms": ms(pct(t_query, 95)),
        "as_of_query_p50_ms": ms(statistics.median(t_query_as_of)),
        "as_of_query_p95_ms": ms(pct(t_query_as_of, 95)), "peak_rss_mb": rss_mb(),
        "manifest": manifest,
    }

    # 7. Where a rebuild spends its time.
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
            print("\nRebuild with timers per part (scratch read model)...", flush=True)
            b = breakdown = rebuild_breakdown(recorder, Path(tmp) / "breakdown.sqlite")
            print(f"{b['events']:,} events in {b['seconds']:.1f} s ({b['events'] / b['seconds']:,.0f} ev/s):")
            for part, seconds in sorted(b["parts"].items(), key=lambda kv: -kv[1]):
                print(f"  {part:<36} {seconds:7.1f} s  {100 * seconds / b['seconds']:5.1f} %  "
                      f"{1e6 * seconds / b['events']:6.1f} us/event")
            print(f"  SQL statements (inside the parts above; read model {b['size_mb']:,.0f} MiB):")
            for key, (seconds, count) in sorted(b["sql"].items(), key=lambda kv: -kv[1][0]):
                print(f"    {key[:70]:<70} {count:9,} x {1e6 * seconds / max(count, 1):6.1f} us = "
                      f"{seconds:6.1f} s {100 * seconds / b['seconds']:5.1f} %")
            results["breakdown"] = breakdown
            report = data_dir / "profile-rebuild.txt"
            print(f"\ncProfile of a rebuild (full report: {report})...", flush=True)
            print(rebuild_profile(recorder, Path(tmp) / "profile.sqlite", args.profile_events, report))

    (data_dir / "last-run.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    services.app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
