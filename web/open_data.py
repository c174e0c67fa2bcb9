"""Open data of a public plan: its interventions and milestones as CSV and JSON, under CC0 1.0.

Made from the public plan (projections.public_site), so a file holds exactly what the public
page shows. CSV cells are neutralised like the board's exports: a spreadsheet never runs a
formula from them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from web.exports import neutralised

LICENCE = {
    "name": "CC0 1.0 Universeel (Publiek Domein Verklaring)",
    "id": "CC0-1.0",
    "url": "https://creativecommons.org/publicdomain/zero/1.0/deed.nl",
}
LICENCE_LINK = f'<{LICENCE["url"]}>; rel="license"'

# Optional columns, present only when the beheerder made the field public.
_OPTIONAL = (("trekker", "trekker"), ("trekker_email", "trekker_email"))


def _meta(data: dict[str, Any]) -> dict[str, Any]:
    plan = data["plan"]
    return {"plan": {"id": plan["id"], "title": plan["title"], "organisation": plan["organisation"],
                     "period": plan["period"]},
            "as_of": data["as_of"], "licence": LICENCE,
            "source": f"Volgsysteem uitvoeringsagenda, {plan['organisation']}, stand per {data['as_of']}"}


def interventions_json(data: dict[str, Any]) -> str:
    """Return the interventions with their Tijdpad (and the plan's own milestones) as JSON, with the plan, date and licence."""
    return json.dumps({**_meta(data), "interventions": data["interventions"],
                       "plan_milestones": data.get("plan_milestones", [])}, ensure_ascii=False, indent=2)


def milestones_json(data: dict[str, Any]) -> str:
    """Return every milestone as one flat list in JSON, with the plan, date and licence."""
    return json.dumps({**_meta(data), "milestones": milestone_rows(data)}, ensure_ascii=False, indent=2)


def milestone_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one row per milestone: plan, intervention code and the milestone's public fields."""
    return [{"plan": data["plan"]["id"], "code": iv["code"], **m}
            for iv in data["interventions"] for m in iv["milestones"]]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[neutralised("" if v is None else v) for v in row] for row in rows])
    return out.getvalue()


def interventions_csv(data: dict[str, Any]) -> str:
    """Return one line per intervention (semicolons, UTF-8): its stoplicht and Tijdpad in counts."""
    optional = [(key, column) for key, column in _OPTIONAL
                if any(key in iv for iv in data["interventions"])]
    header = ["plan", "code", "titel", "indeling", "domein", "stoplicht", "stoplicht_tijdpad", "afgesloten",
              "mijlpalen", "mijlpalen_gereed", "mijlpalen_te_laat", "volgende_mijlpaal", "termijn_volgende"]
    header += [column for _, column in optional]
    rows = []
    for iv in data["interventions"]:
        ms = iv["milestones"]
        upcoming = sorted((m for m in ms if m["state"] not in ("gereed", "vervallen", "te_laat")),
                          key=lambda m: m["due"] or "9999")
        nxt = upcoming[0] if upcoming else None
        rows.append([data["plan"]["id"], iv["code"], iv["title"], " › ".join(g["title"] for g in iv["grouping"]),
                     iv["domain"], iv["stoplicht"], iv["stoplicht_auto"], "ja" if iv["closed"] else "nee",
                     len(ms), sum(1 for m in ms if m["state"] == "gereed"),
                     sum(1 for m in ms if m["state"] == "te_laat"),
                     nxt["label"] if nxt else "", nxt["due_text"] if nxt else ""]
                    + [iv.get(key) for key, _ in optional])
    return _csv(header, rows)


def milestones_csv(data: dict[str, Any]) -> str:
    """Return one line per milestone (semicolons, UTF-8)."""
    rows = milestone_rows(data)
    header = ["plan", "code", "mijlpaal_id", "omschrijving", "soort", "termijn", "termijn_tekst",
              "oorspronkelijke_termijn", "stand", "gerealiseerd"]
    keys = ["plan", "code", "id", "label", "kind", "due", "due_text", "planned_due_text", "state", "realised"]
    for key, column in (("reason", "reden"), ("note", "notitie")):
        if any(key in r for r in rows):
            header.append(column)
            keys.append(key)
    return _csv(header, [[r.get(k) for k in keys] for r in rows])
