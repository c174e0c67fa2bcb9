"""Read the CSVs of the normering: norms (aanbieder;zorgsoort;jaar;bestedingsruimte[;signaalplafond;instroomtarget])
and spending (aanbieder;zorgsoort;periode;bedrag), into rows with their line numbers."""

from __future__ import annotations

from typing import Any

from tracker.csv_rows import read_csv_rows

NORM_HEADERS = {
    "aanbieder": ("aanbieder", "zorgaanbieder", "provider"),
    "zorgsoort": ("zorgsoort", "zorgvorm", "care_type"),
    "jaar": ("jaar", "year"),
    "bestedingsruimte": ("bestedingsruimte", "budget"),
    "signaalplafond": ("signaalplafond", "signal_ceiling"),
    "instroomtarget": ("instroomtarget", "maximaal instroomtarget", "intake_target"),
}
SPENDING_HEADERS = {
    "aanbieder": NORM_HEADERS["aanbieder"],
    "zorgsoort": NORM_HEADERS["zorgsoort"],
    "periode": ("periode", "period"),
    "bedrag": ("bedrag", "besteding", "amount"),
}


def read_norms_csv(data: bytes) -> list[dict[str, Any]]:
    """Return one row per line of a norms CSV (signaalplafond and instroomtarget may be left out)."""
    return read_csv_rows(data, NORM_HEADERS, optional=("signaalplafond", "instroomtarget"))


def read_spending_csv(data: bytes) -> list[dict[str, Any]]:
    """Return one row per line of a spending CSV."""
    return read_csv_rows(data, SPENDING_HEADERS)
