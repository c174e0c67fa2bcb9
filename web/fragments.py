"""Answers that depend on the read model alone, kept per read-model position.

The read model at a position is a function of the events up to that position, so what a page
made from it there (the board's rows, rendered) stays right until the position moves: readers
asking for the same board at the same position get the same answer, made once. The position is
read before the answer is made, so a kept answer is never older than its key. Each worker
process keeps its own few. Nothing personal may go in but what the key names: a whole page is
kept per role and name of who sees it, made with ``CSRF_MARK`` where the session's CSRF token
goes, and ``with_csrf_token`` puts the token of each request in its place.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from projections.runner import TRACKING_NAME

SIZE = 64
# Stands for the CSRF token in a kept page: unguessable, so no content can contain it by chance.
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"


def read_model_position(db: Any) -> int:
    """Return the position (last notification id) the read model is at."""
    row = db.execute("SELECT position FROM tracking WHERE name = ?", [TRACKING_NAME]).fetchone()
    return row[0] if row else 0


class PositionCache:
    """A small LRU of answers keyed by the read model's position and the question."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self._entries: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.made = 0  # answers made (not found), for the tests

    def get(self, db: Any, key: tuple[Hashable, ...], make: Callable[[], Any]) -> Any:
        """Return the answer to ``key`` at the read model's position, making it when not kept."""
        full = (read_model_position(db), *key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        value = make()
        with self._lock:
            self.made += 1
            self._entries[full] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def with_csrf_token(page: str) -> str:
    """Return a kept page with this request's CSRF token where ``CSRF_MARK`` stands."""
    from flask_wtf.csrf import generate_csrf

    return page.replace(CSRF_MARK, generate_csrf())
