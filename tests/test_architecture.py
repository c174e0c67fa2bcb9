"""Who may import whom (HOUSE_STYLE.md, "The flow"): tracker never imports web, cli, projections or
notifications; projections never imports tracker; nothing imports web but cli; web never imports
cli, and nothing else does either: cli is the entry point that may import everything."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

FORBIDDEN = {
    "events": {"tracker", "projections", "notifications", "web", "cli"},
    "tracker": {"web", "cli", "projections", "notifications"},
    "projections": {"tracker", "web", "cli"},
    "notifications": {"web", "cli"},
    "web": {"cli"},
    "plans": {"events", "tracker", "projections", "notifications", "web", "cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Return every module a source imports, anywhere in it (also inside functions), absolute."""
    found: set[str] = set()
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            if prefix:
                found.add(prefix)
            found |= {f"{prefix}.{alias.name}" if prefix else alias.name for alias in node.names}
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((REPO / layer).rglob("*.py")):
        module = module_name(path)
        for name in imported_modules(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"):
            top = name.split(".")[0]
            if top in FORBIDDEN[layer]:
                found.append(f"{path.relative_to(REPO)} imports {name}")
    return found


@pytest.mark.parametrize("layer", list(FORBIDDEN))
def test_the_layer_does_not_import_what_it_may_not(layer):
    assert list((REPO / layer).rglob("*.py")), f"no modules found in {layer}/"
    assert violations(layer) == []


def test_every_package_of_the_product_has_its_rule():
    # A new top-level package gets a rule here; cli alone may import everything.
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages == set(FORBIDDEN) | {"cli"}


def test_the_command_line_lives_in_cli_alone():
    assert not list((REPO / "web").glob("cli*.py")) and not (REPO / "web" / "__main__.py").exists()
    assert (REPO / "cli" / "main.py").is_file() and (REPO / "cli" / "context.py").is_file()


def test_the_modules_are_read_including_their_function_level_imports():
    # tracker/application.py imports tracker.plan_import inside a method.
    source = (REPO / "tracker" / "application.py").read_text(encoding="utf-8")
    assert "tracker.plan_import" in imported_modules(source, "tracker.application")


@pytest.mark.parametrize(("source", "module", "expected"), [
    ("import web.services", "tracker.x", "web.services"),
    ("from web import create_app", "tracker.x", "web"),
    ("def f():\n    from projections.history import handle", "tracker.x", "projections.history"),
    ("from ..web import cli", "tracker.sub.x", "tracker.web"),
    ("from . import due", "tracker.x", "tracker.due"),
    ("import importlib\nimportlib.import_module('notifications.mailer')", "tracker.x", "notifications.mailer"),
])
def test_the_import_reader_sees_every_form_of_import(source, module, expected):
    assert expected in imported_modules(source, module)
