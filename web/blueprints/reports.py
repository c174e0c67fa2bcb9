"""The council report (preview, downloads, vaststellen) and the figures it needs (indicators, finance).

The report's pages and the forms of the figures it reports (indicators, finance) share the
report's permissions and period handling, so they are one blueprint; hence past 300 lines.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from events.periods import period_label
from events.vocabulary import FinanceKind
from projections import plans as plan_queries
from projections.finance import plan_domains, recorded_figures, unconfirmed_figures
from projections.indicators import indicator_values, recorded_values
from projections.publications import published_report, published_reports, report_texts, same_period_and_as_of
from projections.report import HalfYear, ReportError
from projections.report_figures import covers_label, funding_text
from projections.wording import euro
from tracker.errors import ConflictError, DomainError, LinesError
from tracker.plan import REPORT_SECTIONS
from web import now, read_model, refresh_read_model, services, today
from web.auth import requires
from web.blueprints.plans import known_on_from
from web.htmx import render
from web.indicator_csv import read_indicator_csv
from web.permissions import allowed
from web.reports import FORMAT_LABELS, FORMATS, filename, render_report
from web.reports.build import concept, published
from web.reports.document import report_blocks
from web.reports.html import render_fragment

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(euro, "euro")
bp.add_app_template_filter(lambda key: HalfYear.parse(key).label, "half_year")


@bp.app_context_processor
def _permissions() -> dict:
    return {"may": lambda action: allowed(current_user, action)}



def _plan_or_404(plan_id: str) -> dict:
    plan = plan_queries.plan(read_model(), plan_id)
    if plan is None:
        abort(404)
    return plan


def _half_years(plan: dict) -> list[HalfYear]:
    """Return the plan's half years that have begun."""
    now, found = today(), []
    h = HalfYear(plan["period_start"], 1)
    while h.year <= plan["period_end"] and h.start <= now:
        found.append(h)
        h = h.next()
    return found


def _period_and_as_of(args) -> tuple[HalfYear, date]:
    try:
        period = HalfYear.parse(args.get("periode", ""))
    except ReportError as exc:
        abort(400, description=str(exc))
    value = (args.get("peildatum") or "").strip()
    try:
        as_of = date.fromisoformat(value) if value else today()
    except ValueError:
        abort(400, description=f"'{value}' is geen geldige datum; gebruik JJJJ-MM-DD.")
    if as_of > today():
        # A report says what happened by its peildatum: a day to come would count as late what may not be.
        abort(400, description=f"De peildatum {as_of:%d-%m-%Y} ligt in de toekomst. Kies vandaag of een "
                               "eerdere dag.")
    return period, as_of


