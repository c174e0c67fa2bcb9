"""The tests' own PostgreSQL server never outlives the test run that started it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import REPO

STARTS_AND_DIES = """
import os, signal
from tests.pg_server import PostgresServer
server = PostgresServer().start()
print(server.base, server.port, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_test_run_leaves_no_server_behind():
    done = subprocess.run([sys.executable, "-c", STARTS_AND_DIES], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == -9, done.stderr
    base, port = done.stdout.split()
    deadline = time.monotonic() + 60
    while Path(base).exists():   # the watchdog stops the server, then removes its directory
        assert time.monotonic() < deadline, f"{base} is still there"
        time.sleep(0.1)
    running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert f"-p {port} " not in running
