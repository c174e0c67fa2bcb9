"""Serve the app from several processes behind one listening socket (waitress in each).

One Python process answers one request at a time per core (the GIL), so `tracker serve` binds the
socket once and forks worker processes; each builds its own app (its own read-model connection
and projection runner) and runs waitress on the shared socket, so waitress' limits (requests read
whole before a thread takes them, connection limit, timeouts: web/serving.py) hold in each. The
parent only watches: it restarts a worker that died, stops them all on SIGTERM or Ctrl-C, and a
worker whose parent is gone (even killed) stops by itself.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

# A worker that dies this soon after its start, this often in a row, is not restarted again.
QUICK_DEATH_SECONDS = 5
QUICK_DEATHS = 5
STOP_SECONDS = 30


def bind(host: str, port: int, backlog: int) -> socket.socket:
    """Return the listening socket the workers share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=backlog)
    sock.set_inheritable(True)
    return sock


def _watch_parent(pipe_fd: int) -> None:
    # The parent holds the pipe's other end: when it ends, however it ends, the read returns.
    def watch() -> None:
        try:
            os.read(pipe_fd, 1)
        finally:
            os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(sock: socket.socket, pipe_fd: int, make_app: Callable[[], Any], options: dict[str, Any]) -> None:
    import waitress

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # waitress finishes its threads on SystemExit
    _watch_parent(pipe_fd)
    app = make_app()
    waitress.serve(app, sockets=[sock], **options)


class Workers:
    """The worker processes of one server, and the parent's watch over them."""

    def __init__(self, sock: socket.socket, count: int, make_app: Callable[[], Any],
                 options: dict[str, Any], log: Callable[[str], None]):
        self.sock, self.count, self.make_app, self.options, self.log = sock, count, make_app, options, log
        self.read_end, self.write_end = os.pipe()
        self.started: dict[int, float] = {}
        self.quick_deaths = 0
        self.stopping = False
        self.waiting = False

    def spawn(self) -> int:
        pid = os.fork()
        if pid == 0:
            os.close(self.write_end)
            code = 0
            try:
                _worker(self.sock, self.read_end, self.make_app, self.options)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 3
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.started[pid] = time.monotonic()
        self.log(f"werkproces {pid} gestart")
        return pid

    def run(self) -> int:
        """Start the workers and keep them running until stopped; return the exit code."""
        def stop(signum: int, frame: Any) -> None:
            self.stopping = True
            if self.waiting:
                raise _Stop  # a handler that returns would let waitpid() simply wait on (PEP 475)

        for _ in range(self.count):
            self.spawn()
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not self.stopping:
            try:
                self.waiting = True
                pid, status = os.waitpid(-1, 0)
            except (_Stop, ChildProcessError):
                break
            finally:
                self.waiting = False
            if pid not in self.started:
                continue
            lived = time.monotonic() - self.started.pop(pid)
            if self.stopping:
                break
            self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH_SECONDS else 0
            self.log(f"werkproces {pid} gestopt ({_describe(status)})")
            if self.quick_deaths >= QUICK_DEATHS:
                self.log("werkprocessen stoppen steeds direct na de start: de server stopt")
                self.shutdown()
                return 3
            self.spawn()
        self.shutdown()
        return 0

    def shutdown(self) -> None:
        """Stop every worker: SIGTERM, then SIGKILL for one that does not stop in time."""
        self.stopping = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut this short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for pid in list(self.started):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.started.pop(pid, None)
        deadline = time.monotonic() + STOP_SECONDS
        while self.started and time.monotonic() < deadline:
            for pid in list(self.started):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    self.started.pop(pid, None)
            if self.started:
                time.sleep(0.05)
        for pid in self.started:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.started.clear()
        os.close(self.write_end)
        self.sock.close()


class _Stop(Exception):
    """SIGTERM or SIGINT reached the parent."""


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signaal {os.WTERMSIG(status)}"
    return f"code {os.waitstatus_to_exitcode(status)}"
