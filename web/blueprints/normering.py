"""The Normering page of a plan: per aanbieder and zorgsoort the norm, the spending, the share and its trend, as of
any date; the signals and their analysegesprekken; uploads of norms and spending for the beheerder."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from events.normering import signal_at
from projections import plans as plan_queries
from projections.normering import norm_overview, norm_years
from tracker.errors import ConflictError, DomainError, LinesError, TrackerError
from tracker.normering_csv import read_norms_csv, read_spending_csv
from web import now, read_model, refresh_read_model, services, today
from web.auth import requires
from web.blueprints.plans import as_of_from_request

bp = Blueprint("normering", __name__)


def _plan_or_404(plan_id: str) -> dict:
    plan = plan_queries.plan(read_model(), plan_id)
    if plan is None:
        abort(404)
    return plan


def _page(plan: dict, status: int = 200, errors: list[str] | None = None, values: dict | None = None):
    db = read_model()
    as_of = as_of_from_request()
    years = norm_years(db, plan["plan_id"])
    try:
        year = int(request.args.get("jaar") or 0) or (as_of.year if as_of.year in years else
                                                       (years[-1] if years else as_of.year))
    except ValueError:
        abort(400, description="Het jaar moet een jaartal zijn.")
    rows = norm_overview(db, plan, as_of, year)
    return render_template("normering.html", plan=plan, as_of=as_of, today=today(), year=year, years=years,
                           rows=rows, threshold=signal_at(plan["facts"]), errors=errors or [],
                           values=values or {}, quarters=[f"Q{n} {year}" for n in range(1, 5)]), status


@bp.get("/plannen/<plan_id>/normering")
@requires("normering")
def normering_page(plan_id: str):
    return _page(_plan_or_404(plan_id))


def _upload(plan_id: str, read, record, what: str):
    plan = _plan_or_404(plan_id)
    upload = request.files.get("bestand")
    if upload is None or not upload.filename:
        return _page(plan, 422, ["Kies een CSV-bestand."])
    try:
        count = record(plan_id, read(upload.read()), source=upload.filename, at=now(), by=current_user.actor)
    except LinesError as exc:
        return _page(plan, 422, ["Er is niets vastgelegd."] + exc.problems)
    except (DomainError, ConflictError) as exc:
        return _page(plan, 422, ["Er is niets vastgelegd.", str(exc)])
    refresh_read_model()
    flash(f"{count} {what} vastgelegd uit {upload.filename}.")
    return redirect(url_for("normering.normering_page", plan_id=plan_id), 303)


@bp.post("/plannen/<plan_id>/normering/normen")
@requires("record_data")
def import_norms(plan_id: str):
    return _upload(plan_id, read_norms_csv, services().app.record_norms, "normen")


@bp.post("/plannen/<plan_id>/normering/besteding")
@requires("record_data")
def import_spending(plan_id: str):
    return _upload(plan_id, read_spending_csv, services().app.record_spending, "bestedingsregels")


@bp.post("/plannen/<plan_id>/normering/analysegesprekken")
@requires("record_data")
def plan_talk(plan_id: str):
    plan = _plan_or_404(plan_id)
    form = request.form.to_dict()
    aanbieder, _, zorgsoort = form.get("norm", "").partition("|")
    try:
        talk_id = services().app.plan_analysis_talk(
            plan_id, aanbieder=aanbieder, zorgsoort=zorgsoort, jaar=form.get("jaar", ""), due=form.get("termijn", ""),
            owner=form.get("eigenaar", ""), note=form.get("toelichting", ""), at=now(), by=current_user.actor)
    except TrackerError as exc:
        return _page(plan, 422, [str(exc)], form)
    refresh_read_model()
    flash(f"Analysegesprek {talk_id} is gepland.")
    return redirect(url_for("normering.normering_page", plan_id=plan_id, jaar=form.get("jaar")), 303)


@bp.post("/plannen/<plan_id>/normering/analysegesprekken/<talk_id>/gehouden")
@requires("record_data")
def talk_held(plan_id: str, talk_id: str):
    plan = _plan_or_404(plan_id)
    form = request.form.to_dict()
    try:
        held_on = date.fromisoformat(form.get("datum") or today().isoformat())
    except ValueError:
        return _page(plan, 422, [f"'{form.get('datum')}' is geen datum; gebruik JJJJ-MM-DD."], form)
    try:
        services().app.record_analysis_talk_held(plan_id, talk_id, held_on=held_on, note=form.get("toelichting", ""),
                                                 at=now(), by=current_user.actor)
    except TrackerError as exc:
        return _page(plan, 422, [str(exc)], form)
    refresh_read_model()
    flash(f"Analysegesprek {talk_id} is vastgelegd als gehouden.")
    return redirect(url_for("normering.normering_page", plan_id=plan_id, jaar=form.get("jaar")), 303)
