"""`tracker serve` and `tracker run`: the web app, and the scheduler beside it as a child process.

The child gets a pipe as its standard input and stops when that pipe closes, which happens
however the parent ends (a normal exit, SIGTERM, or SIGKILL), on every platform.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from cli.context import Context, fail, services
from cli.plans import init

host_option = click.option("--host", default=lambda: os.environ.get("TRACKER_HOST", "127.0.0.1"),
                           show_default="127.0.0.1")
port_option = click.option("--port", default=lambda: int(os.environ.get("TRACKER_PORT", "8000")), type=int,
                           show_default="8000")


def start_scheduler_process(data_dir: Path) -> subprocess.Popen[bytes]:
    """Start `tracker scheduler` as a child process that stops when this process ends."""
    env = {**os.environ, "TRACKER_DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, "-m", "cli", "scheduler", "--with-parent"], env=env,
                            stdin=subprocess.PIPE)


def stop_process(child: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop the scheduler child: close its input (a run in progress finishes), then kill it if it hangs."""
    if child.stdin is not None:
        child.stdin.close()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so `tracker run` stops its scheduler on the way out."""
    def exit_(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, exit_)


@click.command()
@host_option
@port_option
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Start de webapplicatie: werkprocessen (één per kern) achter één poort."""
    from web import create_app
    from web.auth import SecretKeyMissing
    from web.processes import Workers, bind
    from web.serving import ServerSettings, check_shared_store
    from web.services import data_dir_from_env

    try:
        settings = ServerSettings.from_env()
        check_shared_store()
    except (ValueError, SecretKeyMissing) as exc:
        fail(str(exc))
    services()  # a data directory it cannot write in is said here, once, not by every worker
    # Each worker opens its own stores: no connection of this process may cross the fork.
    ctx.find_object(Context).close()
    try:
        sock = bind(host, port, settings.backlog)
    except OSError as exc:
        fail(f"kan niet luisteren op {host}:{port}: {exc.strerror or exc}")
    click.echo(f"Webapplicatie op http://{host}:{port}/ met {settings.workers} werkprocessen van "
               f"{settings.threads} threads (gegevens in {data_dir_from_env()})")
    sys.stdout.flush()
    code = Workers(sock, settings.workers, create_app, settings.waitress_options(),
                   log=lambda line: click.echo(line, err=True)).run()
    if code:
        sys.exit(code)


@click.command()
@host_option
@port_option
@click.option("--no-scheduler", is_flag=True, help="Start de planner (herinneringen) niet mee.")
@click.pass_context
def run(ctx: click.Context, host: str, port: int, no_scheduler: bool) -> None:
    """Richt de opslag in en start de webapplicatie, met de planner als eigen proces ernaast."""
    ctx.invoke(init)
    child = None if no_scheduler else start_scheduler_process(services().data_dir)
    exit_on_sigterm()
    try:
        ctx.invoke(serve, host=host, port=port)
    finally:
        if child is not None:
            stop_process(child)
