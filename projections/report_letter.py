"""What makes the report a raadsinformatiebrief: the beheerder's texts, the Vooruitblik, the signature."""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from projections.publications import report_signature, report_texts


def _college(organisation: str) -> str:
    """Return the college a gemeente's report is signed by: 'burgemeester en wethouders van Nijmegen';
    for several gemeenten ('7 gemeenten: Berg en Dal, …') their colleges."""
    several = re.fullmatch(r"\d+ gemeenten: (.+)", organisation.strip())
    if several:
        return f"de colleges van burgemeester en wethouders van {several[1]}"
    place = organisation.removeprefix("Gemeente ").removeprefix("gemeente ").strip()
    if re.search(r" en \d+ andere gemeenten?$", place):
        return f"de colleges van burgemeester en wethouders van {place}"
    return f"burgemeester en wethouders van {place}" if place else "burgemeester en wethouders"


def letter_parts(db: sqlite_utils.Database, plan_id: str, organisation: str, period_key: str) -> dict[str, Any]:
    """Return the inleiding and vervolgproces written for a half year, and who signs the report."""
    texts = report_texts(db, plan_id, period_key)
    signature = report_signature(db, plan_id)
    return {
        "texts": {section: {"text": r["text"], "at": r["at"], "by": r["by"]} for section, r in texts.items()},
        "signature": {"college": signature["college"] if signature else _college(organisation),
                      "signatories": signature["signatories"] if signature else [],
                      "set": signature is not None},
    }


def outlook(groups: list[dict[str, Any]], progress: list[dict[str, Any]], chapter_of: dict[str, str],
            plan_milestones: list[dict[str, Any]], start: str, end: str) -> dict[str, Any]:
    """Return per chapter what is planned in the next half year, and the plan's own commitments then."""
    chapters = []
    for group in groups:
        items = [{"code": p["code"], "title": p["title"], "label": m["label"], "due_text": m["due_text"]}
                 for p in progress if chapter_of.get(p["code"]) == group["key"] for m in p["next"]]
        chapters.append({"key": group["key"], "title": group["title"], "items": items})
    known = {g["key"] for g in groups}
    rest = [{"code": p["code"], "title": p["title"], "label": m["label"], "due_text": m["due_text"]}
            for p in progress if chapter_of.get(p["code"]) not in known for m in p["next"]]
    if rest:
        chapters.append({"key": "", "title": "Overige interventies", "items": rest})
    agenda = [{"label": m["label"], "due_text": m["due_text"]} for m in plan_milestones
              if not m.get("done") and start <= (m.get("due") or "") <= end]
    return {"chapters": chapters, "agenda": agenda}
