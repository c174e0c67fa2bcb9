"""Calendar feeds: /agenda/<token>.ics for Outlook and other agenda programs."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from notifications.ical import feed_calendar
from projections import plans as plan_queries
from projections.calendar_feeds import active_feed, feed_milestones
from projections.users import user_by_email
from tracker.calendar_feeds import token_hash
from web import read_model, today
from web.blueprints.outbox import mail_settings

bp = Blueprint("calendar", __name__)


@bp.get("/agenda/<token>.ics")
def feed(token: str):
    db = read_model()
    found = active_feed(db, token_hash(token))
    if found is None:
        abort(404)
    if found["scope"] == "plan":
        plan = plan_queries.plan(db, found["subject"])
        name = f"Mijlpalen {plan['title'] if plan else found['subject']}"
    else:
        person = user_by_email(db, found["subject"])
        name = f"Mijlpalen van {person['name'] if person else found['subject']}"
    body = feed_calendar(name, feed_milestones(db, found, today()), mail_settings().base_url)
    return Response(body, content_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": 'inline; filename="mijlpalen.ics"',
        "Cache-Control": "private, max-age=900",
    })
