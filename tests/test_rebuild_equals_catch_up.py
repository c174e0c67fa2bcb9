"""A rebuild writes exactly the rows that catching up event by event writes, for every kind of event."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from eventsourcing.utils import resolve_topic

from projections.dispatch import subscribed
from projections.runner import ProjectionRunner, open_read_model
from projections.schema import TABLES
from tests.accounts import ensure_user
from tests.helpers import DEFAULT_PLAN, import_text, replace_once
from tests.report_seed import PLAN
from tests.test_event_rename import FILLED, read_model_rows, record_everything
from tests.test_normering import NORMS, SPENDING, rows

# Runs on the SQLite and on the PostgreSQL event store (each read directly, not through the library).
pytestmark = pytest.mark.both_stores

# Handled events this scenario does not make (each has its own tests).
NOT_MADE = {"ReminderReclaimed", "ReminderFailed", "ReminderInDoubt", "ReminderResolved", "FinanceFigureConfirmed",
            "AnalysisTalkHeld"}


def record_more(services) -> None:
    """Add what record_everything leaves out: normering, accounts' lives, changes dated in the past."""
    app = services.app
    app.record_norms(PLAN, rows(NORMS), source="normen.csv", at=datetime(2026, 1, 5, 9), by="P&C")
    app.record_spending(PLAN, rows(SPENDING), source="besteding.csv", at=datetime(2026, 7, 5, 9), by="P&C")
    app.plan_analysis_talk(PLAN, aanbieder="Zorgaanbieder Noord", zorgsoort="Jeugd-begeleiding", jaar=2026,
                           due="Q3 2026", owner="P&C", at=datetime(2026, 7, 6, 9), by="P&C")
    email = ensure_user(services, "lezer")
    app.set_role(email, "stuurgroep", at=datetime(2026, 7, 7, 9), by="beheer")
    app.set_password(email, "een-heel-lang-nieuw-wachtwoord", at=datetime(2026, 7, 7, 10), by="beheer")
    app.sign_out(email, at=datetime(2026, 7, 7, 11), by=email)
    app.deactivate_user(email, at=datetime(2026, 7, 8, 9), by="beheer")
    app.confirm_up_to_date(PLAN, "3.A1", at=datetime(2026, 7, 9, 9), by="Jan Jansen")
    app.unlink_contribution(PLAN, "3.A1", target_plan="regioprogramma-jeugd-rijk-van-nijmegen-2023-2028",
                            target_code="1.2b", why="Loopt via de regio", at=datetime(2026, 7, 9, 10), by="beheer")
    # The plan's own milestones: done, moved, dropped (a new plan version relabels one below).
    app.complete_plan_milestone(PLAN, "plan-oco", realised=date(2026, 3, 20), at=datetime(2026, 7, 9, 11), by="beheer")
    app.reschedule_plan_milestone(PLAN, "actualisatie-agenda", due="Q1 2027", reason="Na de verkiezingen",
                                  at=datetime(2026, 7, 9, 12), by="beheer")
    app.cancel_plan_milestone(PLAN, "cpv-verbreding", reason="Niet meer nodig", at=datetime(2026, 7, 9, 13),
                              by="beheer")
    # Recorded late, dated back: the rows after it in valid time are written again.
    ms = next(m for m, v in app.get_intervention(PLAN, "2.A3").milestones.items() if v.status == "open")
    app.complete_milestone(PLAN, "2.A3", ms, realised=date(2026, 1, 10), at=datetime(2026, 7, 10, 9), by="Piet Bakker")
    app.set_stoplicht(PLAN, "2.A3", colour="rood", oorzaak="Later gemeld", gevolg="Vertraging", bijsturing="Overleg",
                      at=datetime(2026, 7, 10, 10), by="Piet Bakker")
    app.add_note(PLAN, "2.A3", text="Nagekomen: wat speelde in het voorjaar", at=datetime(2026, 7, 10, 11),
                 by="Piet Bakker")
    # A third version of the plan: 3.C2 back (4.3 gone again), a title and a milestone's label changed.
    text = replace_once(DEFAULT_PLAN.read_text(encoding="utf-8"),
                        "title: Versterken collectief aanbod jeugd in de sociale basis",
                        "title: Versterken van het collectief aanbod jeugd in de sociale basis")
    text = replace_once(text, "label: Collectief aanbod op veelvoorkomende jeugdhulpvragen inzichtelijk",
                        "label: Collectief aanbod op veelvoorkomende jeugdhulpvragen in beeld")
    text = replace_once(text, "label: Externe evaluatie van specifieke onderdelen en/of instrumentarium opgeleverd",
                        "label: Externe evaluatie van onderdelen en/of instrumentarium opgeleverd")
    import_text(services, text, "nijmegen-uitvoeringsagenda-2025-sep2026.yaml", datetime(2026, 9, 1, 9))


def stored_classes(recorder) -> set[str]:
    notifications = recorder.select_notifications(start=1, limit=recorder.max_notification_id())
    return {resolve_topic(n.topic).__name__ for n in notifications}


def test_a_rebuild_writes_the_rows_of_catching_up_one_event_at_a_time(services, tmp_path: Path):
    record_everything(services)
    record_more(services)
    handled = {cls.__name__ for cls in subscribed(services.runner.routes.tables)}
    assert handled - stored_classes(services.app.recorder) <= NOT_MADE

    one_by_one = ProjectionRunner(services.app.recorder, open_read_model(tmp_path / "een-voor-een.sqlite"),
                                  batch_size=1)
    one_by_one.catch_up()
    incremental = read_model_rows(one_by_one.db)
    filled = (*FILLED, "change_log", "norms", "spending", "analysis_talks")
    assert [name for name in filled if not incremental[name]] == []
    # One batch, and batches of 7 (each its own transaction, the rows cached across them).
    for batch_size in (100_000, 7):
        assert services.runner.rebuild(batch_size) == services.app.recorder.max_notification_id()
        rebuilt = read_model_rows(services.runner.db)
        for name in TABLES:
            assert rebuilt[name] == incremental[name], (batch_size, name)
    # In parts, a process each (what a long log gets; forced here on a short one), merged into one file.
    services.runner.parallel_from, services.runner.parts = 0, 3
    assert services.runner.rebuild() == services.app.recorder.max_notification_id()
    assert services.runner.last_parts == 3
    rebuilt = read_model_rows(services.runner.db)
    for name in TABLES:
        assert rebuilt[name] == incremental[name], ("in parts", name)
    assert list(services.runner.path.parent.glob("*.part*")) == []


def test_catching_up_with_nothing_cached_makes_the_same_rows(services, tmp_path: Path):
    """A runner that finds an intervention not cached (another process wrote, or it just started) makes its
    changes again from the events: catching up one event at a time, forgetting everything between them,
    writes the rows a rebuild writes."""
    record_everything(services)
    record_more(services)
    forgetful = ProjectionRunner(services.app.recorder, open_read_model(tmp_path / "vergeetachtig.sqlite"),
                                 batch_size=1)
    recalled = 0
    original = forgetful.core._recall

    def counted(db, key):
        nonlocal recalled
        recalled += key[0] not in forgetful.core._recalled
        original(db, key)
    for table in forgetful.core.own:
        table.recall = counted
    while forgetful.catch_up(max_batches=1):
        forgetful.core.reset()
    assert recalled > 100  # most events found their intervention not cached
    forgotten = read_model_rows(forgetful.db)
    assert services.runner.rebuild() == services.app.recorder.max_notification_id()
    rebuilt = read_model_rows(services.runner.db)
    for name in TABLES:
        assert forgotten[name] == rebuilt[name], name
