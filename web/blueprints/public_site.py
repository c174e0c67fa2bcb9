"""The public site of a plan (opt-in): /openbaar/<plan>, without signing in, cacheable, from the read model.

Its pages are the same for everyone, signed in or not: they read no session and set no cookie
(``SessionInterface`` gives them a null session), so a shared cache may keep them. A plan whose
public site is off answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Flask, Request, Response, abort, render_template, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from events.periods import period_label
from events.plan import adoption_start
from events.vocabulary import PublicField, Stoplicht
from projections import plans as plan_queries
from projections.public_report import public_edition, withheld_fields
from projections.public_site import public_plan, public_plan_ids, public_site
from projections.publications import published_report
from projections.report import ReportError
from projections.status import LONG_LATE_DAYS
from web import read_model, services
from web.auth import public
from web.blueprints.plans import as_of_from_request
from web.open_data import LICENCE, LICENCE_LINK, interventions_csv, interventions_json, milestones_csv, milestones_json
from web.reports import FORMAT_LABELS, FORMATS, filename, render_report
from web.reports.build import published

PREFIX = "/openbaar"
bp = Blueprint("public", __name__, url_prefix=PREFIX)
# Seconds a browser or shared cache may keep a public page before asking again: also how long a
# site that was switched off may still be seen from a cache.
MAX_AGE = 60
OPEN_DATA = {
    "interventies.csv": ("text/csv; charset=utf-8", interventions_csv),
    "interventies.json": ("application/json", interventions_json),
    "mijlpalen.csv": ("text/csv; charset=utf-8", milestones_csv),
    "mijlpalen.json": ("application/json", milestones_json),
}


def on_public_site(path: str) -> bool:
    """Tell whether a request's path is on the public site (whether or not any page there has it)."""
    return path == PREFIX or path.startswith(PREFIX + "/")


class SessionInterface(SecureCookieSessionInterface):
    """The app's signed cookie sessions, except on the public site: none is read there and none is set."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        # The session is opened before the URL is matched: tell the public site by its path.
        if on_public_site(request.path):
            return None  # a null session: nothing is saved, no Set-Cookie
        return super().open_session(app, request)


@bp.after_request
def _cacheable(response: Response) -> Response:
    if response.status_code in (200, 304):
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        response.add_etag()
        response.make_conditional(request)
    else:
        # Asked again every time: a plan made public is seen at once by who saw its 404 before.
        response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.app_template_filter("stoplicht_label")
def stoplicht_label(value: str) -> str:
    """Return the Dutch label of a stoplicht value."""
    return Stoplicht.labels().get(value, str(value).replace("_", " "))


def _not_found(error: Exception):
    return render_template("public/not_found.html"), 404


def _failed(error: Exception):
    # The app's own error page needs a session (its CSRF token); these pages have none.
    return render_template("public/error.html"), 500


def public_error(status: int, title: str, message: str):
    """Return the public site's page for an error outside its views (an address no page has, a method)."""
    if status == 404:
        return render_template("public/not_found.html"), 404, {"Cache-Control": "public, no-cache"}
    return render_template("public/error.html", title=title, message=message), status, {"Cache-Control": "no-store"}


bp.register_error_handler(404, _not_found)
bp.register_error_handler(500, _failed)


def _public_plan_or_404(plan_id: str) -> dict[str, Any]:
    db = read_model()
    plan = plan_queries.plan(db, plan_id)
    if plan is None or not public_site(db, plan_id)["public"]:
        abort(404)
    return plan


@bp.get("")
@public
def index():
    db = read_model()
    plans = [p for p in (plan_queries.plan(db, pid) for pid in public_plan_ids(db)) if p]
    return render_template("public/index.html", plans=plans)


@bp.get("/<plan_id>")
@public
def plan_page(plan_id: str):
    plan = _public_plan_or_404(plan_id)
    as_of = as_of_from_request()
    data = public_plan(read_model(), plan, as_of)
    # Before the plan held (its adoption) there is no stand to show: the page says so.
    holds_from = adoption_start(plan["facts"])
    return render_template("public/plan.html", data=data, plan=data["plan"], as_of=as_of, licence=LICENCE,
                           before_adoption=holds_from if holds_from and as_of < holds_from else None,
                           formats=FORMAT_LABELS, period_label=period_label, open_data=list(OPEN_DATA),
                           field_labels=PublicField.labels(), long_late_days=LONG_LATE_DAYS)


@bp.get("/<plan_id>/<name>")
@public
def open_data(plan_id: str, name: str):
    if name not in OPEN_DATA:
        abort(404)
    plan = _public_plan_or_404(plan_id)
    content_type, make = OPEN_DATA[name]
    data = public_plan(read_model(), plan, as_of_from_request())
    return Response(make(data), content_type=content_type, headers={
        "Link": LICENCE_LINK, "Content-Disposition": f'inline; filename="{plan_id}-{name}"'})


@bp.get("/<plan_id>/rapportages/nr-<int:number>.<fmt>")
@public
def report_download(plan_id: str, number: int, fmt: str):
    plan = _public_plan_or_404(plan_id)
    if fmt not in FORMATS or published_report(read_model(), plan_id, number) is None:
        abort(404)
    try:
        data, meta = published(services(), read_model(), plan_id, number)
    except ReportError:
        abort(404)
    fields = public_site(read_model(), plan["plan_id"])["fields"]
    actions = bool(data.get("actions"))
    data = public_edition(data, fields, set(public_plan_ids(read_model())))
    meta = replace(meta, withheld=tuple(withheld_fields(fields, actions)))
    disposition = "attachment" if fmt in ("docx", "md") else "inline"
    return Response(render_report(data, meta, fmt), content_type=FORMATS[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{filename(data, meta, fmt)}"'})
