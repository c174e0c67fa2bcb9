"""Rows in two times: when a thing held (valid time) and when the tracker knew it (recorded time).

Every row of a bitemporal table is a state of one thing over a rectangle: from ``valid_from`` to
``valid_to`` in valid time, as recorded from ``recorded_from`` to ``recorded_to``. Reading at a
valid moment V as known at a recorded moment K picks, per thing, the one row whose rectangle
holds (V, K); as known now, the rows with ``recorded_to`` open. A row that was open-ended when it
was recorded and ended later says when: ``valid_to_at``. Known before that moment, the row holds
without end (``valid_clause``): one row for what two rectangles would say.

Each change is kept with its valid moment: in a log (``change_log``), or, for a table whose
changes its events hold already (an intervention's), made again from those events when the thing
is not cached (``recall``, projections/core.py). A change recorded at R
folds the thing's logged changes again in valid order; the rows of the current knowledge that
no longer hold are closed at R (``recorded_to = R``) and the new ones open at R. A change that
arrives in valid order, the common case, ends the open-ended row at its valid moment (as of R)
and opens one; a back-dated one rewrites the stretch after its valid moment (the common one is
applied without folding the thing again).
Rows and log are cached for a batch and written in bulk;
nothing is deleted, so a rebuild gives the very rows (and ids) of the incremental run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

import orjson
import sqlite_utils

from projections.schema import TABLES

Row = dict[str, Any]
# fold(state before or None, op, payload) -> state after
Fold = Callable[[Row | None, str, dict[str, Any]], Row]
BOUNDS = ("id", "valid_from", "valid_to", "valid_to_at", "recorded_from", "recorded_to", "seq")
LOG = "change_log"
FOREVER = "9999-12-31"  # recorded bound of "as known now": only rows still open in recorded time
# A row's id (and a logged change's) is its event's notification id times this, plus its place among
# the rows the event opened: the same ids however the events were cut into batches, or the things
# over processes.
ID_SPAN = 1 << 20


def _encode(value: Any) -> str:
    """Return a value as JSON text (UTF-8, compact: what json.loads reads back)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def _segments(entries: list[tuple[str, int, str, dict[str, Any], str]], fold: Fold) -> list[tuple[str, Row]]:
    """Fold a thing's changes in valid order into (valid_from, state) pieces.

    Nothing is before the thing's creation: a change dated earlier holds from the creation on.
    """
    created = next((e for e in entries if e[2] == "create"), None)
    if created is None:
        return []
    start = created[0]
    ordered = sorted(((max(valid, start), seq, op, payload) for valid, seq, op, payload, _ in entries),
                     key=itemgetter(0, 1))
    pieces: list[tuple[str, Row]] = []
    state: Row | None = None
    for valid, seq, op, payload in ordered:
        if state is None and op != "create":
            continue
        state = {**fold(state, op, payload), "seq": seq}
        if pieces and pieces[-1][0] == valid:
            pieces[-1] = (valid, state)
        else:
            pieces.append((valid, state))
    return pieces


