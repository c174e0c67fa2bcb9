"""The read model's file: checked for damage, and replaced whole by one rebuilt beside it.

Once rebuilt, ``readmodel.sqlite`` is a symbolic link to the current file,
``readmodel.<n>.sqlite`` in the same directory. A rebuild loads ``readmodel.sqlite.rebuild``
and then renames it and points the link at it with one atomic rename: a reader sees the old read
model or the new one, never a half-loaded one, and a rebuild that is killed leaves the old one in
place and its own file to resume from. SQLite names a database's journals (``-wal``, ``-shm``)
after the file a link points to, so connections still reading the old file never share journals
with the new one; each process reopens when it sees that the link points elsewhere.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from events.store import private_file
from projections.schema import SCHEMA_VERSION, TABLES, TRACKING_NAME

MAGIC = b"SQLite format 3\x00"
JOURNALS = ("-wal", "-shm", "-journal")
# SQLite's result codes of a damaged database file (the primary code is the low byte).
SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR = 11, 26, 10


class ReadModelRebuilding(Exception):
    """The read model is being rebuilt from the events: ask again in a moment."""


def identity(path: Path) -> tuple[int, int] | None:
    """Tell files apart (through the link): a rebuild puts another file in the read model's place."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def damage(path: Path) -> str | None:
    """Return what is wrong with the read model's file, in Dutch; None when it looks sound or is absent."""
    if not os.path.lexists(path):
        return None
    try:
        with open(path, "rb") as file:
            header, size = file.read(100), os.fstat(file.fileno()).st_size
    except FileNotFoundError:
        return "het bestand waar het naar verwijst ontbreekt"
    except OSError as exc:
        return f"het bestand is niet te lezen ({exc.strerror})"
    if size == 0:
        return None  # created, not yet written: SQLite makes a database of it
    if len(header) < 100 or not header.startswith(MAGIC):
        return "het is geen geldig SQLite-bestand (meer)"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    changes, pages, valid_for = (struct.unpack(">I", header[i:i + 4])[0] for i in (24, 28, 92))
    if page_size < 512 or page_size & (page_size - 1):
        return "de kop van het bestand is beschadigd"
    if valid_for == changes and pages * page_size > size:
        return f"het bestand is ingekort ({size:,} van {pages * page_size:,} bytes)".replace(",", ".")
    return None


def needs_rebuild(path: Path) -> str | None:
    """Return why the read model's file must be rebuilt (damage, an older schema), in Dutch; or None."""
    found = damage(path)
    if found or not path.exists():
        return found
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None  # a new file: the tables are made on opening
        if not set(TABLES) <= tables:
            return "er ontbreken tabellen"
        row = conn.execute("SELECT schema FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            return "het is van een eerdere versie van het programma"
        for table in TABLES:  # the right edge of every table: a cut-off file fails here
            conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return f"het bestand is beschadigd ({exc})"
        raise
    finally:
        conn.close()
    return None


def is_damage(error: BaseException) -> bool:
    """Tell whether a database error means the file is damaged (rather than busy or misused)."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB) or code == SQLITE_IOERR | (2 << 8)  # short read
    return "malformed" in str(error) or "not a database" in str(error)


def build_path(path: Path) -> Path:
    """Return the file a rebuild loads before it takes the read model's place."""
    return path.with_name(path.name + ".rebuild")


@contextmanager
def rebuilding(path: Path) -> Iterator[None]:
    """Hold the read model's rebuild lock: one rebuild at a time, across processes."""
    lock = path.with_name(path.name + ".lock")
    private_file(lock)
    with open(lock, "a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def _generations(path: Path) -> dict[int, Path]:
    pattern = re.compile(rf"{re.escape(path.stem)}\.(\d+){re.escape(path.suffix)}")
    return {int(m[1]): p for p in path.parent.iterdir() if (m := pattern.fullmatch(p.name))}


def publish(path: Path, built: Path) -> Path:
    """Put a completed file in the read model's place in one atomic rename; return its new name."""
    current = path.resolve() if path.is_symlink() else path
    final = path.with_name(f"{path.stem}.{max(_generations(path), default=0) + 1}{path.suffix}")
    os.rename(built, final)
    link = path.with_name(path.name + ".link")
    link.unlink(missing_ok=True)
    os.symlink(final.name, link)
    os.replace(link, path)
    # Whoever still reads the old file keeps its open descriptors; its names can go.
    old = [current] if current != path else []
    old += [p for n, p in _generations(path).items() if p != final]
    for stale in old:
        for name in (stale.name, *(stale.name + j for j in JOURNALS)):
            stale.with_name(name).unlink(missing_ok=True)
    if current == path:  # it was a plain file: its journals were named after the link's name
        for journal in JOURNALS:
            path.with_name(path.name + journal).unlink(missing_ok=True)
    return final
