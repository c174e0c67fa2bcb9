"""Sign-in, sessions, CSRF and security headers."""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from functools import wraps
from pathlib import Path
from typing import Any, Callable

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from projections.users import user_by_id
from web.permissions import allowed

# Reachable without signing in: the login page and the calendar feeds (their URL holds a token).
PUBLIC_ENDPOINTS = {"static", "auth.login", "calendar.feed"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


class SignedInUser(UserMixin):
    """The signed-in account, as the read model knows it."""

    def __init__(self, row: dict[str, Any]):
        self.id = row["user_id"]
        self.email = row["email"]
        self.name = row["name"]
        self.role = row["role"]


class LoginThrottle:
    """Slow down guessing: after too many failed sign-ins, refuse for a while."""

    def __init__(self, max_failures: int = 5, window_seconds: int = 900):
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, keys: list[str]) -> int:
        """Return the seconds to wait before another attempt (0: go ahead)."""
        now = time.monotonic()
        with self._lock:
            waits = [int(f[0] + self.window - now) + 1 for k in keys
                     if len(f := self._recent(k, now)) >= self.max_failures]
        return max(waits, default=0)

    def failed(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


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


def _secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def init_auth(app: Flask, data_dir: Path) -> None:
    """Set up sessions, sign-in, CSRF protection and security headers."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(data_dir)
    # Flask's defaults hold these keys already (SameSite None, Secure False): set them here.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    # Secure cookies need HTTPS; the local default serves plain http on 127.0.0.1.
    https = str(app.config.get("BASE_URL") or "").startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE")) or https
    app.config.setdefault("REMEMBER_COOKIE_SECURE", https)
    app.extensions["login_throttle"] = LoginThrottle()

    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Log in om verder te gaan."

    @manager.user_loader
    def load_user(user_id: str) -> SignedInUser | None:
        from web import read_model

        row = user_by_id(read_model(), user_id)
        return SignedInUser(row) if row else None

    CSRFProtect(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from web import error_response

        return error_response(400, "Formulier verlopen", "Het formulier is verlopen of onvolledig. Laad de "
                              "pagina opnieuw en probeer het nog eens. Er is niets opgeslagen.")

    @app.before_request
    def require_sign_in():
        view = current_app.view_functions.get(request.endpoint or "")
        if request.endpoint in PUBLIC_ENDPOINTS or view is None or getattr(view, "public", False):
            return None
        if not current_user.is_authenticated:
            target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
            if request.headers.get("HX-Request"):
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
