"""The PostgreSQL part of the benchmark, and append rates on both stores.

It starts a PostgreSQL server of its own (tests/pg_server.py: Debian's binaries, a temporary
directory, 127.0.0.1; durable settings: fsync and synchronous commit on), copies the generated
SQLite store into it with `tracker migrate-store`'s copy (verified), and measures there what the
SQLite part measures: the raw scan (a direct SELECT of every stored event + json.loads of its
state, one core), the library's select + decode, and a full rebuild of a fresh read model from
the PostgreSQL log. Append rates are measured on fresh stores of both kinds: single commands
(one transaction each) and plan imports (one transaction per plan).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# A server as one would run it: durable commits; only the memory is set for this machine.
SERVER_SETTINGS = {"shared_buffers": "512MB", "max_connections": "100", "work_mem": "16MB"}
COMMANDS = 200        # single commands for the append rate
IMPORT_PLANS = 10     # generated plans imported for the batched append rate


def raw_scan(url: str, batch: int = 5000) -> tuple[int, float]:
    """Read every stored event with plain SQL (a server-side cursor, binary results) and json.loads its state."""
    import psycopg

    from events.store import postgres_env

    env = postgres_env(url)
    conn = psycopg.connect(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                           password=env["POSTGRES_PASSWORD"], dbname=env["POSTGRES_DBNAME"])
    count = 0
    t0 = time.perf_counter()
    try:
        with conn.transaction(), conn.cursor(name="bench_raw_scan") as cursor:
            cursor.itersize = batch
            # In binary, as the rebuild reads it (projections/log.py): the states as bytes, not hex.
            cursor.execute("SELECT notification_id, topic, state FROM trackerapp_events ORDER BY notification_id",
                           binary=True)
            for _, _, state in cursor:
                json.loads(state)
                count += 1
    finally:
        conn.close()
    return count, time.perf_counter() - t0


def select_and_decode(recorder: Any, batch: int = 500) -> tuple[int, float]:
    """Read the log through the library (select_notifications) and decode every event (mapper)."""
    from events.store import make_mapper

    mapper = make_mapper()
    position = count = 0
    t0 = time.perf_counter()
    while True:
        notifications = recorder.select_notifications(start=position, limit=batch, inclusive_of_start=False)
        if not notifications:
            break
        for n in notifications:
            mapper.to_domain_event(n)
        count += len(notifications)
        position = notifications[-1].id
    return count, time.perf_counter() - t0


def append_rates(open_node: Any, label: str) -> dict[str, float]:
    """Time appends into a fresh store: single commands, and whole plans in one transaction each."""
    import generate
    import random

    from tracker.planfile import parse_plan

    services = open_node()
    try:
        rng = random.Random(7)
        specs = [parse_plan(generate.plan_yaml(rng, n, 25), f"synthetisch/{generate.plan_id_of(n)}.yaml")
                 for n in range(1, IMPORT_PLANS + 1)]
        events = 0
        t0 = time.perf_counter()
        for n, spec in enumerate(specs):
            result = services.app.import_plan(spec, at=datetime(2025, 1, 1, 9) + timedelta(minutes=n), by="benchmark")
            events += result.events
        t_import = time.perf_counter() - t0
        plan_id, code = specs[0].id, specs[0].interventions[0].code
        t0 = time.perf_counter()
        for k in range(COMMANDS):
            services.app.add_note(plan_id, code, text=f"Benchmark-notitie {k}",
                                  at=datetime(2026, 1, 1, 9) + timedelta(seconds=k), by="benchmark")
        t_commands = time.perf_counter() - t0
    finally:
        services.db.close()
        services.app.close()
    return {f"{label}_append_import_events_per_s": events / t_import,
            f"{label}_append_import_ms_per_plan": 1000 * t_import / len(specs),
            f"{label}_append_commands_per_s": COMMANDS / t_commands}


def stage(run: Any) -> None:
    """The benchmark's PostgreSQL stage: a server of its own, the store copied in, its figures."""
    from tests.pg_server import PostgresServer
    from tracker.migrate_store import copy_store
    from web.services import open_services

    t, r = run.table, run.results
    print("PostgreSQL: starting a server of its own and copying the store into it...", flush=True)
    with PostgresServer(settings=SERVER_SETTINGS) as server, \
            tempfile.TemporaryDirectory(prefix="bench-pg-", dir=run.data_dir) as tmp:
        url = server.create_database("benchmark")
        node = open_services(Path(tmp) / "node", database_url=url)
        copied = copy_store(run.recorder, node.app.recorder)
        events = copied.target.events
        r.update(pg_copy_seconds=copied.seconds, pg_copy_rate=events / copied.seconds)
        t.section(f"PostgreSQL {server.version()} store (own server, fsync on): the same {events:,} events")
        t.add("copy in (migrate-store: COPY, read back, SHA-256 verified)",
              f"{events / copied.seconds:,.0f} ev/s", f"{copied.seconds:,.1f} s")

        print("PostgreSQL: raw scan, select + decode, rebuild...", flush=True)
        raw_scan(url)  # warm the server's cache
        n_raw, s_raw = raw_scan(url)
        n_dec, s_dec = select_and_decode(node.app.recorder)
        raw_rate, decode_rate = n_raw / s_raw, n_dec / s_dec
        t.add("raw scan: SELECT every stored event + json.loads (one core)", f"{raw_rate:,.0f} ev/s")
        t.add("select_notifications + decode (mapper)", f"{decode_rate:,.0f} ev/s")
        t0 = time.perf_counter()
        rebuilt = node.runner.rebuild()
        s_rebuild = time.perf_counter() - t0
        rebuild_rate = rebuilt / s_rebuild
        t.add("full rebuild from the PostgreSQL log", f"{rebuild_rate:,.0f} ev/s", ">= 50,000 ev/s",
              "MET" if rebuild_rate >= 50_000 else "MISS")
        t.add("rebuild / raw scan (same run)", f"{rebuild_rate / raw_rate:.2f}", ">= 0.5",
              "MET" if rebuild_rate >= 0.5 * raw_rate else "MISS")
        t.add("full rebuild time", f"{s_rebuild:,.1f} s")
        r.update(pg_events=events, pg_raw_scan_rate=raw_rate, pg_decode_rate=decode_rate, pg_load_average=os.getloadavg(),
                 pg_rebuild_rate=rebuild_rate, pg_rebuild_seconds=s_rebuild,
                 pg_rebuild_ratio=rebuild_rate / raw_rate)
        node.db.close()
        node.app.close()

        print("Append rates on fresh stores (SQLite, PostgreSQL)...", flush=True)
        t.section(f"Append into a fresh store: {IMPORT_PLANS} generated plans (one transaction each), "
                  f"then {COMMANDS} single commands (add_note)")
        for label, open_node in (
            ("sqlite", lambda: open_services(Path(tmp) / "append-sqlite", env={})),
            ("pg", lambda: open_services(Path(tmp) / "append-pg", database_url=server.create_database("append"))),
        ):
            rates = append_rates(open_node, label)
            r.update(rates)
            name = "SQLite" if label == "sqlite" else "PostgreSQL"
            t.add(f"{name}: plan import", f"{rates[f'{label}_append_import_events_per_s']:,.0f} ev/s",
                  f"{rates[f'{label}_append_import_ms_per_plan']:,.0f} ms/plan")
            t.add(f"{name}: single commands", f"{rates[f'{label}_append_commands_per_s']:,.0f} /s")
