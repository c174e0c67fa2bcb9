"""iCalendar feeds: each open milestone as an all-day event on its due date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from icalendar import Calendar, Event

from notifications.digest import intervention_url
from projections.wording import STATE_LABELS

PRODID = "-//plan-tracker//Voortgang uitvoeringsagenda//NL"


def milestone_uid(plan_id: str, code: str, milestone_id: str) -> str:
    """Return the event's stable UID, so a rescheduled milestone moves instead of doubling."""
    raw = f"{plan_id}.{code}.{milestone_id}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw) + "@plan-tracker"


def _stamp(value: str | None) -> datetime:
    moment = datetime.fromisoformat(value) if value else datetime(2000, 1, 1)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def feed_calendar(name: str, entries: list[dict[str, Any]], base_url: str) -> bytes:
    """Return the feed as iCalendar bytes; ``entries`` hold an intervention and a milestone each."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    cal.add("x-published-ttl", "PT1H")
    for entry in entries:
        iv, m = entry["intervention"], entry["milestone"]
        if not m.get("due"):
            continue  # a start or an undated step has no day to put in a calendar
        due = date.fromisoformat(m["due"])
        url = intervention_url(base_url, iv["plan_id"], iv["code"])
        event = Event()
        event.add("uid", milestone_uid(iv["plan_id"], iv["code"], m["milestone_id"]))
        event.add("dtstamp", _stamp(m.get("valid_from")))
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"{iv['code']} {m['label']} ({m['due_text']})")
        trekker = iv.get("trekker_name") or "nog geen trekker"
        event.add("description", f"{iv['title']}\nTermijn: {m['due_text']}\n"
                                 f"Stand: {STATE_LABELS.get(m.get('state', ''), m.get('state', ''))}\n"
                                 f"Trekker: {trekker}\n{url}")
        event.add("url", url)
        event.add("sequence", int(m.get("reschedule_count") or 0))
        event.add("transp", "TRANSPARENT")
        event.add("categories", [iv["plan_id"]])
        cal.add_component(event)
    return cal.to_ical()
