"""Route stored events to the handlers of the read models, by event class.

Each read model declares a table from event class to handler and sees only those events. A
stored event names its class by topic; the topic is resolved the way the event store resolves
it (``register_topic`` included), so a class that was renamed or moved keeps its handlers, and
a subclass registered for an old topic reaches the handlers of the class it derives from.

A handler is called as ``handler(db, seq, originator_id, version, state)``: ``seq`` is the
notification id, ``originator_id`` the aggregate's id as hex, ``state`` the stored JSON as
plain ``json.loads`` output. Values the event store transcodes (dates, datetimes) are objects
``{"_type_": ..., "_data_": ...}`` there, whose ``_data_`` is the ISO text the read model keeps;
reading them so spares a full decoding of every event into objects. A state stored by an older
version of its class is brought up to date by the class's upcasters first, as the event store's
mapper does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlite_utils
from eventsourcing.utils import resolve_topic

from events.store import make_mapper

Handler = Callable[[sqlite_utils.Database, int, str, int, dict[str, Any]], None]
HandlerTable = Mapping[type, Handler]


def handlers_for(cls: type, tables: Iterable[HandlerTable]) -> tuple[Handler, ...]:
    """Return the handlers an event class calls: per table, the entry of its nearest class."""
    found = []
    for table in tables:
        for base in cls.__mro__:
            handler = table.get(base)
            if handler is not None:
                found.append(handler)
                break
    return tuple(found)


def subscribed(tables: Iterable[HandlerTable]) -> set[type]:
    """Return every event class some table has a handler for."""
    return {cls for table in tables for cls in table}


_transcoder = make_mapper().transcoder


def upcast(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored state as the current version of its class would have stored it."""
    stored = state.pop("class_version", 1)
    current = getattr(cls, "class_version", 1)
    if stored >= current:
        return state
    # Upcasters work on decoded values (dates, not their stored form): decode, upcast, encode.
    decoded = _transcoder.decode(json.dumps(state).encode("utf-8"))
    for version in range(stored, current):
        getattr(cls, f"upcast_v{version}_v{version + 1}")(decoded)
    return json.loads(_transcoder.encode(decoded))


def stored_state(state: bytes | str, versioned: type | None, loads: Callable[[bytes | str], Any]) -> dict[str, Any]:
    """Return an event's stored JSON (``loads``: the decoder) as its handlers take it: upcast where
    its class has upcasters (``versioned``, from ``Routes``), without the class version otherwise."""
    data = loads(state)
    if versioned is not None:
        return upcast(versioned, data)
    data.pop("class_version", None)
    return data


class Routes:
    """The handlers of each stored topic, resolved once per topic."""

    def __init__(self, tables: Iterable[HandlerTable]):
        self.tables = tuple(tables)
        self._by_topic: dict[str, tuple[tuple[Handler, ...], type | None]] = {}

    def __call__(self, topic: str) -> tuple[tuple[Handler, ...], type | None]:
        """Return the handlers of a topic's events (none: nobody needs them) and, when it has upcasters, its class."""
        route = self._by_topic.get(topic)
        if route is None:
            cls = resolve_topic(topic)
            versioned = cls if getattr(cls, "class_version", 1) > 1 else None
            route = self._by_topic[topic] = (handlers_for(cls, self.tables), versioned)
        return route
