"""Plan import: create, re-import without change, refuse invalid files, record a new version."""

from __future__ import annotations

from datetime import date

import pytest

from projections import plans as plan_queries
from projections.history import intervention_history
from projections.interventions import intervention_json, interventions_as_of
from tests.helpers import IMPORTED_AT, SMALL_PLAN, SMALL_PLAN_ID as PLAN
from tests.helpers import at, event_count, import_text, line_of, replace_once, stored_events

# Runs on the SQLite and on the PostgreSQL event store.
pytestmark = pytest.mark.both_stores

V2_AT = at(2026, 11, 2)
AFTER_V2 = date(2026, 11, 3)
BEFORE_V2 = date(2026, 11, 1)


def board(services, as_of: date, include_dropped: bool = False) -> dict[str, dict]:
    services.catch_up()
    return {iv["code"]: intervention_json(iv)
            for iv in interventions_as_of(services.db, as_of, plan_id=PLAN, include_dropped=include_dropped)}


def milestones(services, code: str, as_of: date) -> dict[str, dict]:
    return {m["id"]: m for m in board(services, as_of, include_dropped=True)[code]["milestones"]}


def history(services, code: str) -> list[dict]:
    services.catch_up()
    return intervention_history(services.db, PLAN, code)


def events_after(services, count: int) -> list[str]:
    return [type(e).__name__ for e in stored_events(services)[count:]]


# --- first import --------------------------------------------------------------------------


def test_import_creates_the_plan_its_interventions_and_milestones(services, small_plan_file):
    from tracker.planfile import read_plan_file

    result = services.app.import_plan(read_plan_file(small_plan_file), at=IMPORTED_AT, by="beheer")
    assert (result.plan_id, result.outcome) == (PLAN, "created")
    assert result.events == event_count(services) == 12
    services.catch_up()

    [plan] = plan_queries.all_plans(services.db)
    assert (plan["plan_id"], plan["title"], plan["organisation"]) == (
        PLAN, "Testagenda Jeugd en Wmo", "Gemeente Teststad")
    assert (plan["period_start"], plan["period_end"], plan["versions"]) == (2025, 2027, 1)
    assert plan["facts"]["interventions"] == ["1.A1", "1.A2", "2.1"]

    shown = board(services, date(2025, 10, 2))
    assert list(shown) == ["1.A1", "1.A2", "2.1"]
    assert shown["1.A1"]["grouping"] == [{"key": "1", "title": "Jeugd"}, {"key": "1.A", "title": "Collectief aanbod"}]
    assert shown["2.1"]["domain"] == "wmo"
    ms = {m["id"]: m for m in shown["1.A1"]["milestones"]}
    assert list(ms) == ["pva", "pilot", "training", "evaluatie"]
    assert (ms["pilot"]["due"], ms["pilot"]["due_text"], ms["pilot"]["state"]) == ("2026-06-30", "Q1-Q2 2026", "gepland")
    assert (ms["training"]["state"], ms["training"]["realised"]) == ("gereed", None)
    assert (ms["evaluatie"]["due"], ms["evaluatie"]["due_text"]) == ("2027-12-31", "2027")
    assert [m["due_text"] for m in shown["1.A2"]["milestones"]] == ["maart 2026", "per 1 juli 2026"]

    assert [h["event"] for h in history(services, "1.A1")] == [
        "InterventionAdded", "MilestonePlanned", "MilestonePlanned", "MilestonePlanned",
        "MilestoneCompleted", "MilestonePlanned"]
    assert {h["by"] for h in history(services, "1.A1")} == {"beheer"}


def test_nothing_exists_before_the_moment_of_import(small_services):
    assert board(small_services, date(2025, 9, 30)) == {}


def test_importing_the_same_file_twice_changes_nothing(small_services, small_plan_file):
    from tracker.planfile import read_plan_file

    before = event_count(small_services)
    result = small_services.app.import_plan(read_plan_file(small_plan_file), at=at(2026, 1, 5), by="beheer")
    assert (result.outcome, result.changes, result.events) == ("unchanged", [], 0)
    assert event_count(small_services) == before


def test_importing_the_same_file_twice_through_the_cli_changes_nothing(cli, services, small_plan_file):
    first = cli("import-plan", small_plan_file, "--today", "2025-10-01")
    assert first.exit_code == 0, first.output
    assert "testagenda: geïmporteerd (3 interventies, 12 gebeurtenissen)" in first.stdout
    count = event_count(services)
    second = cli("import-plan", small_plan_file, "--today", "2025-10-02")
    assert second.exit_code == 0, second.output
    assert "ongewijzigd" in second.stdout
    assert event_count(services) == count == 12


