"""One intervention: what the plan says of it, its Tijdpad, its history, and the updates on it."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from events.vocabulary import MilestoneKind
from projections import plans as plan_queries
from projections.board import board_row
from projections.history import intervention_history
from projections.meetings import discussed, meetings_by_date
from projections.contributions import contributing_to_intervention, link_targets, links_shown
from projections.interventions import interventions_as_of
from projections.users import users_with_role
from projections.wording import long_date
from tracker.application import to_due
from tracker.errors import ConflictError, DomainError, NotFoundError
from tracker.inputs import parse_day
from web import now, read_model, refresh_read_model, services, today
from web.auth import local_path
from web.blueprints.plans import as_of_from_request, known_on_from
from web.form_errors import form_errors
from web.htmx import announce, is_htmx, render
from web.permissions import allowed

bp = Blueprint("interventions", __name__)

KIND_CHOICES = MilestoneKind.values()


def _load(plan_id: str, code: str, as_of: date, known_on: date | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    db = read_model()
    plan = plan_queries.plan(db, plan_id)
    found = interventions_as_of(db, as_of, plan_id=plan_id, code=code, include_dropped=True, known_on=known_on)
    if plan is None or not found:
        abort(404)
    return plan, found[0]


def _review(plan_id: str, code: str, iv: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return when the stuurgroep last discussed the intervention: the meeting, its decision and actions."""
    if not iv.get("last_review_date"):
        return None
    reviews = [h for h in history if h["event"] == "ReviewRecorded"]
    found = discussed(read_model(), plan_id, code, iv["last_review_date"])
    return {"date": iv["last_review_date"], "decision": iv["last_review_decision"],
            "actions": reviews[-1]["data"].get("actions", "") if reviews else "",
            "meeting": found["key"] if found else None}


def _owned(iv: dict[str, Any]) -> list[str]:
    """Return the milestones of ``iv`` the signed-in user may update as their owner (a stuurgroep's action)."""
    email = (getattr(current_user, "email", "") or "").lower()
    return [m["milestone_id"] for m in iv["milestones"]
            if email and (m.get("owner_email") or "").lower() == email and allowed(current_user, "update", iv, m)]


def _page(plan_id: str, code: str, *, errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
          notice: str = "", conflict: str = "", status: int = 200):
    as_of = as_of_from_request() if request.method == "GET" else today()
    known_on = known_on_from(request.args) if request.method == "GET" else None
    plan, iv = _load(plan_id, code, as_of, known_on)
    db = read_model()
    # What had happened by the day asked about, as far as it was recorded by the day known on.
    history = [h for h in intervention_history(db, plan_id, code) if h["valid"][:10] <= as_of.isoformat()
               and (known_on is None or h["at"][:10] <= known_on.isoformat())]
    now_ = as_of == today() and known_on is None  # forms change the present only
    context = dict(
        plan=plan, iv=iv, history=history, review=_review(plan_id, code, iv, history), as_of=as_of, known_on=known_on,
        today=today(),
        errors=errors or {},
        values=values or {}, notice=notice, conflict=conflict, kinds=KIND_CHOICES,
        can_update=now_ and allowed(current_user, "update", iv) and not iv["closed"] and not iv["dropped"],
        owned=_owned(iv) if now_ and not iv["closed"] and not iv["dropped"] else [],
        can_review=now_ and allowed(current_user, "review") and not iv["dropped"],
        can_assign=now_ and allowed(current_user, "assign") and not iv["closed"] and not iv["dropped"],
        trekkers=users_with_role(db, "trekker") if allowed(current_user, "assign") else [],
        links=links_shown(db, iv, as_of, known_on),
        contributed_by=contributing_to_intervention(db, plan_id, code, as_of, known_on),
        can_link=now_ and allowed(current_user, "link_plans") and not iv["dropped"],
    )
    context["link_targets"], context["link_plans"], context["link_plan"] = _link_choice(db, plan_id, context)
    return render("intervention.html", "intervention", **context), status


# More goals than this to link to (a national programme's hundreds of plans): choose the plan first.
LINK_OPTIONS_AT_ONCE = 400


