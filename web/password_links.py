"""Signed, single-use, expiring links to choose a password (an invitation, or a reset).

A link names the account and a fingerprint of its password hash as it was when the link was
made: once a password is chosen the hash changes and every earlier link stops working.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "tracker-password-link"
INVITE_DAYS = 7
RESET_MINUTES = 60
MAX_AGE = {"invite": INVITE_DAYS * 86400, "reset": RESET_MINUTES * 60}


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(("pw:" + (password_hash or "")).encode()).hexdigest()[:24]


def make_token(secret: str, user: Any, kind: str) -> str:
    """Return the token of a link for this account: 'invite' (no password yet) or 'reset'."""
    return URLSafeTimedSerializer(secret, salt=SALT).dumps(
        {"u": user.email, "k": kind, "f": _fingerprint(user.password_hash)})


def read_token(secret: str, token: str, find_user: Any, now: float | None = None) -> Any | None:
    """Return the account a token is for, or None when it is forged, expired or used."""
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    try:
        data, signed_at = serializer.loads(token, max_age=max(MAX_AGE.values()), return_timestamp=True)
    except (BadSignature, SignatureExpired, ValueError):
        return None
    if not isinstance(data, dict) or data.get("k") not in MAX_AGE:
        return None
    age = (now if now is not None else time.time()) - signed_at.timestamp()
    if age > MAX_AGE[data["k"]]:
        return None
    user = find_user(data.get("u", ""))
    if user is None or not user.active or _fingerprint(user.password_hash) != data.get("f"):
        return None
    return user


def send_link(user: Any, kind: str, background: bool = False) -> str | None:
    """Mail an account a link to choose its password; return None, or the Dutch reason it failed.

    In the background the answer does not wait for the mail server, so its time tells nothing
    about whether the account exists (the threads are kept in app.extensions["mail_threads"]).
    """
    import threading
    from datetime import datetime
    from email.errors import MessageError

    from flask import current_app, url_for

    from notifications.account_mail import send_account_mail
    from notifications.mailer import DeliveryFailed, DeliveryUncertain
    from notifications.settings import MailSettings

    config = current_app.config
    try:
        settings = MailSettings.from_config(config, config["DATA_DIR"])
    except ValueError as exc:
        return str(exc)
    token = make_token(current_app.secret_key, user, kind)  # type: ignore[arg-type]
    url = settings.base_url + url_for("auth.choose_password", token=token)
    fields = dict(email=user.email, name=user.name, url=url, days=INVITE_DAYS, minutes=RESET_MINUTES,
                  moment=datetime.now())
    if background:
        def send() -> None:
            try:
                send_account_mail(settings, kind, **fields)
            except (DeliveryFailed, DeliveryUncertain, ValueError, MessageError) as exc:
                current_app.logger.warning("wachtwoordlink naar %s niet verstuurd: %s", user.email, exc)

        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def run() -> None:
            with app.app_context():
                send()

        thread = threading.Thread(target=run, name="wachtwoordlink", daemon=True)
        threads = app.extensions.setdefault("mail_threads", [])
        threads[:] = [t for t in threads if t.is_alive()] + [thread]
        thread.start()
        return None
    try:
        send_account_mail(settings, kind, **fields)
    except (DeliveryFailed, DeliveryUncertain, ValueError, MessageError) as exc:
        return f"het adres past niet in een e-mail ({exc})" if isinstance(exc, MessageError) else str(exc)
    return None
