"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask import session
from flask_login import current_user, logout_user

from tracker.errors import TrackerError
from web import now, services
from web.auth import public, start_session

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("plans.index")


def _wait_message(seconds: int) -> str:
    if seconds < 90:
        when = f"{seconds} seconde{'' if seconds == 1 else 'n'}"
    else:
        minutes = round(seconds / 60)
        when = f"{minutes} minuten"
    return f"Te veel mislukte pogingen om in te loggen. Probeer het over {when} opnieuw."


@bp.route("/inloggen", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("login.html", next=request.args.get("next", ""))
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    throttle = current_app.extensions["login_throttle"]
    address = request.remote_addr or "?"
    wait = throttle.wait(email, address)
    if wait:
        return (render_template("login.html", error=_wait_message(wait), email=email, next=next_url), 429,
                {"Retry-After": str(wait)})
    user = services().app.check_login(email, password)
    if user is None:
        throttle.failed(email, address)
        return render_template("login.html", error="E-mailadres of wachtwoord is onjuist.",
                               email=email, next=next_url), 401
    throttle.succeeded(email, address)
    from web import read_model
    from projections.users import user_by_id

    row = user_by_id(read_model(), user.id.hex)
    if row is None:  # the read model is caught up per request; this is a safety net
        return render_template("login.html", error="Het account is nog niet beschikbaar; probeer het zo opnieuw.",
                               email=email, next=next_url), 503
    start_session(row)
    return redirect(_safe_next(next_url))


@bp.post("/uitloggen")
def logout():
    # Recorded, so that every copy of this session's cookie stops working too.
    try:
        services().app.sign_out(current_user.email, at=now(), by=current_user.name)
    except TrackerError:
        pass  # the local session ends all the same
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
