"""How long a text a person writes may be: the same bound for every command, however it comes in.

A note, a reason, a decision or a report text is read on pages, in mails and in reports by
everyone after; a pasted document of megabytes would make each of those heavy for good. The
bound is far above what any of them needs (a report text of several pages fits).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tracker.errors import DomainError

MAX_TEXT = 20_000  # characters, any text an event carries
MAX_NAME = 200  # characters, a person's name
MAX_PEOPLE = 100  # names in one list (a meeting's attendees, a report's signatories)

# The words for what was too long, where the field's name says it.
_WHAT = {"text": "De tekst", "note": "De toelichting", "reason": "De reden", "decision": "Het besluit",
         "actions": "De acties", "why": "De reden", "oorzaak": "De oorzaak", "gevolg": "Het gevolg",
         "bijsturing": "De bijsturing", "label": "De omschrijving"}


def thousands(n: int) -> str:
    """Return a count as the Dutch write it (20.000)."""
    return f"{n:,}".replace(",", ".")


# Control characters no document can hold (Word's and Excel's files are XML): a tab and line breaks
# are text, a backspace or a form feed pasted from elsewhere is not.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_lengths(fields: Mapping[str, Any]) -> None:
    """Refuse an event's texts that are longer than ``MAX_TEXT`` characters, or a text a person wrote
    that holds a control character, naming the first one.

    A list of texts (names, fields) is checked text by text.
    """
    for name, value in fields.items():
        texts = value if isinstance(value, (list, tuple)) else (value,)
        for text in texts:
            if not isinstance(text, str):
                continue
            what = _WHAT.get(name, "Een tekst")
            if len(text) > MAX_TEXT:
                raise DomainError(f"{what} is te lang: {thousands(len(text))} tekens, ten hoogste "
                                  f"{thousands(MAX_TEXT)}. Korter maken, of verwijzen naar een document.")
            # Only what a person writes (the fields named in _WHAT): a text the tracker composes may
            # quote one recorded before this check, and must never stop a reminder or a new plan version.
            if name in _WHAT and CONTROL.search(text):
                raise DomainError(f"{what} bevat een stuurteken (bijvoorbeeld uit een andere toepassing "
                                  "geplakt) dat niet in een document past. Verwijder het en probeer het opnieuw.")


def check_names(names: list[str], what: str) -> None:
    """Refuse a list of people's names with a name over ``MAX_NAME`` characters, or over ``MAX_PEOPLE`` names.

    ``what``: who they are, in Dutch ("aanwezigen", "ondertekenaars").
    """
    if len(names) > MAX_PEOPLE:
        raise DomainError(f"Te veel {what}: {thousands(len(names))} namen, ten hoogste {MAX_PEOPLE}.")
    for name in names:
        if len(name) > MAX_NAME:
            raise DomainError(f"Een naam bij de {what} is te lang: {thousands(len(name))} tekens, ten hoogste "
                              f"{MAX_NAME} ({name[:40]}…).")
