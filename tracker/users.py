"""User accounts: the User aggregate and the commands on it (mixed into TrackerApp)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from events.users import UserDeactivated, UserPasswordChanged, UserRegistered, UserRoleChanged, UserSignedOut
from events.vocabulary import Role, is_email
from tracker.actors import Actor, RecordsActor
from tracker.texts import MAX_NAME
from tracker.errors import DomainError, NotFoundError
from tracker.permissions import refuse_unless

ROLES = Role.values()
MIN_PASSWORD_LENGTH = 12
# zxcvbn's score 3: about 10^8 guesses or more. It knows the common passwords, keyboard
# patterns, repeats, sequences and dates, and the words given (the name, the e-mail address).
MIN_PASSWORD_SCORE = 3
_SCORED_LENGTH = 100  # zxcvbn's effort grows with the length; past this a password is long enough


# Bidirectional overrides and isolates: they make a name display as something else.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def person_name(name: str, missing: str = "Geef de naam van de gebruiker op.") -> str:
    """Return a person's name stripped, refusing an empty one or one with control characters."""
    name = (name or "").strip()
    if not name:
        raise DomainError(missing)
    # A name ends up in mail headers and exports: a line break there would add a header.
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI_CONTROLS for c in name):
        raise DomainError("Een naam mag geen regeleinden, tabs of andere stuurtekens bevatten.")
    # Mail programs decode "=?utf-8?q?...?=" in a header into other text, line breaks included.
    if re.search(r"=\?.*\?=", name):
        raise DomainError("Een naam mag geen gecodeerde tekst (=?…?=) bevatten.")
    if len(name) > MAX_NAME:
        raise DomainError(f"Deze naam is te lang: {len(name)} tekens, ten hoogste {MAX_NAME}.")
    return name


def user_id(email: str) -> UUID:
    """Return the stable id of the account of an e-mail address."""
    return uuid5(NAMESPACE_URL, f"urn:plan-tracker:user:{email.strip().lower()}")