def _link_choice(db: Any, plan_id: str, context: dict[str, Any]) -> tuple[list, list, str]:
    """Return the goals the link form offers, the plans to choose from first (or none), and the plan chosen."""
    if not context["can_link"]:
        return [], [], ""
    targets = link_targets(db, plan_id)
    if sum(len(t["options"]) for t in targets) <= LINK_OPTIONS_AT_ONCE:
        return targets, [], ""
    chosen = request.args.get("koppel_plan") or (context["values"].get("doel") or "").partition("|")[0]
    plans = [(t["plan_id"], t["title"]) for t in targets]
    return [t for t in targets if t["plan_id"] == chosen], plans, chosen


@bp.get("/plannen/<plan_id>/interventies/<code>")
def detail(plan_id: str, code: str):
    return _page(plan_id, code)


# After the application's own sentence (what changed, by whom, when; nothing recorded).
CONFLICT_PAGE = "Bekijk de actuele stand hieronder; wat u invulde, staat er nog."
CONFLICT_ROW = "Hier staat de actuele stand; wat u invulde, staat er nog."


def _board_row(plan_id: str, code: str, *, notice: str = "", error: str = "", status: int = 200,
               errors: dict[str, str] | None = None, values: dict[str, str] | None = None):
    """Return one row of the board (the answer to an assignment made on the board)."""
    db = read_model()
    row = board_row(db, plan_id, code, today())
    if row is None:
        abort(404)
    plan = plan_queries.plan(db, plan_id)
    error = error or next(iter((errors or {}).values()), "")
    html = render_template("_board_row.html", row=row, plan=plan, as_of=today(), today=today(),
                           meetings=meetings_by_date(db, plan_id),
                           can_assign=True, trekkers=users_with_role(db, "trekker"), back=_field("next"),
                           row_notice=notice, row_error=error)
    return html + str(announce(notice or error)), status


def _milestone_row(milestone_id: str) -> Callable[..., Any]:
    """Return the fragment of one milestone's row, as Mijn interventies or the Tijdpad shows it."""
    def fragment(plan_id: str, code: str, *, notice: str = "", error: str = "", status: int = 200,
                 errors: dict[str, str] | None = None, values: dict[str, str] | None = None):
        plan, iv = _load(plan_id, code, today())
        m = next((m for m in iv["milestones"] if m["milestone_id"] == milestone_id), None)
        if m is None:
            abort(404)
        context = "mine" if _field("context") == "mine" else "intervention"
        can_update = allowed(current_user, "update", iv) and not iv["closed"]
        owned = [milestone_id] if not iv["closed"] and milestone_id in _owned(iv) else []
        html = render_template("_milestone_row.html", plan=plan, iv=iv, m=m, context=context, today=today(),
                               can_update=can_update, owned=owned, errors=errors or {}, values=values or {},
                               row_notice=notice, row_error=error)
        if context == "intervention":
            # The facts (stoplicht, last update) and the history follow the change, out of band.
            history = intervention_history(read_model(), plan_id, code)
            html += ("<template>" + render_template("_iv_facts.html", plan=plan, iv=iv, can_update=can_update, oob=True,
                                                    review=_review(plan_id, code, iv, history))
                     + render_template("_iv_history.html", history=history, oob=True) + "</template>")
        elif not errors and not error:
            # The page's count of open milestones and actions, and the intervention in the list
            # below (its stoplicht, its last update), follow the change, out of band.
            from web.blueprints.mine import page_oob
            html += "<template>" + page_oob(read_model(), today(), iv["intervention_id"]) + "</template>"
        return html + str(announce(notice or error or next(iter((errors or {}).values()), ""))), status
    return fragment


def _mine_item(plan_id: str, code: str, *, notice: str = "", error: str = "", status: int = 200,
               errors: dict[str, str] | None = None, values: dict[str, str] | None = None):
    """Return one intervention of Mijn interventies (the answer to "nog actueel" there)."""
    from web.blueprints.mine import open_items, plan_names_of

    _, iv = _load(plan_id, code, today())
    error = error or next(iter((errors or {}).values()), "")
    rows, items, _ = open_items(read_model(), today())
    html = render_template("_mine_intervention.html", iv=iv, row_notice=notice, row_error=error,
                           plan_names=plan_names_of(read_model(), rows, items))
    return html + str(announce(notice or error)), status


