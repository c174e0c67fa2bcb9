"""Sign-in throttling, kept in an SQLite file in the data directory.

Failures count per account and address pair (one colleague's typos never lock out the office
that shares an outgoing address) and, with a far higher ceiling, per address (guessing across
many accounts). Past a few free failures each further attempt waits twice as long as the one
before, up to a maximum: a delay, never a lock of fixed length. A successful sign-in clears its
pair only, never the address's count. The file is shared by processes and survives restarts;
rows older than a day are pruned and the table never holds more than ``max_rows``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from events.store import private_file

THROTTLE_FILENAME = "signin-throttle.sqlite"


@dataclass(frozen=True)
class Limits:
    """How many failures are free and how the delay grows after them."""

    pair_free: int = 5           # failures of one account from one address before any delay
    address_free: int = 100      # failures from one address (all accounts) before any delay
    address_window: float = 3600.0
    first_delay: float = 2.0     # seconds after the first failure past the free ones; doubles
    max_delay: float = 900.0
    keep: float = 86400.0        # a pair without failures for this long starts afresh
    max_rows: int = 100_000


def _delay(count: int, free: int, limits: Limits) -> float:
    if count < free:
        return 0.0
    return min(limits.max_delay, limits.first_delay * 2 ** min(count - free, 30))


class SignInThrottle:
    """Tell how long a sign-in must wait, and record failures and successes."""

    def __init__(self, path: Path | str, limits: Limits = Limits(),
                 clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.limits = limits
        self.clock = clock
        private_file(self.path)  # before SQLite opens it: its journal files inherit the mode
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
                       "first_at REAL NOT NULL, last_at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS failures_last_at ON failures (last_at)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    @staticmethod
    def _keys(email: str, address: str) -> tuple[str, str]:
        email = (email or "").strip().lower()[:320]
        address = (address or "?")[:64]
        return f"pair {email} {address}", f"address {address}"

    def wait(self, email: str, address: str) -> int:
        """Return the seconds to wait before this attempt may be checked (0: go ahead)."""
        pair, addr = self._keys(email, address)
        now, limits = self.clock(), self.limits
        db = self._connect()
        try:
            rows = {key: (count, first_at, last_at) for key, count, first_at, last_at in db.execute(
                "SELECT key, count, first_at, last_at FROM failures WHERE key IN (?, ?)", (pair, addr))}
        finally:
            db.close()
        waits = []
        if pair in rows:
            count, _, last_at = rows[pair]
            if now - last_at < limits.keep:
                waits.append(last_at + _delay(count, limits.pair_free, limits) - now)
        if addr in rows:
            count, first_at, last_at = rows[addr]
            if now - first_at < limits.address_window:
                waits.append(last_at + _delay(count, limits.address_free, limits) - now)
        longest = max(waits, default=0.0)
        return int(longest) + 1 if longest > 0 else 0

    def failed(self, email: str, address: str) -> None:
        """Record a failed sign-in for the pair and the address; prune what is old."""
        pair, addr = self._keys(email, address)
        now, limits = self.clock(), self.limits
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            for key, window in ((pair, limits.keep), (addr, limits.address_window)):
                db.execute(
                    "INSERT INTO failures (key, count, first_at, last_at) VALUES (?, 1, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET "
                    "count = CASE WHEN ? - first_at >= ? THEN 1 ELSE count + 1 END, "
                    "first_at = CASE WHEN ? - first_at >= ? THEN ? ELSE first_at END, last_at = ?",
                    (key, now, now, now, window, now, window, now, now))
            db.execute("DELETE FROM failures WHERE last_at < ?", (now - limits.keep,))
            (rows,) = db.execute("SELECT count(*) FROM failures").fetchone()
            if rows > limits.max_rows:
                db.execute("DELETE FROM failures WHERE key IN (SELECT key FROM failures "
                           "ORDER BY last_at LIMIT ?)", (rows - limits.max_rows,))
            db.execute("COMMIT")
        finally:
            db.close()

    def succeeded(self, email: str, address: str) -> None:
        """Clear the pair's failures (the address keeps its count)."""
        pair, _ = self._keys(email, address)
        db = self._connect()
        try:
            db.execute("DELETE FROM failures WHERE key = ?", (pair,))
        finally:
            db.close()

    def rows(self) -> int:
        """Return how many keys the throttle holds (its memory)."""
        db = self._connect()
        try:
            return db.execute("SELECT count(*) FROM failures").fetchone()[0]
        finally:
            db.close()