def _check_password(password: str, *known: str) -> None:
    """Refuse a password that is short or easy to guess (NIST 800-63B: length and a blocklist)."""
    from zxcvbn import zxcvbn

    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens.")
    words = [w for k in known if k for w in [k, "".join(k.split()), *re.split(r"[@.\s,_-]+", k)]
             if len(w) > 2]
    words += ["gemeente", "voortgang", "uitvoeringsagenda", "tracker", "wachtwoord", "welkom", "geheim"]
    if zxcvbn(password[:_SCORED_LENGTH], user_inputs=words)["score"] < MIN_PASSWORD_SCORE:
        raise DomainError("Dit wachtwoord is te makkelijk te raden (een veelgebruikt wachtwoord, een "
                          "patroon, een herhaling of uw naam). Kies bijvoorbeeld een zin van een paar "
                          "woorden.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise DomainError(f"Onbekende rol '{role}': kies {', '.join(ROLES)}.")


class User(RecordsActor, Aggregate):
    """An account: name, e-mail, role and password hash."""

    @classmethod
    def register(cls, *, email: str, name: str, role: str, password_hash: str, at: datetime, by: str) -> User:
        """Create an account."""
        return cls._create(UserRegistered, id=user_id(email), email=email.strip().lower(),
                           name=name.strip(), role=role, password_hash=password_hash, at=at, by=by)

    @singledispatchmethod
    def when(self, event: Any) -> None:
        raise NotImplementedError(type(event).__name__)

    @when.register
    def _(self, e: UserRegistered) -> None:
        self.email, self.name, self.role, self.password_hash = e.email, e.name, e.role, e.password_hash
        self.active = True

    @when.register
    def _(self, e: UserDeactivated) -> None:
        self.active = False

    @when.register
    def _(self, e: UserRoleChanged) -> None:
        self.role = e.role

    @when.register
    def _(self, e: UserPasswordChanged) -> None:
        self.password_hash = e.password_hash

    @when.register
    def _(self, e: UserSignedOut) -> None:
        pass  # sessions live outside the aggregate; the read model counts their version

    def _check_active(self) -> None:
        if not self.active:
            raise DomainError(f"Het account {self.email} is gedeactiveerd.")

    def change_role(self, role: str, *, at: datetime, by: str) -> None:
        _check_role(role)
        self._check_active()
        if role == self.role:
            raise DomainError(f"{self.email} heeft al de rol {role}.")
        self.trigger_event(UserRoleChanged, role=role, at=at, by=by)

    def change_password(self, password_hash: str, *, at: datetime, by: str) -> None:
        self._check_active()
        self.trigger_event(UserPasswordChanged, password_hash=password_hash, at=at, by=by)

    def deactivate(self, *, at: datetime, by: str) -> None:
        self._check_active()
        self.trigger_event(UserDeactivated, at=at, by=by)

    def sign_out(self, *, at: datetime, by: Any) -> None:
        self.trigger_event(UserSignedOut, at=at, by=by)


class UserCommands:
    """Account commands of TrackerApp. The hasher's cost comes from TRACKER_PASSWORD_PROFILE."""

    _hasher: PasswordHasher | None = None
    _dummy_hash: str | None = None

    @property
    def password_hasher(self) -> PasswordHasher:
        if self._hasher is None:
            profile = self.env.get("TRACKER_PASSWORD_PROFILE", "")  # type: ignore[attr-defined]
            # The cheapest profile is for tests only: real hashes use argon2's recommended one.
            self._hasher = (PasswordHasher.from_parameters(profiles.CHEAPEST) if profile == "test"
                            else PasswordHasher())
        return self._hasher

    def _dummy(self) -> str:
        """Return a hash nobody knows the password of (made once), to verify against."""
        if self._dummy_hash is None:
            self._dummy_hash = self.password_hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    def get_user(self, email: str) -> User:
        """Return an account by e-mail address."""
        try:
            return self.repository.get(user_id(email))  # type: ignore[attr-defined]
        except AggregateNotFoundError:
            raise NotFoundError(f"Er is geen gebruiker met e-mailadres {email}.") from None

    def add_user(self, *, email: str, name: str, role: str, password: str | None, at: datetime,
                 by: Actor | str) -> UUID:
        """Create an account, with a password or (None) without one: it is set through an invitation."""
        actor = self.acting(by, "manage_users")  # type: ignore[attr-defined]
        email = (email or "").strip().lower()
        problems = [] if is_email(email) else [
            f"'{email}' is geen geldig e-mailadres." if email else "Geef het e-mailadres van de gebruiker op."]
        try:
            name = person_name(name)
        except DomainError as exc:
            problems.append(str(exc))
        if problems:  # both at once: the form shows every field to correct
            raise DomainError(" ".join(problems))
        _check_role(role)
        if password is not None:
            _check_password(password, email, name)
        if user_id(email) in self.repository:  # type: ignore[attr-defined]
            raise DomainError(f"Er is al een gebruiker met e-mailadres {email}.")
        hashed = self.password_hasher.hash(password) if password is not None else ""
        user = User.register(email=email, name=name, role=role, password_hash=hashed, at=at, by=actor)
        self._save(user)  # type: ignore[attr-defined]
        return user.id

    def set_role(self, email: str, role: str, *, at: datetime, by: Actor | str) -> None:
        """Give an account another role; a trekker no more loses their calendar links."""
        actor = self.acting(by, "manage_users")  # type: ignore[attr-defined]
        with self.accounts_locked():  # type: ignore[attr-defined]
            user = self.get_user(email)
            self.check_beheerder_remains(user, role)  # type: ignore[attr-defined]
            user.change_role(role, at=at, by=actor)
            revoked = self._revoke_trekker_feeds(  # type: ignore[attr-defined]
                user, reason=f"{user.name} heeft een andere rol", at=at, by=actor) if role != "trekker" else []
            self._save(user, *revoked)  # type: ignore[attr-defined]

    def _own_or_managed(self, by: Actor | str, email: str) -> Actor:
        """Return the actor of a change to an account: the account itself, or who manages users."""
        actor = self.acting(by)  # type: ignore[attr-defined]
        if actor.email != (email or "").strip().lower():
            refuse_unless(actor, "manage_users")
        return actor

    def set_password(self, email: str, password: str, *, at: datetime, by: Actor | str) -> None:
        """Give an account a new password (its own, or as the one who manages users)."""
        actor = self._own_or_managed(by, email)
        user = self.get_user(email)
        _check_password(password, user.email, user.name)
        user.change_password(self.password_hasher.hash(password), at=at, by=actor)
        self._save(user)  # type: ignore[attr-defined]

    def sign_out(self, email: str, *, at: datetime, by: Actor | str) -> None:
        """End every session of an account (signing out ends copies of the cookie too)."""
        actor = self._own_or_managed(by, email)
        user = self.get_user(email)
        user.sign_out(at=at, by=actor)
        self._save(user)  # type: ignore[attr-defined]

    def check_login(self, email: str, password: str) -> User | None:
        """Return the account when the password is right, else None."""
        try:
            user = self.get_user((email or "").strip().lower())
        except NotFoundError:
            # One verification, as for a real account: no timing hint about who exists.
            try:
                self.password_hasher.verify(self._dummy(), password or "")
            except (VerificationError, InvalidHashError):
                pass
            return None
        try:
            self.password_hasher.verify(user.password_hash or self._dummy(), password or "")
        except (VerificationError, InvalidHashError):
            return None
        # Checked after the verification, so a deactivated account costs the same time.
        return user if user.active and user.password_hash else None
