"""Bitemporal rows: any order of changes answers both questions as a plain fold of the changes would."""

from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.versions import BitemporalTable, moment, valid_clause, write_log

COLUMNS = ("id", "thing", "value", "count", "valid_from", "valid_to", "valid_to_at", "recorded_from", "recorded_to",
           "seq")
START = date(2025, 9, 1)


def fold(state, op, payload):
    if op == "create":
        return {"thing": payload["thing"], "value": payload["value"], "count": 0}
    if op == "inc":
        return {**state, "count": state["count"] + 1}
    return {**state, **payload}


def open_db() -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    db["things"].create({c: (int if c in ("id", "count", "seq") else str) for c in COLUMNS}, pk="id")
    db["change_log"].create({"id": int, "tbl": str, "key": str, "seq": int, "valid": str, "op": str,
                             "payload": str, "recorded": str}, pk="id")
    db["change_log"].create_index(["tbl", "key", "seq"], unique=True)
    return db


def table() -> BitemporalTable:
    return BitemporalTable("things", ("thing",), fold, columns=COLUMNS)


def apply(db, tbl, changes, batch: int = 3):
    """Apply (valid, recorded, op, payload) changes in batches, as the runner does."""
    for i in range(0, len(changes), batch):
        tbl.begin(db)
        for seq, (valid, recorded, op, payload) in enumerate(changes[i:i + batch], start=i + 1):
            tbl.record(db, ("a",), valid=valid, recorded=recorded, seq=seq, op=op, payload=payload)
        tbl.flush(db)
        write_log(db, tbl.take_log())


def read(db, valid_day: date, known_day: date | None = None):
    rows = list(db.query(f"SELECT value, count FROM things WHERE thing = 'a' AND {valid_clause()}",
                         moment(valid_day, known_day)))
    assert len(rows) <= 1, rows
    return (rows[0]["value"], rows[0]["count"]) if rows else None


def expected(changes, valid_day: date, known_day: date | None):
    """What a plain fold says: the changes known by the end of ``known_day``, held by the end of ``valid_day``."""
    bound_v = (valid_day + timedelta(days=1)).isoformat()
    bound_k = (known_day + timedelta(days=1)).isoformat() if known_day else "9999-12-31"
    # Recorded time never runs backwards: a change is known from the latest moment recorded so far.
    known, latest = [], ""
    for seq, (valid, recorded, op, payload) in enumerate(changes, start=1):
        latest = max(latest, recorded)
        known.append((valid, seq, op, payload, latest))
    known = [k for k in known if k[4] < bound_k]
    create = next((k for k in known if k[2] == "create"), None)
    if create is None or create[0] >= bound_v:
        return None
    held = sorted(((max(v, create[0]), s, op, p) for v, s, op, p, _ in known if max(v, create[0]) < bound_v),
                  key=lambda k: (k[0], k[1]))
    state = None
    for _, _, op, payload in held:
        state = fold(state, op, payload)
    return (state["value"], state["count"])


def test_a_back_dated_completion_counts_from_its_date_as_known_now_and_not_as_known_before():
    db, tbl = open_db(), table()
    apply(db, tbl, [("2025-09-01", "2026-12-01T12:00:00", "create", {"thing": "a", "value": "open"}),
                    ("2025-12-15", "2026-12-02T12:00:00", "set", {"value": "gereed"})])
    assert read(db, date(2025, 10, 15)) == ("open", 0)
    assert read(db, date(2025, 12, 31)) == ("gereed", 0)
    assert read(db, date(2025, 12, 10)) == ("open", 0)
    assert read(db, date(2025, 12, 31), known_day=date(2026, 12, 1)) == ("open", 0)
    assert read(db, date(2025, 8, 31)) is None  # before it existed
    assert read(db, date(2025, 12, 31), known_day=date(2026, 11, 30)) is None  # not yet known at all


def test_changes_in_valid_order_write_one_row_each_and_each_knowledge_reads_its_own_state():
    changes = [("2025-09-01", "2025-09-01T12:00:00", "create", {"thing": "a", "value": "x"})]
    changes += [(f"2026-0{m}-01", f"2026-0{m}-01T12:00:00", "set", {"value": f"v{m}"}) for m in range(1, 6)]
    for batch in (1, 3, 6):
        db, tbl = open_db(), table()
        apply(db, tbl, changes, batch=batch)
        # Each earlier row ended where the next began, in the same row: one row per change.
        assert db["things"].count == len(changes)
        ended = list(db.query("SELECT valid_to, valid_to_at FROM things WHERE valid_to IS NOT NULL ORDER BY id"))
        assert [(r["valid_to"], r["valid_to_at"][:10]) for r in ended] == \
            [("2026-01-01", "2026-01-01"), ("2026-02-01", "2026-02-01"), ("2026-03-01", "2026-03-01"),
             ("2026-04-01", "2026-04-01"), ("2026-05-01", "2026-05-01")]
        assert read(db, date(2026, 3, 15)) == ("v3", 0)
        # Known at the end of February, March had no change yet: February's value holds on.
        assert read(db, date(2026, 3, 15), known_day=date(2026, 2, 28)) == ("v2", 0)
        assert read(db, date(2026, 6, 1), known_day=date(2025, 12, 31)) == ("x", 0)


