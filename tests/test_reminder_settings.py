"""One check of reminder settings: the plan file refuses what would break a run, and a run that meets
broken settings anyway skips that plan alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from events.reminder_settings import ReminderSettingsError, check_reminder_settings, plan_reminder_settings
from notifications.delivery import run_reminders
from notifications.mailer import mailer_for
from notifications.settings import ReminderSettings
from tests.helpers import SMALL_PLAN, replace_once
from tests.mail_helpers import (  # noqa: F401 (smtp_server is a fixture)
    ANNA,
    BERT,
    STUURGROEP,
    fixed,
    mail_settings,
    smtp_server,
    trekker_scenario,
)
from tracker.errors import PlanFileError
from tracker.planfile import parse_plan

CARLA = "carla@teststad.nl"
MONDAY = datetime(2026, 3, 2, 7, 30)


def _with(section: str, setting: str) -> str:
    """Return the small plan with one reminder setting under plan.reminders or plan.extra.reminders."""
    if section == "reminders":
        return replace_once(SMALL_PLAN, "  extra:\n    vastgesteld_door",
                            f"  reminders:\n    {setting}\n  extra:\n    vastgesteld_door")
    return replace_once(SMALL_PLAN, "  extra:\n    vastgesteld_door",
                        f"  extra:\n    reminders:\n      {setting}\n    vastgesteld_door")


@pytest.mark.parametrize(("section", "where"), [("reminders", "plan.reminders"),
                                                ("extra", "plan.extra.reminders")])
def test_a_plan_whose_reminders_would_divide_by_zero_is_refused_with_its_line(section, where):
    text = _with(section, "overdue_every: 0")
    line = text.splitlines().index(next(t for t in text.splitlines() if "overdue_every: 0" in t)) + 1
    with pytest.raises(PlanFileError) as caught:
        parse_plan(text, "plan.yaml")
    assert caught.value.problems == [
        f"plan.yaml:{line}: {where}: 'overdue_every' moet een geheel getal van 1 tot en met 366 zijn"]


@pytest.mark.parametrize("setting", ["quarterly_update_workdays: 1000000000", "before_due: [30, 0]",
                                     "escalate_after: true", "stuurgroep: niemand", "snooze: 3"])
def test_settings_a_run_cannot_use_are_refused_at_import(setting):
    with pytest.raises(PlanFileError):
        parse_plan(_with("reminders", setting), "plan.yaml")


def test_the_run_reads_settings_with_the_same_check():
    values, problems = check_reminder_settings({"overdue_every": 3, "before_due": [1, 7, 7]})
    assert values == {"overdue_every": 3, "before_due": [7, 1]} and problems == []
    facts = {"extra": {"reminders": {"overdue_every": 3, "escalate_after": 5}},
             "reminders": {"overdue_every": 14}}
    settings = ReminderSettings.for_plan(facts)
    assert (settings.overdue_every, settings.escalate_after) == (14, 5)
    with pytest.raises(ReminderSettingsError, match="plan.extra.reminders: 'overdue_every'"):
        plan_reminder_settings({"extra": {"reminders": {"overdue_every": 0}}})


def test_one_plans_broken_settings_do_not_stop_the_reminders_of_another(services, smtp_server):
    trekker_scenario(services)  # testagenda: Anna and Bert, each with a milestone late or due soon
    spec = parse_plan(replace_once(SMALL_PLAN, "id: testagenda", "id: kapotagenda"), "kapot.yaml")
    # Written into the store past the plan file's check, as an older version or another tool might.
    broken = replace(spec, facts={**spec.facts, "extra": {"reminders": {"overdue_every": 0}}})
    services.app.import_plan(broken, at=datetime(2025, 10, 1, 10), by="beheer")
    services.app.assign_trekker("kapotagenda", "1.A1", name="Carla de Vries", email=CARLA,
                                at=datetime(2025, 10, 2, 9), by="beheer")
    services.catch_up()
    assert services.app.get_plan("kapotagenda").facts["extra"]["reminders"] == {"overdue_every": 0}

    mail = mail_settings(services.data_dir)
    report = run_reminders(services, mailer_for(mail), mail, MONDAY.date(), fixed(MONDAY))

    assert sorted(smtp_server.recorder.to()) == [ANNA, BERT, STUURGROEP]
    assert all("kapotagenda" not in str(m["Subject"]) for m in smtp_server.messages)
    warning = next(w for w in report.warnings if "kapotagenda" in w)
    assert "worden overgeslagen" in warning and "'overdue_every'" in warning


def test_the_settings_read_without_the_rest_of_the_facts_are_the_settings_of_the_whole_facts(services):
    # The beheerder's every page asks whether escalations have an address: the settings are read
    # from reminders and extra.reminders alone (projections/plans.py), and must be the same.
    from notifications.selection import plans_without_stuurgroep, warnings
    from notifications.selection import REMINDER_FACTS
    from projections.plans import all_plans, plans_with_facts

    shapes = {
        "eigen": {"reminders": {"overdue_every": 3, "stuurgroep": "sg@teststad.nl"}},
        "extra": {"extra": {"reminders": {"escalate_after": 5}, "vastgesteld_door": "raad"}},
        "beide": {"extra": {"reminders": {"overdue_every": 3}}, "reminders": {"enabled": False}},
        "lijst": {"extra": ["geen", "mapping"]},
        "leeg": {"reminders": None, "extra": {"reminders": None}},
        "kapot": {"extra": {"reminders": {"overdue_every": 0}}},
    }
    for name, facts in shapes.items():
        spec = parse_plan(replace_once(SMALL_PLAN, "id: testagenda", f"id: plan-{name}"), "plan.yaml")
        kept = {k: v for k, v in spec.facts.items() if k not in ("reminders", "extra")}
        # Written past the plan file's check (kapot), as an older version or another tool might.
        services.app.import_plan(replace(spec, facts={**kept, **facts}), at=datetime(2025, 10, 1, 10), by="beheer")
    services.catch_up()
    mail = mail_settings(services.data_dir)
    whole = {p["plan_id"]: p["facts"] for p in all_plans(services.db)}
    lean = {p["plan_id"]: p["facts"] for p in plans_with_facts(services.db, *REMINDER_FACTS)}
    assert lean.keys() == whole.keys()
    for plan_id, facts in whole.items():
        try:
            expected = ReminderSettings.for_plan(facts)
        except ReminderSettingsError as exc:
            with pytest.raises(ReminderSettingsError, match=str(exc).split(":")[0]):
                ReminderSettings.for_plan(lean[plan_id])
        else:
            assert ReminderSettings.for_plan(lean[plan_id]) == expected, plan_id
    assert "plan-kapot" in " ".join(warnings(services.db, mail))
    assert "plan-beide" not in plans_without_stuurgroep(services.db, replace(mail, stuurgroep_email=""))
    assert "plan-eigen" not in plans_without_stuurgroep(services.db, replace(mail, stuurgroep_email=""))
    assert "plan-extra" in plans_without_stuurgroep(services.db, replace(mail, stuurgroep_email=""))