# --- invalid files import nothing ------------------------------------------------------------


def test_an_invalid_file_imports_nothing(cli, services, tmp_path):
    text = replace_once(SMALL_PLAN, "due: H2 2026", "due: Q9 2026")
    text = replace_once(text, "    domain: wmo\n", "    domain: zorg\n")
    path = tmp_path / "fout.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("import-plan", path, "--today", "2025-10-01")
    assert result.exit_code == 1
    assert f"{path}:{line_of(text, 'due: Q9 2026')}:" in result.stderr
    assert f"{path}:{line_of(text, 'domain: zorg')}:" in result.stderr
    assert "Niets geïmporteerd: 2 fout(en)." in result.stderr
    assert "Traceback" not in result.output
    assert event_count(services) == 0


def test_an_invalid_new_version_changes_nothing(cli, small_services, tmp_path):
    text = replace_once(SMALL_PLAN, "label: Start pilot", "label: Start pilot in Noord")
    text = replace_once(text, "due: Q4 2025", "due: kerst")
    path = tmp_path / "v2.yaml"
    path.write_text(text, encoding="utf-8")
    before = event_count(small_services)
    result = cli("import-plan", path, "--today", "2026-11-02")
    assert result.exit_code == 1
    assert f"{path}:{line_of(text, 'due: kerst')}:" in result.stderr
    assert event_count(small_services) == before
    assert milestones(small_services, "1.A1", AFTER_V2)["pilot"]["label"] == "Start pilot"


def test_a_plan_with_a_realised_date_after_the_import_is_refused_cleanly(cli, services, tmp_path):
    # The domain refuses a realised date in the future; the CLI must say so, not crash.
    text = replace_once(SMALL_PLAN, "        done: true\n", "        realised: 2030-01-01\n")
    path = tmp_path / "toekomst.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("import-plan", path, "--today", "2025-10-01")
    assert result.exit_code == 1
    assert "toekomst" in result.stderr
    assert event_count(services) == 0


# --- a changed version ---------------------------------------------------------------------------


def _due_changed(text):
    return replace_once(text, "due: Q4 2025", "due: Q1 2026")


def _label_changed(text):
    return replace_once(text, "label: Start pilot", "label: Start pilot in Noord")


def _milestone_added(text):
    return text + "      - id: tussenstand\n        label: Tussenstand experimenten\n        due: Q1 2027\n"


def _milestone_removed(text):
    return replace_once(text, "      - id: evaluatie\n        label: Evaluatie\n        kind: evaluation\n"
                              "        due: 2027\n", "")


def _intervention_added(text):
    return text + ('  - code: "2.2"\n    title: Digitale begeleiding\n    group: "2"\n    domain: wmo\n'
                   '    milestones:\n      - id: start\n        label: Start Gezonde Boel\n        due: Q2 2027\n')


def _intervention_dropped(text):
    start = text.index('  - code: "1.A2"')
    end = text.index('  - code: "2.1"')
    return text[:start] + text[end:]


def import_v2(services, change, name: str = "testagenda-v2.yaml"):
    return import_text(services, change(SMALL_PLAN), name, V2_AT)


def test_a_new_version_records_an_added_intervention(small_services):
    before = event_count(small_services)
    result = import_v2(small_services, _intervention_added)
    assert result.outcome == "revised"
    assert "2.2: interventie toegevoegd" in result.changes
    assert events_after(small_services, before) == ["PlanRevised", "InterventionAdded", "MilestonePlanned"]
    assert "2.2" not in board(small_services, BEFORE_V2)
    assert board(small_services, AFTER_V2)["2.2"]["milestones"][0]["due_text"] == "Q2 2027"
    assert [h["at"] for h in history(small_services, "2.2")] == [V2_AT.isoformat()] * 2


def test_a_new_version_records_a_dropped_intervention(small_services):
    result = import_v2(small_services, _intervention_dropped)
    assert "1.A2: interventie vervallen" in result.changes
    assert "1.A2" in board(small_services, BEFORE_V2)
    assert "1.A2" not in board(small_services, AFTER_V2)
    dropped = board(small_services, AFTER_V2, include_dropped=True)["1.A2"]
    assert dropped["dropped"] is True
    last = history(small_services, "1.A2")[-1]
    assert last["event"] == "InterventionDropped"
    assert "planversie 2" in last["data"]["reason"]
    # The trekker cannot update a dropped intervention.
    from tracker.errors import DomainError

    with pytest.raises(DomainError, match="vervallen"):
        small_services.app.add_note(PLAN, "1.A2", text="Nog bezig", at=at(2026, 11, 3), by="anna")


