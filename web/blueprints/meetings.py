"""The stuurgroep's meetings: open one, its agenda with a decision form per intervention, the besluitenlijst."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from projections import plans as plan_queries
from projections.agenda import meeting_agenda
from projections.meetings import decisions, meeting, meeting_titles, meetings
from projections.users import users_with_role
from projections.wording import long_date
from tracker.errors import ConflictError, DomainError, NotFoundError
from web import now, read_model, refresh_read_model, services, today
from web.form_errors import form_errors
from web.htmx import announce, is_htmx
from web.permissions import allowed
from web.reports.besluitenlijst import FORMATS, besluitenlijst_blocks, render_besluitenlijst

bp = Blueprint("meetings", __name__)


def _plan(plan_id: str) -> dict[str, Any]:
    plan = plan_queries.plan(read_model(), plan_id)
    if plan is None:
        abort(404)
    return plan


def _meeting(plan_id: str, key: str) -> dict[str, Any]:
    found = meeting(read_model(), plan_id, key)
    if found is None:
        abort(404)
    return found


def _may_decide(found: dict[str, Any]) -> bool:
    return allowed(current_user, "review") and not found["closed"]


@bp.get("/plannen/<plan_id>/vergaderingen")
def meetings_page(plan_id: str, error: str = "", status: int = 200):
    plan = _plan(plan_id)
    return render_template("meetings.html", plan=plan, meetings=meetings(read_model(), plan_id), today=today(),
                           may_open=allowed(current_user, "review"), error=error,
                           values=request.form.to_dict()), status


@bp.post("/plannen/<plan_id>/vergaderingen")
def open_meeting(plan_id: str):
    _plan(plan_id)
    if not allowed(current_user, "review"):
        abort(403)
    try:
        on = date.fromisoformat(request.form.get("datum", "").strip())
    except ValueError:
        return meetings_page(plan_id, error="Geef de datum van de vergadering op (JJJJ-MM-DD).", status=422)
    try:
        key = services().app.open_meeting(plan_id, meeting_date=on, attendees=request.form.get("aanwezigen", ""),
                                          at=now(), by=current_user.actor)
    except (DomainError, NotFoundError) as exc:
        return meetings_page(plan_id, error=str(exc), status=422)
    refresh_read_model()
    flash(f"De vergadering van {long_date(on)} is geopend.")
    return redirect(url_for("meetings.meeting_page", plan_id=plan_id, key=key), 303)


def _context(plan: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    db = read_model()
    on = date.fromisoformat(found["meeting_date"])
    taken = decisions(db, found["meeting_id"])
    return dict(plan=plan, meeting=found, agenda=meeting_agenda(db, plan["plan_id"], on), decisions=taken,
                decided={d["code"]: d for d in taken}, titles=meeting_titles(db, plan["plan_id"], on),
                owners=users_with_role(db, "trekker", "stuurgroep", "beheerder", "lezer"), may_decide=_may_decide(found),
                formats={"md": "Markdown", "docx": "Word", "pdf": "PDF"}, errors={}, values={}, today=today())


@bp.get("/plannen/<plan_id>/vergaderingen/<key>")
def meeting_page(plan_id: str, key: str):
    return render_template("meeting.html", **_context(_plan(plan_id), _meeting(plan_id, key)))


@bp.post("/plannen/<plan_id>/vergaderingen/<key>/besluit")
def decide(plan_id: str, key: str):
    """Record a decision on one intervention; htmx swaps that agenda item, without JavaScript the page returns."""
    plan, found = _plan(plan_id), _meeting(plan_id, key)
    if not allowed(current_user, "review"):
        abort(403)
    form = request.form.to_dict()
    code = form.get("code", "").strip()
    context = _context(plan, found)
    if code not in context["titles"]:
        abort(400, description="Kies een interventie van het plan.")
    try:
        services().app.decide(plan_id, key, code, decision=form.get("besluit", ""), action=form.get("actie", ""),
                              owner=form.get("eigenaar", ""), term=form.get("termijn", ""), at=now(),
                              by=current_user.actor)
    except (DomainError, NotFoundError, ConflictError) as exc:
        context.update(errors=form_errors(code, exc), values={code: form})
        if is_htmx():
            return _item(context, code, error=str(exc)), 422
        return render_template("meeting.html", **context), 422
    refresh_read_model()
    notice = f"Besluit over {code} vastgelegd."
    if is_htmx():
        context = _context(plan, _meeting(plan_id, key))
        # The count of decisions above the agenda follows, out of band.
        return _item(context, code, notice=notice) + "<template>" + render_template(
            "_meeting_lead.html", oob=True, **context) + "</template>"
    flash(notice)
    return redirect(url_for("meetings.meeting_page", plan_id=plan_id, key=key), 303)


def _item(context: dict[str, Any], code: str, notice: str = "", error: str = "") -> str:
    item = next((i for i in context["agenda"]["items"] if i["code"] == code),
                {"code": code, "title": context["titles"].get(code, ""), "reasons": [], "stoplicht": ""})
    html = render_template("_meeting_item.html", item=item, notice=notice, **context)
    return html + str(announce(notice or error))


@bp.post("/plannen/<plan_id>/vergaderingen/<key>/aanwezigen")
def set_attendees(plan_id: str, key: str):
    _plan(plan_id), _meeting(plan_id, key)
    if not allowed(current_user, "review"):
        abort(403)
    try:
        services().app.set_meeting_attendees(plan_id, key, request.form.get("aanwezigen", ""), at=now(),
                                             by=current_user.actor)
    except (DomainError, NotFoundError) as exc:
        abort(400, description=str(exc))
    refresh_read_model()
    flash("De aanwezigen zijn vastgelegd.")
    return redirect(url_for("meetings.meeting_page", plan_id=plan_id, key=key), 303)


@bp.post("/plannen/<plan_id>/vergaderingen/<key>/sluiten")
def close(plan_id: str, key: str):
    _plan(plan_id), _meeting(plan_id, key)
    if not allowed(current_user, "review"):
        abort(403)
    try:
        services().app.close_meeting(plan_id, key, at=now(), by=current_user.actor)
    except (DomainError, NotFoundError) as exc:
        abort(400, description=str(exc))
    refresh_read_model()
    flash("De vergadering is gesloten: de besluitenlijst ligt vast.")
    return redirect(url_for("meetings.meeting_page", plan_id=plan_id, key=key), 303)


@bp.get("/plannen/<plan_id>/vergaderingen/<key>/besluitenlijst.<fmt>")
def besluitenlijst(plan_id: str, key: str, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    plan, found = _plan(plan_id), _meeting(plan_id, key)
    db = read_model()
    titles = meeting_titles(db, plan_id, date.fromisoformat(found["meeting_date"]))
    blocks = besluitenlijst_blocks(plan, found, decisions(db, found["meeting_id"]), titles, today())
    content = render_besluitenlijst(blocks, f"Besluitenlijst stuurgroep {found['meeting_date']}", today(), fmt)
    name = f"{plan_id}-besluitenlijst-{key}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(content, content_type=FORMATS[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"'})
