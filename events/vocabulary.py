"""The shared words of the domain: every value a plan, an event or a page may carry, with its Dutch label.

Each enum is the only list of its values. A member is declared with its stored value and its
Dutch label, so adding a word is adding one line; the values are what events and read models
store, so never change one without an upcaster.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Word(StrEnum):
    """A stored value with its Dutch label; members compare equal to their plain string."""

    label: str

    def __new__(cls, value: str, label: str) -> Word:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Return the stored values in their order, as plain strings."""
        return tuple(m.value for m in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Return the Dutch label of each stored value."""
        return {m.value: m.label for m in cls}

    @classmethod
    def known(cls, value: object) -> bool:
        """Tell whether a value is one of the words."""
        return isinstance(value, str) and value in cls._value2member_map_

    @classmethod
    def choice_text(cls) -> str:
        """Return the values as a Dutch enumeration: 'jeugd, wmo of beide'."""
        return _enumeration(cls.values())


def _enumeration(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} of {values[-1]}"


class Domain(Word):
    """The field of care an intervention, indicator or figure belongs to."""

    JEUGD = "jeugd", "Jeugd"
    WMO = "wmo", "Wmo"
    BEIDE = "beide", "Jeugd en Wmo"


class MilestoneKind(Word):
    """What a milestone of the Tijdpad marks."""

    PLAN_READY = "plan_ready", "plan gereed"
    PILOT_START = "pilot_start", "start pilot"
    START = "start", "start"
    EVALUATION = "evaluation", "evaluatie"
    DECISION = "decision", "besluit"
    DELIVERY = "delivery", "oplevering"
    REPORT = "report", "rapportage"
    OTHER = "other", "overig"


# Where a line of a beginstand, an export or a meeting agenda names an intervention's code, this
# names the plan itself (its own milestones): no plan gives an intervention this code.
PLAN_CODE = "plan"


class MilestoneState(Word):
    """How a milestone stands on a given day (derived, never stored on the aggregate)."""

    GEPLAND = "gepland", "gepland"
    BINNENKORT = "binnenkort", "binnenkort"
    TE_LAAT = "te_laat", "te laat"
    GEREED = "gereed", "gereed"
    VERSCHOVEN = "verschoven", "verschoven"
    VERVALLEN = "vervallen", "vervallen"
    GESTART = "gestart", "gestart"                       # a start only, and it has come
    ZONDER_TERMIJN = "zonder_termijn", "zonder termijn"  # an undated step


class Stoplicht(Word):
    """The status colour of an intervention, from least to most serious: the order is the severity.

    The third field says whether a trekker may choose the colour; one that the milestones alone
    can call for is declared with False.
    """

    settable: bool

    def __new__(cls, value: str, label: str, settable: bool = True) -> Stoplicht:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.settable = settable
        return member

    GROEN = "groen", "groen", True
    # No dated open milestone: not on track, there is no plan to be on track with. More serious
    # than groen (a trekker's groen does not hide it), less than a late milestone.
    GEEN_PLANNING = "geen_planning", "geen planning", False
    ORANJE = "oranje", "oranje", True
    ROOD = "rood", "rood", True

    @property
    def severity(self) -> int:
        """Return the rank of the colour: higher is more serious."""
        return type(self)._member_names_.index(self._name_)

    @property
    def needs_explanation(self) -> bool:
        """Tell whether a trekker who sets this colour must give oorzaak, gevolg and bijsturing."""
        return self.settable and self.severity > Stoplicht.GROEN.severity

    @classmethod
    def explained(cls, value: object) -> bool:
        """Tell whether a stored manual colour carries oorzaak, gevolg and bijsturing."""
        return cls.known(value) and cls(value).needs_explanation

    @classmethod
    def settable_values(cls) -> tuple[str, ...]:
        """Return the colours a trekker may choose."""
        return tuple(m.value for m in cls if m.settable)

    @classmethod
    def choice_text(cls) -> str:
        """Return the colours a trekker may choose as a Dutch enumeration."""
        return _enumeration(cls.settable_values())

    @classmethod
    def worst(cls, *colours: str | None) -> Stoplicht:
        """Return the most serious of the given colours (groen when none is known)."""
        present = [cls._value2member_map_[c] for c in colours if cls.known(c)]
        return max(present, key=lambda c: c.severity) if present else cls.GROEN


class Role(Word):
    """What an account may do (see the README's table of roles)."""

    BEHEERDER = "beheerder", "beheerder"
    STUURGROEP = "stuurgroep", "stuurgroep"
    TREKKER = "trekker", "trekker"
    LEZER = "lezer", "lezer"


class FinanceKind(Word):
    """What a recorded finance figure is."""

    REALISATIE = "realisatie", "gerealiseerde uitgaven"
    KOSTEN_MAATREGELEN = "kosten_maatregelen", "kosten van de maatregelen"
    BESPARING = "besparing", "gerealiseerde besparing"


# No characters that cannot stand unquoted in an address (<, >, a comma, ...): such an "address"
# would change, or break, the header a mail is sent with.
_EMAIL = re.compile(r'^[^@\s<>()\[\],;:\\"]+@[^@\s<>()\[\],;:\\"]+\.[^@\s<>()\[\],;:\\"]+$')


def is_email(value: object) -> bool:
    """Tell whether a value looks like an e-mail address (one @, a dot after it, nothing to quote)."""
    return isinstance(value, str) and bool(_EMAIL.match(value))


class PublicField(Word):
    """What the beheerder may add to a plan's public site; without it the field is never shown there."""

    TREKKER_NAME = "trekker_name", "naam van de trekker"
    TREKKER_EMAIL = "trekker_email", "e-mailadres van de trekker"
    EXPLANATION = "explanation", "toelichting (oorzaak, gevolg, bijsturing en redenen van verschuiven of vervallen)"
    NOTES = "notes", "voortgangsnotities en notities bij mijlpalen"
    REVIEW = "review", "bespreking in de stuurgroep (datum en besluit)"


# How the events name the operator, whoever runs `tracker` without --by: "via de command line, <login>"
# (docs/cli.md). Pages and mails turn it round (projections.wording.who).
OPERATOR_PREFIX = "via de command line, "
