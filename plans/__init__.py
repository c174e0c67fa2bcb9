"""The plan files that ship with the tracker (package data), the default plan among them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEFAULT_PLAN_NAME = "nijmegen-uitvoeringsagenda-2025.yaml"


def plan_file(name: str) -> Path:
    """Return the path of a plan file that ships with the tracker."""
    return Path(str(files(__name__).joinpath(name)))


DEFAULT_PLAN = plan_file(DEFAULT_PLAN_NAME)
