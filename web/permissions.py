"""Who may do what: the role × action matrix, enforced on the server."""

from __future__ import annotations

from typing import Any

# action -> roles that may do it; "update" is further limited to the assigned trekker.
MATRIX: dict[str, tuple[str, ...]] = {
    "view": ("beheerder", "stuurgroep", "trekker", "lezer"),
    "update": ("trekker",),
    "review": ("stuurgroep",),
    "assign": ("beheerder",),
    "import_plan": ("beheerder",),
    "manage_users": ("beheerder",),
    "outbox": ("beheerder",),
    "report": ("beheerder", "stuurgroep"),
    "read_reports": ("beheerder", "stuurgroep", "trekker", "lezer"),  # published reports are public
    "publish_report": ("beheerder",),
    "record_data": ("beheerder",),
    "publish_site": ("beheerder",),
    "normering": ("beheerder", "stuurgroep"),
    "link_plans": ("beheerder",),
    "plan_milestones": ("beheerder",),  # complete, reschedule, cancel the plan's own milestones
}


def allowed(user: Any, action: str, intervention: dict[str, Any] | None = None) -> bool:
    """Tell whether a signed-in user may do an action (on an intervention)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role not in MATRIX.get(action, ()):
        return False
    if action == "update":
        return bool(intervention) and (intervention.get("trekker_email") or "").lower() == user.email
    return True