def test_a_change_dated_between_two_others_rewrites_only_what_follows_it():
    db, tbl = open_db(), table()
    apply(db, tbl, [("2025-09-01", "2025-09-01T12:00:00", "create", {"thing": "a", "value": "x"}),
                    ("2026-03-01", "2026-03-01T12:00:00", "inc", {}),
                    ("2026-01-10", "2026-04-01T12:00:00", "inc", {})], batch=1)
    assert read(db, date(2026, 2, 1)) == ("x", 1)
    assert read(db, date(2026, 2, 1), known_day=date(2026, 3, 31)) == ("x", 0)
    assert read(db, date(2026, 3, 2)) == ("x", 2)


def test_an_event_applied_again_changes_nothing():
    db, tbl = open_db(), table()
    apply(db, tbl, [("2025-09-01", "2025-09-01T12:00:00", "create", {"thing": "a", "value": "x"})])
    tbl.begin(db)
    assert tbl.record(db, ("a",), valid="2026-01-01", recorded="2026-01-01", seq=1, op="inc", payload={}) is False
    tbl.flush(db)
    write_log(db, tbl.take_log())
    assert db.execute("SELECT count(*) FROM things").fetchone()[0] == 1


DAYS = st.integers(min_value=0, max_value=500).map(lambda d: (START + timedelta(days=d)).isoformat())
CHANGE = st.tuples(DAYS, DAYS, st.sampled_from(["inc", "set"]), st.sampled_from(["p", "q", "r"]))


@settings(max_examples=150, deadline=None)
@given(create=st.tuples(DAYS, DAYS), changes=st.lists(CHANGE, max_size=7), batch=st.integers(1, 4),
       fresh=st.booleans())
def test_any_order_of_changes_reads_as_the_plain_fold_of_what_was_known(create, changes, batch, fresh):
    log = [(create[0], create[1], "create", {"thing": "a", "value": "o"})]
    log += [(v, r, op, {"value": value} if op == "set" else {}) for v, r, op, value in changes]
    db, tbl = open_db(), table()
    for i in range(0, len(log), batch):
        if fresh:
            tbl = table()  # a new process: nothing cached, everything read back from the tables
        tbl.begin(db)
        for seq, (valid, recorded, op, payload) in enumerate(log[i:i + batch], start=i + 1):
            tbl.record(db, ("a",), valid=valid, recorded=recorded, seq=seq, op=op, payload=payload)
        tbl.flush(db)
        write_log(db, tbl.take_log())
    days = sorted({date.fromisoformat(d) for c in log for d in c[:2]})
    probes = [d + timedelta(days=k) for d in days for k in (-1, 0)]
    for v in probes:
        for k in probes + [None]:
            assert read(db, v, k) == expected(log, v, k), (v, k)


def rows_of(db) -> list[tuple]:
    return [tuple(r) for r in db.execute("SELECT * FROM things ORDER BY id")]


@settings(max_examples=150, deadline=None)
@given(create=st.tuples(DAYS, DAYS), changes=st.lists(CHANGE, max_size=8), batch=st.integers(1, 4),
       fresh=st.booleans(), replay=st.booleans())
def test_the_shortcut_for_the_latest_change_writes_the_rows_a_full_refold_writes(create, changes, batch, fresh,
                                                                                   replay):
    log = [(create[0], create[1], "create", {"thing": "a", "value": "o"})]
    log += [(v, r, op, {"value": value} if op == "set" else {}) for v, r, op, value in changes]
    results = []
    for shortcut in (True, False):
        db, tbl = open_db(), BitemporalTable("things", ("thing",), fold, columns=COLUMNS, shortcut=shortcut)
        for i in range(0, len(log), batch):
            if fresh:
                tbl = BitemporalTable("things", ("thing",), fold, columns=COLUMNS, shortcut=shortcut)
            tbl.begin(db)
            for seq, (valid, recorded, op, payload) in enumerate(log[i:i + batch], start=i + 1):
                tbl.record(db, ("a",), valid=valid, recorded=recorded, seq=seq, op=op, payload=payload)
                if replay:  # the same event again: changes nothing
                    tbl.record(db, ("a",), valid=valid, recorded=recorded, seq=seq, op=op, payload=payload)
            tbl.flush(db)
            write_log(db, tbl.take_log())
        results.append((rows_of(db), [tuple(r) for r in db.execute("SELECT * FROM change_log ORDER BY seq")]))
    assert results[0] == results[1]
