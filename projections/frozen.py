"""A read model as it stood at a position of the event log: what a published report was made from.

Built from the events up to that position only, so events recorded later (even back-dated
ones) never change it. Only one plan's events are needed for its report: in a store of many
plans the others are skipped, which keeps the file small and the build quick. Kept as a file
per plan and position so the next regeneration is instant.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlite_utils
from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.log import bind_events
from projections.normering import normering_aggregates
from projections.runner import TRACKING_NAME, ProjectionRunner, open_read_model


def plan_aggregates(db: sqlite_utils.Database, plan_id: str) -> set[UUID]:
    """Return the ids of the aggregates a plan's report is made from.

    The plan, its interventions, its normering; and the links between plans, as they ever were:
    the interventions of other plans linked to it, and the plans (and linked interventions) its
    own interventions contribute to.
    """
    ids = [r[0] for r in db.execute("SELECT aggregate_id FROM plans WHERE plan_id = ?", [plan_id])]
    ids += [r[0] for r in db.execute(
        "SELECT DISTINCT intervention_id FROM intervention_versions WHERE plan_id = ?", [plan_id])]
    ids += normering_aggregates(db, plan_id)  # the report's Normering section
    links = ("FROM intervention_details d, json_each(d.details, '$.contributes_to') AS l "
             "WHERE {} AND json_extract(l.value, '$.plan') {}")
    linking = db.execute("SELECT DISTINCT d.intervention_id, d.plan_id "
                         + links.format("d.plan_id != :plan", "= :plan"), {"plan": plan_id}).fetchall()
    ids += [iid for iid, _ in linking]
    targets = [(other, None) for other in sorted({p for _, p in linking})]  # their plans: what the report calls them
    targets += db.execute("SELECT DISTINCT json_extract(l.value, '$.plan'), json_extract(l.value, '$.code') "
                         + links.format("d.plan_id = :plan", "!= :plan"), {"plan": plan_id}).fetchall()
    for target, code in targets:
        ids += [r[0] for r in db.execute("SELECT aggregate_id FROM plans WHERE plan_id = ?", [target])]
        if code:
            ids += [r[0] for r in db.execute("SELECT DISTINCT intervention_id FROM intervention_versions "
                                             "WHERE plan_id = ? AND code = ?", [target, code])]
    return {UUID(hex=i) for i in ids}


class _OnlyThese:
    """The notification log seen through a filter: only the events of some aggregates."""

    def __init__(self, recorder: ApplicationRecorder, originators: set[UUID]):
        self.recorder = recorder
        self.originators = originators

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Any = (), *, inclusive_of_start: bool = True) -> list[Any]:
        while True:
            batch = self.recorder.select_notifications(start=start, limit=max(limit, 2000), stop=stop,
                                                       topics=topics, inclusive_of_start=inclusive_of_start)
            if not batch:
                return []
            found = [n for n in batch if n.originator_id in self.originators]
            if found:
                return found
            start, inclusive_of_start = batch[-1].id, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.recorder, name)


def frozen_name(plan_id: str, aggregates: set[UUID]) -> str:
    """Return what tells a plan's kept files apart: the plan and which aggregates were applied (a digest)."""
    digest = hashlib.sha256("".join(sorted(a.hex for a in aggregates)).encode("ascii")).hexdigest()[:12]
    return f"{plan_id}-{digest}"


def _forget_other_sets(path: Path, name: str) -> None:
    """Remove the files kept for the same plan and position from another set of aggregates.

    The set follows the links between plans as the read model knows them; when it changes, the
    file made from the earlier set is never read again.
    """
    plan_id, _, digest = name.rpartition("-")
    if not plan_id or len(digest) != 12:
        return
    position = path.name.rsplit("-at-", 1)[1]
    kept = re.compile(rf"readmodel-{re.escape(plan_id)}-[0-9a-f]{{12}}-at-{re.escape(position)}(-journal|-wal|-shm)?")
    for other in path.parent.iterdir():
        if kept.fullmatch(other.name) and not other.name.startswith(path.name):
            other.unlink(missing_ok=True)


def read_model_at(recorder: ApplicationRecorder, position: int, cache_dir: Path | str | None = None,
                  mapper: Mapper | None = None, aggregates: set[UUID] | None = None,
                  name: str = "") -> sqlite_utils.Database:
    """Return a read model of the events up to and including notification ``position``.

    With ``aggregates``, only their events are applied; ``name`` tells such files apart.
    """
    if cache_dir is None:
        db = sqlite_utils.Database(memory=True)
    else:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        path = Path(cache_dir) / f"readmodel-{name + '-' if name else ''}at-{position}.sqlite"
        _forget_other_sets(path, name)
        db = open_read_model(path)
    source = recorder if aggregates is None else _OnlyThese(recorder, aggregates)
    runner = ProjectionRunner(source, db, mapper=mapper)  # type: ignore[arg-type]
    runner.catch_up(until=position)
    bind_events(db, recorder)  # the history's events are read from the store itself, not through the filter
    # The model stands at ``position`` even when the last events there were of other aggregates.
    with db.conn:
        db.conn.execute("UPDATE tracking SET position = ? WHERE name = ?", [position, TRACKING_NAME])
    return db
