"""Read a CSV of indicator values (indicator;periode;waarde;bron) into rows with their line numbers."""

from __future__ import annotations

from typing import Any

from tracker.csv_rows import read_csv_rows

HEADERS = {
    "indicator": ("indicator", "indicator_id", "id"),
    "period": ("periode", "period"),
    "value": ("waarde", "value"),
    "source": ("bron", "source"),
}


def read_indicator_csv(data: bytes) -> list[dict[str, Any]]:
    """Return one row per data line: line, indicator, period, value, source (or an error)."""
    return read_csv_rows(data, HEADERS)
