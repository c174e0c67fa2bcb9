"""The board as CSV and Excel, with Dutch column names.

Excel gets two sheets, interventions and milestones, each naming the plan, the peildatum and the
active filter at the top, with a frozen header row, an autofilter and real date cells. The
milestones are also a CSV of their own. CSV is separated by ``;`` with a UTF-8 BOM and dates as
dd-mm-jjjj, as Dutch Excel reads them. The plan's own milestones follow the interventions' with
the code ``plan`` (events.vocabulary.PLAN_CODE) and "Het plan zelf" for the intervention.

Spreadsheets run what looks like a formula: in the CSV every text cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``. Excel cells are written as
text cells, never as formulas, and such a text keeps its own words with Excel's quote prefix (the
style that keeps it text when someone edits the cell), so the reader sees no stray ``'``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from events.vocabulary import PLAN_CODE, Stoplicht
from projections.wording import DOMAIN_LABELS, KIND_LABELS, STATE_LABELS, long_date

COLUMNS = ("Code", "Interventie", "Hoofdstuk/thema", "Domein", "Trekker", "Stoplicht",
           "Stoplicht volgens tijdpad", "Stoplicht trekker", "Toelichting", "Volgende mijlpaal",
           "Termijn volgende mijlpaal", "Mijlpalen te laat", "Laatst bijgewerkt",
           "Dagen sinds bijwerken", "Laatst besproken in stuurgroep")
WIDTHS = (8, 50, 40, 12, 20, 12, 12, 12, 50, 40, 12, 50, 14, 10, 14)
MILESTONE_COLUMNS = ("Code", "Interventie", "Mijlpaal", "Soort", "Termijn", "Uiterste datum",
                     "Oorspronkelijke termijn", "Stand", "Gerealiseerd", "Reden of toelichting")
MILESTONE_WIDTHS = (8, 40, 50, 14, 12, 14, 14, 12, 14, 50)
OF_THE_PLAN = "Het plan zelf"  # the Interventie column of the plan's own milestones
DATE_FORMAT = "DD-MM-YYYY"
NOT_UPDATED = "nog niet bijgewerkt"  # the board's word for progress only plan files recorded

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# XML 1.0 has no place for these control characters (nor for lone surrogates); Excel's and Word's
# files are XML. A text recorded with one (pasted from elsewhere) is written without it.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: Any) -> Any:
    """Return a text without the characters XML cannot hold, and what is no text (or a list or a dict of
    them, as a report's blocks are) with its texts so."""
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    if isinstance(value, list):
        return [xml_text(v) for v in value]
    if isinstance(value, tuple):
        return tuple(xml_text(v) for v in value)
    if isinstance(value, dict):
        return {k: xml_text(v) for k, v in value.items()}
    return value


def neutralised(value: Any) -> Any:
    """Return a cell value that no spreadsheet reads as a formula (numbers and dates stay what they are)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _values(row: dict[str, Any]) -> list[Any]:
    nxt = row["next_milestone"]
    explanation = ""
    if Stoplicht.explained(row["stoplicht"]):
        explanation = f"Oorzaak: {row['oorzaak']} Gevolg: {row['gevolg']} Bijsturing: {row['bijsturing']}"
    return [
        row["code"], row["title"], " › ".join(g["title"] for g in row["group_path"]),
        DOMAIN_LABELS.get(row["domain"], row["domain"]), row["trekker_name"] or "",
        Stoplicht(row["stoplicht_effective"]).label, Stoplicht(row["stoplicht_auto"]).label,
        row["stoplicht"] or "", explanation, nxt["label"] if nxt else "", nxt["due_text"] if nxt else "",
        "; ".join(f"{m['label']} ({m['due_text']}, {STATE_LABELS[m['state']]})" for m in row["late_milestones"]),
        *_actuality(row), _day(row.get("last_review_date")),
    ]


def _actuality(row: dict[str, Any]) -> list[Any]:
    """Return "Laatst bijgewerkt" and "Dagen sinds bijwerken": words, not a count from the plan's load,
    when nobody has updated the intervention (as the board says)."""
    if row["last_progress_at"] is None:
        return [NOT_UPDATED, None]
    return [_day(row["last_progress_at"]), row["days_since_update"]]


def _milestone_values(row: dict[str, Any], m: dict[str, Any]) -> list[Any]:
    reason = m.get("reason") or m.get("note") or ""
    return [row["code"], row["title"], m["label"], KIND_LABELS.get(m["kind"], m["kind"]), m["due_text"],
            _day(m["due"]), m["planned_due_text"], STATE_LABELS[m["state"]], _day(m.get("realised")), reason]


def _milestone_lines(rows: list[dict[str, Any]], plan_milestones: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Return every milestone line: the interventions' in board order, then the plan's own."""
    plan_row = {"code": PLAN_CODE, "title": OF_THE_PLAN}
    return ([_milestone_values(r, m) for r in rows for m in r["milestones"]]
            + [_milestone_values(plan_row, m) for m in plan_milestones])


def _csv_cell(value: Any) -> Any:
    return value.strftime("%d-%m-%Y") if isinstance(value, date) else neutralised(value)


def board_csv(rows: list[dict[str, Any]]) -> str:
    """Return the board as CSV (semicolon-separated, as Dutch Excel expects)."""
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in _values(row)])
    return out.getvalue()


def milestones_csv(rows: list[dict[str, Any]], plan_milestones: Sequence[dict[str, Any]] = ()) -> str:
    """Return the milestones of the board, the plan's own last, as CSV (semicolon-separated)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(MILESTONE_COLUMNS)
    for line in _milestone_lines(rows, plan_milestones):
        writer.writerow([_csv_cell(v) for v in line])
    return out.getvalue()


def _sheet(ws: Any, heading: str, filter_text: str, columns: tuple[str, ...], widths: tuple[int, ...],
           lines: list[list[Any]]) -> None:
    """Fill a sheet: what it is at the top, then a frozen header row with an autofilter over the lines."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append([xml_text(heading)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([xml_text(filter_text)])
    ws.append([])
    ws.append(list(columns))
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append(xml_text(list(line)))
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for cell in ws["A1"], ws["A2"]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    ws.freeze_panes = "A5"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A4:{last}{max(4, ws.max_row)}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def board_xlsx(rows: list[dict[str, Any]], title: str, as_of: date, filter_text: str = "Filter: geen",
               plan_milestones: Sequence[dict[str, Any]] = ()) -> bytes:
    """Return the board as an Excel workbook: a sheet of interventions and one of the milestones, the plan's own last."""
    from openpyxl import Workbook

    wb = Workbook()
    heading = f"{title} — stand per {long_date(as_of)}"
    ws = wb.active
    ws.title = "Interventies"
    _sheet(ws, heading, filter_text, COLUMNS, WIDTHS, [_values(r) for r in rows])
    _sheet(wb.create_sheet("Mijlpalen"), heading, filter_text, MILESTONE_COLUMNS, MILESTONE_WIDTHS,
           _milestone_lines(rows, plan_milestones))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