class BitemporalTable:
    """The rows of one bitemporal table, changed through its log, cached and flushed in bulk."""

    MAX_CACHED = 200_000

    def __init__(self, table: str, keys: tuple[str, ...], fold: Fold, columns: tuple[str, ...] | None = None,
                 shortcut: bool = True, logged: bool = True):
        """``shortcut``: apply a change that is its thing's latest in valid time without refolding the thing
        (the common case; False refolds every change, which the tests compare it with).

        ``logged``: keep the changes in ``change_log``. A table that does not has ``recall`` make its
        things' changes again when they are not cached: from the events, which hold them anyway.
        """
        self.table = table
        self.shortcut = shortcut
        self.logged = logged
        # recall(db, key): put the thing's rows and changes in the cache (``remember``), or leave it out.
        self.recall: Callable[[sqlite_utils.Database, tuple], None] | None = None
        self.keys = keys
        self.fold = fold
        self.columns = columns or tuple(TABLES[table]["columns"])
        self.data = tuple(c for c in self.columns if c not in BOUNDS)
        self._insert = (f"INSERT INTO {table} ({', '.join(self.columns)}) "
                        f"VALUES ({', '.join('?' * len(self.columns))})")
        self._values = itemgetter(*self.columns)
        self._select = (f"SELECT {', '.join(self.columns)} FROM {table} WHERE "
                        f"{' AND '.join(f'{k} = ?' for k in keys)} AND recorded_to IS NULL "
                        "ORDER BY valid_from")
        self.reset()

    def reset(self) -> None:
        """Forget every cached row (another writer may have changed the table)."""
        self._rows: dict[tuple, list[Row]] = {}
        # per thing its changes: (valid, seq, op, payload, recorded)
        self._log: dict[tuple, list[tuple[str, int, str, dict[str, Any], str]]] = {}
        self._new: dict[int, Row] = {}
        self._closed: dict[int, str] = {}
        self._ended: dict[int, tuple[str, str]] = {}  # id: (valid_to, valid_to_at) of rows written before
        self._logged: list[tuple] = []
        # per thing the seq of its last piece's state (the latest change at its last valid moment)
        self._tail: dict[tuple, int] = {}
        self._key_text: dict[tuple, str] = {}
        # Ids follow the events: the n-th row an event opens in this table is id seq * ID_SPAN + n.
        self._id_event, self._id_next = 0, 0
        # True while the cache holds every thing, so a miss needs no query (a rebuild starts empty).
        self._complete = False

    def forget(self) -> None:
        """Drop the cached things (their rows are written; a batch starts next)."""
        self._rows.clear()
        self._log.clear()
        self._tail.clear()
        self._key_text.clear()
        self._complete = False

    def begin(self, db: sqlite_utils.Database) -> None:
        """Start a batch (inside the write transaction): an empty table needs no lookups."""
        if len(self._rows) > self.MAX_CACHED:
            self.forget()
        if not self._rows and db.conn.execute(f"SELECT 1 FROM {self.table} LIMIT 1").fetchone() is None:
            self._complete = True

    def _load(self, db: sqlite_utils.Database, key: tuple) -> tuple[list[Row], list[tuple]]:
        rows = self._rows.get(key)
        if rows is not None:
            return rows, self._log[key]
        if self._complete:
            rows, log = [], []
        elif not self.logged:
            assert self.recall is not None, f"{self.table} keeps no change log and has no recall"
            self.recall(db, key)
            if key in self._rows:
                return self._rows[key], self._log[key]
            rows, log = [], []  # no event made it: a new thing
        else:
            rows = [dict(zip(self.columns, r)) for r in db.conn.execute(self._select, key)]
            log = [(valid, seq, op, orjson.loads(payload), recorded) for valid, seq, op, payload, recorded
                   in db.conn.execute(f"SELECT valid, seq, op, payload, recorded FROM {LOG} "
                                      "WHERE tbl = ? AND key = ? ORDER BY seq",
                [self.table, self._key_json(key)])]
        self._rows[key], self._log[key] = rows, log
        return rows, log

    def remember(self, db: sqlite_utils.Database, key: tuple, log: list[tuple], tail: int | None) -> None:
        """Cache a thing not cached yet: its rows as stored and its changes as made again (``recall``)."""
        if key in self._rows:
            return
        self._rows[key] = [dict(zip(self.columns, r)) for r in db.conn.execute(self._select, key)]
        self._log[key] = log
        if tail is not None:
            self._tail[key] = tail

    def cached(self) -> dict[tuple, tuple[list[tuple], int | None]]:
        """Return every cached thing's changes and the seq of its latest state (for ``remember``)."""
        return {key: (log, self._tail.get(key)) for key, log in self._log.items()}

    def current(self, db: sqlite_utils.Database, key: tuple) -> Row | None:
        """Return the thing's latest state in valid time as known now, or None."""
        rows, _ = self._load(db, key)
        return rows[-1] if rows else None

    def start(self, db: sqlite_utils.Database, key: tuple) -> str | None:
        """Return the valid moment the thing begins, or None when it does not exist."""
        rows, _ = self._load(db, key)
        return rows[0]["valid_from"] if rows else None

    def record(self, db: sqlite_utils.Database, key: tuple, *, valid: str, recorded: str, seq: int,
               op: str, payload: dict[str, Any]) -> bool:
        """Log one change and rewrite what is known of the thing; False when it was logged before."""
        if seq != self._id_event:
            self._id_event, self._id_next = seq, seq * ID_SPAN
        rows, log = self._load(db, key)
        if self.shortcut and op != "create" and rows and log and seq > log[-1][1]:
            tail = self._tail.get(key)
            if tail is None:
                pieces = _segments(log, self.fold)
                tail = self._tail[key] = pieces[-1][1]["seq"] if pieces else -1
            last = rows[-1]
            happened = max(valid, rows[0]["valid_from"])
            if tail >= 0 and happened >= last["valid_from"]:
                self._record_last(key, rows, log, happened, valid, recorded, seq, op, payload)
                return True
        if op == "create" and not log:  # a new thing: one row from its start on, nothing to fold again
            log.append((valid, seq, op, payload, recorded))
            if self.logged:
                self._logged.append((self.table, self._key_json(key), seq, valid, op, _encode(payload), recorded))
            self._tail[key] = seq
            state = self.fold(None, op, payload)
            self._rows[key] = [self._open({c: state.get(c) for c in self.data}, valid, None, recorded, seq)]
            return True
        if any(e[1] == seq for e in log):
            return False  # the runner applies an event at most once; a replay changes nothing
        if op != "create" and not rows:
            return False
        # Recorded time never runs backwards for a thing: a change entered with an earlier
        # moment than what is known of it is known from that last moment on.
        known = max([recorded] + [e[4] for e in log])
        log.append((valid, seq, op, payload, known))
        if self.logged:
            self._logged.append((self.table, self._key_json(key), seq, valid, op, _encode(payload), known))
        pieces = _segments(log, self.fold)
        self._tail[key] = pieces[-1][1]["seq"] if pieces else -1
        wanted = [(start, pieces[i + 1][0] if i + 1 < len(pieces) else None, state)
                  for i, (start, state) in enumerate(pieces)]
        kept, fresh = [], []
        remaining = list(rows)
        for start, end, state in wanted:
            same = next((r for r in remaining if r["valid_from"] == start and r["valid_to"] == end
                         and all(r[c] == state.get(c) for c in self.data)), None)
            if same is None and end is not None:
                # The open-ended row of this piece now ends: it ends from now on, in the same row.
                same = next((r for r in remaining if r["valid_from"] == start and r["valid_to"] is None
                             and all(r[c] == state.get(c) for c in self.data)), None)
                if same is not None:
                    self._end(same, end, known)
            if same is not None:
                remaining.remove(same)
                kept.append(same)
            else:
                fresh.append((start, end, state))
        for row in remaining:
            self._close(row, known)
        for start, end, state in fresh:
            row = {c: state.get(c) for c in self.data}
            row.update(id=self._take_id(), valid_from=start, valid_to=end, valid_to_at=None, recorded_from=known,
                       recorded_to=None, seq=state["seq"])
            self._new[row["id"]] = row
            kept.append(row)
        kept.sort(key=itemgetter("valid_from"))
        self._rows[key] = kept
        return True

    def _record_last(self, key: tuple, rows: list[Row], log: list[tuple], happened: str,
                     valid: str, recorded: str, seq: int, op: str, payload: dict[str, Any]) -> None:
        """Apply a change that is the thing's latest in valid time: what ``record`` does, without the refold.

        The pieces before the last stay as they are. A change at the last piece's moment folds
        into it (its row stays when nothing shown changes); a later one ends the last piece
        where it begins and opens a piece of its own.
        """
        known = max(recorded, log[-1][4])  # the log's recorded moments never decrease
        log.append((valid, seq, op, payload, known))
        if self.logged:
            self._logged.append((self.table, self._key_json(key), seq, valid, op, _encode(payload), known))
        last = rows[-1]
        # The folds read data columns only, never the bounds, and keep every column of the row.
        after = self.fold(last, op, payload)
        self._tail[key] = seq
        if happened == last["valid_from"]:
            if all(last[c] == after[c] for c in self.data):
                return
            self._close(rows.pop(), known)
            rows.append(self._open(after, last["valid_from"], None, known, seq))
            return
        self._end(last, happened, known)
        rows.append(self._open(after, happened, None, known, seq))

    def _open(self, row: dict[str, Any], start: str, end: str | None, known: str, seq: int) -> Row:
        """Open a new row of ``row``'s data (a dict of the caller's own making, which becomes the row)."""
        row.update(id=self._take_id(), valid_from=start, valid_to=end, valid_to_at=None, recorded_from=known,
                   recorded_to=None, seq=seq)
        self._new[row["id"]] = row
        return row

    def _end(self, row: Row, end: str, known: str) -> None:
        """End an open-ended row in valid time at ``end``, as known from ``known`` (as known before: open)."""
        row["valid_to"], row["valid_to_at"] = end, known
        if row["id"] not in self._new:
            self._ended[row["id"]] = (end, known)

    def _close(self, row: Row, known: str) -> None:
        # A row known and superseded at the same moment stays, empty in recorded time: no moment
        # reads it, and ids never depend on how the events were cut into batches.
        row["recorded_to"] = known
        if row["id"] not in self._new:
            self._closed[row["id"]] = known

    def _key_json(self, key: tuple) -> str:
        text = self._key_text.get(key)
        if text is None:
            text = self._key_text[key] = json.dumps(key)
        return text

    def _take_id(self) -> int:
        taken = self._id_next
        if taken // ID_SPAN != self._id_event:
            raise OverflowError(f"{self.table}: more than {ID_SPAN} rows opened by event {self._id_event}")
        self._id_next += 1
        return taken

    def flush(self, db: sqlite_utils.Database) -> None:
        """Write the batch's rows (its logged changes: ``take_log``, for write_log)."""
        if self._closed:
            db.conn.executemany(f"UPDATE {self.table} SET recorded_to = ? WHERE id = ?",
                                [(end, i) for i, end in self._closed.items()])
        if self._ended:
            db.conn.executemany(f"UPDATE {self.table} SET valid_to = ?, valid_to_at = ? WHERE id = ?",
                                [(end, known, i) for i, (end, known) in self._ended.items()])
        if self._new:
            db.conn.executemany(self._insert, map(self._values, self._new.values()))
        self._new.clear()
        self._closed.clear()
        self._ended.clear()

    def take_log(self) -> list[tuple]:
        """Return the batch's logged changes, to be written with write_log, and forget them."""
        logged, self._logged = self._logged, []
        return logged


