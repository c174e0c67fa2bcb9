"""Read a CSV of indicator values (indicator;periode;waarde;bron) into rows with their line numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

from tracker.errors import LinesError

HEADERS = {
    "indicator": ("indicator", "indicator_id", "id"),
    "period": ("periode", "period"),
    "value": ("waarde", "value"),
    "source": ("bron", "source"),
}
MAX_BYTES = 1_000_000


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # saved by Excel on Windows


def read_indicator_csv(data: bytes) -> list[dict[str, Any]]:
    """Return one row per data line: line, indicator, period, value, source (or an error)."""
    if len(data) > MAX_BYTES:
        raise LinesError(["Het bestand is te groot (maximaal 1 MB)."])
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise LinesError(["Regel 1: het bestand begint niet met de kopregel indicator;periode;waarde;bron."])
    delimiter = max(";,\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    columns = {}
    for key, names in HEADERS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found:
            raise LinesError([f"Regel 1: de kolom '{names[0]}' ontbreekt; de kopregel is "
                              "indicator;periode;waarde;bron."])
        columns[key] = found[0]
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            rows.append({"line": line, "error": f"{len(cells)} kolommen gevonden, {len(header)} verwacht."})
            continue
        rows.append({"line": line, **{key: cells[i].strip() for key, i in columns.items()}})
    return rows
