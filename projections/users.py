"""Read model of user accounts (without their password hashes).

``session_version`` counts the events that end an account's sessions (signing out, a new
password, another role, deactivation): a session made under an older version is refused.
A deactivated account keeps its row (``active`` 0): the history shows its name.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from events.users import UserDeactivated, UserPasswordChanged, UserRegistered, UserRoleChanged, UserSignedOut


def _registered(db: sqlite_utils.Database, seq: int, user_id: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO users (user_id, email, name, role, created_at, session_version, active, "
        "has_password, seq) VALUES (?,?,?,?,?,0,1,?,?)",
        (user_id, state["email"], state["name"], state["role"], state["at"]["_data_"],
         int(bool(state.get("password_hash"))), seq))


def _role_changed(db: sqlite_utils.Database, seq: int, user_id: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute("UPDATE users SET role = ?, session_version = session_version + 1, seq = ? "
                    "WHERE user_id = ? AND seq < ?", (state["role"], seq, user_id, seq))


def _session_ended(db: sqlite_utils.Database, seq: int, user_id: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute("UPDATE users SET session_version = session_version + 1, seq = ? "
                    "WHERE user_id = ? AND seq < ?", (seq, user_id, seq))


def _password_changed(db: sqlite_utils.Database, seq: int, user_id: str, version: int,
                      state: dict[str, Any]) -> None:
    db.conn.execute("UPDATE users SET session_version = session_version + 1, has_password = 1, seq = ? "
                    "WHERE user_id = ? AND seq < ?", (seq, user_id, seq))


def _deactivated(db: sqlite_utils.Database, seq: int, user_id: str, version: int, state: dict[str, Any]) -> None:
    db.conn.execute("UPDATE users SET active = 0, session_version = session_version + 1, seq = ? "
                    "WHERE user_id = ? AND seq < ?", (seq, user_id, seq))


HANDLERS = {UserRegistered: _registered, UserRoleChanged: _role_changed,
            # Signing out, a new password and deactivation end every session of the account.
            UserPasswordChanged: _password_changed, UserSignedOut: _session_ended,
            UserDeactivated: _deactivated}


def all_users(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Return every account, by name."""
    return list(db.query("SELECT * FROM users ORDER BY name COLLATE NOCASE"))


def user_by_id(db: sqlite_utils.Database, user_id: str) -> dict[str, Any] | None:
    """Return one account by its id, or None."""
    rows = list(db.query("SELECT * FROM users WHERE user_id = ?", [user_id]))
    return rows[0] if rows else None


def user_by_email(db: sqlite_utils.Database, email: str) -> dict[str, Any] | None:
    """Return one account by its e-mail address (compared without case), or None."""
    rows = list(db.query("SELECT * FROM users WHERE lower(email) = lower(?)", [email]))
    return rows[0] if rows else None


def users_with_role(db: sqlite_utils.Database, *roles: str) -> list[dict[str, Any]]:
    """Return the active accounts that have one of the roles."""
    marks = ", ".join("?" * len(roles))
    return list(db.query(f"SELECT * FROM users WHERE role IN ({marks}) AND active = 1 "
                         "ORDER BY name COLLATE NOCASE", roles))


def deactivated_accounts(db: sqlite_utils.Database) -> set[str]:
    """Return the e-mail addresses of the deactivated accounts."""
    return {row["email"].lower() for row in db.query("SELECT email FROM users WHERE active = 0")}


def inactive_recipients(db: sqlite_utils.Database) -> set[str]:
    """Return the e-mail addresses that get no trekker mail: deactivated, or no longer trekker."""
    return {row["email"] for row in db.query("SELECT email FROM users WHERE active = 0 OR role != 'trekker'")}
