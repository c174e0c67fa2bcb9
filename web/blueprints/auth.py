"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session
from flask_login import current_user, logout_user

from tracker.actors import Actor
from tracker.errors import TrackerError
from web import now, services
from web.auth import local_path, public, start_session
from web.password_links import RESET_MINUTES, read_token, send_link

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("plans.index")


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
        services().app.sign_out(current_user.email, at=now(), by=current_user.actor)
    except TrackerError:
        pass  # the local session ends all the same
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
def forgot_password():
    """Mail a link to choose a new password; the answer never tells whether the address exists."""
    if request.method == "GET":
        return render_template("forgot_password.html", minutes=RESET_MINUTES)
    email = request.form.get("email", "").strip().lower()
    throttle = current_app.extensions["login_throttle"]
    address = request.remote_addr or "?"
    wait = throttle.wait(email, address)
    if wait:
        return (render_template("forgot_password.html", error=_wait_message(wait).replace("in te loggen",
                                "een link te krijgen"), minutes=RESET_MINUTES), 429, {"Retry-After": str(wait)})
    throttle.failed(email, address)  # every request counts: nobody can flood a mailbox with links
    try:
        user = services().app.get_user(email)
    except TrackerError:
        user = None
    if user is not None and user.active:
        send_link(user, "reset" if user.password_hash else "invite", background=True)
    return render_template("forgot_password.html", sent=True, minutes=RESET_MINUTES)


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
@public
def choose_password(token: str):
    """Choose a password through a link from an invitation or a reset mail (once, before it expires)."""
    app = services().app

    def find(email: str):
        try:
            return app.get_user(email)
        except TrackerError:
            return None

    user = read_token(current_app.secret_key, token, find)
    if user is None:
        return render_template("choose_password.html", user=None, error=(
            "Deze link is verlopen of al gebruikt. Vraag hieronder een nieuwe aan.")), 400
    if request.method == "GET":
        return render_template("choose_password.html", user=user)
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        return render_template("choose_password.html", user=user,
                               error="De twee wachtwoorden zijn niet gelijk. Er is niets gewijzigd."), 422
    try:
        app.set_password(user.email, password, at=now(), by=Actor.of_account(user, "web"))
    except TrackerError as exc:
        return render_template("choose_password.html", user=user, error=f"{exc} Er is niets gewijzigd."), 422
    logout_user()
    session.clear()
    flash("Uw wachtwoord is ingesteld. U kunt nu inloggen.")
    return redirect(url_for("auth.login"), 303)
