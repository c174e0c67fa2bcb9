"""The beginstand page: the beheerder records in one go what had happened to the Tijdpad before the tracker."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from projections import plans as plan_queries
from projections.baseline import baseline_milestones
from tracker.baseline import STATES, BaselineEntry
from tracker.errors import ConflictError, DomainError, LinesError
from web import now, read_model, refresh_read_model, services, today
from web.auth import requires

bp = Blueprint("baseline", __name__)


def _page(plan: dict, status: int = 200, errors: list[str] | None = None, values: dict | None = None):
    rows = baseline_milestones(read_model(), plan["plan_id"], today())
    return render_template("baseline.html", plan=plan, rows=rows, states=STATES, today=today(),
                           errors=errors or [], values=values or {}), status


def _plan_or_404(plan_id: str) -> dict:
    plan = plan_queries.plan(read_model(), plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.get("/plannen/<plan_id>/beginstand")
@requires("import_plan")
def baseline_page(plan_id: str):
    return _page(_plan_or_404(plan_id))


def _entries(form) -> tuple[list[BaselineEntry], list[str]]:
    entries, problems = [], []
    count = int(form.get("aantal", "0") or 0)
    for i in range(count):
        field = lambda name: (form.get(f"m{i}-{name}") or "").strip()  # noqa: E731
        state = field("stand") or "open"
        if state == "open":
            continue
        text = field("datum")
        try:
            day = date.fromisoformat(text) if text else None
        except ValueError:
            problems.append(f"{field('code')} {field('label')}: '{text}' is geen geldige datum.")
            continue
        entries.append(BaselineEntry(field("code"), field("id"), state, day, field("termijn"), field("reden")))
    return entries, problems


@bp.post("/plannen/<plan_id>/beginstand")
@requires("import_plan")
def record_baseline(plan_id: str):
    plan = _plan_or_404(plan_id)
    values = request.form.to_dict()
    entries, problems = _entries(request.form)
    if problems:
        return _page(plan, 422, ["Er is niets vastgelegd."] + problems, values)
    try:
        count = services().app.record_baseline(plan_id, entries, at=now(), by=current_user.actor)
    except LinesError as exc:
        return _page(plan, 422, ["Er is niets vastgelegd."] + exc.problems, values)
    except (DomainError, ConflictError) as exc:
        return _page(plan, 422, ["Er is niets vastgelegd.", str(exc)], values)
    refresh_read_model()
    flash(f"Beginstand vastgelegd: {count} {'mijlpaal' if count == 1 else 'mijlpalen'}. Trekkers kunnen hun "
          "eigen mijlpalen daarna nog bijwerken.")
    return redirect(url_for("baseline.baseline_page", plan_id=plan_id), 303)