def _download(data: dict, meta, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    name = filename(data, meta, fmt)
    disposition = "inline" if fmt == "pdf" else "attachment"
    # content_type is sent as it is; with mimetype Werkzeug would add a second charset.
    return Response(render_report(data, meta, fmt), content_type=FORMATS[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


@bp.get("/plannen/<plan_id>/rapportages")
@requires("read_reports")
def reports_page(plan_id: str):
    plan = _plan_or_404(plan_id)
    db = read_model()
    halves = _half_years(plan)
    context = {"plan": plan, "published": published_reports(db, plan_id), "halves": halves,
               "preview": None, "period": None, "as_of": today(), "known_on": None, "today": today(),
               "formats": FORMAT_LABELS}
    if not allowed(current_user, "report"):
        return render_template("reports.html", **context)  # the published reports only
    if request.args.get("periode"):
        period, as_of = _period_and_as_of(request.args)
        known_on = known_on_from(request.args)
        try:
            data, meta = concept(db, plan_id, period, as_of, today(), known_on)
        except ReportError as exc:
            abort(400, description=str(exc))
        context.update(period=period, as_of=as_of, known_on=known_on, position=data["position"],
                       preview=render_fragment(report_blocks(data, meta)), texts=data["texts"],
                       signature=data["signature"])
    else:
        context["period"] = _default_period(plan)
    return render("reports.html", "preview", **context)


def _default_period(plan: dict) -> HalfYear | None:
    """Return the half year a report is made for unless one is chosen: the last ended, else the current."""
    halves = _half_years(plan)
    ended = [h for h in halves if h.end < today()]
    return ended[-1] if ended else halves[-1] if halves else None


@bp.get("/plannen/<plan_id>/rapportages/concept.<fmt>")
@requires("report")
def concept_download(plan_id: str, fmt: str):
    plan = _plan_or_404(plan_id)
    if not request.args.get("periode"):
        # An address without the half year (typed, or shared short): the one the report page offers.
        default = _default_period(plan)
        if default is None:
            abort(400, description="Dit plan heeft nog geen begonnen halfjaar om over te rapporteren.")
        return redirect(url_for("reports.concept_download", plan_id=plan_id, fmt=fmt,
                                **{**request.args.to_dict(), "periode": default.key}))
    period, as_of = _period_and_as_of(request.args)
    try:
        data, meta = concept(read_model(), plan_id, period, as_of, today(), known_on_from(request.args))
    except ReportError as exc:
        abort(400, description=str(exc))
    return _download(data, meta, fmt)


def _position(values) -> int:
    try:
        return int(values.get("positie", ""))
    except ValueError:
        abort(400, description="De positie van het voorbeeld ontbreekt; toon het voorbeeld opnieuw.")


def _confirm_page(plan: dict, period: HalfYear, as_of: date, position: int, *, error: str = "",
                  reason: str = "", status: int = 200, known_on: date | None = None):
    earlier = same_period_and_as_of(read_model(), plan["plan_id"], period.key, as_of.isoformat())
    return render_template("report_confirm.html", plan=plan, period=period, as_of=as_of, position=position,
                           known_on=known_on, earlier=earlier, error=error, reason=reason), status


@bp.get("/plannen/<plan_id>/rapportages/vaststellen")
@requires("publish_report")
def confirm_publish(plan_id: str):
    """Show what vaststellen will freeze, and ask to confirm (a new version asks for its reason)."""
    plan = _plan_or_404(plan_id)
    period, as_of = _period_and_as_of(request.args)
    return _confirm_page(plan, period, as_of, _position(request.args), known_on=known_on_from(request.args))


@bp.post("/plannen/<plan_id>/rapportages/vaststellen")
@requires("publish_report")
def publish(plan_id: str):
    plan = _plan_or_404(plan_id)
    period, as_of = _period_and_as_of(request.form)
    known_on = known_on_from(request.form)
    position = _position(request.form)
    reason = request.form.get("reden", "")
    try:
        number = services().app.publish_report(plan_id, period=period.key, as_of=as_of, position=position,
                                               at=now(), by=current_user.actor,
                                               new_version=request.form.get("nieuwe_versie") == "ja",
                                               reason=reason, known_on=known_on)
    except (DomainError, ConflictError) as exc:
        return _confirm_page(plan, period, as_of, position, error=str(exc), reason=reason, status=422,
                             known_on=known_on)
    refresh_read_model()
    flash(f"Rapportage nr. {number} over het {period.label} is vastgesteld.")
    return redirect(url_for("reports.published_page", plan_id=plan_id, number=number), 303)


@bp.post("/plannen/<plan_id>/rapportages/teksten")
@requires("publish_report")
def write_texts(plan_id: str):
    _plan_or_404(plan_id)
    period, as_of = _period_and_as_of(request.form)
    current = report_texts(read_model(), plan_id, period.key)
    changed = [s for s in REPORT_SECTIONS
               if (request.form.get(s) or "").strip() != current.get(s, {}).get("text", "")]
    try:
        for section in changed:
            services().app.write_report_text(plan_id, period=period.key, section=section,
                                             text=request.form.get(section, ""), at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        abort(400, description=str(exc))
    refresh_read_model()
    flash("De teksten zijn opgeslagen." if changed else "De teksten waren al zo; er is niets gewijzigd.")
    return redirect(url_for("reports.reports_page", plan_id=plan_id, periode=period.key,
                            peildatum=as_of.isoformat()), 303)


@bp.post("/plannen/<plan_id>/rapportages/ondertekening")
@requires("publish_report")
def set_signature(plan_id: str):
    _plan_or_404(plan_id)
    form = request.form
    signatories = [(form.get(f"functie{i}", ""), form.get(f"naam{i}", "")) for i in (1, 2, 3)]
    try:
        services().app.set_report_signature(plan_id, college=form.get("college", ""), signatories=signatories,
                                            at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        abort(400, description=str(exc))
    refresh_read_model()
    flash("De ondertekening is opgeslagen.")
    args = {k: form[k] for k in ("periode", "peildatum") if form.get(k)}
    return redirect(url_for("reports.reports_page", plan_id=plan_id, **args), 303)


@bp.get("/plannen/<plan_id>/rapportages/nr-<int:number>")
@requires("read_reports")
def published_page(plan_id: str, number: int):
    plan = _plan_or_404(plan_id)
    try:
        data, meta = published(services(), read_model(), plan_id, number)
    except ReportError:
        abort(404)
    return render_template("report_published.html", plan=plan, number=number, data=data, meta=meta,
                           record=published_report(read_model(), plan_id, number),
                           formats=FORMAT_LABELS, preview=render_fragment(report_blocks(data, meta)))


@bp.get("/plannen/<plan_id>/rapportages/nr-<int:number>.<fmt>")
@requires("read_reports")
def published_download(plan_id: str, number: int, fmt: str):
    _plan_or_404(plan_id)
    try:
        data, meta = published(services(), read_model(), plan_id, number)
    except ReportError:
        abort(404)
    return _download(data, meta, fmt)


# --- indicator values -----------------------------------------------------------------------

def _indicators_page(plan: dict, status: int = 200, errors: list[str] | None = None, values: dict | None = None):
    db = read_model()
    current = indicator_values(db, plan["plan_id"])
    return render_template("indicators.html", plan=plan, indicators=plan["facts"].get("indicators", []),
                           current=current, recorded=recorded_values(db, plan["plan_id"])[:100],
                           period_label=period_label, errors=errors or [], values=values or {}), status


@bp.get("/plannen/<plan_id>/indicatoren")
@requires("read_figures")
def indicators_page(plan_id: str):
    return _indicators_page(_plan_or_404(plan_id), values=_kept("indicator", "periode"))


@bp.post("/plannen/<plan_id>/indicatoren")
@requires("record_data")
def record_indicator(plan_id: str):
    plan = _plan_or_404(plan_id)
    values = request.form.to_dict()
    try:
        services().app.record_indicator_value(
            plan_id, indicator_id=values.get("indicator", ""), period=values.get("periode", ""),
            value=values.get("waarde", ""), source=values.get("bron", ""), at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        return _indicators_page(plan, 422, [str(exc)], values)
    refresh_read_model()
    flash("De waarde is vastgelegd.")
    # The next value is most often of the same indicator or period: keep both chosen.
    return redirect(url_for("reports.indicators_page", plan_id=plan_id, indicator=values.get("indicator", ""),
                            periode=values.get("periode", "")), 303)


@bp.post("/plannen/<plan_id>/indicatoren/csv")
@requires("record_data")
def import_indicators(plan_id: str):
    plan = _plan_or_404(plan_id)
    upload = request.files.get("bestand")
    if upload is None or not upload.filename:
        return _indicators_page(plan, 422, ["Kies een CSV-bestand."])
    try:
        rows = read_indicator_csv(upload.read())
        count = services().app.record_indicator_values(plan_id, rows, at=now(), by=current_user.actor)
    except LinesError as exc:
        return _indicators_page(plan, 422, ["Er is niets vastgelegd."] + exc.problems)
    except (DomainError, ConflictError) as exc:
        return _indicators_page(plan, 422, ["Er is niets vastgelegd.", str(exc)])
    refresh_read_model()
    flash(f"{count} {'waarde' if count == 1 else 'waarden'} vastgelegd uit {upload.filename}.")
    return redirect(url_for("reports.indicators_page", plan_id=plan_id), 303)


# --- finance -----------------------------------------------------------------------------------

# The part of the year a figure covers, as the form offers it; "" lets the tracker decide
# (a year that has ended whole, a running one up to yesterday).
FINANCE_PERIODS = (("jaar", "heel jaar"), ("Q1", "januari t/m maart (Q1)"), ("H1", "januari t/m juni (H1)"),
                   ("Q3", "januari t/m september (t/m Q3)"), ("tot-nu", "het jaar tot nu toe (t/m gisteren)"))


def _finance_period(year: str, choice: str) -> str | None:
    """Return the period text of the form's choice for a year, or None for 'tot nu toe'."""
    texts = {"jaar": f"{year}", "Q1": f"{year}-Q1", "H1": f"{year}-H1", "Q3": f"t/m {year}-Q3"}
    if choice == "tot-nu":
        return None
    if choice not in texts:
        raise DomainError("Kies over welk deel van het jaar het bedrag gaat.")
    return texts[choice]


def _kept(*names: str) -> dict:
    """Return the choices a redirect after saving carried along (so the next entry keeps them)."""
    return {n: request.args[n] for n in names if request.args.get(n)}


def _finance_page(plan: dict, status: int = 200, errors: list[str] | None = None, values: dict | None = None):
    years = list(range(plan["period_start"], plan["period_end"] + 1))
    db = read_model()
    finance = plan["facts"].get("finance") or {}
    return render_template("finance.html", plan=plan, finance=finance,
                           funding=[funding_text(f) for f in finance.get("funding") or []],
                           recorded=recorded_figures(db, plan["plan_id"]), years=years,
                           unconfirmed=unconfirmed_figures(db, plan["plan_id"]), covers_label=covers_label,
                           domains=plan_domains(db, plan), kinds=FinanceKind.values(), kind_labels=FinanceKind.labels(),
                           periods=FINANCE_PERIODS, errors=errors or [], values=values or {},
                           this_year=today().year), status


@bp.get("/plannen/<plan_id>/financien")
@requires("read_figures")
def finance_page(plan_id: str):
    return _finance_page(_plan_or_404(plan_id), values=_kept("jaar", "periode", "domein", "soort"))


@bp.post("/plannen/<plan_id>/financien")
@requires("record_data")
def record_finance(plan_id: str):
    plan = _plan_or_404(plan_id)
    values = request.form.to_dict()
    try:
        check = services().app.record_finance(
            plan_id, year=values.get("jaar", ""), domain=values.get("domein", ""), kind=values.get("soort", ""),
            amount=values.get("bedrag", ""), note=values.get("toelichting", ""),
            period=_finance_period(values.get("jaar", ""), values.get("periode", "")),
            confirmed=values.get("bevestigd") == "ja", at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        return _finance_page(plan, 422, [str(exc)], values)
    refresh_read_model()
    if check:
        flash(f"Het bedrag is vastgelegd, maar het is {check}. Controleer het: klopt het, bevestig het dan "
              "onder 'Nog te bevestigen'. Tot dan staat het in de rapportage als niet bevestigd.")
    else:
        flash("Het bedrag is vastgelegd.")
    return redirect(url_for("reports.finance_page", plan_id=plan_id, **{
        k: values.get(k, "") for k in ("jaar", "periode", "domein", "soort")}), 303)


@bp.post("/plannen/<plan_id>/financien/bevestigen")
@requires("record_data")
def confirm_finance(plan_id: str):
    plan = _plan_or_404(plan_id)
    values = request.form.to_dict()
    try:
        services().app.confirm_finance(plan_id, year=values.get("jaar", ""), domain=values.get("domein", ""),
                                       kind=values.get("soort", ""), note=values.get("toelichting", ""),
                                       at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        return _finance_page(plan, 422, [str(exc)])
    refresh_read_model()
    flash("Het bedrag is bevestigd.")
    return redirect(url_for("reports.finance_page", plan_id=plan_id), 303)
