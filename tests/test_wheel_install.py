"""A wheel of the checkout, installed into a fresh virtualenv elsewhere, runs `tracker init` in an empty directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

# What a checkout holds beside the product: never part of a build.
NOT_BUILT = shutil.ignore_patterns(".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__",
                                   ".pytest_cache", ".data", "data")


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done


def test_a_wheel_installed_outside_the_checkout_loads_the_default_plan(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRACKER_", "PYTHON", "VIRTUAL_ENV")) and k != "PERSISTENCE_MODULE"}
    source = tmp_path / "checkout"
    shutil.copytree(REPO, source, ignore=NOT_BUILT, symlinks=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "wheels", ".",
        cwd=source, env=env)
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path, env=env)
    shutil.rmtree(source)  # nothing of the checkout is left to import from

    empty = tmp_path / "leeg"
    empty.mkdir()
    where = run(venv / "bin" / "python", "-c", "import cli, plans; print(cli.__file__); print(plans.DEFAULT_PLAN)",
                cwd=empty, env=env).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where
    run(venv / "bin" / "tracker", "init", cwd=empty, env=env)
    listed = json.loads(run(venv / "bin" / "tracker", "interventions", "--json", "--plan",
                            "nijmegen-uitvoeringsagenda-2025", cwd=empty, env=env).stdout)
    assert len(listed) == 24
    assert (empty / "data" / "events.sqlite").is_file()