def test_a_dropped_intervention_listed_again_is_reinstated(small_services):
    import_v2(small_services, _intervention_dropped)
    result = import_text(small_services, SMALL_PLAN, "testagenda-v3.yaml", at(2026, 12, 1))
    assert "1.A2: weer opgenomen" in result.changes
    assert board(small_services, date(2026, 12, 2))["1.A2"]["dropped"] is False
    assert history(small_services, "1.A2")[-1]["event"] == "InterventionReinstated"


def test_a_new_version_records_an_added_milestone(small_services):
    result = import_v2(small_services, _milestone_added)
    assert "2.1: mijlpaal 'Tussenstand experimenten' toegevoegd (Q1 2027)" in result.changes
    assert "tussenstand" not in milestones(small_services, "2.1", BEFORE_V2)
    added = milestones(small_services, "2.1", AFTER_V2)["tussenstand"]
    assert (added["due"], added["due_text"], added["state"]) == ("2027-03-31", "Q1 2027", "gepland")
    assert history(small_services, "2.1")[-1]["event"] == "MilestonePlanned"


def test_a_changed_due_becomes_a_reschedule_naming_the_plan_version(small_services):
    before = event_count(small_services)
    result = import_v2(small_services, _due_changed)
    assert "1.A1, mijlpaal 'Plan van aanpak gereed': termijn: Q4 2025 → Q1 2026" in result.changes
    assert events_after(small_services, before) == ["PlanRevised", "MilestoneRescheduled"]
    event = stored_events(small_services)[-1]
    assert event.reason == "Gewijzigd in planversie 2"

    m = small_services.app.get_intervention(PLAN, "1.A1").milestones["pva"]
    assert m.due.text == "Q1 2026"
    assert [(due.text, reason) for due, reason in m.earlier_dues] == [("Q4 2025", event.reason)]

    after = milestones(small_services, "1.A1", AFTER_V2)["pva"]
    assert (after["due"], after["due_text"], after["planned_due_text"]) == ("2026-03-31", "Q1 2026", "Q4 2025")
    assert [(e["due_text"], e["reason"]) for e in after["earlier_dues"]] == [("Q4 2025", event.reason)]
    assert milestones(small_services, "1.A1", BEFORE_V2)["pva"]["due_text"] == "Q4 2025"
    last = history(small_services, "1.A1")[-1]
    assert last["event"] == "MilestoneRescheduled"
    assert "verschoven van Q4 2025 naar Q1 2026" in last["description"]


def test_a_changed_label_with_the_same_id_is_a_relabel(small_services):
    before = event_count(small_services)
    import_v2(small_services, _label_changed)
    assert events_after(small_services, before) == ["PlanRevised", "MilestoneRelabelled"]
    ms = milestones(small_services, "1.A1", AFTER_V2)
    assert ms["pilot"]["label"] == "Start pilot in Noord"
    assert ms["pilot"]["due_text"] == "Q1-Q2 2026"
    assert milestones(small_services, "1.A1", BEFORE_V2)["pilot"]["label"] == "Start pilot"
    last = history(small_services, "1.A1")[-1]
    assert last["event"] == "MilestoneRelabelled"
    assert "'Start pilot' heet nu 'Start pilot in Noord'" in last["description"]
    assert "planversie 2" in last["description"]


def test_the_import_summary_names_the_old_and_the_new_label(small_services):
    result = import_v2(small_services, _label_changed)
    assert "1.A1, mijlpaal 'Start pilot': omschrijving: 'Start pilot' → 'Start pilot in Noord'" in result.changes


def test_a_removed_milestone_is_cancelled_with_a_reason(small_services):
    result = import_v2(small_services, _milestone_removed)
    assert "1.A1, mijlpaal 'Evaluatie': vervallen (niet meer in de planversie)" in result.changes
    removed = milestones(small_services, "1.A1", AFTER_V2)["evaluatie"]
    assert removed["state"] == "vervallen"
    assert "planversie 2" in removed["reason"]
    assert milestones(small_services, "1.A1", BEFORE_V2)["evaluatie"]["state"] == "gepland"


