"""The outbox (uitgaande berichten): pending, failed, in-doubt and sent reminders, and the mail sink."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from notifications.digest import addressed_all
from notifications.mailer import FileSink
from notifications.selection import (
    pending_reminders,
    plans_without_stuurgroep,
    reminders_due,
    warnings,
)
from notifications.settings import MailSettings
from projections.outbox import reminders_by_status, status_counts
from projections.plans import plan_titles
from tracker.errors import TrackerError
from web import now, read_model, refresh_read_model, services, today
from web.auth import requires
from web.fragments import PositionCache
from web.htmx import render

bp = Blueprint("outbox", __name__)
SENT_SHOWN = 200


def mail_settings() -> MailSettings:
    """Return the mail settings of this app (TRACKER_* configuration)."""
    config = current_app.config
    return MailSettings.from_config(config, config["DATA_DIR"])


@bp.app_context_processor
def stuurgroep_notice() -> dict:
    """Tell the beheerder, on every page, when escalations are held for want of an address."""
    if not (current_user.is_authenticated and current_user.role == "beheerder"):
        return {}
    db = read_model()
    try:
        held = plans_without_stuurgroep(db, mail_settings())
    except ValueError:  # a broken mail setting is reported on the outbox page itself
        return {}
    if not held:
        return {}
    titles = plan_titles(db)
    return {"stuurgroep_missing": [titles.get(plan_id, plan_id) for plan_id in held]}


@bp.get("/uitgaande-berichten")
@requires("outbox")
def outbox_page():
    db = read_model()
    mail = mail_settings()
    now = today()

    def waiting() -> tuple[list, list]:
        found = reminders_due(db, now, mail)
        return found, addressed_all(pending_reminders(db, now, mail, found))
    # What is due follows from the events, the day and the settings: worked out once per position
    # (every plan's reminders: seconds for a national programme), not for each look at the page.
    kept = current_app.extensions.setdefault("outbox_due", PositionCache())
    due, pending = kept.get(db, (now, mail), waiting)
    due_keys = {item.key for item in due}
    failed = reminders_by_status(db, "failed") + reminders_by_status(db, "released")
    for row in failed:
        row["retried"] = row["key"] in due_keys
    sink = FileSink(mail.sink_path) if mail.uses_sink else None
    return render(
        "outbox.html", "content", today=now, mail=mail, warnings=warnings(db, mail, named=lambda plan: f"«{plan['title']}»"),
        pending=pending,
        failed=failed, in_doubt=reminders_by_status(db, "in_doubt"),
        claimed=reminders_by_status(db, "claimed"), sent=reminders_by_status(db, "sent", SENT_SHOWN),
        counts=status_counts(db), sink=sink.messages() if sink else None)


@bp.get("/uitgaande-berichten/postbus/<name>")
@requires("outbox")
def sink_message(name: str):
    mail = mail_settings()
    if not mail.uses_sink:
        abort(404)
    message = FileSink(mail.sink_path).read(name)
    if message is None:
        abort(404)
    body = message.get_body(("plain",))
    return render("outbox_message.html", "content", message=message, name=name,
                  text=body.get_content() if body is not None else "")


@bp.post("/uitgaande-berichten/onzeker/<key>")
@requires("outbox")
def resolve(key: str):
    """Decide on a reminder in doubt: it arrived, or it must go again at the next run."""
    outcome = request.form.get("outcome", "")
    if outcome not in ("sent", "resend"):
        abort(400, description="Kies 'Is aangekomen' of 'Opnieuw versturen'.")
    if key not in {r["key"] for r in reminders_by_status(read_model(), "in_doubt")}:
        abort(404)
    at = now()
    try:
        services().app.resolve_reminder(key, outcome=outcome, note="Besloten op de pagina Uitgaande berichten",
                                        at=at, by=current_user.actor)
    except TrackerError as exc:
        abort(409, description=str(exc))
    refresh_read_model()
    flash("Vastgelegd: de herinnering telt als verstuurd." if outcome == "sent"
          else "Vastgelegd: de herinnering gaat bij de volgende run opnieuw uit.")
    return redirect(url_for("outbox.outbox_page"), 303)
