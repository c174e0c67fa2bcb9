"""The projection runner survives being killed in the middle of a batch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

from projections.history import intervention_history
from projections.interventions import intervention_json, interventions_as_of
from projections.log import bind_events
from projections.runner import open_read_model
from tracker.planfile import read_plan_file
from web.services import DEFAULT_PLAN, open_services

PLAN = "nijmegen-uitvoeringsagenda-2025"

KILLER = textwrap.dedent("""
    import os, signal, sys
    from events.base import TrackerEvent
    from projections import runner
    from web.services import open_services

    services = open_services(sys.argv[1])
    seen = 0

    def kill_after_some(db, seq, oid, version, state):
        global seen
        seen += 1
        if seen == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)

    r = runner.ProjectionRunner(services.app.recorder, path=services.runner.path,
                                extra=[{TrackerEvent: kill_after_some}])
    r.rebuild(batch_size=50)
""")


def snapshot(db, as_of: date) -> str:
    rows = [intervention_json(iv) for iv in interventions_as_of(db, as_of, plan_id=PLAN)]
    history = [(h["seq"], h["description"]) for h in intervention_history(db, PLAN, "2.B2")]
    return json.dumps([rows, history], sort_keys=True)


def test_killed_mid_batch_resumes_to_the_same_result_as_a_rebuild(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    services = open_services(data_dir)
    services.app.import_plan(read_plan_file(DEFAULT_PLAN), at=datetime(2025, 10, 1, 9), by="beheerder")
    services.app.assign_trekker(PLAN, "2.B2", name="Fatima", email="fatima@nijmegen.nl",
                                at=datetime(2025, 11, 1, 9), by="beheerder")
    services.catch_up()
    expected = snapshot(services.db, date(2026, 4, 1))

    # Kill a process rebuilding the read model in the middle of its second batch.
    done = subprocess.run([sys.executable, "-c", KILLER, str(data_dir), "75"], cwd=Path(__file__).parents[1])
    assert done.returncode == -9
    # The read model in place was never touched: it serves as before.
    in_place = open_read_model(data_dir / "readmodel.sqlite")
    bind_events(in_place, services.app.recorder)  # its history's events are read from the store
    assert snapshot(in_place, date(2026, 4, 1)) == expected
    partial = open_read_model(data_dir / "readmodel.sqlite.rebuild")
    position = partial.execute("SELECT position FROM tracking").fetchone()[0]
    assert position == 50, "the interrupted batch left nothing behind, the one before it stayed"
    partial.close()

    # The next rebuild resumes from there and puts the result in place.
    again = open_services(data_dir)
    assert again.runner.rebuild(batch_size=50) == again.app.recorder.max_notification_id() - 50
    assert not (data_dir / "readmodel.sqlite.rebuild").exists()
    assert snapshot(again.db, date(2026, 4, 1)) == expected