def _act(plan_id: str, code: str, form: str, action: str, command: Callable[..., Any],
         success: str | Callable[[], str], fragment: Callable[..., Any] | None = None,
         milestone_id: str | None = None):
    """Run one command for the signed-in user; answer with the page or its fragment.

    ``success`` is the notice after it, or what makes it once the command ran (with what it read).

    ``fragment`` answers an htmx request instead of the intervention page (a row of a list).
    A form sent from Mijn interventies (``context=mine``) returns there without JavaScript.
    """
    from web.blueprints.mine import mine_page

    _, iv = _load(plan_id, code, today())
    milestone = next((m for m in iv["milestones"] if m["milestone_id"] == milestone_id), None)
    if not allowed(current_user, action, iv, milestone):
        abort(403)
    values = request.form.to_dict()
    version = values.get("version", "")
    if not version.isdigit():
        # Every form carries the version it was based on: without it a conflict would go unseen.
        abort(400, description="Het formulier is onvolledig (de versie ontbreekt). Laad de pagina opnieuw.")
    values |= {"form": form, "code": code}
    inline = fragment is not None and is_htmx()
    on_mine = values.get("context") == "mine"
    try:
        command(at=now(), by=current_user.actor, expected_version=int(version))
    except ConflictError as exc:
        refresh_read_model()
        if inline:
            return fragment(plan_id, code, status=409, error=f"{exc} {CONFLICT_ROW}", values=values)
        if on_mine:
            return mine_page(conflict=f"{exc} {CONFLICT_PAGE}", values=values, status=409)
        return _page(plan_id, code, values=values, status=409, conflict=f"{exc} {CONFLICT_PAGE}")
    except (DomainError, NotFoundError) as exc:
        errors = form_errors(form, exc)
        if inline:
            return fragment(plan_id, code, status=422, errors=errors, values=values)
        if on_mine:
            return mine_page(errors=errors, values=values, status=422)
        return _page(plan_id, code, errors=errors, values=values, status=422)
    refresh_read_model()
    if callable(success):
        success = success()
    if inline:
        return fragment(plan_id, code, notice=success)
    if is_htmx():
        return _page(plan_id, code, notice=success)
    flash(success)
    if on_mine:
        return redirect(url_for("mine.mine"), 303)
    return redirect(url_for("interventions.detail", plan_id=plan_id, code=code), 303)


def _app():
    return services().app


def _field(name: str) -> str:
    return request.form.get(name, "")


@bp.post("/plannen/<plan_id>/interventies/<code>/mijlpalen/<milestone_id>/gereed")
def complete(plan_id: str, code: str, milestone_id: str):
    read: dict[str, Any] = {}

    def run(**kw: Any) -> Any:
        read["realised"] = realised = parse_day(_field("realised"), "gerealiseerd op") or today()
        return _app().complete_milestone(plan_id, code, milestone_id, realised=realised, note=_field("note"), **kw)

    def notice() -> str:
        # An empty date means today: the notice says which day was recorded.
        day = read["realised"]
        return f"Mijlpaal gereed gemeld op {long_date(day)}{' (vandaag)' if day == today() else ''}."
    return _act(plan_id, code, f"complete-{milestone_id}", "update", run, notice,
                fragment=_milestone_row(milestone_id), milestone_id=milestone_id)


@bp.post("/plannen/<plan_id>/interventies/<code>/mijlpalen/<milestone_id>/verschuiven")
def reschedule(plan_id: str, code: str, milestone_id: str):
    read: dict[str, Any] = {}

    def run(**kw: Any) -> Any:
        # Both fields are checked at once, each error at its own field.
        problems: dict[str, str] = {}
        try:
            read["due"] = due = to_due(_field("due").strip())
        except DomainError as exc:
            problems["due"] = str(exc)
        if not _field("reason").strip():
            problems["reason"] = "Geef een reden op voor het verschuiven van de mijlpaal."
        if problems:
            raise DomainError(" ".join(problems.values()), fields=problems)
        read["decided"] = decided = parse_day(_field("decided"), "besloten op")
        return _app().reschedule_milestone(plan_id, code, milestone_id, due=due, reason=_field("reason"),
                                           valid_on=decided, **kw)

    def notice() -> str:
        due = read["due"]
        _, iv = _load(plan_id, code, today())
        m = next((m for m in iv["milestones"] if m["milestone_id"] == milestone_id), None)
        if m is not None and m["due_text"] != due.text:
            # A decision dated before the milestone's last one is history: the later decision holds.
            return (f"Vastgelegd: op {long_date(read['decided'] or today())} verschoven naar {due.text}. Er is over deze "
                    f"mijlpaal later besloten, dus de termijn blijft {m['due_text']}. Bedoelde u een nieuw "
                    "besluit, geef dan de datum van dat besluit op.")
        if due.date < today():
            return (f"Mijlpaal verschoven naar {due.text}. Let op: die termijn is al voorbij, dus de mijlpaal "
                    "telt nu als te laat. Bedoelde u een latere termijn, verschuif hem dan opnieuw.")
        return f"Mijlpaal verschoven naar {due.text}."
    return _act(plan_id, code, f"reschedule-{milestone_id}", "update", run, notice,
                fragment=_milestone_row(milestone_id), milestone_id=milestone_id)


