"""What the council report and the quarter view say must be true of the period they name.

A half year the plan came into force in, a change recorded after the day it was decided, a
milestone done ahead of its term, a half year not over yet, a peildatum before the plan held,
the last day of a year: each read as a councillor would, against what was recorded.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from events.periods import Quarter
from projections.quarters import quarter_status
from projections.report import ReportError, report_data
from web.reports import ReportMeta, render_report

PLAN = "nijmegen-uitvoeringsagenda-2025"  # adopted 1 September 2025, loaded 1 October 2025


def render_report_text(data, fmt):
    return render_report(data, ReportMeta(), fmt).decode("utf-8")


def _iv(data, code):
    def walk(section):
        for iv in section["interventions"]:
            if iv["code"] == code:
                return iv
        for child in section["groups"]:
            found = walk(child)
            if found:
                return found
        return None
    return next(found for s in data["sections"] if (found := walk(s)))


@pytest.mark.parametrize("decided", [date(2025, 9, 20), date(2025, 9, 1)])  # later, and on the plan's first day
def test_a_milestone_moved_out_of_the_period_the_plan_came_into_force_in_counts_as_moved(default_services, decided):
    # Due in Q3 2025, the quarter of the adoption; decided then to move it (recorded later).
    default_services.app.reschedule_milestone(PLAN, "3.C3", "sd-onderzoeksvoorstel", due="Q1 2026",
                                              reason="Wacht op de regio", valid_on=decided,
                                              at=datetime(2025, 10, 5, 9), by="beheerder")
    default_services.catch_up()
    report = report_data(default_services.db, PLAN, "2025-H2", date(2025, 12, 31))
    item = next(m for m in _iv(report, "3.C3")["due_in_period"] if m["id"] == "sd-onderzoeksvoorstel")
    assert item["category"] == "verschoven"
    assert report["kernboodschap"]["counts"]["verschoven"] == 1
    q3 = quarter_status(default_services.db, PLAN, Quarter(2025, 3), date(2026, 1, 15))
    assert q3["totals"]["verschoven"] == 1
    moved = [m for r in q3["rows"] for m in r["milestones"] if m["category"] == "verschoven"]
    assert [(m["code"], m["milestone_id"]) for m in moved] == [("3.C3", "sd-onderzoeksvoorstel")]


def test_a_change_recorded_after_it_was_decided_is_dated_by_the_day_it_was_decided(default_services):
    app = default_services.app
    app.reschedule_milestone(PLAN, "3.B2", "start-training-kinop-apm", due="Q4 2026", reason="Trainers later",
                             valid_on=date(2025, 11, 15), at=datetime(2026, 5, 2, 9), by="beheerder")
    default_services.catch_up()
    report = report_data(default_services.db, PLAN, "2025-H2", date(2025, 12, 31))
    moved = _iv(report, "3.B2")["rescheduled"]
    assert [(m["at"], m["recorded"]) for m in moved] == [("2025-11-15", "2026-05-02")]
    change = next(m for m in report["changes"]["milestones"] if m["code"] == "3.B2")
    assert (change["at"], change["recorded"]) == ("2025-11-15", "2026-05-02")
    text = render_report_text(report, "md")
    assert "op 15 november 2025 (vastgelegd op 2 mei 2026)" in text
    assert "op 2 mei 2026." not in text
    assert report["changes"]["recorded_late"] == []  # it belongs to this half year
    # The next half year's report tells it too: the one of 2025-H2 may have gone out before it was recorded.
    h1 = report_data(default_services.db, PLAN, "2026-H1", date(2026, 6, 30))
    late = h1["changes"]["recorded_late"]
    assert [(m["code"], m["kind"], m["at"], m["recorded"]) for m in late] == [
        ("3.B2", "verschoven", "2025-11-15", "2026-05-02")]
    assert not any(m["code"] == "3.B2" for m in h1["changes"]["milestones"])
    h1_text = render_report_text(h1, "md")
    assert "Later vastgelegde wijzigingen" in h1_text and "| 15 november 2025 | 2 mei 2026 |" in h1_text


def test_a_milestone_done_ahead_of_its_term_is_told_in_both_half_years(default_services):
    app = default_services.app
    app.complete_milestone(PLAN, "2.A1", "aanbod-inzichtelijk", realised=date(2025, 12, 5), note="",
                           at=datetime(2025, 12, 6, 9), by="beheerder")  # due Q2 2026
    default_services.catch_up()
    h2 = report_data(default_services.db, PLAN, "2025-H2", date(2025, 12, 31))
    assert [m["ahead"] for m in _iv(h2, "2.A1")["realised"]] == [True]
    assert not any(m["id"] == "aanbod-inzichtelijk" for m in _iv(h2, "2.A1")["due_in_period"])
    assert "eerder dan gepland (telt mee in de periode van de termijn)" in render_report_text(h2, "md")
    h1 = report_data(default_services.db, PLAN, "2026-H1", date(2026, 6, 30))
    iv = _iv(h1, "2.A1")
    assert [m["category"] for m in iv["due_in_period"] if m["id"] == "aanbod-inzichtelijk"] == ["op_tijd"]
    assert [m["realised"] for m in iv["done_before"]] == ["2025-12-05"]
    assert "al gereed op 5 december 2025, vóór deze periode" in render_report_text(h1, "md")


def test_the_public_edition_withholds_the_note_of_a_milestone_done_ahead_too(default_services):
    from projections.public_report import public_edition

    default_services.app.complete_milestone(PLAN, "2.A1", "aanbod-inzichtelijk", realised=date(2025, 12, 5),
                                            note="Overleg met wethouder X over de aanbieders",
                                            at=datetime(2025, 12, 6, 9), by="beheerder")
    default_services.catch_up()
    h1 = report_data(default_services.db, PLAN, "2026-H1", date(2026, 6, 30))
    assert [m["note"] for m in _iv(h1, "2.A1")["done_before"]] == ["Overleg met wethouder X over de aanbieders"]
    public = public_edition(h1, set())
    assert [m["note"] for m in _iv(public, "2.A1")["done_before"]] == [""]
    assert "wethouder X" not in render_report_text(public, "md")


def test_a_half_year_not_over_on_the_peildatum_is_told_as_a_stand_so_far(default_services):
    db = default_services.db
    running = report_data(db, PLAN, "2026-H1", date(2026, 5, 15))
    assert running["period"]["running"] is True
    said = " ".join(running["kernboodschap"]["paragraphs"])
    assert "loopt nog tot en met 30 juni 2026" in said and "geen eindstand" in said
    assert "staan" in said and "stonden" not in said
    text = render_report_text(running, "md")
    assert "lopend halfjaar, stand per 15 mei 2026" in text
    ended = report_data(db, PLAN, "2026-H1", date(2026, 6, 30))
    assert ended["period"]["running"] is False
    assert "loopt nog" not in " ".join(ended["kernboodschap"]["paragraphs"])
    assert "lopend halfjaar" not in render_report_text(ended, "md")


def test_a_report_on_a_peildatum_before_the_plan_held_is_refused(default_services):
    with pytest.raises(ReportError, match="gold het plan nog niet: het geldt vanaf 1 september 2025"):
        report_data(default_services.db, PLAN, "2025-H2", date(2025, 8, 15))
    assert report_data(default_services.db, PLAN, "2025-H2", date(2025, 9, 1))["kernboodschap"]["interventions"] > 0


def test_a_whole_year_is_judged_on_its_last_day(default_services):
    app = default_services.app
    app.record_finance(PLAN, year=2025, domain="jeugd", kind="realisatie", amount="33000000", note="",
                       at=datetime(2026, 2, 1, 9), by="P&C")
    default_services.catch_up()
    rows = {y["year"]: y["rows"] for y in report_data(default_services.db, PLAN, "2025-H2",
                                                      date(2025, 12, 31))["finance"]["years"]}
    jeugd = next(r for r in rows[2025] if r["domain"] == "jeugd")
    assert jeugd["year_complete"] is True and jeugd["taakstelling_gehaald"] is not None


def test_a_plan_loaded_without_its_adoption_is_known_from_its_load(services):
    from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID, import_text

    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))  # no plan.adopted
    services.catch_up()
    with pytest.raises(ReportError, match="op 1 oktober 2025 geladen zonder datum van vaststelling"):
        report_data(services.db, SMALL_PLAN_ID, "2025-H2", date(2025, 9, 15))
    assert report_data(services.db, SMALL_PLAN_ID, "2025-H2", date(2025, 10, 1))["kernboodschap"]["interventions"]
