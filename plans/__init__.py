"""The plan files that ship with the tracker (package data), the default plan among them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

DEFAULT_PLAN_NAME = "nijmegen-uitvoeringsagenda-2025.yaml"


def plan_file(name: str) -> Path:
    """Return the path of a plan file that ships with the tracker."""
    return Path(str(files(__name__).joinpath(name)))


DEFAULT_PLAN = plan_file(DEFAULT_PLAN_NAME)


def default_plan_files(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Return the plan files a fresh store is loaded with: $TRACKER_DEFAULT_PLAN, else every plan here.

    $TRACKER_DEFAULT_PLAN holds one file or several, separated by ':' or ','. Of the plans that
    ship, the default plan comes first and the others follow by name.
    """
    environ = os.environ if environ is None else environ
    listed = environ.get("TRACKER_DEFAULT_PLAN", "").replace(",", os.pathsep)
    if listed.strip():
        return [Path(p.strip()) for p in listed.split(os.pathsep) if p.strip()]
    shipped = sorted(p for p in Path(str(files(__name__))).glob("*.yaml"))
    return sorted(shipped, key=lambda p: p.name != DEFAULT_PLAN_NAME)
