"""A read model as it stood at a position of the event log: what a published report was made from.

Built from the events up to that position only, so events recorded later (even back-dated
ones) never change it. Kept as a file per position so the next regeneration is quick.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.runner import ProjectionRunner, open_read_model


def read_model_at(recorder: ApplicationRecorder, position: int, cache_dir: Path | str | None = None,
                  mapper: Mapper | None = None) -> sqlite_utils.Database:
    """Return a read model of the events up to and including notification ``position``."""
    if cache_dir is None:
        db = sqlite_utils.Database(memory=True)
    else:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        db = open_read_model(Path(cache_dir) / f"readmodel-at-{position}.sqlite")
    runner = ProjectionRunner(recorder, db, mapper=mapper)
    runner.catch_up(until=position)
    return db
