"""Make a report's data: a concept from the live read model, or a published one as it was frozen."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlite_utils

from projections.frozen import frozen_name, plan_aggregates, read_model_at
from projections.publications import published_report
from projections.report import HalfYear, ReportError, report_data
from web.reports.document import ReportMeta
from web.services import Services

FROZEN_DIR = "rapportages"


def concept(db: sqlite_utils.Database, plan_id: str, period: HalfYear | str, as_of: date,
            generated_on: date, known_on: date | None = None) -> tuple[dict[str, Any], ReportMeta]:
    """Return a concept report made from the read model as it is now (as known now, or on ``known_on``)."""
    return (report_data(db, plan_id, period, as_of, known_on),
            ReportMeta(status="concept", generated_on=generated_on))


def published(services: Services, db: sqlite_utils.Database, plan_id: str,
              number: int) -> tuple[dict[str, Any], ReportMeta]:
    """Return a published report, made again from the events up to the position it was frozen at."""
    record = published_report(db, plan_id, number)
    if record is None:
        raise ReportError(f"Plan '{plan_id}' heeft geen vastgestelde rapportage nr. {number}.")
    # Kept per set of aggregates: a file made from fewer (by an earlier version) is never read for more.
    aggregates = plan_aggregates(db, plan_id)
    frozen = read_model_at(services.app.recorder, record["position"], services.data_dir / FROZEN_DIR,
                           mapper=services.runner.mapper, aggregates=aggregates,
                           name=frozen_name(plan_id, aggregates))
    try:
        known_on = date.fromisoformat(record["known_on"]) if record["known_on"] else None
        data = report_data(frozen, plan_id, record["period"], date.fromisoformat(record["as_of"]), known_on,
                           in_force=False)  # published once: made again, whatever the rules of today
    finally:
        frozen.close()
    published_on = date.fromisoformat(record["at"][:10])
    return data, ReportMeta(status="vastgesteld", generated_on=published_on, number=number,
                            published_at=record["at"], published_by=record["by"],
                            replaces=record["replaces"] or 0, reason=record["reason"] or "")
