"""Renaming an event class the documented way (register_topic) keeps every read model whole."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

from projections.schema import TABLES
from tests.accounts import ensure_user
from tests.report_seed import PLAN, seed_report_scenario
from tracker.reminders import ReminderClaim

REPO = Path(__file__).resolve().parents[1]
FILLED = ("plans", "intervention_versions", "intervention_details", "milestone_versions", "history", "reminders",
          "reminder_events", "calendar_feeds", "indicator_values", "finance_figures", "meetings",
          "meeting_decisions", "published_reports", "report_texts", "report_signatures", "public_sites", "users",
          "tracking")

# In a fresh process: every event class gets a renamed subclass, registered for the old topic,
# and the read model is rebuilt from the stored events into a new file.
RENAMED_REBUILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from eventsourcing.utils import register_topic, resolve_topic

    import events.calendar, events.intervention, events.plan, events.reminders, events.users
    from events.base import TrackerEvent

    renamed = []
    for module in (events.calendar, events.intervention, events.plan, events.reminders, events.users):
        for name, cls in list(vars(module).items()):
            if isinstance(cls, type) and issubclass(cls, TrackerEvent) and cls.__module__ == module.__name__:
                new = type(name + "Hernoemd", (cls,), {"__module__": module.__name__,
                                                        "__qualname__": name + "Hernoemd"})
                setattr(module, new.__name__, new)
                register_topic(f"{module.__name__}:{name}", new)
                renamed.append(name)
    assert resolve_topic("events.intervention:NoteAdded").__name__ == "NoteAddedHernoemd"

    from events.store import sqlite_env
    from projections.runner import ProjectionRunner, open_read_model, recorder_from_env
    from tests.test_event_rename import read_model_rows

    data_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    runner = ProjectionRunner(recorder_from_env(sqlite_env(data_dir)), open_read_model(out))
    runner.rebuild()
    print(json.dumps({"renamed": renamed, "rows": read_model_rows(runner.db)}))
""")


def read_model_rows(db) -> dict[str, list[list]]:
    """Return every row of every read-model table, in the order of its key (not where it lies in the file)."""
    def key(name: str) -> str:
        pk = TABLES[name]["pk"]
        return pk if isinstance(pk, str) else ", ".join(pk)
    return {name: [list(row) for row in db.execute(f"SELECT * FROM {name} ORDER BY {key(name)}")]
            for name in TABLES}


def record_everything(services) -> None:
    """Record events of every kind a read model handles."""
    app = services.app
    seed_report_scenario(services)
    ensure_user(services, "trekker")
    app.record_review(PLAN, "3.A1", meeting_date=date(2026, 5, 11), decision="Doorgaan", actions="Bijsturen",
                      at=datetime(2026, 5, 11, 15), by="stuurgroep")
    for milestone_id, milestone in app.get_intervention(PLAN, "2.A2").milestones.items():
        if milestone.status == "open":
            app.cancel_milestone(PLAN, "2.A2", milestone_id, reason="Niet meer nodig", at=datetime(2026, 5, 30, 9),
                                 by="Fatima de Vries")
    app.close_intervention(PLAN, "2.A2", note="Alles gereed", at=datetime(2026, 6, 1, 9), by="Fatima de Vries")
    feed = app.issue_calendar_feed(scope="plan", subject=PLAN, label="Plan", at=datetime(2026, 1, 2, 9), by="beheer")
    assert feed
    services.catch_up()
    feed_id = services.db.execute("SELECT feed_id FROM calendar_feeds").fetchone()[0]
    app.revoke_calendar_feed(feed_id, reason="Nieuwe link", at=datetime(2026, 1, 3, 9), by="beheer")
    claim = ReminderClaim(key="due_soon|x", rule="due_soon", plan_id=PLAN, code="3.A1",
                          milestone_id="commissie-operationeel", due="2026-09-30", occasion="2026-09-01",
                          recipient="j.jansen@nijmegen.nl", summary="3.A1 binnenkort")
    app.claim_reminders([claim], message_id="<m1@tracker>", at=datetime(2026, 9, 1, 7), by="scheduler")
    app.record_reminders([claim.key], outcome="sent", message_id="<m1@tracker>", at=datetime(2026, 9, 1, 7, 1),
                         by="scheduler")
    key = app.open_meeting(PLAN, meeting_date=date(2026, 5, 11), attendees=["Stijn Stuur"],
                           at=datetime(2026, 5, 11, 14), by="stuurgroep")
    app.set_meeting_attendees(PLAN, key, ["Stijn Stuur", "Bea Beheer"], at=datetime(2026, 5, 11, 14, 5),
                              by="stuurgroep")
    app.decide(PLAN, key, "3.A1", decision="Doorgaan met de commissie", at=datetime(2026, 5, 11, 15), by="stuurgroep")
    app.close_meeting(PLAN, key, at=datetime(2026, 5, 11, 16), by="stuurgroep")
    app.set_public_site(PLAN, public=True, reason="Openbaar voor de raad", at=datetime(2026, 6, 1, 9), by="beheer")
    app.write_report_text(PLAN, period="2026-H1", section="inleiding", text="Een goed halfjaar.",
                          at=datetime(2026, 7, 16, 9), by="beheer")
    app.set_report_signature(PLAN, college="burgemeester en wethouders van Nijmegen",
                             signatories=[("de secretaris", "A. Jansen"), ("de burgemeester", "B. de Vries")],
                             at=datetime(2026, 7, 16, 9), by="beheer")
    services.catch_up()
    app.publish_report(PLAN, period="2026-H1", as_of=date(2026, 7, 15), position=services.runner.position,
                       at=datetime(2026, 7, 20, 9), by="beheer")
    services.catch_up()


def test_renamed_event_classes_rebuild_the_same_read_model(services, data_dir: Path, tmp_path: Path) -> None:
    record_everything(services)
    original = json.loads(json.dumps(read_model_rows(services.db)))
    # Every table this scenario fills is filled (a table added later is compared all the same).
    assert [name for name in FILLED if not original[name]] == []

    done = subprocess.run([sys.executable, "-c", RENAMED_REBUILD, str(data_dir), str(tmp_path / "rm.sqlite")],
                          cwd=REPO, capture_output=True, text=True, check=True)
    rebuilt = json.loads(done.stdout)
    assert "NoteAdded" in rebuilt["renamed"] and "UserRegistered" in rebuilt["renamed"]
    for name in TABLES:
        assert rebuilt["rows"][name] == original[name], name


def test_an_event_stored_by_an_older_class_version_reaches_the_read_model_upcast(default_services, data_dir):
    app = default_services.app
    app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="33000000",
                       at=datetime(2026, 4, 1, 9), by="P&C")
    # Make the stored event look as the first version of its class stored it: no period, no version.
    with sqlite3.connect(data_dir / "events.sqlite") as conn:
        rowid, state = conn.execute("SELECT rowid, state FROM stored_events WHERE topic LIKE '%:FinanceFigureRecorded'"
                                    ).fetchone()
        state = json.loads(state)
        for name in ("period", "period_end", "check", "confirmed", "class_version"):
            state.pop(name)
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", [json.dumps(state).encode(), rowid])
    default_services.runner.rebuild()
    row = default_services.db.execute("SELECT year, period, period_end, check_text FROM finance_figures").fetchone()
    assert row == (2025, "2025", "2025-12-31", "")