def test_the_history_shows_every_difference_of_a_new_version(small_services):
    def everything(text):
        for change in (_due_changed, _label_changed, _milestone_added, _milestone_removed,
                       _intervention_added, _intervention_dropped):
            text = change(text)
        return text

    result = import_v2(small_services, everything)
    # The six differences; the plan's own facts (title, finance, ...) did not change.
    assert len(result.changes) == 6
    assert not [c for c in result.changes if c.startswith("plan:")]
    rows = [h for code in ("1.A1", "1.A2", "2.1", "2.2") for h in history(small_services, code)
            if h["at"] == V2_AT.isoformat()]
    assert sorted((h["code"], h["event"]) for h in rows) == sorted([
        ("1.A1", "MilestoneRescheduled"), ("1.A1", "MilestoneRelabelled"), ("1.A1", "MilestoneCancelled"),
        ("2.1", "MilestonePlanned"), ("2.2", "InterventionAdded"), ("2.2", "MilestonePlanned"),
        ("1.A2", "InterventionDropped")])
    [plan] = plan_queries.all_plans(small_services.db)
    assert plan["versions"] == 2
    assert plan["facts"]["interventions"] == ["1.A1", "2.1", "2.2"]


def test_a_new_version_with_changed_plan_facts_updates_the_plan(small_services):
    result = import_v2(small_services, lambda t: replace_once(t, "amount: 1000000", "amount: 1500000"))
    assert result.changes == ["plan: financiën › taakstelling: 'jeugd 1.000.000 vanaf 2025' → "
                              "'jeugd 1.500.000 vanaf 2025'"]
    plan = plan_queries.plan(small_services.db, PLAN)
    assert plan["facts"]["finance"]["targets"][0]["amount"] == 1500000
    assert plan["versions"] == 2


def test_a_done_line_in_a_new_version_completes_the_milestone(small_services):
    import_v2(small_services, lambda t: replace_once(
        t, "        due: per 1 juli 2026\n", "        due: per 1 juli 2026\n        realised: 2026-06-20\n"))
    besluit = milestones(small_services, "1.A2", AFTER_V2)["besluit"]
    assert (besluit["state"], besluit["realised"]) == ("gereed", "2026-06-20")


def test_updates_by_trekkers_survive_a_new_version(small_services):
    app = small_services.app
    app.complete_milestone(PLAN, "1.A1", "pva", realised=date(2025, 12, 1), at=at(2025, 12, 2), by="anna")
    app.add_note(PLAN, "1.A1", text="Plan vastgesteld", at=at(2025, 12, 2), by="anna")
    import_v2(small_services, _due_changed)
    pva = milestones(small_services, "1.A1", AFTER_V2)["pva"]
    # A done milestone is not moved by the plan: its realised date and due stay.
    assert (pva["state"], pva["realised"], pva["due_text"]) == ("gereed", "2025-12-01", "Q4 2025")


def test_a_milestone_added_by_a_trekker_survives_importing_the_same_file(small_services, small_plan_file):
    from tracker.planfile import read_plan_file

    small_services.app.plan_milestone(PLAN, "2.1", label="Eigen tussenstap", due="Q3 2026",
                                      at=at(2026, 1, 5), by="anna")
    before = event_count(small_services)
    result = small_services.app.import_plan(read_plan_file(small_plan_file), at=at(2026, 2, 1), by="beheer")
    assert result.outcome == "unchanged", result.changes
    assert event_count(small_services) == before
    assert milestones(small_services, "2.1", date(2026, 2, 2))["eigen-tussenstap"]["state"] != "vervallen"


def test_a_reschedule_by_a_trekker_survives_importing_the_same_file(small_services, small_plan_file):
    from tracker.planfile import read_plan_file

    small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Aanbieder later",
                                            at=at(2026, 1, 5), by="anna")
    before = event_count(small_services)
    result = small_services.app.import_plan(read_plan_file(small_plan_file), at=at(2026, 2, 1), by="beheer")
    assert result.outcome == "unchanged", result.changes
    assert event_count(small_services) == before
    assert milestones(small_services, "1.A1", date(2026, 2, 2))["pilot"]["due_text"] == "Q3 2026"


def test_a_reschedule_by_a_trekker_survives_a_version_that_changes_something_else(small_services):
    small_services.app.reschedule_milestone(PLAN, "1.A1", "pilot", due="Q3 2026", reason="Aanbieder later",
                                            at=at(2026, 1, 5), by="anna")
    result = import_v2(small_services, _milestone_added)  # the new version only adds a milestone to 2.1
    assert not [line for line in result.changes if line.startswith("1.A1")], result.changes
    assert milestones(small_services, "1.A1", AFTER_V2)["pilot"]["due_text"] == "Q3 2026"
