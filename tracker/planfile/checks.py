"""The generic checker of a loaded file: typed reads of values that record each problem with its line."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from events.periods import Due, DueError, Start, YearMissingError, parse_due, parse_start
from tracker.planfile.loader import line_of, plain

YEAR_HINT = "geef het jaar erbij, of zet 'year_context: JJJJ' in het plan (format 2)"

# 'extra' is kept whole in every event and read-model row of its plan or intervention.
MAX_EXTRA_BYTES = 64 * 1024


class Checker:
    """Collect every problem of a file as FILE:LINE: message while reading its values.

    ``format`` is the file's format version (what it may hold); ``year_context`` the year of
    terms that name none (format 2).
    """

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []
        self.format = 2
        self.year_context: int | None = None

    def error(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def line_of(self, mapping: Any, key: str) -> int:
        return line_of(mapping, key)

    def extra(self, mapping: dict, what: str) -> dict:
        """Return the free-form 'extra' of a mapping as plain data: a mapping of at most 64 KB."""
        extra = mapping.get("extra")
        if extra is None:
            return {}
        if not isinstance(extra, dict):
            self.error(self.line_of(mapping, "extra"), f"{what}: 'extra' moet een mapping zijn")
            return {}
        value = plain(extra)
        size = len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8"))
        if size > MAX_EXTRA_BYTES:
            self.error(self.line_of(mapping, "extra"), f"{what}: 'extra' is {size // 1024} KB; "
                       f"ten hoogste {MAX_EXTRA_BYTES // 1024} KB is toegestaan")
            return {}
        return value

    def mapping(self, value: Any, line: int, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(line, f"{what} moet een mapping (sleutel: waarde) zijn")
            return None
        return value

    def text(self, mapping: dict, key: str, what: str, required: bool = True) -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet tekst zijn")
            return ""
        return " ".join(value.split()) if "\n" not in value.strip() else value.strip()

    def text_list(self, mapping: dict, key: str, what: str) -> list[str]:
        value = mapping.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()]
        if not isinstance(value, list):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een lijst van teksten zijn")
            return []
        items = []
        lines = getattr(value, "item_lines", [self.line_of(mapping, key)] * len(value))
        for item, line in zip(value, lines):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                self.error(line, f"{what}: elk item van '{key}' moet tekst zijn")
                continue
            items.append(str(item).strip())
        return items

    def items(self, mapping: dict, key: str, what: str) -> list[tuple[Any, int]]:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een lijst zijn")
            return []
        lines = getattr(value, "item_lines", [self.line_of(mapping, key)] * len(value))
        return list(zip(value, lines))

    def unknown_keys(self, mapping: dict, allowed: set[str], what: str, place: str,
                     format2: set[str] | frozenset[str] = frozenset()) -> None:
        """Refuse the keys a place does not know, naming where their content may go (``place``).

        ``format2`` are keys of ``allowed`` that only format 2 knows.
        """
        for key in mapping:
            line = self.line_of(mapping, key)
            if key in format2 and self.format < 2:
                self.error(line, f"{what}: '{key}' kan vanaf format 2 (zet 'format: 2' bovenaan)")
            elif key not in allowed:
                self.error(line, f"{what}: onbekend veld '{key}' ({place})")

    def number(self, mapping: dict, key: str, what: str, required: bool = True) -> float | int | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een getal zijn, niet '{value}'")
            return None
        return value

    def year(self, mapping: dict, key: str, what: str, required: bool = True) -> int | None:
        value = mapping.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een jaartal zijn")
            return None
        return value

    def choice(self, mapping: dict, key: str, options: tuple[str, ...], what: str,
               default: str | None = None) -> str:
        value = mapping.get(key, default)
        if value is None:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt (kies uit {', '.join(options)})")
            return ""
        if value not in options:
            self.error(self.line_of(mapping, key),
                       f"{what}: '{key}' is '{value}', kies uit {', '.join(options)}")
            return ""
        return value

    def due(self, mapping: dict, key: str, what: str) -> Due | None:
        value = mapping.get(key)
        if value is None:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' ontbreekt")
            return None
        try:
            return parse_due(value, self.year_context)
        except YearMissingError as exc:
            self.error(self.line_of(mapping, key), f"{what}: termijn {exc}; {YEAR_HINT}")
        except DueError as exc:
            self.error(self.line_of(mapping, key), f"{what}: termijn {exc}")
        return None

    def start(self, mapping: dict, key: str, what: str) -> Start | None:
        """Read when something starts ("vanaf 2019"): the first day of the stated period."""
        try:
            return parse_start(mapping.get(key), self.year_context)
        except YearMissingError as exc:
            self.error(self.line_of(mapping, key), f"{what}: begin {exc}; {YEAR_HINT}")
        except DueError as exc:
            self.error(self.line_of(mapping, key), f"{what}: begin {exc}")
        return None

    def iso_date(self, mapping: dict, key: str, what: str) -> date | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.error(self.line_of(mapping, key), f"{what}: '{key}' moet een datum JJJJ-MM-DD zijn")
            return None
