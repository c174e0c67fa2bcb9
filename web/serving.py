"""How the web app is served: the server's limits and timeouts, and the trusted reverse proxy.

Every setting of the server lives here, read from TRACKER_* variables (docs/deployment.md), so
whichever server runs the app gets the same limits. The defaults keep slow or half-sent requests
from taking the server: a connection is only handed to a worker thread once its request has
fully arrived, idle connections are closed after ``channel_timeout`` seconds, and far more
connections are accepted than a municipality's staff opens.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix


def default_workers() -> int:
    """Return the number of worker processes: one per core, at least two."""
    return max(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class ServerSettings:
    """Limits and timeouts of the web server (each a TRACKER_SERVER_* variable)."""

    workers: int = default_workers()          # processes (web/processes.py), each with its threads
    threads: int = 8                          # requests handled at once, per process
    connection_limit: int = 1000              # open connections (half-sent ones included)
    channel_timeout: int = 30                 # seconds a connection may stay silent
    max_request_header_size: int = 64 * 1024  # bytes
    max_request_body_size: int = 8 * 1024 * 1024  # bytes: a 2 MB plan travels base64 in its confirm form
    backlog: int = 1024                       # connections waiting to be accepted

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """Read TRACKER_SERVER_THREADS, TRACKER_SERVER_CONNECTION_LIMIT, ... (integers)."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = environ.get(f"TRACKER_SERVER_{f.name.upper()}")
            if raw:
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"TRACKER_SERVER_{f.name.upper()}='{raw}' is geen geheel getal.") from None
                if values[f.name] <= 0:
                    raise ValueError(f"TRACKER_SERVER_{f.name.upper()} moet groter dan 0 zijn.")
        return cls(**values)

    def waitress_options(self) -> dict[str, Any]:
        """Return the keyword arguments for waitress.serve / create_server."""
        return {"threads": self.threads, "connection_limit": self.connection_limit,
                "channel_timeout": self.channel_timeout, "cleanup_interval": min(10, self.channel_timeout),
                "max_request_header_size": self.max_request_header_size,
                # The app refuses a body over the bound with its own Dutch page (Flask's MAX_CONTENT_LENGTH):
                # waitress lets up to four times that through (buffered on disk) rather than answer in English.
                "max_request_body_size": self.max_request_body_size * 4, "backlog": self.backlog,
                # poll() instead of select(): select cannot watch more than 1024 sockets.
                "asyncore_use_poll": True, "ident": "tracker"}


def check_shared_store(environ: Mapping[str, str] | None = None) -> None:
    """Refuse, before any worker starts, a shared event store that every worker would refuse."""
    from events.store import DATABASE_URL_ENV, postgres_env
    from web.auth import SecretKeyMissing

    environ = os.environ if environ is None else environ
    url = environ.get(DATABASE_URL_ENV)
    if url:
        postgres_env(url)  # a StoreSettingsError (ValueError) says what is wrong with the URL
        if not environ.get("TRACKER_SECRET_KEY"):
            raise SecretKeyMissing()


def trusted_proxies(value: str | Iterable[str] | None) -> frozenset[str]:
    """Return the addresses of TRACKER_TRUSTED_PROXY (comma-separated; empty: none)."""
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(item.strip() for item in items if item.strip())


class TrustedProxy:
    """Believe X-Forwarded-For/-Proto/-Host only on a connection from a trusted proxy.

    The sign-in throttle counts per address: a forwarded address from anyone else would let a
    client choose its own. From the proxy, the last forwarded hop (the one the proxy added) is used.
    """

    def __init__(self, app: Callable, proxies: frozenset[str]):
        self.app = app
        self.proxies = proxies
        self.forwarded = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.forwarded(environ, start_response)
        return self.app(environ, start_response)
