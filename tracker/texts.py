"""How long a text a person writes may be: the same bound for every command, however it comes in.

A note, a reason, a decision or a report text is read on pages, in mails and in reports by
everyone after; a pasted document of megabytes would make each of those heavy for good. The
bound is far above what any of them needs (a report text of several pages fits).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.errors import DomainError

MAX_TEXT = 20_000  # characters, any text an event carries
MAX_NAME = 200  # characters, a person's name

# The words for what was too long, where the field's name says it.
_WHAT = {"text": "De tekst", "note": "De toelichting", "reason": "De reden", "decision": "Het besluit",
         "actions": "De acties", "why": "De reden", "oorzaak": "De oorzaak", "gevolg": "Het gevolg",
         "bijsturing": "De bijsturing", "label": "De omschrijving"}


def thousands(n: int) -> str:
    """Return a count as the Dutch write it (20.000)."""
    return f"{n:,}".replace(",", ".")


def check_lengths(fields: Mapping[str, Any]) -> None:
    """Refuse an event's texts that are longer than ``MAX_TEXT`` characters, naming the first one."""
    for name, value in fields.items():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            what = _WHAT.get(name, "Een tekst")
            raise DomainError(f"{what} is te lang: {thousands(len(value))} tekens, ten hoogste "
                              f"{thousands(MAX_TEXT)}. Korter maken, of verwijzen naar een document.")
