"""Hostile plan files: aliases, deep nesting and a huge 'extra' are refused fast, with a line, no traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.accounts import csrf_token, sign_in
from tests.helpers import REPO, SMALL_PLAN
from tracker.errors import PlanFileError
from tracker.planfile import parse_plan


def alias_bomb() -> str:
    """A plan whose 'extra' holds 7 levels of 9 aliases each (9^7 = 4.8 million leaves)."""
    lines = ["    l0: &l0 [" + ", ".join(["x" * 20] * 9) + "]"]
    for level in range(1, 8):
        lines.append(f"    l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    padding = [f"    pad{n}: \"{'p' * 900}\"" for n in range(80)]   # about 78 KB, like the one found
    return SMALL_PLAN.replace("  extra:\n    vastgesteld_door: gemeenteraad\n",
                              "  extra:\n" + "\n".join(padding + lines) + "\n")


def deep_plan(depth: int = 1000) -> str:
    return SMALL_PLAN.replace("  extra:\n    vastgesteld_door: gemeenteraad\n",
                              "  extra:\n    diep: " + "[" * depth + "]" * depth + "\n")


def big_extra() -> str:
    rows = "\n".join(f"    regel{n}: \"{'t' * 100}\"" for n in range(700))   # about 75 KB of text
    return SMALL_PLAN.replace("  extra:\n    vastgesteld_door: gemeenteraad\n", "  extra:\n" + rows + "\n")


def test_the_bomb_file_really_is_one() -> None:
    assert 60_000 < len(alias_bomb().encode()) < 100_000 and alias_bomb().count("*l") == 63


@pytest.mark.parametrize("text, line, words", [
    (alias_bomb(), None, "YAML-alias"),
    (deep_plan(), None, "dieper genest dan 20"),
    (big_extra(), None, "ten hoogste 64 KB"),
])
def test_parse_plan_refuses_with_the_line_in_well_under_a_second(text, line, words) -> None:
    began = time.monotonic()
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text, "vijandig.yaml")
    assert time.monotonic() - began < 1.0
    (problem,) = [p for p in refused.value.problems if words in p]
    assert problem.startswith("vijandig.yaml:") and problem.split(":")[1].isdigit()


def test_twenty_levels_are_fine_and_twenty_one_are_not() -> None:
    def nested(levels: int) -> str:
        # 'extra' itself and the plan mapping count: plan(1) > extra(2) > ... nested lists.
        return SMALL_PLAN.replace("  extra:\n    vastgesteld_door: gemeenteraad\n",
                                  "  extra:\n    diep: " + "[" * levels + "]" * levels + "\n")
    parse_plan(nested(17), "ok.yaml")          # document, plan, extra + 17 lists = 20
    with pytest.raises(PlanFileError, match="dieper genest"):
        parse_plan(nested(18), "te-diep.yaml")


@pytest.mark.parametrize("make", [alias_bomb, deep_plan])
def test_tracker_import_plan_refuses_in_under_5_s_without_a_traceback_and_imports_nothing(tmp_path, make, cli,
                                                                                             data_dir) -> None:
    path = tmp_path / "vijandig.yaml"
    path.write_text(make(), encoding="utf-8")
    for command in ("import-plan", "check-plan"):
        began = time.monotonic()
        done = cli(command, str(path))
        assert time.monotonic() - began < 5
        assert done.exit_code != 0 and f"{path}:" in done.output, done.output
        assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    # As its own process too: a clear line, never a traceback.
    env = {**os.environ, "TRACKER_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "cli", "import-plan", str(path)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    assert f"{path}:" in done.stderr
    from web.services import open_services

    assert (open_services(data_dir).app.recorder.max_notification_id() or 0) == 0


def test_the_web_upload_refuses_the_bomb_in_dutch(services) -> None:
    from web import create_app

    client = create_app({"DATA_DIR": str(services.data_dir)}).test_client()
    sign_in(client, services, "beheerder")
    began = time.monotonic()
    answer = client.post("/plannen/importeren", data={
        "csrf_token": csrf_token(client, "/plannen/importeren"),
        "plan": (io.BytesIO(alias_bomb().encode()), "vijandig.yaml")}, content_type="multipart/form-data")
    assert time.monotonic() - began < 1.0
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "YAML-alias" in page and "Traceback" not in page
    assert (services.app.recorder.max_notification_id() or 0) == len(
        list(services.app.recorder.select_notifications(start=None, limit=100)))  # only the account's


def test_an_unreadable_path_is_a_clear_error(tmp_path) -> None:
    from tracker.planfile import read_plan_file

    with pytest.raises(PlanFileError, match="kan niet worden gelezen"):
        read_plan_file(tmp_path)                   # a directory
    huge = tmp_path / "groot.yaml"
    huge.write_bytes(b"#" * 2_100_000)
    with pytest.raises(PlanFileError, match="groter dan 2 MB"):
        read_plan_file(huge)
    assert Path(huge).exists()
