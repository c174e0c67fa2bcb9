"""A throwaway PostgreSQL server in a temporary directory, for the tests and the benchmark.

Debian's `postgresql` package (installed by scripts/setup.sh) brings the binaries; `initdb`
refuses to run as root, so as root the server is made and run as the `postgres` user in a
directory chowned to it. It listens on 127.0.0.1 only, with scram passwords, and is stopped
(and its directory removed) by `stop()`.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROLE = "tracker"
SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The server could not be made or started (binaries missing, initdb or pg_ctl failed)."""


def find_bindir() -> Path:
    """Return the directory of initdb and pg_ctl: TRACKER_PG_BINDIR, Debian's newest, or the PATH."""
    configured = os.environ.get("TRACKER_PG_BINDIR")
    if configured:
        return Path(configured)
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                    key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailable("PostgreSQL is not installed (no initdb): run scripts/setup.sh --test "
                              "or apt-get install postgresql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster of our own: start it, make databases on it, stop it."""

    def __init__(self, settings: dict[str, str] | None = None):
        self.bindir = find_bindir()
        self.port = free_port()
        self.host = "127.0.0.1"
        self.password = secrets.token_hex(12)
        self.superuser_password = secrets.token_hex(12)
        # Durability is not what a throwaway server is for; the benchmark passes its own.
        self.settings = settings if settings is not None else {
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "max_connections": "400", "shared_buffers": "128MB"}
        self.base: Path | None = None
        self._counter = 0
        self._databases: set[str] = set()

    # --- running as the postgres user ----------------------------------------------------

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", SUPERUSER, "--", *argv]
        return argv

    def _run(self, argv: list[str], what: str) -> None:
        done = subprocess.run(self._as_owner(argv), capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log_text()
            raise PostgresUnavailable(f"{what} failed ({done.returncode}): {done.stderr.strip()}\n{log}")

    def log_text(self) -> str:
        log = self.base / "server.log" if self.base else None
        return log.read_text(errors="replace")[-4000:] if log and log.exists() else ""

    # --- life cycle ------------------------------------------------------------------------

    def start(self) -> "PostgresServer":
        """Make the cluster and start the server; raise PostgresUnavailable when it cannot."""
        self.base = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.base.chmod(0o700)
        if os.geteuid() == 0:
            try:
                shutil.chown(self.base, SUPERUSER, SUPERUSER)
            except (LookupError, PermissionError) as exc:
                raise PostgresUnavailable(f"no '{SUPERUSER}' user to run the server as: {exc}") from None
        pwfile = self.base / "pwfile"
        pwfile.write_text(self.superuser_password + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, SUPERUSER, SUPERUSER)
        pwfile.chmod(0o600)
        self._run([str(self.bindir / "initdb"), "-D", str(self.base / "pgdata"), "-U", SUPERUSER,
                   "--pwfile", str(pwfile), "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                   "-E", "UTF8", "--locale=C.UTF-8"], "initdb")
        pwfile.unlink()
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {key}={value}" for key, value in self.settings.items())
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.base / "pgdata"), "-l",
                   str(self.base / "server.log"), "-w", "-t", "60", "-o", options, "start"], "pg_ctl start")
        self._start_watchdog()
        with self.superuser() as conn:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{self.password}'")
        return self

    def _start_watchdog(self) -> None:
        # A process that waits for this one to end, however it ends (a test run killed, a
        # timeout), and then stops the server and removes its directory.
        stop = self._as_owner([str(self.bindir / "pg_ctl"), "-D", str(self.base / "pgdata"), "-m", "fast",
                               "-w", "stop"])
        code = ("import shutil, subprocess, sys; sys.stdin.read(); "
                f"subprocess.run({stop!r}, capture_output=True); shutil.rmtree({str(self.base)!r}, True)")
        self._watchdog = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True)

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        if self.base is None:
            return
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None:  # its input closes: it stops the server as it would after a crash
            watchdog.stdin.close()
            watchdog.wait(timeout=120)
            self._watchdog = None
        if (self.base / "pgdata" / "postmaster.pid").exists():
            subprocess.run(self._as_owner([str(self.bindir / "pg_ctl"), "-D", str(self.base / "pgdata"),
                                           "-m", "fast", "-w", "stop"]), capture_output=True, timeout=120)
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None

    def version(self) -> str:
        """Return the server's version ("15.14")."""
        with self.superuser() as conn:
            return conn.execute("SHOW server_version").fetchone()[0].split()[0]

    # --- databases -------------------------------------------------------------------------

    def superuser(self):
        """Return an autocommit connection as the superuser."""
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=SUPERUSER,
                               password=self.superuser_password, dbname="postgres", autocommit=True)

    def url(self, dbname: str, schema: str | None = None) -> str:
        """Return the TRACKER_DATABASE_URL of a database (and schema) on this server."""
        query = f"?schema={schema}" if schema else ""
        return f"postgresql://{ROLE}:{self.password}@{self.host}:{self.port}/{dbname}{query}"

    def create_schema(self, dbname: str = ROLE) -> str:
        """Create an empty schema owned by the tracker's role in a database; return its URL.

        A schema costs a millisecond where a database costs a few hundred: one per test.
        """
        self._counter += 1
        name = f"t{os.getpid()}_{self._counter}"
        if dbname not in self._databases:
            self.create_database(dbname)
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=SUPERUSER, password=self.superuser_password,
                             dbname=dbname, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}" AUTHORIZATION {ROLE}')
        return self.url(dbname, name)

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database owned by the tracker's role; return its URL."""
        if name is None:
            self._counter += 1
            name = f"tracker_{os.getpid()}_{self._counter}"
        with self.superuser() as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER {ROLE}')
        self._databases.add(name)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database, closing whatever is still connected."""
        name = url.rsplit("/", 1)[1].split("?")[0]
        with self.superuser() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._databases.discard(name)

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
