"""Plans: the steering group's board, the quarter view, changes since, exports."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for
from markupsafe import Markup

from events.vocabulary import Stoplicht
from projections import plans as plan_queries
from projections.board import SORTS, BoardFilter, board, group_rows, last_meeting
from projections.goals import goals_by_key, level_names
from projections.meetings import meetings_by_date
from projections.wording import DOMAIN_LABELS
from projections.users import users_with_role
from projections.history import changes_by_section
from projections.quarters import CATEGORY_LABELS, Quarter, quarter_status
from flask_login import current_user

from web import read_model, today
from web.permissions import allowed
from web.charts import planned_realised_chart
from web.exports import board_csv, board_xlsx, milestones_csv
from web.fragments import CSRF_MARK, PositionCache, with_csrf_token
from web.htmx import is_htmx, render, render_fragment

bp = Blueprint("plans", __name__)


def _date_arg(name: str, default: date) -> date:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description=f"'{value}' is geen geldige datum; gebruik JJJJ-MM-DD.")


def as_of_from_request() -> date:
    """Return ?as_of=JJJJ-MM-DD (stand per: what had happened by the end of that day), or today."""
    return _date_arg("as_of", today())


def known_on_from(args) -> date | None:
    """Return ``bekend_op`` (zoals bekend op: what the tracker knew at the end of that day), or None: now."""
    value = (args.get("bekend_op") or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(400, description=f"'{value}' is geen geldige datum; gebruik JJJJ-MM-DD.")
    if day > today():
        abort(400, description="'Zoals bekend op' kan niet in de toekomst liggen: het volgsysteem weet nu het meest.")
    return None if day == today() else day


def _plan_or_404(plan_id: str) -> dict:
    plan = plan_queries.plan(read_model(), plan_id)
    if plan is None:
        abort(404)
    return plan


def _filters() -> BoardFilter:
    sort = request.args.get("sort", "code")
    stoplicht = request.args.get("stoplicht", "")
    return BoardFilter(
        group=request.args.get("groep", "").strip(),
        domain=request.args.get("domein", "").strip(),
        trekker=request.args.get("trekker", "").strip(),
        stoplicht=stoplicht if Stoplicht.known(stoplicht) else "",
        deviations_only=request.args.get("afwijkingen") in ("1", "on", "ja"),
        sort=sort if sort in SORTS else "code",
    )


def _group_options(plan: dict) -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []

    def walk(groups: list[dict], depth: int) -> None:
        for g in groups:
            options.append((g["key"], "\u2003" * depth + g["title"]))
            walk(g.get("groups", []), depth + 1)

    walk(plan["facts"].get("groups", []), 0)
    return options


@bp.get("/")
def index():
    from web.blueprints.dashboard import home_target

    from projections.portfolio import portfolio
    from projections.status import COLOURS

    plans = plan_queries.all_plans(read_model())
    target = home_target(current_user, plans)
    if target:
        return redirect(target)
    if len(plans) > 1:
        as_of, known_on = as_of_from_request(), known_on_from(request.args)
        # Every reader of the plans sees the same portfolio at a position: made once per position and moment.
        kept = current_app.extensions.setdefault("portfolio_cache", PositionCache())
        data = kept.get(read_model(), (as_of, known_on), lambda: portfolio(read_model(), as_of, known_on))
        return render("portfolio.html", "content", data=data, as_of=as_of,
                      known_on=known_on, today=today(), colours=COLOURS)
    return render("plans.html", "content", plans=plans)


@bp.get("/plannen/<plan_id>")
def board_page(plan_id: str):
    as_of, known_on = as_of_from_request(), known_on_from(request.args)
    can_assign = as_of == today() and known_on is None and allowed(current_user, "assign")
    if can_assign:  # the rows carry forms with this session's CSRF token: made for this request only
        context = _board_context(plan_id, as_of, known_on, can_assign)
        data = board(read_model(), plan_id, as_of, context["filters"], known_on)
        return render("board.html", "board", data=data, groups=group_rows(data["rows"], context["goals"]),
                      trekkers=users_with_role(read_model(), "trekker"), **context)

    # Every reader of this board at this position gets the rows made once (web/fragments.py).
    rows_cache = current_app.extensions.setdefault("board_cache", PositionCache())
    key = ("board", plan_id, as_of, known_on, today(), tuple(sorted(request.args.items(multi=True))))

    def rows() -> tuple[dict, Markup]:
        context = _board_context(plan_id, as_of, known_on, can_assign)
        data = board(read_model(), plan_id, as_of, context["filters"], known_on)
        html = render_fragment("board.html", "board", data=data, groups=group_rows(data["rows"], context["goals"]),
                               trekkers=[], **context)
        return data, Markup(html)

    if is_htmx():
        return rows_cache.get(read_model(), key, rows)[1]

    def page() -> str:
        data, board_html = rows_cache.get(read_model(), key, rows)
        return render_template("board.html", data=data, board_html=board_html, csrf_token=lambda: CSRF_MARK,
                               **_board_context(plan_id, as_of, known_on, can_assign))

    if "_flashes" in session:  # a message for this session only: the page is made for this request
        data, board_html = rows_cache.get(read_model(), key, rows)
        return render_template("board.html", data=data, board_html=board_html,
                               **_board_context(plan_id, as_of, known_on, can_assign))
    # The whole page, kept per position for those who see the same page: same role, same name.
    pages = current_app.extensions.setdefault("board_pages", PositionCache())
    return with_csrf_token(pages.get(read_model(), (*key, current_user.role, current_user.name), page))


def _group_word(plan: dict) -> str:
    """Return what the plan calls its groups, its levels joined ('hoofdstuk/thema', 'opgave/doel/actielijn')."""
    return "/".join(level_names(plan["facts"]))


def _board_context(plan_id: str, as_of: date, known_on: date | None, can_assign: bool) -> dict:
    plan = _plan_or_404(plan_id)
    filters = _filters()
    # Each goal of the plan stands once, above the first interventions that serve it.
    goals = goals_by_key(plan["facts"].get("groups", []), plan["facts"].get("indicators", []), plan["facts"])
    return dict(plan=plan, as_of=as_of, known_on=known_on, today=today(), filters=filters, goals=goals,
                group_options=_group_options(plan), group_word=_group_word(plan), query=request.args.to_dict(), can_assign=can_assign,
                meetings=meetings_by_date(read_model(), plan_id))


def _filter_text(plan: dict, filters: BoardFilter, shown: int) -> str:
    """Return the active filter of the board in words, for the top of an export."""
    parts = []
    if filters.group:
        titles = dict(_group_options(plan))
        parts.append(f"{_group_word(plan)} {titles.get(filters.group, filters.group).strip()}")
    if filters.domain:
        parts.append(f"domein {DOMAIN_LABELS.get(filters.domain, filters.domain)}")
    if filters.trekker:
        parts.append("zonder trekker" if filters.trekker == "-" else f"trekker {filters.trekker}")
    if filters.stoplicht:
        parts.append(f"stoplicht {Stoplicht(filters.stoplicht).label}")
    if filters.deviations_only:
        parts.append("alleen afwijkingen")
    what = "; ".join(parts) if parts else "geen (alle interventies)"
    return f"Filter: {what} · {shown} {'interventie' if shown == 1 else 'interventies'}"


@bp.get("/plannen/<plan_id>/export.<fmt>")
def export(plan_id: str, fmt: str):
    plan = _plan_or_404(plan_id)
    as_of = as_of_from_request()
    filters = _filters()
    data = board(read_model(), plan_id, as_of, filters, known_on_from(request.args))
    rows = data["rows"]
    name = f"{plan_id}-stand-{as_of.isoformat()}"
    if fmt == "csv":
        return Response(board_csv(rows), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        return Response(board_xlsx(rows, plan["title"], as_of, _filter_text(plan, filters, len(rows)),
                                   data["plan_milestones"]),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    abort(404)


@bp.get("/plannen/<plan_id>/export-mijlpalen.csv")
def export_milestones(plan_id: str):
    _plan_or_404(plan_id)
    as_of = as_of_from_request()
    data = board(read_model(), plan_id, as_of, _filters(), known_on_from(request.args))
    name = f"{plan_id}-mijlpalen-{as_of.isoformat()}"
    return Response(milestones_csv(data["rows"], data["plan_milestones"]), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.get("/plannen/<plan_id>/kwartaal")
def quarter_page(plan_id: str):
    plan = _plan_or_404(plan_id)
    # ?as_of (as the board takes it): the quarter of that day, as it stood at its end (never past today).
    now = min(as_of_from_request(), today())
    try:
        quarter = Quarter.parse(request.args["kwartaal"]) if request.args.get("kwartaal") else Quarter.of(now)
    except ValueError as exc:
        abort(400, description=str(exc))
    first = Quarter(plan["period_start"], 1)
    last = Quarter(plan["period_end"], 4)
    # Totals, stoplichten, chart and list: one query, one moment.
    status = quarter_status(read_model(), plan_id, quarter, now, known_on_from(request.args), first, last)
    quarters = [c["quarter"] for c in status["chart"]]
    return render("quarter.html", "content", plan=plan, status=status, quarter=quarter,
                  quarters=quarters, today=now, labels=CATEGORY_LABELS, known_on=status["known_on"],
                  as_of=now if now != today() else None,
                  chart=planned_realised_chart(status["chart"], highlight=quarter.key))


@bp.get("/plannen/<plan_id>/wijzigingen")
def changes_page(plan_id: str):
    plan = _plan_or_404(plan_id)
    now = today()
    default_start = Quarter.of(now).previous().end
    start = _date_arg("van", default_start)
    end = _date_arg("tot", now)
    if start > end:
        abort(400, description="De begindatum ligt na de einddatum.")
    sections = changes_by_section(read_model(), plan_id, start, end)
    return render("changes.html", "content", plan=plan, start=start, end=end, sections=sections,
                  total=sum(len(s["items"]) for s in sections), meeting=last_meeting(read_model(), plan_id),
                  previous_quarter_end=default_start)
