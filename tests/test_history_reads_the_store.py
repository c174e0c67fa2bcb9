"""The history keeps no copy of the events' JSON: what it words is read from the event store.

And a rebuild in parts reads from the store only each part's share of the log, every event once.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlite_utils

from projections.history import changes_between, intervention_history
from projections.log import Share, log_reader, part_of, stored_states
from projections.parallel import shares
from projections.public_site import _notes
from projections.runner import READ_MODEL_FILENAME
from tests.helpers import SMALL_PLAN_ID as PLAN
from tests.test_event_rename import record_everything

pytestmark = pytest.mark.both_stores

NOTE = "Wijkteam Lindenholt sluit aan bij het casusoverleg van maart"


def test_the_history_words_a_note_it_holds_no_copy_of(small_services, data_dir):
    app = small_services.app
    app.add_note(PLAN, "1.A1", text=NOTE, at=datetime(2026, 3, 2, 9), by="Jan Jansen")
    app.set_stoplicht(PLAN, "1.A1", colour="oranje", oorzaak="Capaciteit", gevolg="Later klaar",
                      bijsturing="Extra inzet", at=datetime(2026, 3, 3, 9), by="Jan Jansen")
    small_services.catch_up()
    db = small_services.db

    assert "state" not in db["history"].columns_dict
    history = intervention_history(db, PLAN, "1.A1")
    assert history[-2]["data"]["text"] == NOTE
    assert history[-2]["description"] == f"Voortgangsnotitie: {NOTE}"
    assert history[-1]["data"]["colour"] == "oranje" and history[-1]["data"]["oorzaak"] == "Capaciteit"
    changes = changes_between(db, PLAN, datetime(2026, 3, 1).date(), datetime(2026, 3, 31).date())
    assert [c["event"] for c in changes] == ["NoteAdded", "StoplichtSet"]
    assert _notes(db, PLAN, datetime(2026, 3, 31).date())["1.A1"] == [{"at": "2026-03-02", "text": NOTE}]

    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert NOTE.encode("utf-8") not in (data_dir / READ_MODEL_FILENAME).read_bytes()


def test_a_connection_that_does_not_know_its_event_store_says_so(small_services, tmp_path):
    copy = sqlite_utils.Database(tmp_path / "kopie.sqlite")
    small_services.db.conn.backup(copy.conn)
    with pytest.raises(LookupError, match="bind_events"):
        intervention_history(copy, PLAN, "1.A1")
    with pytest.raises(LookupError, match="no events"):
        stored_states(small_services.db, [10**9])


def test_each_part_reads_its_share_of_the_log_and_every_event_is_read_once(services):
    record_everything(services)
    recorder = services.app.recorder
    until = recorder.max_notification_id()
    everything = log_reader(recorder)(0, until, until)
    interventions = {r[0] for r in everything if services.runner.core.of_intervention(r[3])}
    assert interventions and len(interventions) < len(everything)

    read: list[int] = []
    for share in shares(recorder, until, 3):
        records = log_reader(recorder, share)(0, until, until)
        for seq, oid, _, topic, _ in records:
            assert part_of(oid, 3) == share.part or (share.part == 0 and seq not in interventions)
        read += [r[0] for r in records]
    assert sorted(read) == [r[0] for r in everything]

    # Read in small batches and up to a notification, the share is the same.
    share = shares(recorder, until, 3)[1]
    select, position, batched = log_reader(recorder, share), 0, []
    while records := select(position, 7, until - 5):
        batched += [r[0] for r in records]
        position = records[-1][0]
    in_share = [r[0] for r in everything if r[0] <= until - 5 and share.wants(r[1], r[3])]
    assert batched == in_share and batched


def test_part_zero_reads_the_whole_log_when_another_read_model_wants_intervention_events(services):
    record_everything(services)
    recorder = services.app.recorder
    until = recorder.max_notification_id()
    from events import intervention as ev

    noted = shares(recorder, until, 2, extra=[{ev.NoteAdded: lambda *args: None}])
    assert noted[0].theirs == ()
    assert len(log_reader(recorder, noted[0])(0, until, until)) == len(log_reader(recorder)(0, until, until))
    assert isinstance(noted[1], Share) and noted[1].own
