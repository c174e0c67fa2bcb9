"""Read a CSV the beheerder uploads into rows with their line numbers, or say per line what is wrong.

Semicolons (Excel's Dutch default), commas or tabs; UTF-8, or Excel's Windows encoding.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from tracker.errors import LinesError

MAX_BYTES = 1_000_000


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise LinesError(["Dit is geen CSV-bestand maar bijvoorbeeld een Excel-bestand: sla het in Excel op "
                          "als CSV (puntkomma's gescheiden) en probeer het opnieuw."])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # saved by Excel on Windows
    except UnicodeDecodeError:
        raise LinesError(["Het bestand is geen tekst in UTF-8 of Windows-1252: sla het op als CSV "
                          "(UTF-8) en probeer het opnieuw."]) from None


def read_csv_rows(data: bytes, headers: dict[str, tuple[str, ...]], optional: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Return one row per data line: its line and a value per column key (or an error).

    ``headers`` names each column key's accepted headings, the first being the Dutch one; the
    keys in ``optional`` may be missing (their value is then "").
    """
    heading = ";".join(names[0] for names in headers.values())
    if len(data) > MAX_BYTES:
        raise LinesError(["Het bestand is te groot (maximaal 1 MB)."])
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise LinesError([f"Regel 1: het bestand begint niet met de kopregel {heading}."])
    delimiter = max(";,\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    columns: dict[str, int | None] = {}
    for key, names in headers.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found and key not in optional:
            raise LinesError([f"Regel 1: de kolom '{names[0]}' ontbreekt; de kopregel is {heading}."])
        columns[key] = found[0] if found else None
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        needed = max(i for i in columns.values() if i is not None) + 1
        if len(cells) < needed:
            rows.append({"line": line, "error": f"{len(cells)} kolommen gevonden, {len(header)} verwacht."})
            continue
        rows.append({"line": line, **{key: cells[i].strip() if i is not None and i < len(cells) else ""
                                      for key, i in columns.items()}})
    return rows
