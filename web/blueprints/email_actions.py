"""Action links from reminder mails: confirm one update without signing in (the link is the key)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup

from projections.interventions import interventions_as_of
from projections.users import user_by_email
from projections.wording import long_date
from tracker.actors import Actor
from tracker.action_links import ACTIONS, ActionLink, read_token, why_void
from tracker.errors import ConflictError, DomainError, NotFoundError
from web import now, read_model, refresh_read_model, services, today
from web.auth import public

bp = Blueprint("email_actions", __name__)


def _void(reason: str, status: int):
    return render_template("email_action.html", void=reason, status=status,
                           sign_in=url_for("auth.login")), status


def _checked(token: str) -> tuple[ActionLink, dict[str, Any], dict[str, Any], dict[str, Any] | None] | Any:
    """Return the link, its account, intervention and milestone; or the Dutch page that refuses it."""
    link = read_token(current_app.secret_key, token)  # type: ignore[arg-type]
    if link is None:
        return _void("Deze link is niet geldig: hij is onvolledig of gewijzigd.", 400)
    account = user_by_email(read_model(), link.recipient)
    if account is None or not account["active"]:
        return _void("Deze link hoort bij een account dat geen trekker (meer) is.", 410)
    reason = why_void(services().app, link, today())
    if reason:
        return _void(reason, 410)
    iv = interventions_as_of(read_model(), today(), plan_id=link.plan_id, code=link.code)[0]
    milestone = next((m for m in iv["milestones"] if m["milestone_id"] == link.milestone_id), None)
    # A trekker's link, or that of the owner of a stuurgroep's action (whatever their role).
    owner = bool(milestone) and (milestone.get("owner_email") or "").lower() == link.recipient
    if account["role"] != "trekker" and not owner:
        return _void("Deze link hoort bij een account dat geen trekker (meer) is.", 410)
    return link, account, iv, milestone


def _what(link: ActionLink, iv: dict[str, Any], milestone: dict[str, Any] | None, day: date) -> Markup:
    """Return what will be recorded, in a sentence."""
    subject = Markup("interventie <strong>{} {}</strong>").format(iv["code"], iv["title"])
    if link.action == "gereed":
        return Markup("Mijlpaal <strong>{}</strong> ({}) van {} is gereed, op {}.").format(
            milestone["label"], milestone["due_text"], subject, long_date(day))
    if link.action == "verschuiven":
        return Markup("Mijlpaal <strong>{}</strong> van {} schuift van {} naar de termijn die u hieronder "
                      "invult, met de reden.").format(milestone["label"], subject, milestone["due_text"])
    return Markup("De stand van {} is nog actueel: u heeft gekeken en er is niets veranderd.").format(subject)


@bp.route("/actie/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """Show what the link will record and in whose name (GET); record it (POST, the button)."""
    found = _checked(token)
    if not isinstance(found[0], ActionLink):
        return found
    link, account, iv, milestone = found
    actor = Actor.of_account(account, "e-mail")  # the link's recipient, as the application will check
    by = actor.recorded_as
    values = request.form.to_dict() if request.method == "POST" else {}
    context = dict(link=link, account=account, iv=iv, milestone=milestone, by=by, values=values,
                   action=ACTIONS[link.action], what=_what(link, iv, milestone, today()), sign_in=url_for("auth.login"))
    if request.method == "GET":
        return render_template("email_action.html", **context)
    app = services().app
    common = dict(at=now(), by=actor, expected_version=link.version)
    try:
        if link.action == "gereed":
            app.complete_milestone(link.plan_id, link.code, link.milestone_id, realised=today(), **common)
        elif link.action == "verschuiven":
            app.reschedule_milestone(link.plan_id, link.code, link.milestone_id, due=values.get("due", "").strip(),
                                     reason=values.get("reason", ""), **common)
        else:
            app.confirm_up_to_date(link.plan_id, link.code, **common)
    except ConflictError:
        return _void("De mijlpaal is sinds de e-mail gewijzigd; er is niets vastgelegd.", 409)
    except (DomainError, NotFoundError) as exc:
        return render_template("email_action.html", error=str(exc), **context), 422
    refresh_read_model()
    return render_template("email_action.html", done=True, **context)
