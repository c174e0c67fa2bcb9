"""The web's question "may the signed-in user do this?", answered by the application's matrix.

The application refuses what is not allowed whatever the interface (``tracker.permissions``);
the web asks the same question to show a form or answer 403 before anything is parsed.
"""

from __future__ import annotations

from typing import Any

from tracker.actors import Actor
from tracker.permissions import MATRIX, may

__all__ = ["MATRIX", "actor_of", "allowed"]


def actor_of(user: Any, channel: str = "web") -> Actor:
    """Return the signed-in user as the party acting through the web."""
    return Actor.of_account(user, channel)


def allowed(user: Any, action: str, intervention: dict[str, Any] | None = None,
            milestone: dict[str, Any] | None = None) -> bool:
    """Tell whether a signed-in user may do an action (on an intervention, or one of its milestones)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    trekker = (intervention or {}).get("trekker_email") if intervention else None
    return may(actor_of(user), action, trekker, (milestone or {}).get("owner_email") or None)
