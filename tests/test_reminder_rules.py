"""Every reminder rule on fixed dates: pure functions of read-model rows, today and plan settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from events.periods import Quarter
from notifications.digest import compose_all, intervention_url
from notifications.rules import digest_week, quarterly_update_day, reminders_for_plan
from notifications.selection import reminders_due
from notifications.settings import MailSettings, ReminderSettings
from notifications.workdays import easter, is_workday, workdays_before
from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID, import_text, replace_once
from tests.mail_helpers import ANNA, BERT, STUURGROEP, body, opdracht_id, trekker_scenario

SETTINGS = ReminderSettings(stuurgroep=STUURGROEP)


def milestone(mid: str, due: str, status: str = "open", due_text: str = "", label: str = "") -> dict:
    return {"milestone_id": mid, "label": label or mid, "due": due, "due_text": due_text or due,
            "status": status, "reschedule_count": 0}


def intervention(code: str, *milestones: dict, email: str | None = ANNA, closed: int = 0, dropped: int = 0) -> dict:
    return {"plan_id": "p", "code": code, "title": f"Interventie {code}", "trekker_email": email,
            "trekker_name": "Anna Smit" if email else None, "closed": closed, "dropped": dropped,
            "milestones": list(milestones)}


def fired(today: date, *ivs: dict, settings: ReminderSettings = SETTINGS, rules=None) -> list[tuple]:
    items = reminders_for_plan("p", list(ivs), [], today, replace(settings, weekly_digest=False,
                                                                      quarterly_update_workdays=0))
    return sorted((i.rule, i.recipient, i.occasion.isoformat(), i.days) for i in items
                  if rules is None or i.rule in rules)


# One milestone due Tuesday 31 March 2026, its trekker Anna.
DUE = intervention("1", milestone("m", "2026-03-31", due_text="maart 2026"))


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-02-28", []),                                                     # 31 days before: nothing yet
    ("2026-03-01", [("due_soon", ANNA, "2026-03-01", 30)]),                 # 30 days before
    ("2026-03-23", [("due_soon", ANNA, "2026-03-01", 8)]),                  # still the 30-day reminder
    ("2026-03-24", [("due_soon", ANNA, "2026-03-24", 7)]),                  # 7 days before
    ("2026-03-30", [("due_soon", ANNA, "2026-03-30", 1)]),                  # 1 day before
    ("2026-03-31", [("due_soon", ANNA, "2026-03-30", 0)]),                  # due today: still that one
    ("2026-04-01", [("overdue", ANNA, "2026-04-01", -1)]),                  # the day after it passed
    ("2026-04-07", [("overdue", ANNA, "2026-04-01", -7)]),
    ("2026-04-08", [("overdue", ANNA, "2026-04-08", -8)]),                  # then weekly
    ("2026-04-13", [("overdue", ANNA, "2026-04-08", -13)]),
    ("2026-04-14", [("escalation_overdue", STUURGROEP, "2026-04-14", -14),  # 14 days late: escalate
                    ("overdue", ANNA, "2026-04-08", -14)]),
    ("2026-04-15", [("escalation_overdue", STUURGROEP, "2026-04-14", -15),
                    ("overdue", ANNA, "2026-04-15", -15)]),
])
def test_trekker_reminders_and_escalation_on_fixed_dates(today: str, expected: list[tuple]) -> None:
    assert fired(date.fromisoformat(today), DUE) == expected


def test_an_occasion_keeps_its_identity_until_the_next_one_comes() -> None:
    keys = {}
    for day in ("2026-03-01", "2026-03-15", "2026-03-23", "2026-03-24", "2026-03-29"):
        items = reminders_for_plan("p", [DUE], [], date.fromisoformat(day), SETTINGS)
        keys[day] = {i.key for i in items if i.rule == "due_soon"}
    assert keys["2026-03-01"] == keys["2026-03-15"] == keys["2026-03-23"]
    assert keys["2026-03-24"] == keys["2026-03-29"] != keys["2026-03-01"]
    (key,) = keys["2026-03-01"]
    assert key == f"due_soon|p|1|m|2026-03-31|2026-03-01|{ANNA}"


def test_after_downtime_only_the_latest_missed_reminder_is_due() -> None:
    # The 30- and 7-day reminders both came while nobody ran: the 7-day one goes out, late.
    assert fired(date(2026, 3, 26), DUE) == [("due_soon", ANNA, "2026-03-24", 5)]


def test_done_and_cancelled_milestones_have_no_reminders() -> None:
    done = intervention("1", milestone("m", "2026-03-31", status="done"))
    cancelled = intervention("2", milestone("m", "2026-03-31", status="cancelled"))
    for day in ("2026-03-01", "2026-03-30", "2026-04-01", "2026-04-20"):
        assert fired(date.fromisoformat(day), done, cancelled) == []


def test_closed_and_dropped_interventions_have_no_reminders() -> None:
    closed = intervention("1", milestone("m", "2026-03-31"), closed=1)
    dropped = intervention("2", milestone("m", "2026-03-31"), dropped=1, email=None)
    items = reminders_for_plan("p", [closed, dropped], [], date(2026, 4, 20), SETTINGS)
    assert [i.rule for i in items] == ["weekly_digest"]


def test_an_intervention_without_trekker_is_escalated_and_its_milestones_still_escalate() -> None:
    orphan = intervention("9", milestone("m", "2026-03-31"), email=None)
    items = reminders_for_plan("p", [orphan], [], date(2026, 4, 20), replace(SETTINGS, weekly_digest=False))
    assert sorted((i.rule, i.recipient) for i in items) == [
        ("escalation_no_trekker", STUURGROEP), ("escalation_overdue", STUURGROEP)]
    no_trekker = next(i for i in items if i.rule == "escalation_no_trekker")
    assert no_trekker.key == f"escalation_no_trekker|p|9||||{STUURGROEP}"  # once, whatever the day


def test_without_a_stuurgroep_address_nothing_goes_to_the_stuurgroep() -> None:
    orphan = intervention("9", milestone("m", "2026-03-31"), email=None)
    items = reminders_for_plan("p", [orphan, DUE], [], date(2026, 4, 20), ReminderSettings())
    assert [(i.rule, i.recipient, i.code) for i in items] == [("overdue", ANNA, "1")]


# --- working days and the quarterly update request -----------------------------------------

def test_easter_and_dutch_public_holidays() -> None:
    assert easter(2025) == date(2025, 4, 20) and easter(2026) == date(2026, 4, 5)
    assert not is_workday(date(2026, 4, 6))    # Tweede Paasdag
    assert not is_workday(date(2026, 4, 27))   # Koningsdag
    assert not is_workday(date(2026, 5, 14))   # Hemelvaartsdag
    assert not is_workday(date(2025, 12, 25)) and not is_workday(date(2025, 12, 26))
    assert not is_workday(date(2026, 3, 7))    # a Saturday
    assert is_workday(date(2026, 3, 17))


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 1), date(2026, 3, 17)),     # Q1 2026 ends Tuesday 31 March
    (date(2026, 5, 1), date(2026, 6, 16)),     # Q2 2026 ends Tuesday 30 June
    (date(2026, 9, 30), date(2026, 9, 16)),    # Q3 2026 ends Wednesday 30 September
    (date(2025, 10, 1), date(2025, 12, 15)),   # Q4 2025: Christmas days are no working days
])
def test_the_quarterly_request_goes_ten_working_days_before_the_quarter_ends(day: date, expected: date) -> None:
    assert quarterly_update_day(day, 10) == expected
    assert workdays_before(Quarter.of(day).end, 10) == expected


@pytest.mark.parametrize(("today", "count"), [
    ("2026-03-16", 0), ("2026-03-17", 2), ("2026-03-31", 2), ("2026-04-01", 0)])
def test_quarterly_update_request_to_every_trekker(today: str, count: int) -> None:
    ivs = [intervention("1", email=ANNA), intervention("2", email=BERT), intervention("3", email=None)]
    items = [i for i in reminders_for_plan("p", ivs, [], date.fromisoformat(today), SETTINGS)
             if i.rule == "quarterly_update"]
    assert len(items) == count
    assert {i.recipient for i in items} <= {ANNA, BERT}
    assert all(i.period == "2026-Q1" and i.occasion == date(2026, 3, 17) for i in items)


# --- through the read model: complete, reschedule, cancel -----------------------------------

def due_items(services, today: date, rules=("due_soon", "overdue", "escalation_overdue")) -> list[tuple]:
    mail = MailSettings(data_dir=services.data_dir, stuurgroep_email=STUURGROEP)
    return sorted((i.rule, i.code, i.milestone_id, i.due.isoformat(), i.occasion.isoformat())
                  for i in reminders_due(services.db, today, mail) if i.rule in rules)


def test_reminders_from_the_read_model(services) -> None:
    trekker_scenario(services)
    oid = opdracht_id(services)
    assert due_items(services, date(2026, 3, 1)) == [
        ("due_soon", "1.A2", oid, "2026-03-31", "2026-03-01"),
        ("escalation_overdue", "1.A1", "pva", "2025-12-31", "2026-01-14"),
        ("overdue", "1.A1", "pva", "2025-12-31", "2026-02-26"),  # 1 January + 8 weeks
    ]


def test_completing_a_milestone_stops_its_reminders(services) -> None:
    trekker_scenario(services)
    oid = opdracht_id(services)
    services.app.complete_milestone(SMALL_PLAN_ID, "1.A2", oid, realised=date(2026, 3, 10),
                                    at=datetime(2026, 3, 10, 9), by="Bert Bos")
    services.catch_up()
    assert [i for i in due_items(services, date(2026, 3, 24)) if i[1] == "1.A2"] == []
    assert [i for i in due_items(services, date(2026, 4, 20)) if i[1] == "1.A2"] == []


def test_cancelling_a_milestone_stops_its_reminders(services) -> None:
    trekker_scenario(services)
    services.app.cancel_milestone(SMALL_PLAN_ID, "1.A1", "pva", reason="Niet meer nodig",
                                  at=datetime(2026, 1, 5, 9), by="Anna Smit")
    services.catch_up()
    assert [i for i in due_items(services, date(2026, 3, 1)) if i[1] == "1.A1"] == []


def test_rescheduling_moves_the_reminders_to_the_new_date(services) -> None:
    trekker_scenario(services)
    services.app.reschedule_milestone(SMALL_PLAN_ID, "1.A1", "pva", due="Q2 2026", reason="Wacht op college",
                                      at=datetime(2026, 1, 5, 9), by="Anna Smit")
    services.catch_up()
    assert [i for i in due_items(services, date(2026, 3, 1)) if i[1] == "1.A1"] == []
    assert [i for i in due_items(services, date(2026, 5, 31)) if i[2] == "pva"] == [
        ("due_soon", "1.A1", "pva", "2026-06-30", "2026-05-31")]
    assert [i for i in due_items(services, date(2026, 7, 14)) if i[2] == "pva"] == [
        ("escalation_overdue", "1.A1", "pva", "2026-06-30", "2026-07-14"),
        ("overdue", "1.A1", "pva", "2026-06-30", "2026-07-08")]


# --- the stuurgroep's weekly digest ---------------------------------------------------------

def test_weekly_digest_on_monday(services) -> None:
    trekker_scenario(services)
    app = services.app
    app.plan_milestone(SMALL_PLAN_ID, "1.A1", label="Werkgroep ingericht", due="2026-02-27",
                       at=datetime(2025, 11, 1, 9), by="Anna Smit")
    app.plan_milestone(SMALL_PLAN_ID, "2.1", label="Locaties gekozen", due="2026-03-20",
                       at=datetime(2025, 11, 1, 9), by="beheer")
    app.complete_milestone(SMALL_PLAN_ID, "1.A1", "pva", realised=date(2026, 2, 20),
                           at=datetime(2026, 2, 25, 10), by="Anna Smit")
    app.reschedule_milestone(SMALL_PLAN_ID, "1.A2", opdracht_id(services), due="Q2 2026",
                             reason="Subsidiebesluit later", at=datetime(2026, 2, 26, 10), by="Bert Bos")
    app.add_note(SMALL_PLAN_ID, "1.A2", text="Gesprek gepland", at=datetime(2026, 2, 26, 11), by="Bert Bos")
    # Recorded before the digest's week began: not in it.
    app.reschedule_milestone(SMALL_PLAN_ID, "1.A1", "pilot", due="Q3 2026", reason="Later",
                             at=datetime(2026, 2, 20, 10), by="Anna Smit")
    services.catch_up()
    mail = MailSettings(data_dir=services.data_dir, stuurgroep_email=STUURGROEP)

    (digest,) = [i for i in reminders_due(services.db, date(2026, 3, 2), mail) if i.rule == "weekly_digest"]
    assert digest_week(date(2026, 3, 2)) == (date(2026, 3, 2), date(2026, 2, 23), date(2026, 3, 1))
    s = digest.sections
    assert [r["label"] for r in s["turned_late"]] == ["Werkgroep ingericht"]
    assert [(r["code"], r["label"]) for r in s["completed"]] == [("1.A1", "Plan van aanpak gereed")]
    assert [r["code"] for r in s["rescheduled"]] == ["1.A2"]
    assert "Subsidiebesluit later" in s["rescheduled"][0]["description"]
    assert [r["label"] for r in s["due_soon"]] == ["Locaties gekozen"]
    assert digest.recipient == STUURGROEP and digest.period == "2026-03-02"

    # The same digest all week (sent once); a new one next Monday.
    same = [i.key for i in reminders_due(services.db, date(2026, 3, 8), mail) if i.rule == "weekly_digest"]
    later = [i.key for i in reminders_due(services.db, date(2026, 3, 9), mail) if i.rule == "weekly_digest"]
    assert same == [digest.key] and later != same

    (message,) = [m for m in compose_all([digest], mail, {SMALL_PLAN_ID: "Testagenda"})]
    text = body(message_email(message, mail))
    assert "Te laat geraakt:" in text and "Werkgroep ingericht" in text
    assert "23 februari 2026 t/m 1 maart 2026" in text


def message_email(outgoing, mail):
    from notifications.digest import to_email

    return to_email(outgoing, mail, "<test@teststad.nl>", datetime(2026, 3, 2, 7))


# --- per-plan settings ----------------------------------------------------------------------

PLAN_WITH_SETTINGS = replace_once(SMALL_PLAN, "  extra:\n    vastgesteld_door", (
    "  reminders:\n"
    "    before_due: [14]\n"
    "    escalate_after: 7\n"
    "    quarterly_update_workdays: 0\n"
    "    weekly_digest: false\n"
    "    stuurgroep: sg@teststad.nl\n"
    "  extra:\n    vastgesteld_door"))


def test_a_plan_sets_its_own_rules(services) -> None:
    import_text(services, PLAN_WITH_SETTINGS, "testagenda.yaml", datetime(2025, 10, 1, 9))
    services.app.assign_trekker(SMALL_PLAN_ID, "1.A2", name="Bert Bos", email=BERT,
                                at=datetime(2025, 10, 2, 9), by="beheer")
    services.catch_up()
    mail = MailSettings(data_dir=services.data_dir, stuurgroep_email=STUURGROEP)

    def rules(day: date) -> list[tuple]:
        return sorted((i.rule, i.code, i.recipient, i.occasion.isoformat())
                      for i in reminders_due(services.db, day, mail) if i.code != "2.1" and i.code != "1.A1")

    assert rules(date(2026, 3, 1)) == []                    # no 30-day reminder
    assert rules(date(2026, 3, 17)) == [("due_soon", "1.A2", BERT, "2026-03-17")]   # 14 days before
    assert rules(date(2026, 3, 30)) == [("due_soon", "1.A2", BERT, "2026-03-17")]   # no 7 or 1
    assert rules(date(2026, 4, 7)) == [("escalation_overdue", "1.A2", "sg@teststad.nl", "2026-04-07"),
                                       ("overdue", "1.A2", BERT, "2026-04-01")]
    assert not [i for i in reminders_due(services.db, date(2026, 3, 2), mail)
                if i.rule in ("weekly_digest", "quarterly_update")]


def test_the_plan_file_checks_its_reminder_settings() -> None:
    from tracker.errors import PlanFileError
    from tracker.planfile import parse_plan

    bad = replace_once(SMALL_PLAN, "  extra:\n    vastgesteld_door", (
        "  reminders:\n    before_due: [30, 0]\n    overdue_every: wekelijks\n    stuurgroep: niemand\n"
        "    snooze: 3\n  extra:\n    vastgesteld_door"))
    with pytest.raises(PlanFileError) as caught:
        parse_plan(bad, "plan.yaml")
    problems = "\n".join(caught.value.problems)
    assert "'before_due'" in problems and "'overdue_every'" in problems
    assert "'niemand' is geen e-mailadres" in problems and "onbekend veld 'snooze'" in problems
    assert parse_plan(PLAN_WITH_SETTINGS, "plan.yaml").facts["reminders"]["before_due"] == [14]
    assert "reminders" not in parse_plan(SMALL_PLAN, "plan.yaml").facts


# --- one message per recipient --------------------------------------------------------------

def test_one_dutch_message_per_recipient_with_links_to_each_intervention(services) -> None:
    trekker_scenario(services)
    services.app.assign_trekker(SMALL_PLAN_ID, "2.1", name="Anna Smit", email=ANNA,
                                at=datetime(2025, 10, 3, 9), by="beheer")
    services.app.plan_milestone(SMALL_PLAN_ID, "2.1", label="Locaties gekozen", due="2026-03-20",
                                at=datetime(2025, 11, 1, 9), by="beheer")
    services.catch_up()
    mail = MailSettings(data_dir=services.data_dir, stuurgroep_email=STUURGROEP,
                        base_url="https://voortgang.teststad.nl")
    items = reminders_due(services.db, date(2026, 3, 2), mail)
    messages = compose_all(items, mail, {SMALL_PLAN_ID: "Testagenda"})
    assert sorted(m.recipient for m in messages) == [ANNA, BERT, STUURGROEP]
    anna = next(m for m in messages if m.recipient == ANNA)
    assert {i.code for i in anna.items} == {"1.A1", "2.1"}
    assert anna.subject == "Herinnering mijlpalen: 1 te laat, 1 binnenkort"
    email = message_email(anna, mail)
    text, html = body(email), body(email, "html")
    for code in ("1.A1", "2.1"):
        url = intervention_url(mail.base_url, SMALL_PLAN_ID, code)
        assert url in text and f'href="{url}"' in html
    assert "Plan van aanpak gereed (Q4 2025): 61 dagen te laat" in text
    assert "Locaties gekozen (2026-03-20): nog 18 dagen" in text
    assert text.startswith("Beste Anna Smit,")
    assert "<strong>61 dagen te laat</strong>" in html


def test_the_mails_address_the_reader_as_u(services) -> None:
    import re

    trekker_scenario(services)
    mail = MailSettings(data_dir=services.data_dir, stuurgroep_email=STUURGROEP,
                        base_url="https://voortgang.teststad.nl")
    # 17 March 2026: the quarterly request beside the overdue and due-soon reminders.
    messages = compose_all(reminders_due(services.db, date(2026, 3, 17), mail), mail, {SMALL_PLAN_ID: "Testagenda"})
    anna = next(m for m in messages if m.recipient == ANNA)
    assert "kwartaaloverleg" in anna.subject and "uw interventies" in anna.subject
    for message in messages:
        for text in (message.subject, message.text, message.html):
            assert not re.search(r"\b(je|jij|jouw)\b", text, re.I), text
    assert "Werk uw mijlpalen bij" in anna.text
