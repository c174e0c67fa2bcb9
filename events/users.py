"""Events of user accounts."""

from __future__ import annotations

from events.base import TrackerCreated, TrackerEvent


class UserRegistered(TrackerCreated):
    email: str
    name: str
    role: str
    password_hash: str


class UserRoleChanged(TrackerEvent):
    role: str


class UserPasswordChanged(TrackerEvent):
    password_hash: str


class UserSignedOut(TrackerEvent):
    """The account signed out: every session it had ends (the read model's session version)."""


class UserDeactivated(TrackerEvent):
    """The account may no longer sign in; its sessions end, its name stays in the history."""
