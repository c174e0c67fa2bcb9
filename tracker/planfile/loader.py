"""YAML with line numbers: a safe loader whose mappings and lists know the line they stand on.

Plans have no use for YAML's aliases, and an alias expands on every use: a few KB of nested
aliases become gigabytes. The loader refuses the first alias it meets, and any nesting deeper
than ``MAX_DEPTH``, before anything is built, each with its line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from tracker.errors import PlanFileError
from tracker.texts import CONTROL

MAX_DEPTH = 20


class _Refused(yaml.YAMLError):
    """What a plan file may not hold (an alias, too deep a nesting), at a line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class LineMap(dict):
    """A mapping that knows its own line and the line of each key."""

    line = 0
    key_lines: dict[str, int]


class LineList(list):
    """A list that knows its own line and the line of each item."""

    line = 0
    item_lines: list[int]


class LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, key and list item."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark.line + 1, f"verwijzing *{event.anchor} (een YAML-alias) is niet "
                           "toegestaan in een planbestand; schrijf de waarde uit")
        if self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise _Refused(event.start_mark.line + 1, f"de structuur is dieper genest dan {MAX_DEPTH} "
                               "niveaus")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        # YAML's reader keeps the last of two equal keys: the first (a whole list of interventions,
        # say) would be gone without a word. Checked as written, before merge keys are flattened.
        written: dict[tuple[str, str], int] = {}
        for k, _ in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                continue
            line = k.start_mark.line + 1
            if (k.tag, k.value) in written:
                raise _Refused(line, f"'{k.value}' staat hier twee keer (ook op regel {written[k.tag, k.value]}); "
                               "de tweede zou de eerste stil vervangen: voeg ze samen of verwijder er een")
            written[k.tag, k.value] = line
        mapping = LineMap(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            str(self.construct_object(k)): v.start_mark.line + 1 for k, v in node.value
        }
        return mapping

    def construct_yaml_str(self, node):  # type: ignore[override]
        # A raw control character is refused by the reader; one written as an escape ("\b") is text
        # no page or document can hold.
        value = super().construct_yaml_str(node)
        if CONTROL.search(value):
            raise _Refused(node.start_mark.line + 1, "een stuurteken (zoals \\b of \\x0b) in een tekst: "
                           "verwijder het")
        return value

    def construct_yaml_timestamp(self, node):  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _Refused(node.start_mark.line + 1, f"'{node.value}' is geen bestaande datum "
                           "(JJJJ-MM-DD)") from None

    def construct_sequence(self, node, deep=False):  # type: ignore[override]
        seq = LineList(super().construct_sequence(node, deep=True))
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader.construct_sequence)
LineLoader.add_constructor("tag:yaml.org,2002:timestamp", LineLoader.construct_yaml_timestamp)
LineLoader.add_constructor("tag:yaml.org,2002:str", LineLoader.construct_yaml_str)


def load_yaml(text: str, name: str) -> Any:
    """Return the document of a YAML text with line numbers, or raise PlanFileError with the line."""
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as exc:
        raise PlanFileError([f"{name}:{exc.line}: {exc.message}"]) from None
    except yaml.reader.ReaderError as exc:
        # A character a YAML file may not hold (a control character), at its place in the file.
        line = text.count("\n", 0, exc.position) + 1
        raise PlanFileError([f"{name}:{line}: geen geldige YAML: een teken dat in een planbestand niet mag "
                             f"staan (een stuurteken, U+{_code_point(exc.character):04X})"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = f", kolom {mark.column + 1}" if mark else ""
        raise PlanFileError([f"{name}:{line}: geen geldige YAML{column}: {yaml_problem(exc)}"]) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        # e.g. a timestamp like 2025-13-45, or a key that cannot be a key: never a traceback
        raise PlanFileError([f"{name}:1: geen geldige YAML: een waarde kan niet worden gelezen "
                             "(bijvoorbeeld een datum die niet bestaat, of een sleutel die een lijst is)"]) from None


# The YAML reader's problems in the words of someone who edits a plan file, by a part of its English.
_PROBLEMS = (
    ("mapping values are not allowed", "een dubbele punt waar die niet kan staan: zet een tekst met een "
                                       "dubbele punt tussen aanhalingstekens"),
    ("cannot start any token", "een teken waarmee niets kan beginnen (een tab? spring in met spaties)"),
    ("could not find expected ':'", "na een sleutel ontbreekt de dubbele punt"),
    ("undefined alias", "een verwijzing (*naam) naar iets dat niet bestaat"),
    ("end of stream", "een aanhalingsteken of haakje dat niet wordt gesloten"),
    ("expected ',' or ']'", "een lijst tussen [ ] die niet goed wordt gesloten"),
    ("expected ',' or '}'", "een reeks tussen { } die niet goed wordt gesloten"),
    ("duplicate anchor", "hetzelfde anker (&naam) staat er twee keer"),
    ("could not determine a constructor", "een YAML-tag (!!…) die een planbestand niet kent: schrijf de waarde uit"),
    ("unhashable key", "een sleutel die een lijst of reeks is: een sleutel is een woord"),
)


def _code_point(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character)


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """Return what the YAML reader found wrong, in Dutch."""
    said = f"{exc.context or ''} {exc.problem or ''}"
    for english, dutch in _PROBLEMS:
        if english in said:
            return dutch
    return "de opbouw klopt hier niet; controleer de inspringing, de dubbele punten en de streepjes van de lijsten"


def line_of(mapping: Any, key: str) -> int:
    """Return the line of a key of a loaded mapping (the mapping's own line when the key is absent)."""
    if isinstance(mapping, LineMap):
        return mapping.key_lines.get(key, mapping.line)
    return getattr(mapping, "line", 1)


def plain(value: Any) -> Any:
    """Turn loader containers into plain dicts and lists (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
