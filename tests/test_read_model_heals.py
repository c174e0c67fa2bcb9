"""A damaged read model is rebuilt from the events; a read-only data directory is said in one line."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from projections.readmodel_file import rebuilding
from tests.accounts import sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN
from tests.helpers import REPO

NOTE = "Een notitie van voor de schade"


def cut_in_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def overwrite_first_4k(path: Path) -> None:
    with open(path, "r+b") as file:
        file.write(b"\xa5" * 4096)


def garble(path: Path) -> None:
    path.write_bytes(random.Random(12).randbytes(path.stat().st_size))


def garble_all_but_the_header_page(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.seek(4096)
        file.write(random.Random(13).randbytes(size - 4096))


DAMAGES = [cut_in_half, overwrite_first_4k, garble]


@pytest.fixture
def noted(cli, data_dir: Path) -> Path:
    """Load the default plan with a note on 2.B2 through the command line; return the read model's path."""
    assert cli("init", "--today", "2025-10-01").exit_code == 0
    result = cli("note", "2.B2", NOTE, "--today", "2026-01-05")
    assert result.exit_code == 0, result.output
    return data_dir / "readmodel.sqlite"


def has_the_note(cli) -> bool:
    result = cli("history", "2.B2", "--json")
    assert result.exit_code == 0, result.output
    return any(NOTE in entry["description"] for entry in json.loads(result.stdout))


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_the_command_line_answers_from_a_rebuilt_read_model(cli, noted: Path, damage) -> None:
    damage(noted)
    result = cli("interventions", "--json", "--plan", PLAN)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 24
    assert "Het leesmodel is beschadigd" in result.stderr and "opnieuw opgebouwd" in result.stderr
    assert has_the_note(cli)
    assert "beschadigd" not in cli("interventions", "--json", "--plan", PLAN).stderr  # healed once, for good


def test_tracker_rebuild_works_on_a_garbled_file(cli, noted: Path) -> None:
    garble(noted)
    result = cli("rebuild")
    assert result.exit_code == 0, result.output
    assert "opnieuw opgebouwd uit" in result.stdout
    assert has_the_note(cli)


def test_the_web_app_says_even_geduld_while_it_rebuilds_and_then_serves(cli, noted: Path, services, data_dir) -> None:
    from web import create_app

    cut_in_half(noted)
    with rebuilding(noted):  # hold the rebuild back, to see the page shown while it runs
        web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-04-01", "TESTING": True})
        runner = web.extensions["tracker"].runner
        assert runner.rebuilding
        client = web.test_client()
        waiting = client.get(f"/plannen/{PLAN}")
        assert waiting.status_code == 503 and waiting.headers["Retry-After"]
        assert "Even geduld" in waiting.get_data(as_text=True)
    runner.wait_for_rebuild(timeout=120)
    sign_in(client, services, "lezer")
    page = client.get(f"/plannen/{PLAN}/interventies/2.B2")
    assert page.status_code == 200 and NOTE in page.get_data(as_text=True)


def test_damage_met_by_a_request_rebuilds_the_read_model(cli, noted: Path, services, data_dir) -> None:
    from web import create_app

    web = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-04-01", "TESTING": True})
    client = web.test_client()
    sign_in(client, services, "lezer")
    assert client.get(f"/plannen/{PLAN}").status_code == 200
    runner = web.extensions["tracker"].runner
    runner.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
    garble_all_but_the_header_page(noted)
    # A thread of its own: a new connection, with nothing of the file in its cache.
    answers: list[int] = []
    thread = threading.Thread(target=lambda: answers.append(client.get(f"/plannen/{PLAN}").status_code))
    thread.start()
    thread.join()
    assert answers == [503]
    runner.wait_for_rebuild(timeout=120)
    page = client.get(f"/plannen/{PLAN}/interventies/2.B2")
    assert page.status_code == 200 and NOTE in page.get_data(as_text=True)


def test_a_read_only_data_directory_is_one_dutch_line_and_exit_code_1(cli, noted: Path, data_dir: Path) -> None:
    # Only its owner could write in it, and its owner may not either: nobody may.
    for path in data_dir.iterdir():
        if not path.is_symlink():
            path.chmod(0o400)
    data_dir.chmod(0o500)
    command = [sys.executable, "-m", "cli", "run", "--port", "0", "--no-scheduler"]
    if os.getuid() == 0:  # root writes anywhere: without the capabilities that let it
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *command]
    try:
        done = subprocess.run(command, cwd=REPO, env={**os.environ, "TRACKER_DATA_DIR": str(data_dir)},
                              capture_output=True, text=True, timeout=120)
    finally:
        data_dir.chmod(0o700)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines() == [f"fout: de gegevensmap {data_dir} is alleen-lezen: geef het programma "
                                        "schrijfrechten of kies met TRACKER_DATA_DIR een andere map"]
    assert "Traceback" not in done.stdout
