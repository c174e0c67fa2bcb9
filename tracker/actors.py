"""Who acts: an account on a channel, the command-line operator, or the system.

Every command of TrackerApp takes the acting party as ``by``. The application checks what its
role may do (``tracker.permissions``) and the events record it by name (``by``) and, for an
account, by its id (``by_id``), so the audit trail is tied to the account even when the name
changes. A plain string is the system acting under that name: trusted code such as an import,
the scheduler or a test's setup, with every right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from events.vocabulary import OPERATOR_PREFIX
from tracker.texts import check_lengths

# The ways in: a page, a link from a mail, the `tracker` command, or the system itself.
CHANNELS = ("web", "e-mail", "command line", "systeem")


@dataclass(frozen=True)
class Actor:
    """The party a command is done by, and through which channel."""

    name: str
    channel: str
    role: str | None = None        # None: the operator or the system, who may do everything
    account_id: UUID | None = None
    email: str = ""

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    @classmethod
    def of_account(cls, user: Any, channel: str = "web") -> Actor:
        """Return an account acting through a channel (a User aggregate, a signed-in user or a row)."""
        get = user.get if isinstance(user, dict) else lambda key: getattr(user, key, None)
        ident = get("user_id") if isinstance(user, dict) else get("id")
        account_id = ident if isinstance(ident, UUID) else UUID(str(ident))
        return cls(name=get("name"), channel=channel, role=get("role"), account_id=account_id,
                   email=(get("email") or "").lower())

    @classmethod
    def operator(cls, login: str) -> Actor:
        """Return whoever runs the `tracker` command without --by: full rights, recorded as such."""
        return cls(name=f"{OPERATOR_PREFIX}{login}", channel="command line")

    @classmethod
    def system(cls, name: str = "systeem") -> Actor:
        """Return the system acting under a name (an import, the scheduler): full rights."""
        return cls(name=name, channel="systeem")

    @property
    def full_rights(self) -> bool:
        return self.account_id is None

    @property
    def recorded_as(self) -> str:
        """Return the name the events record: the account's name, with the channel where it is not the web."""
        if self.account_id is not None and self.channel == "e-mail":
            return f"{self.name} (via e-mail)"
        if self.account_id is not None and self.channel == "command line":
            return f"{self.name} (via de command line)"
        return self.name

    @property
    def by_id(self) -> str | None:
        """Return the account id the events keep, or None for the operator and the system."""
        return str(self.account_id) if self.account_id is not None else None


def as_actor(by: Actor | str) -> Actor:
    """Return the actor of a command: a plain name is the system acting under that name."""
    return by if isinstance(by, Actor) else Actor.system(by)


class RecordsActor:
    """Mixed into an aggregate: an Actor given as ``by`` is recorded by name and account id.

    Every event of a command passes here, so its texts are held to the one bound as well
    (``tracker.texts``): nothing longer is recorded, whichever command and interface.
    """

    @staticmethod
    def _attributed(kwargs: dict[str, Any]) -> dict[str, Any]:
        check_lengths(kwargs)
        by = kwargs.get("by")
        if isinstance(by, Actor):
            kwargs = {**kwargs, "by": by.recorded_as, "by_id": by.by_id}
        return kwargs

    @classmethod
    def _create(cls, event_class: Any, **kwargs: Any) -> Any:
        return super()._create(event_class, **cls._attributed(kwargs))  # type: ignore[misc]

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **self._attributed(kwargs))  # type: ignore[misc]
