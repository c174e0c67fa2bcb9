"""Sign-in, sessions, CSRF and security headers.

A session names the account and the account's session version (from the read model, checked on
every request): signing out, a new password or another role raise the version and so end every
session of the account, copies of the cookie included. A session also ends after
``SESSION_IDLE_MINUTES`` without a request and ``SESSION_MAX_HOURS`` after signing in.
"""

from __future__ import annotations

import time
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from projections.users import user_by_id
from tracker.actors import Actor
from tracker.secret_key import data_secret
from web.permissions import allowed
from web.throttle import THROTTLE_FILENAME, SignInThrottle

# Reachable without signing in: the login page and the calendar feeds (their URL holds a token).
PUBLIC_ENDPOINTS = {"static", "auth.login", "calendar.feed"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


DEFAULT_IDLE_MINUTES = 60
DEFAULT_MAX_HOURS = 12
# How often the moment of the last request is written back into the cookie.
SEEN_RESOLUTION_SECONDS = 60


class SignedInUser(UserMixin):
    """The signed-in account, as the read model knows it."""

    def __init__(self, row: dict[str, Any]):
        self.id = row["user_id"]
        self.email = row["email"]
        self.name = row["name"]
        self.role = row["role"]
        self.session_version = row.get("session_version") or 0

    @property
    def actor(self) -> Actor:
        """Return this account as the party acting through the web (what commands take as ``by``)."""
        return Actor.of_account(self, "web")

    def get_id(self) -> str:
        """Return what the session cookie holds: the account and its session version."""
        return f"{self.id}:{self.session_version}"


def _clock() -> float:
    """Return the time in seconds (tests set app.extensions["session_clock"])."""
    return current_app.extensions.get("session_clock", time.time)()


def _limits() -> tuple[float, float]:
    config = current_app.config
    idle = float(config.get("SESSION_IDLE_MINUTES") or DEFAULT_IDLE_MINUTES) * 60
    lifetime = float(config.get("SESSION_MAX_HOURS") or DEFAULT_MAX_HOURS) * 3600
    return idle, lifetime


def start_session(row: dict[str, Any]) -> None:
    """Sign an account in on this request's session, with fresh timestamps."""
    session.clear()
    now = _clock()
    login_user(SignedInUser(row))
    session.permanent = True
    session["signed_in_at"] = session["seen_at"] = now


def renew_session(row: dict[str, Any]) -> None:
    """Keep this session after a change that ended the account's other sessions."""
    signed_in_at = session.get("signed_in_at")
    start_session(row)
    if signed_in_at is not None:
        session["signed_in_at"] = signed_in_at  # the absolute lifetime still counts from sign-in


def _session_is_current() -> bool:
    now = _clock()
    idle, lifetime = _limits()
    signed_in_at, seen_at = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(signed_in_at, (int, float)) or not isinstance(seen_at, (int, float)):
        return False
    if now - seen_at > idle or now - signed_in_at > lifetime:
        return False
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session["seen_at"] = now
    return True


def public(view: Callable) -> Callable:
    """Mark a view as reachable without signing in."""
    view.public = True  # type: ignore[attr-defined]
    return view


def requires(action: str) -> Callable:
    """Refuse (403) a view to users whose role may not do the action."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not allowed(current_user, action):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


class SecretKeyMissing(RuntimeError):
    """Several nodes share the event store but no session key was given to share as well."""

    def __init__(self) -> None:
        super().__init__("TRACKER_SECRET_KEY ontbreekt: met TRACKER_DATABASE_URL moet elk knooppunt "
                         "dezelfde sessiesleutel hebben (bijvoorbeeld de uitvoer van "
                         "`python3 -c 'import secrets; print(secrets.token_hex(32))'`)")


def _is_public(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return endpoint in PUBLIC_ENDPOINTS or view is None or getattr(view, "public", False)


def init_auth(app: Flask, data_dir: Path, shared_store: bool = False) -> None:
    """Set up sessions, sign-in, CSRF protection and security headers."""
    if not app.config.get("SECRET_KEY"):
        if shared_store:
            # A key of this node's own would make a session valid on this node only.
            raise SecretKeyMissing()
        app.config["SECRET_KEY"] = data_secret(data_dir)
    # Flask's defaults hold these keys already (SameSite None, Secure False): set them here.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    # Secure cookies need HTTPS; the local default serves plain http on 127.0.0.1.
    https = str(app.config.get("BASE_URL") or "").startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE")) or https
    app.config.setdefault("REMEMBER_COOKIE_SECURE", https)
    # The cookie itself expires at the absolute lifetime; the server checks both limits. It is
    # written again only when the session changes (the moment of the last request, once a minute).
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.permanent_session_lifetime = timedelta(
        hours=float(app.config.get("SESSION_MAX_HOURS") or DEFAULT_MAX_HOURS))
    app.extensions["login_throttle"] = SignInThrottle(data_dir / THROTTLE_FILENAME)

    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Log in om verder te gaan."

    @manager.user_loader
    def load_user(session_id: str) -> SignedInUser | None:
        from web import read_model

        user_id, _, version = session_id.partition(":")
        if not _session_is_current():
            session.clear()
            return None
        row = user_by_id(read_model(), user_id)
        if row is None or not row.get("active", 1) or str(row.get("session_version") or 0) != version:
            session.clear()  # signed out, a new password or another role since: sign in again
            return None
        return SignedInUser(row)

    @app.before_request
    def refuse_too_large():
        # Before the CSRF check reads the form: what it cannot read it would call an expired form.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413)

    CSRFProtect(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from web import error_response

        return error_response(400, "Formulier verlopen", "Het formulier is verlopen of onvolledig. Laad de "
                              "pagina opnieuw en probeer het nog eens. Er is niets opgeslagen.")

    @app.before_request
    def require_sign_in():
        if _is_public(request.endpoint):
            return None
        if not current_user.is_authenticated:
            target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
            if request.headers.get("HX-Request"):
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
        return None

    @app.after_request
    def security_headers(response):
        if request.endpoint == "static":
            pass
        elif _is_public(request.endpoint):
            response.headers.setdefault("Cache-Control", "no-store")  # a feed may say otherwise
        else:
            # Pages, exports and reports hold what only signed-in users may see: never cached.
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def local_path(target: str | None) -> str | None:
    """Return ``target`` when it is a path on this site (to go back to after a form), else None.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so a slash, a tab
    and a slash (or a slash and a backslash) would lead to another site: a path with any of those, or
    with a scheme or a host, is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(c == "\\" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