def write_log(db: sqlite_utils.Database, *logs: list[tuple]) -> None:
    """Write the logged changes of several tables in the order of the events (whatever the batches)."""
    entries = sorted((e for log in logs for e in log), key=itemgetter(2, 0))
    if entries:
        db.conn.executemany(f"INSERT OR IGNORE INTO {LOG} (id, tbl, key, seq, valid, op, payload, recorded) "
                            "VALUES (?,?,?,?,?,?,?,?)", _numbered(entries))


def _numbered(entries: list[tuple]) -> list[tuple]:
    """Give each logged change its id: its event's notification id * ID_SPAN + its place among the event's."""
    numbered, event, n = [], None, 0
    for entry in entries:
        seq = entry[2]
        n = n + 1 if seq == event else 0
        event = seq
        numbered.append((seq * ID_SPAN + n, *entry))
    return numbered


def as_of_bound(as_of: date) -> str:
    """Return the first moment after the end of a day, as compared with the rows' moments."""
    return (as_of + timedelta(days=1)).isoformat()


def moment(as_of: date, known_on: date | None = None) -> dict[str, str]:
    """Return the query parameters of "by the end of ``as_of``, as known at the end of ``known_on``".

    Without ``known_on``: as known now.
    """
    return {"bound": as_of_bound(as_of), "known": as_of_bound(known_on) if known_on else FOREVER}


def valid_clause(alias: str = "") -> str:
    """Return the SQL condition for rows valid at :bound as known at :known."""
    p = f"{alias}." if alias else ""
    return (f"{p}valid_from < :bound AND ({p}valid_to IS NULL OR {p}valid_to >= :bound OR "
            f"{p}valid_to_at >= :known) AND "
            f"{p}recorded_from < :known AND ({p}recorded_to IS NULL OR {p}recorded_to >= :known)")
