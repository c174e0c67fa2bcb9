"""Read model of the normering: norms per aanbieder and zorgsoort, realised spending, signals, analysegesprekken.

"As of" a day is valid time: the spending of periods that had ended by then, against the norm of
the year, as known now (or, with ``known_on``, as recorded by the end of that day). A signal is
on when the spending of a year reaches the plan's threshold (70 % by default) of its norm: the
bestedingsruimte, or the signaalplafond where no bestedingsruimte is set. Spending only adds up,
so the signal holds from the end of the period whose spending reached the threshold (``since``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlite_utils

from events.normering import AnalysisTalkHeld, AnalysisTalkPlanned, NormsRecorded, SpendingRecorded, signal_at
from events.periods import Quarter
from projections.versions import as_of_bound


def _key(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


def _norms(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO norms (seq, idx, plan_id, aggregate_id, aanbieder, zorgsoort, akey, zkey, jaar, "
        "bestedingsruimte, signaalplafond, instroomtarget, source, at, by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(seq, i, state["plan_id"], oid, n["aanbieder"], n["zorgsoort"], _key(n["aanbieder"]), _key(n["zorgsoort"]),
          n["jaar"], n["bestedingsruimte"], n["signaalplafond"], n["instroomtarget"], state["source"],
          state["at"]["_data_"], state["by"]) for i, n in enumerate(state["norms"])])


def _spending(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO spending (seq, idx, plan_id, aanbieder, zorgsoort, akey, zkey, jaar, periode, "
        "period_start, period_end, bedrag, source, at, by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(seq, i, state["plan_id"], s["aanbieder"], s["zorgsoort"], _key(s["aanbieder"]), _key(s["zorgsoort"]),
          s["jaar"], s["periode"], s["start"], s["end"], s["bedrag"], state["source"], state["at"]["_data_"],
          state["by"]) for i, s in enumerate(state["lines"])])


def _talk_planned(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO analysis_talks (plan_id, talk_id, aanbieder, zorgsoort, akey, zkey, jaar, due, "
        "due_text, owner, note, planned_at, planned_by, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (state["plan_id"], state["talk_id"], state["aanbieder"], state["zorgsoort"], _key(state["aanbieder"]),
         _key(state["zorgsoort"]), state["jaar"], state["due"]["_data_"], state["due_text"], state["owner"],
         state["note"], state["at"]["_data_"], state["by"], seq))


def _talk_held(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "UPDATE analysis_talks SET held_on = ?, held_note = ?, held_at = ?, held_by = ?, seq = ? "
        "WHERE plan_id = ? AND talk_id = ? AND seq < ?",
        (state["held_on"]["_data_"], state["note"], state["at"]["_data_"], state["by"], seq, state["plan_id"],
         state["talk_id"], seq))


HANDLERS = {NormsRecorded: _norms, SpendingRecorded: _spending, AnalysisTalkPlanned: _talk_planned,
            AnalysisTalkHeld: _talk_held}


# --- queries ------------------------------------------------------------------------------

def _known(known_on: date | None) -> str:
    return as_of_bound(known_on) if known_on else "9999-12-31"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _latest_norms(db: sqlite_utils.Database, plan_id: str, known_on: date | None) -> dict[tuple, dict[str, Any]]:
    found: dict[tuple, dict[str, Any]] = {}
    for row in db.query("SELECT * FROM norms WHERE plan_id = ? AND at < ? ORDER BY seq, idx",
                        [plan_id, _known(known_on)]):
        found[(row["akey"], row["zkey"], row["jaar"])] = row
    return found


def _latest_spending(db: sqlite_utils.Database, plan_id: str, known_on: date | None) -> dict[tuple, dict[str, dict]]:
    found: dict[tuple, dict[str, dict[str, Any]]] = {}
    for row in db.query("SELECT * FROM spending WHERE plan_id = ? AND at < ? ORDER BY seq, idx",
                        [plan_id, _known(known_on)]):
        found.setdefault((row["akey"], row["zkey"], row["jaar"]), {})[row["periode"]] = row
    return found


def _talks(db: sqlite_utils.Database, plan_id: str, as_of: date,
           known_on: date | None = None) -> dict[tuple, list[dict[str, Any]]]:
    """Return the analysegesprekken planned by the end of ``as_of``, as known then or at the end of ``known_on``."""
    found: dict[tuple, list[dict[str, Any]]] = {}
    known = _known(known_on)
    for row in db.query("SELECT * FROM analysis_talks WHERE plan_id = ? AND planned_at < ? ORDER BY CAST(talk_id AS INT)",
                        [plan_id, min(as_of_bound(as_of), known)]):
        held = row["held_on"] if row["held_on"] and row["held_on"] <= as_of.isoformat() \
            and (row["held_at"] or "") < known else None
        state = "gehouden" if held else ("te_laat" if row["due"] < as_of.isoformat() else "gepland")
        found.setdefault((row["akey"], row["zkey"], row["jaar"]), []).append({
            "id": row["talk_id"], "due": row["due"], "due_text": row["due_text"], "owner": row["owner"],
            "note": row["note"], "held_on": held, "held_note": row["held_note"] if held else "", "state": state})
    return found


def _line(norm: dict[str, Any], lines: dict[str, dict[str, Any]], talks: list[dict[str, Any]], as_of: date,
          threshold: float) -> dict[str, Any]:
    basis = "bestedingsruimte" if norm["bestedingsruimte"] else ("signaalplafond" if norm["signaalplafond"] else "")
    amount = Decimal(norm[basis]) if basis else None
    counted = sorted((r for r in lines.values() if r["period_end"] <= as_of.isoformat()),
                     key=lambda r: r["period_end"])
    spent = sum((Decimal(r["bedrag"]) for r in counted), Decimal(0))
    share = float(round(spent / amount * 100, 1)) if amount else None
    since, running = None, Decimal(0)
    if amount:
        for r in counted:  # spending never decreases: the first period end that reaches the threshold
            running += Decimal(r["bedrag"])
            if running * 100 >= amount * Decimal(str(threshold)):
                since = r["period_end"]
                break
    quarters, cumulative = [], Decimal(0)
    for number in range(1, 5):
        q = Quarter(norm["jaar"], number)
        if q.start > as_of:
            break
        moment = min(q.end, as_of).isoformat()
        upto = sum((Decimal(r["bedrag"]) for r in counted if r["period_end"] <= moment), Decimal(0))
        quarters.append({"quarter": q.display, "key": q.key, "spent": _number(upto - cumulative),
                         "cumulative": _number(upto), "complete": q.end <= as_of,
                         "share": float(round(upto / amount * 100, 1)) if amount else None})
        cumulative = upto
    numbers = {k: _number(Decimal(norm[k])) if norm[k] else None
               for k in ("bestedingsruimte", "signaalplafond", "instroomtarget")}
    return {"aanbieder": norm["aanbieder"], "zorgsoort": norm["zorgsoort"], "jaar": norm["jaar"], **numbers,
            "basis": basis, "norm": _number(amount) if amount else None, "spent": _number(spent), "share": share,
            "threshold": threshold, "signal": since is not None, "since": since,
            "periods": [r["periode"] for r in counted], "quarters": quarters, "analysis": talks}


def norm_overview(db: sqlite_utils.Database, plan: dict[str, Any], as_of: date, year: int | None = None,
                  known_on: date | None = None) -> list[dict[str, Any]]:
    """Return per aanbieder and zorgsoort (of one year, or every year) the norm, spent, share and trend."""
    plan_id, threshold = plan["plan_id"], signal_at(plan["facts"])
    spending = _latest_spending(db, plan_id, known_on)
    talks = _talks(db, plan_id, as_of, known_on)
    rows = [_line(norm, spending.get(key, {}), talks.get(key, []), as_of, threshold)
            for key, norm in _latest_norms(db, plan_id, known_on).items() if year is None or key[2] == year]
    rows.sort(key=lambda r: (r["jaar"], r["aanbieder"].casefold(), r["zorgsoort"].casefold()))
    return rows


def norm_years(db: sqlite_utils.Database, plan_id: str) -> list[int]:
    """Return the years the plan has norms for."""
    return [r[0] for r in db.execute("SELECT DISTINCT jaar FROM norms WHERE plan_id = ? ORDER BY jaar", [plan_id])]


def signals(db: sqlite_utils.Database, plan: dict[str, Any], as_of: date,
            known_on: date | None = None) -> list[dict[str, Any]]:
    """Return the norms whose spending has reached the threshold as of a day, with their analysegesprekken."""
    return [{"plan": plan["plan_id"], **row} for row in norm_overview(db, plan, as_of, known_on=known_on)
            if row["signal"]]


def signal_json(signal: dict[str, Any]) -> dict[str, Any]:
    """Return a signal in the stable shape of `tracker signals --json` (docs/normering.md)."""
    return {key: signal[key] for key in ("plan", "aanbieder", "zorgsoort", "jaar", "share", "threshold", "since",
                                         "basis", "norm", "spent", "periods", "analysis")}


def normering_section(db: sqlite_utils.Database, plan: dict[str, Any], as_of: date, year: int,
                      known_on: date | None = None) -> dict[str, Any]:
    """Return the council report's Normering: the norms of the report's year as of its peildatum,
    as known now or at the end of ``known_on``."""
    return {"year": year, "threshold": signal_at(plan["facts"]),
            "rows": norm_overview(db, plan, as_of, year, known_on)}


def normering_aggregates(db: sqlite_utils.Database, plan_id: str) -> list[str]:
    """Return the id (hex) of the plan's normering aggregate, when it has one."""
    return [r[0] for r in db.execute("SELECT DISTINCT aggregate_id FROM norms WHERE plan_id = ?", [plan_id])]
