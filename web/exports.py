"""The board as CSV and Excel, with Dutch column names.

Spreadsheets run what looks like a formula: every text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, and Excel cells are written as
text, never as formulas.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from events.vocabulary import Stoplicht
from projections.wording import STATE_LABELS, long_date

COLUMNS = ("Code", "Interventie", "Hoofdstuk/thema", "Domein", "Trekker", "Stoplicht",
           "Stoplicht volgens tijdpad", "Stoplicht trekker", "Toelichting", "Volgende mijlpaal",
           "Termijn volgende mijlpaal", "Mijlpalen te laat", "Laatst bijgewerkt",
           "Dagen sinds bijwerken", "Laatst besproken in stuurgroep")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """Return a cell value that no spreadsheet reads as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _values(row: dict[str, Any]) -> list[Any]:
    nxt = row["next_milestone"]
    explanation = ""
    if Stoplicht.explained(row["stoplicht"]):
        explanation = f"Oorzaak: {row['oorzaak']} Gevolg: {row['gevolg']} Bijsturing: {row['bijsturing']}"
    return [
        row["code"], row["title"], " › ".join(g["title"] for g in row["group_path"]), row["domain"],
        row["trekker_name"] or "", row["stoplicht_effective"], row["stoplicht_auto"],
        row["stoplicht"] or "", explanation, nxt["label"] if nxt else "", nxt["due_text"] if nxt else "",
        "; ".join(f"{m['label']} ({m['due_text']}, {STATE_LABELS[m['state']]})" for m in row["late_milestones"]),
        long_date(row["last_update_at"]), row["days_since_update"],
        long_date(row["last_review_date"]) if row.get("last_review_date") else "",
    ]


def board_csv(rows: list[dict[str, Any]]) -> str:
    """Return the board as CSV (semicolon-separated, as Dutch Excel expects)."""
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralised(v) for v in _values(row)])
    return out.getvalue()


def board_xlsx(rows: list[dict[str, Any]], title: str, as_of: date) -> bytes:
    """Return the board as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Stand"
    ws.append([f"{title} — stand per {long_date(as_of)}"])
    ws["A1"].font = Font(bold=True)
    ws.append(list(COLUMNS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([neutralised(v) for v in _values(row)])
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula
    ws.freeze_panes = "A3"
    for column, width in zip("ABCDEFGHIJKLMNO", (8, 50, 40, 8, 20, 10, 12, 12, 50, 40, 12, 50, 18, 10, 18)):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
