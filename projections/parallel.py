"""A full rebuild on several cores: the interventions in parts, a process each, merged into one file.

Part 0 applies every event but the intervention events of the other parts; part k (k > 0) applies
only the core projection (projections/core.py) to the interventions whose id falls in it. An
intervention's rows depend on its own events alone, so the parts' rows never overlap: the history
is keyed by notification id, and the versioned rows' ids follow their events
(projections/versions.py). The merge appends every part's rows to part 0's file; the result is the
file one process writes, ids included (tests/test_rebuild_equals_catch_up.py runs both ways).

Each part reads only its share of the log: the event store selects it (projections/log.py, Share),
by the last hex digit of the aggregate's id and the event's topic. Every part stops at the same
notification, the last one when the rebuild began; catching up takes it from there. A rebuild in
parts is not resumed: its part files are scratch, and a killed one starts again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from events.store import private_file
from projections.dispatch import Routes
from projections.heap import many_objects
from projections.log import Share, log_topics
from projections.schema import TABLES, TRACKING_NAME, create_indexes

if TYPE_CHECKING:
    from eventsourcing.persistence import ApplicationRecorder

    from projections.dispatch import HandlerTable

# The file a rebuild loads is nobody's read model yet: no fsyncs. Larger pages: fewer of them
# to write and to split (measured on 513k events: ~20 % less time in SQLite than with 4 KiB).
BUILD_PRAGMAS = ("page_size=16384", "synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY")


def shares(recorder: ApplicationRecorder, until: int, parts: int, extra: Iterable[HandlerTable] = ()) -> list[Share]:
    """Return each part's share of the log up to notification ``until``, by the topics stored in it."""
    from projections.runner import READ_MODELS, CoreProjection

    core, others = CoreProjection(), Routes([*(model.HANDLERS for model in READ_MODELS), *extra])
    own = tuple(t for t in log_topics(recorder, until) if core.of_intervention(t))
    # Where another read model wants intervention events too, part 0 reads the whole log.
    theirs = () if any(others(t)[0] for t in own) else own
    return [Share(k, parts, own, theirs) for k in range(parts)]


def open_build_file(path: Path, journal: str) -> sqlite_utils.Database:
    """Open a file a rebuild loads, with the settings of a bulk load."""
    private_file(path)
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    for pragma in (*BUILD_PRAGMAS, f"journal_mode={journal}"):
        db.conn.execute(f"PRAGMA {pragma}")
    return db


def part_paths(built: Path, parts: int) -> list[Path]:
    """Return the scratch files of a rebuild in ``parts`` parts."""
    return [built.with_name(f"{built.name}.part{k}") for k in range(parts)]


def remove_parts(built: Path) -> None:
    """Remove what an earlier rebuild in parts left (killed: nothing of it is resumed)."""
    for path in built.parent.glob(f"{built.name}.part*"):
        path.unlink(missing_ok=True)


def _build(recorder: ApplicationRecorder, path: Path, share: Share, until: int, batch_size: int,
           extra: Iterable[HandlerTable] = ()) -> int:
    """Load part ``share`` of the log up to ``until`` into ``path``; return how many of its events it read."""
    from projections.runner import ProjectionRunner

    db = open_build_file(path, "OFF")
    try:
        runner = ProjectionRunner(recorder, db, extra=extra, batch_size=batch_size, indexes=False, part=share)
        with many_objects():
            count = runner.catch_up(until=until)
        # Every event up to ``until`` is in some part: the merged file stands there.
        with db.conn:
            db.conn.execute("UPDATE tracking SET position = ? WHERE name = ?", [until, TRACKING_NAME])
        return count
    finally:
        db.close()


def _run_part(job: dict) -> int:
    """Build one part as ``job`` says (in a process of its own: ``python -m projections.parallel``)."""
    from projections.runner import recorder_from_env

    share = Share(job["part"], job["parts"], tuple(job["own"]), tuple(job["theirs"]))
    return _build(recorder_from_env(job["settings"]), Path(job["path"]), share, job["until"], job["batch_size"])


def _start(job: dict) -> subprocess.Popen:
    # A fresh interpreter that imports this package as the parent does (no inherited connections,
    # and no import of the caller's main module, which multiprocessing's spawn would do).
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    process = subprocess.Popen([sys.executable, "-m", "projections.parallel"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdin is not None
    process.stdin.write(json.dumps(job).encode("utf-8"))
    process.stdin.close()
    process.stdin = None  # written: communicate() only reads
    return process


def rebuild_in_parts(recorder: ApplicationRecorder, settings: Mapping[str, str], built: Path, parts: int,
                     batch_size: int, extra: Iterable[HandlerTable] = ()) -> int:
    """Load ``built`` (absent) from every event, in ``parts`` processes; return how many events it holds."""
    until = recorder.max_notification_id() or 0
    remove_parts(built)
    paths = part_paths(built, parts)
    split = shares(recorder, until, parts, extra)
    children: list[subprocess.Popen] = []
    try:
        for k in range(1, parts):
            children.append(_start({"settings": dict(settings), "path": str(paths[k]), "part": k, "parts": parts,
                                    "own": split[k].own, "theirs": split[k].theirs, "until": until,
                                    "batch_size": batch_size}))
        count = _build(recorder, paths[0], split[0], until, batch_size, extra)
        for process in children:
            out, err = process.communicate()
            if process.returncode != 0:
                raise RuntimeError("a part of the rebuild failed:\n" + err.decode("utf-8", "replace"))
            if split[0].theirs:  # each event was read by one part
                count += json.loads(out)
        _merge(paths)
        os.replace(paths[0], built)
        return count
    finally:
        for process in children:
            if process.poll() is None:
                process.kill()
                process.wait()
        remove_parts(built)


def _merge(paths: list[Path]) -> None:
    """Append the rows of parts 1… to part 0's file, check where they stopped, and index it."""
    db = open_build_file(paths[0], "OFF")
    try:
        conn = db.conn
        position = conn.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()[0]
        for path in paths[1:]:
            conn.execute("ATTACH DATABASE ? AS part", [str(path)])
            theirs = conn.execute("SELECT position FROM part.tracking WHERE name = ?", [TRACKING_NAME]).fetchone()
            if theirs is None or theirs[0] != position:
                raise RuntimeError(f"the parts of the rebuild stopped at different events ({position}, {theirs})")
            conn.execute("BEGIN")
            for name in TABLES:
                if name != "tracking":
                    # Both files made their tables alike (create_tables): as written, SQLite copies
                    # the stored rows as they are (its transfer optimisation), without decoding them.
                    conn.execute(f"INSERT INTO main.{name} SELECT * FROM part.{name}")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE part")
        with db.atomic():
            create_indexes(db)
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


if __name__ == "__main__":
    print(json.dumps(_run_part(json.load(sys.stdin))))