@bp.post("/plannen/<plan_id>/interventies/<code>/mijlpalen/<milestone_id>/laten-vervallen")
def cancel(plan_id: str, code: str, milestone_id: str):
    def run(**kw: Any) -> Any:
        return _app().cancel_milestone(plan_id, code, milestone_id, reason=_field("reason"),
                                       valid_on=parse_day(_field("decided"), "besloten op"), **kw)
    return _act(plan_id, code, f"cancel-{milestone_id}", "update", run, "Mijlpaal laten vervallen.",
                fragment=_milestone_row(milestone_id), milestone_id=milestone_id)


@bp.post("/plannen/<plan_id>/interventies/<code>/mijlpalen")
def add_milestone(plan_id: str, code: str):
    def run(**kw: Any) -> Any:
        kind = _field("kind").strip() or "other"  # another word is refused, in Dutch, not made "overig"
        if not _field("due").strip():
            raise DomainError("Geef de termijn van de nieuwe mijlpaal op, bijvoorbeeld Q3 2026.")
        return _app().plan_milestone(plan_id, code, label=_field("label"), due=_field("due").strip(),
                                     kind=kind, **kw)
    return _act(plan_id, code, "add-milestone", "update", run, "Mijlpaal toegevoegd.")


@bp.post("/plannen/<plan_id>/interventies/<code>/nog-actueel")
def confirm_up_to_date(plan_id: str, code: str):
    def run(**kw: Any) -> Any:
        return _app().confirm_up_to_date(plan_id, code, **kw)
    return _act(plan_id, code, "uptodate", "update", run, "Vastgelegd: de stand is nog actueel.",
                fragment=_mine_item if _field("context") == "mine" else None)


@bp.post("/plannen/<plan_id>/interventies/<code>/notities")
def add_note(plan_id: str, code: str):
    def run(**kw: Any) -> Any:
        return _app().add_note(plan_id, code, text=_field("text"), **kw)
    return _act(plan_id, code, "note", "update", run, "Notitie opgeslagen.")


@bp.post("/plannen/<plan_id>/interventies/<code>/stoplicht")
def set_stoplicht(plan_id: str, code: str):
    def run(**kw: Any) -> Any:
        return _app().set_stoplicht(plan_id, code, colour=_field("colour"), oorzaak=_field("oorzaak"),
                                    gevolg=_field("gevolg"), bijsturing=_field("bijsturing"),
                                    valid_on=parse_day(_field("per"), "geldt per"), **kw)
    return _act(plan_id, code, "stoplicht", "update", run, "Stoplicht opgeslagen.")


@bp.post("/plannen/<plan_id>/interventies/<code>/bespreking")
def review(plan_id: str, code: str):
    def run(**kw: Any) -> Any:
        meeting = parse_day(_field("meeting_date"), "de vergaderdatum") or today()
        return _app().record_review(plan_id, code, meeting_date=meeting, decision=_field("decision"),
                                    actions=_field("actions"), **kw)
    return _act(plan_id, code, "review", "review", run, "Bespreking vastgelegd.")


@bp.post("/plannen/<plan_id>/interventies/<code>/trekker")
def assign(plan_id: str, code: str):
    def run(**kw: Any) -> Any:
        email = _field("email").strip().lower()
        if not email:
            raise DomainError("Kies een gebruiker met de rol trekker.")
        return _app().assign_trekker(plan_id, code, email=email, **kw)  # the application checks the account
    response = _act(plan_id, code, "assign", "assign", run, "Trekker toegewezen.",
                    fragment=_board_row if _field("next") else None)
    back = local_path(_field("next"))
    if back and getattr(response, "status_code", 0) == 303:
        return redirect(back, 303)
    return response
