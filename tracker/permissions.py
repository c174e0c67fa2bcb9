"""Who may do what: the role × action matrix, checked by TrackerApp for every way in.

The web asks the same questions to show or hide a form (``web/permissions.py``); the
application refuses what is not allowed whatever the interface, and records nothing then.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from tracker.actors import Actor, as_actor
from tracker.errors import DomainError, NotFoundError

# action -> roles that may do it; "update" is further limited to the assigned trekker, and the
# operator and the system (no account) may do everything.
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
    "read_figures": ("beheerder", "stuurgroep"),  # the recorded indicator values and finance figures
    "publish_site": ("beheerder",),
    "normering": ("beheerder", "stuurgroep"),
    "plan_feed": ("beheerder",),
    "plan_milestones": ("beheerder",),  # complete, reschedule, cancel the plan's own milestones
    "link_plans": ("beheerder",),
    "deliver": (),  # the reminders' delivery log: the scheduler only
}

# What each action is, in the sentence that refuses it ("..., en die mag dit niet: trekkers toewijzen").
DOING = {
    "view": "het volgsysteem bekijken",
    "update": "interventies bijwerken",
    "review": "besprekingen van de stuurgroep vastleggen",
    "assign": "trekkers toewijzen",
    "import_plan": "plannen en beginstanden inlezen",
    "manage_users": "gebruikers beheren",
    "outbox": "uitgaande berichten afhandelen",
    "report": "raadsrapportages opstellen",
    "read_reports": "rapportages lezen",
    "publish_report": "raadsrapportages vaststellen of hun teksten schrijven",
    "record_data": "cijfers en normering vastleggen",
    "read_figures": "de vastgelegde cijfers inzien",
    "publish_site": "de openbare site aan- of uitzetten",
    "normering": "de normering bekijken",
    "plan_feed": "agenda-links van een plan beheren",
    "plan_milestones": "mijlpalen op planniveau bijwerken",
    "link_plans": "plannen aan elkaar koppelen",
    "deliver": "herinneringen als verstuurd vastleggen",
}


class NotAllowedError(DomainError):
    """A command the acting party may not do; nothing was recorded."""


def may(actor: Actor, action: str, trekker_email: str | None = None, owner_email: str | None = None) -> bool:
    """Tell whether an actor may do an action (on an intervention with this trekker).

    ``owner_email``: the owner of the milestone concerned (a stuurgroep's action), who may update
    that milestone whatever their role: the stuurgroep gave it to them.
    """
    if actor.full_rights:
        return True
    if action == "update" and owner_email and actor.email and owner_email.lower() == actor.email:
        return True
    if actor.role not in MATRIX.get(action, ()):
        return False
    if action == "update":
        return bool(trekker_email) and trekker_email.lower() == actor.email
    return True


def refuse_unless(actor: Actor, action: str, *, trekker_email: str | None = None, code: str = "",
                  owner_email: str | None = None) -> None:
    """Raise NotAllowedError, in Dutch, when the actor may not do the action."""
    if may(actor, action, trekker_email, owner_email):
        return
    if action == "update" and actor.role in MATRIX["update"]:
        raise NotAllowedError(f"Alleen de trekker van {code} mag deze interventie bijwerken, en dat bent u "
                              f"({actor.name}) niet. Er is niets vastgelegd.")
    raise NotAllowedError(f"U ({actor.name}) heeft de rol {actor.role}, en die mag dit niet: "
                          f"{DOING.get(action, action)}. Er is niets vastgelegd.")


class ActorRules:
    """Mixed into TrackerApp: who acts, as the store knows them now, and what they may do."""

    repository: Any

    def actor_for(self, email: str, channel: str) -> Actor:
        """Return the active account of an e-mail address acting through a channel."""
        user = self.get_user(email)  # type: ignore[attr-defined]
        if not user.active:
            raise NotAllowedError(f"Het account {user.email} is gedeactiveerd en kan niets meer vastleggen.")
        return Actor.of_account(user, channel)

    def acting(self, by: Actor | str, action: str | None = None) -> Actor:
        """Return the actor of a command as the store knows the account now; refuse the action if need be.

        The role and the name come from the account's own events, so a role taken away or an
        account deactivated since a page was opened (or a link mailed) counts at once.
        """
        actor = as_actor(by)
        if actor.account_id is not None:
            try:
                user = self.repository.get(actor.account_id)
            except AggregateNotFoundError:
                user = None
            if not isinstance(user, _user_class()):  # no aggregate, or one that is no account
                raise NotFoundError(f"Er is geen account {actor.email or actor.account_id}.")
            if not user.active:
                raise NotAllowedError(f"Het account {user.email} is gedeactiveerd en kan niets meer vastleggen.")
            actor = Actor.of_account(user, actor.channel)
        if action is not None:
            refuse_unless(actor, action)
        return actor

    def assignable_trekker(self, email: str) -> Any:
        """Return the account a trekker is assigned as: active, with the role trekker."""
        email = (email or "").strip().lower()
        choose = "Kies een gebruiker met de rol trekker. Er is niets vastgelegd."
        try:
            user = self.repository.get(_user_id(email))
        except AggregateNotFoundError:
            raise NotAllowedError(f"Er is geen account met e-mailadres {email}. {choose}") from None
        if not user.active:
            raise NotAllowedError(f"Het account {email} is gedeactiveerd. {choose}")
        if user.role != "trekker":
            raise NotAllowedError(f"{user.name} ({email}) heeft de rol {user.role}, niet trekker. {choose}")
        return user


def _user_id(email: str) -> UUID:
    from tracker.users import user_id  # tracker.users checks its own commands here: imported late

    return user_id(email)


def _user_class() -> type:
    from tracker.users import User

    return User
