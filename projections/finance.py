"""Read model of finance figures: every recorded figure kept, the latest per year/domain/kind counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlite_utils

from events.plan import FinanceFigureConfirmed, FinanceFigureRecorded
from events.vocabulary import Domain
from projections.versions import as_of_bound


def _recorded(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    at, by = state["at"]["_data_"], state["by"]
    confirmed = state["confirmed"] and bool(state["check"])
    db.conn.execute(
        "INSERT OR IGNORE INTO finance_figures (seq, plan_id, year, domain, kind, amount, note, "
        "period, period_end, check_text, confirmed_at, confirmed_by, at, by) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (seq, state["plan_id"], state["year"], state["domain"], state["kind"], state["amount"], state["note"],
         state["period"], state["period_end"]["_data_"], state["check"], at if confirmed else None,
         by if confirmed else None, at, by))


def _confirmed(db: sqlite_utils.Database, seq: int, oid: str, version: int, state: dict[str, Any]) -> None:
    # It confirms the latest figure of its year, domain and kind recorded before it.
    db.conn.execute(
        "UPDATE finance_figures SET confirmed_at = ?, confirmed_by = ? WHERE seq = ("
        "SELECT max(seq) FROM finance_figures WHERE plan_id = ? AND year = ? AND domain = ? "
        "AND kind = ? AND seq < ?) AND confirmed_at IS NULL",
        (state["at"]["_data_"], state["by"], state["plan_id"], state["year"], state["domain"], state["kind"], seq))


HANDLERS = {FinanceFigureRecorded: _recorded, FinanceFigureConfirmed: _confirmed}


def _rows(db: sqlite_utils.Database, plan_id: str, known_on: date | None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM finance_figures WHERE plan_id = ?"
    params: list[Any] = [plan_id]
    if known_on is not None:
        sql += " AND at < ?"
        params.append(as_of_bound(known_on))
    rows = list(db.query(sql + " ORDER BY seq", params))
    for row in rows:
        row["amount"] = Decimal(row["amount"])
        if known_on is not None and row["confirmed_at"] and row["confirmed_at"] >= as_of_bound(known_on):
            row["confirmed_at"] = row["confirmed_by"] = None  # confirmed only later
        row["whole_year"] = row["period_end"] == f"{row['year']}-12-31"
        row["unconfirmed"] = bool(row["check_text"]) and not row["confirmed_at"]
    return rows


def finance_figures(db: sqlite_utils.Database, plan_id: str, known_on: date | None = None) -> dict[tuple[int, str, str], dict[str, Any]]:
    """Return the figures by (year, domain, kind) as known at the end of ``known_on`` (default: now).

    Each is the latest recorded; the ones it corrected are in ``earlier``.
    """
    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in _rows(db, plan_id, known_on):
        key = (row["year"], row["domain"], row["kind"])
        earlier = []
        if key in latest:
            earlier = latest[key]["earlier"] + [{k: v for k, v in latest[key].items() if k != "earlier"}]
        latest[key] = {**row, "earlier": earlier}
    return latest


def recorded_figures(db: sqlite_utils.Database, plan_id: str) -> list[dict[str, Any]]:
    """Return every recorded figure, newest first (who recorded what, when)."""
    return list(reversed(_rows(db, plan_id, None)))


def unconfirmed_figures(db: sqlite_utils.Database, plan_id: str) -> list[dict[str, Any]]:
    """Return the current figures that looked implausible and await confirmation."""
    return [f for f in finance_figures(db, plan_id).values() if f["unconfirmed"]]


def plan_domains(db: sqlite_utils.Database, plan: dict[str, Any]) -> list[str]:
    """Return the domains a figure of this plan can be about, in the vocabulary's order.

    A plan of youth care alone (every intervention, target and figure ``jeugd``) is offered
    ``jeugd`` only; a plan of both fields is offered both and their total (``beide``).
    """
    used = {row[0] for row in db.execute(
        "SELECT DISTINCT domain FROM intervention_versions WHERE plan_id = ? AND recorded_to IS NULL",
        [plan["plan_id"]])}
    used |= {row[0] for row in db.execute("SELECT DISTINCT domain FROM finance_figures WHERE plan_id = ?",
                                          [plan["plan_id"]])}
    finance = plan["facts"].get("finance") or {}
    for part in ("targets", "baseline", "expected_savings", "budget", "funding"):
        used |= {row.get("domain") for row in finance.get(part) or [] if isinstance(row, dict)}
    used |= {i.get("domain") for i in plan["facts"].get("indicators") or [] if isinstance(i, dict)}
    used = {d for d in used if d and Domain.known(d)}
    if len(used) == 1 and Domain.BEIDE.value not in used:
        return sorted(used)
    return list(Domain.values())
