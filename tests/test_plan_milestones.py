"""The plan's own milestones, tracked like an intervention's: complete, reschedule, cancel; as of any day; counted."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from projections.agenda_milestones import plan_milestones_as_of
from projections.report import report_data
from tracker.errors import DomainError, NotFoundError
from tracker.planfile import read_plan_file

PLAN_FILE = Path(__file__).parent / "data" / "plan-milestones.yaml"
PLAN = "programma-lindeveld"
LOADED = datetime(2026, 1, 10, 9)


def ok(result):
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def states(cli, *args: str) -> dict[str, tuple[str, str]]:
    rows = json.loads(ok(cli("plan-milestone", "list", "--json", *args)).stdout)
    return {m["id"]: (m["state"], m["due_text"]) for m in rows}


@pytest.fixture
def loaded(cli):
    ok(cli("import-plan", PLAN_FILE, "--today", LOADED.isoformat()))
    return cli


def test_a_plan_file_line_marked_done_is_done_from_its_realised_day(loaded):
    assert states(loaded, "--as-of", "2026-01-10") == {
        "startbijeenkomst": ("gereed", "november 2025"),
        "begroting": ("gepland", "in het eerste kwartaal van 2026"),
        "actualisatie": ("gepland", "Q4 2026"),
        "evaluatie": ("gepland", "uiterlijk 1 juli 2027")}
    # The plan holds from its adoption (15 September 2025); the line was done on 12 November.
    assert states(loaded, "--as-of", "2025-11-11")["startbijeenkomst"][0] == "binnenkort"
    assert states(loaded, "--as-of", "2025-11-12")["startbijeenkomst"][0] == "gereed"


def test_complete_reschedule_and_cancel_on_the_command_line_in_two_times(loaded):
    ok(loaded("plan-milestone", "complete", "begroting", "--date", "2026-03-20", "--today", "2026-04-02"))
    ok(loaded("plan-milestone", "reschedule", "actualisatie", "--due", "Q1 2027", "--reason", "Wacht op de evaluatie",
              "--date", "2026-03-01", "--today", "2026-04-02"))
    ok(loaded("plan-milestone", "cancel", "evaluatie", "--plan", PLAN, "--reason", "Vervangen door de monitor",
              "--today", "2026-04-03"))
    now = states(loaded, "--as-of", "2026-04-05")
    assert now["begroting"] == ("gereed", "in het eerste kwartaal van 2026")
    assert now["actualisatie"] == ("verschoven", "Q1 2027")
    assert now["evaluatie"][0] == "vervallen"
    # Stand per 25 March, as known now: done on 20 March, moved on 1 March, not yet cancelled.
    assert states(loaded, "--as-of", "2026-03-25") == {
        "startbijeenkomst": ("gereed", "november 2025"),
        "begroting": ("gereed", "in het eerste kwartaal van 2026"),
        "actualisatie": ("verschoven", "Q1 2027"),
        "evaluatie": ("gepland", "uiterlijk 1 juli 2027")}
    # The same day as the tracker knew it on 1 April: nothing of it was entered yet.
    assert states(loaded, "--as-of", "2026-03-25", "--as-known-on", "2026-04-01")["begroting"] == (
        "binnenkort", "in het eerste kwartaal van 2026")
    assert states(loaded, "--as-of", "2026-03-25", "--as-known-on", "2026-04-01")["actualisatie"] == (
        "gepland", "Q4 2026")
    moved = next(m for m in json.loads(ok(loaded("plan-milestone", "list", "--json")).stdout)
                 if m["id"] == "actualisatie")
    assert moved["planned_due_text"] == "Q4 2026" and moved["reason"] == "Wacht op de evaluatie"
    assert [e["due_text"] for e in moved["earlier_dues"]] == ["Q4 2026"]
    # The plans list carries them, with the recurring commitments and their next occurrence.
    [plan] = json.loads(ok(loaded("plans", "--json", "--as-of", "2026-04-05")).stdout)
    assert plan["interventions"] == 2 and plan["versions"] == 1
    assert [(m["id"], m["state"]) for m in plan["milestones"]] == [
        ("startbijeenkomst", "gereed"), ("begroting", "gereed"), ("actualisatie", "verschoven"),
        ("evaluatie", "vervallen")]
    assert [(r["every_text"], r["next_text"], r["next_due"]) for r in plan["recurring"]] == [
        ("elk kwartaal", "Q2 2026", "2026-06-30"), ("jaarlijks", "2026", "2026-12-31")]


def test_the_command_line_refuses_what_cannot_be(loaded):
    ok(loaded("plan-milestone", "complete", "begroting", "--date", "2026-03-20", "--today", "2026-04-02"))
    again = loaded("plan-milestone", "complete", "begroting", "--today", "2026-04-03")
    assert again.exit_code == 1 and "al gereed" in again.output
    future = loaded("plan-milestone", "complete", "actualisatie", "--date", "2026-05-01", "--today", "2026-04-03")
    assert future.exit_code == 1 and "in de toekomst" in future.output
    unknown = loaded("plan-milestone", "complete", "geen-mijlpaal", "--today", "2026-04-03")
    assert unknown.exit_code == 1 and "geen plan met een mijlpaal" in unknown.output
    unreadable = loaded("plan-milestone", "reschedule", "actualisatie", "--due", "op korte termijn",
                        "--reason", "x", "--today", "2026-04-03")
    assert unreadable.exit_code == 1 and "Ongeldige termijn" in unreadable.output
    assert states(loaded, "--as-of", "2026-04-03")["actualisatie"] == ("gepland", "Q4 2026")


def test_the_history_is_the_truth(services):
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.app.reschedule_plan_milestone(PLAN, "begroting", due="Q2 2026", reason="Later aangeleverd",
                                           at=datetime(2026, 3, 2, 9), by="Bea Beheer")
    services.app.reschedule_plan_milestone(PLAN, "begroting", due="Q3 2026", reason="Nog later",
                                           at=datetime(2026, 5, 2, 9), by="Bea Beheer")
    with pytest.raises(DomainError, match="reden"):
        services.app.cancel_plan_milestone(PLAN, "begroting", reason=" ", at=datetime(2026, 5, 3, 9), by="x")
    with pytest.raises(NotFoundError):
        services.app.complete_plan_milestone(PLAN, "nope", realised=date(2026, 5, 1), at=datetime(2026, 5, 3, 9),
                                             by="x")
    services.catch_up()
    [m] = [m for m in plan_milestones_as_of(services.db, PLAN, date(2026, 5, 3)) if m["milestone_id"] == "begroting"]
    assert m["due_text"] == "Q3 2026" and m["reschedule_count"] == 2
    assert [(e["due_text"], e["reason"]) for e in m["earlier_dues"]] == [
        ("in het eerste kwartaal van 2026", "Later aangeleverd"), ("Q2 2026", "Nog later")]
    # Each step stays readable as of its own day.
    [before] = [m for m in plan_milestones_as_of(services.db, PLAN, date(2026, 4, 1)) if m["milestone_id"] == "begroting"]
    assert before["due_text"] == "Q2 2026"


def test_completing_one_changes_the_reports_summary_counts(services):
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.catch_up()
    before = report_data(services.db, PLAN, "2026-H1", date(2026, 7, 15))["kernboodschap"]
    # Due in H1 2026: the begroting (Q1) and the two interventions' milestones; nothing done yet.
    assert before["plan_milestones_due"] == 1 and before["plan_counts"]["te_laat"] == 1
    assert before["counts"]["op_tijd"] == 0 and before["milestones_due"] == 2

    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 3, 20), at=datetime(2026, 7, 16, 9),
                                         by="Bea Beheer")
    services.catch_up()
    data = report_data(services.db, PLAN, "2026-H1", date(2026, 7, 16))
    after = data["kernboodschap"]
    assert after["counts"]["op_tijd"] == 1 and after["plan_counts"] == {**before["plan_counts"], "te_laat": 0,
                                                                          "op_tijd": 1}
    assert after["milestones_due"] == before["milestones_due"]
    assert "(waarvan 1 van het plan zelf): 1 op tijd gerealiseerd" in " ".join(after["paragraphs"])
    own = {m["id"]: m for m in data["plan_milestones"]}
    assert own["begroting"]["state"] == "gereed" and own["begroting"]["realised"] == "2026-03-20"
    assert [r["label"] for r in data["recurring"]] == ["Voortgang bespreken in het regionaal overleg",
                                                       "Jaarverslag aan de gemeenteraden"]
    # As the tracker knew it on 15 July, the report says what it said then.
    then = report_data(services.db, PLAN, "2026-H1", date(2026, 7, 16), known_on=date(2026, 7, 15))
    assert then["kernboodschap"]["counts"]["op_tijd"] == 0


def test_a_new_plan_version_moves_adds_and_drops_the_plans_own_milestones(services, tmp_path):
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 3, 20), at=datetime(2026, 3, 21, 9),
                                         by="Bea Beheer")
    text = PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace("      due: Q4 2026\n", "      due: Q2 2027\n")            # actualisatie moved
    text = text.replace("      kind: evaluation\n      due: uiterlijk 1 juli 2027\n",
                        "      kind: evaluation\n      due: uiterlijk 1 juli 2027\n"
                        "    - id: tussenevaluatie\n      label: Tussenevaluatie\n      due: najaar 2026\n")
    text = text.replace("      label: Programmabegroting vastgesteld\n      kind: decision\n"
                        "      due: in het eerste kwartaal van 2026\n", "")
    text = text.replace("    - id: begroting\n", "")
    revised = tmp_path / "herzien.yaml"
    revised.write_text(text, encoding="utf-8")
    services.app.import_plan(read_plan_file(revised), at=datetime(2026, 4, 1, 9), by="beheer")
    services.catch_up()
    rows = {m["milestone_id"]: m for m in plan_milestones_as_of(services.db, PLAN, date(2026, 4, 2))}
    assert (rows["actualisatie"]["due_text"], rows["actualisatie"]["reason"]) == ("Q2 2027", "Gewijzigd in planversie 2")
    assert rows["tussenevaluatie"]["state"] == "gepland"
    # Done before the version dropped its line: it stays done.
    assert rows["begroting"]["state"] == "gereed"
    assert "tussenevaluatie" not in {m["milestone_id"] for m in plan_milestones_as_of(services.db, PLAN, date(2026, 3, 1))}


# --- the dashboard: the beheerder updates them, everyone else reads them ---------------------

WEB_TODAY = date(2026, 4, 2)
DASHBOARD = f"/plannen/{PLAN}/dashboard"


@pytest.fixture
def site(data_dir):
    from tests.accounts import ensure_user
    from web import create_app
    from web.services import open_services

    services = open_services(data_dir)
    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.catch_up()
    for role in ("beheerder", "stuurgroep", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": WEB_TODAY.isoformat(), "TESTING": True})
    yield app, services
    services.db.close()
    services.app.close()


def _token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _text(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _row(html: str, milestone_id: str) -> str:
    start = html.index(f'data-plan-milestone="{milestone_id}"')
    return html[start:html.index("</tr>", start)]


def test_the_beheerder_completes_reschedules_and_cancels_on_the_dashboard(site):
    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "beheerder")
    page = client.get(DASHBOARD).data.decode()
    assert "Mijlpalen van het plan" in page
    assert "state-te_laat" in _row(page, "begroting")
    assert "1 mijlpaal van het plan te laat, 1 van de 4 gereed" in _text(page)
    assert "elk kwartaal; eerstvolgende: Q2 2026" in page and "Jaarverslag aan de gemeenteraden" in page
    token = _token(page)

    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/begroting/gereed",
                         data={"csrf_token": token, "seen": "in het eerste kwartaal van 2026", "realised": "2026-03-30",
                               "note": "Raad 30 maart"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#mijlpalen-van-het-plan")
    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/actualisatie/verschuiven",
                         data={"csrf_token": token, "seen": "Q4 2026", "due": "Q1 2027",
                               "reason": "Na de evaluatie", "decided": "2026-03-15"})
    assert answer.status_code == 303
    refused = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/evaluatie/laten-vervallen",
                          data={"csrf_token": token, "seen": "uiterlijk 1 juli 2027", "reason": ""})
    assert refused.status_code == 422 and "Geef een reden op" in refused.data.decode()

    services.catch_up()
    rows = {m["milestone_id"]: m for m in plan_milestones_as_of(services.db, PLAN, WEB_TODAY)}
    assert (rows["begroting"]["state"], rows["begroting"]["realised"]) == ("gereed", "2026-03-30")
    assert (rows["actualisatie"]["due_text"], rows["actualisatie"]["reason"]) == ("Q1 2027", "Na de evaluatie")
    assert rows["evaluatie"]["status"] == "open"
    # Rescheduled as of the day it was decided; recorded by the signed-in beheerder.
    assert plan_milestones_as_of(services.db, PLAN, date(2026, 3, 20))[2]["due_text"] == "Q1 2027"
    page = client.get(DASHBOARD).data.decode()
    assert "state-gereed" in _row(page, "begroting") and "Verschoven van Q4 2026: Na de evaluatie" in page
    assert "30 maart 2026" in _row(page, "begroting")  # the day it was done, in words
    assert "0 mijlpalen van het plan te laat, 2 van de 4 gereed" in _text(page)
    changes = _text(client.get(f"/plannen/{PLAN}/wijzigingen?van=2026-03-01").data.decode())
    assert "Plan: mijlpaal 'Actualisatie van het programma' verschoven van Q4 2026 naar Q1 2027" in \
        changes.replace("&#39;", "'")


@pytest.mark.parametrize("role", ["stuurgroep", "lezer"])
def test_other_roles_read_them_and_are_refused_an_update(site, role):
    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, role)
    page = client.get(DASHBOARD).data.decode()
    assert "Programmabegroting vastgesteld" in _row(page, "begroting")
    assert "Gereed melden" not in page and "/mijlpalen-van-het-plan/" not in page
    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/begroting/gereed",
                         data={"csrf_token": _token(page), "seen": "in het eerste kwartaal van 2026",
                               "realised": "2026-03-30"})
    assert answer.status_code == 403
    services.catch_up()
    assert plan_milestones_as_of(services.db, PLAN, WEB_TODAY)[1]["status"] == "open"


def test_an_update_without_the_csrf_token_is_refused(site):
    from tests.accounts import sign_in

    app, services = site
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, services, "beheerder")
    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/begroting/gereed",
                         data={"seen": "in het eerste kwartaal van 2026", "realised": "2026-03-30"})
    assert answer.status_code == 400
    services.catch_up()
    assert plan_milestones_as_of(services.db, PLAN, WEB_TODAY)[1]["status"] == "open"


def test_the_board_counts_them_as_of_any_day(site):
    from projections.board import board
    from tests.accounts import sign_in

    app, services = site
    totals = board(services.db, PLAN, WEB_TODAY)["totals"]
    assert (totals["plan_mijlpalen"], totals["plan_te_laat"]) == (4, 1)   # the begroting, due Q1 2026
    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 3, 31), at=datetime(2026, 4, 2, 9),
                                         by="Bea Beheer")
    services.catch_up()
    assert board(services.db, PLAN, WEB_TODAY)["totals"]["plan_te_laat"] == 0
    assert board(services.db, PLAN, WEB_TODAY, known_on=date(2026, 4, 1))["totals"]["plan_te_laat"] == 1
    client = app.test_client()
    sign_in(client, services, "lezer")
    assert "0 van de 4 mijlpalen van het plan te laat" in _text(client.get(f"/plannen/{PLAN}").data.decode())


# --- reminders: to the beheerders before and after the due date, escalated to the stuurgroep --

def test_reminders_of_the_plans_own_milestones(services, tmp_path):
    from notifications.digest import addressed_all, compose_all
    from notifications.selection import reminders_due
    from notifications.settings import MailSettings
    from tests.accounts import ensure_user

    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    mail = MailSettings(data_dir=tmp_path, stuurgroep_email="stuurgroep@lindeveld.nl")

    def own(day: date) -> list[tuple]:
        services.catch_up()
        return sorted((i.rule, i.milestone_id, i.recipient, i.days) for i in reminders_due(services.db, day, mail)
                      if i.rule.startswith("plan_"))

    # No beheerder account yet: the stuurgroep address gets them, so none is lost.
    assert own(date(2026, 3, 24)) == [("plan_due_soon", "begroting", "stuurgroep@lindeveld.nl", 7)]
    beheerder = ensure_user(services, "beheerder")
    assert own(date(2026, 3, 24)) == [("plan_due_soon", "begroting", beheerder, 7)]
    assert own(date(2026, 4, 15)) == [("plan_escalation", "begroting", "stuurgroep@lindeveld.nl", -15),
                                      ("plan_overdue", "begroting", beheerder, -15)]
    services.catch_up()
    items = [i for i in reminders_due(services.db, date(2026, 4, 15), mail) if i.rule.startswith("plan_")]
    # The outbox and the delivery log name the plan by its title, not its id.
    assert items and all(i.summary().startswith("Mijlpaal van het plan «") and PLAN not in i.summary() for i in items)
    messages = {m.recipient: m for m in compose_all(items, mail, {PLAN: "Programma Jeugd Lindeveld"})}
    # What the outbox lists as waiting is what would go: the same recipients, subjects and items.
    assert [(a["recipient"], a["subject"], list(a["items"])) for a in addressed_all(items)] == [
        (m.recipient, m.subject, list(m.items)) for m in messages.values()]
    to_beheerder = messages[beheerder]
    assert to_beheerder.subject == "Mijlpalen van het plan: 1 te laat"
    assert "Mijlpaal van het plan: Programmabegroting vastgesteld (in het eerste kwartaal van 2026): 15 dagen te laat" \
        in to_beheerder.text
    assert f"/plannen/{PLAN}/dashboard#mijlpalen-van-het-plan" in to_beheerder.html
    assert "escalatie" in messages["stuurgroep@lindeveld.nl"].subject
    # Done: no more reminders; rescheduled: reminders move to the new due date.
    services.app.reschedule_plan_milestone(PLAN, "begroting", due="Q2 2026", reason="Later aangeleverd",
                                           at=datetime(2026, 4, 16, 9), by="Bea Beheer")
    assert own(date(2026, 4, 16)) == []
    assert own(date(2026, 6, 1)) == [("plan_due_soon", "begroting", beheerder, 29)]
    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 6, 2), at=datetime(2026, 6, 2, 9),
                                         by="Bea Beheer")
    assert own(date(2026, 6, 24)) == []


def test_the_public_edition_of_a_report_withholds_what_the_beheerder_wrote(services):
    from projections.public_report import WITHHELD, public_edition

    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.app.complete_plan_milestone(PLAN, "begroting", realised=date(2026, 3, 20), note="Na lang overleg",
                                         at=datetime(2026, 3, 21, 9), by="Bea Beheer")
    services.app.cancel_plan_milestone(PLAN, "evaluatie", reason="Geen budget", at=datetime(2026, 3, 21, 10),
                                       by="Bea Beheer")
    services.catch_up()
    data = report_data(services.db, PLAN, "2026-H1", date(2026, 6, 30))
    own = {m["id"]: m for m in data["plan_milestones"]}
    assert (own["begroting"]["note"], own["evaluatie"]["reason"]) == ("Na lang overleg", "Geen budget")
    public = {m["id"]: m for m in public_edition(data, [])["plan_milestones"]}
    assert (public["begroting"]["note"], public["evaluatie"]["reason"]) == ("", WITHHELD)
    shown = {m["id"]: m for m in public_edition(data, ["explanation", "notes"])["plan_milestones"]}
    assert (shown["begroting"]["note"], shown["evaluatie"]["reason"]) == ("Na lang overleg", "Geen budget")


def test_the_stuurgroeps_weekly_digest_names_them(services, tmp_path):
    from notifications.digest import compose_all
    from notifications.selection import reminders_due
    from notifications.settings import MailSettings

    services.app.import_plan(read_plan_file(PLAN_FILE), at=LOADED, by="beheer")
    services.app.reschedule_plan_milestone(PLAN, "actualisatie", due="Q1 2027", reason="Na de evaluatie",
                                           at=datetime(2026, 4, 1, 9), by="Bea Beheer")
    services.catch_up()
    mail = MailSettings(data_dir=tmp_path, stuurgroep_email="stuurgroep@lindeveld.nl")
    # Monday 6 April looks back on 30 March to 5 April: the begroting (due 31 March) turned late then.
    (digest,) = [i for i in reminders_due(services.db, date(2026, 4, 6), mail) if i.rule == "weekly_digest"]
    assert [(r["code"], r["label"]) for r in digest.sections["turned_late"]] == [("", "Programmabegroting vastgesteld")]
    assert [r["label"] for r in digest.sections["rescheduled"]] == ["Actualisatie van het programma"]
    (message,) = compose_all([digest], mail, {PLAN: "Programma Jeugd Lindeveld"})
    assert "- Plan: Programmabegroting vastgesteld (in het eerste kwartaal van 2026, 6 dagen te laat)" in message.text
    assert "Plan: mijlpaal 'Actualisatie van het programma' verschoven van Q4 2026 naar Q1 2027" in message.text
    assert f"/plannen/{PLAN}/dashboard#mijlpalen-van-het-plan" in message.html


def test_a_change_made_meanwhile_is_not_overwritten(site):
    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "beheerder")
    page = client.get(DASHBOARD).data.decode()
    assert 'name="seen" value="Q4 2026"' in _row(page, "actualisatie")
    # Someone else moves it after the page was made.
    services.app.reschedule_plan_milestone(PLAN, "actualisatie", due="Q2 2027", reason="Besluit stuurgroep",
                                           at=datetime(2026, 4, 2, 10), by="Stijn Stuur")
    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/actualisatie/verschuiven",
                         data={"csrf_token": _token(page), "seen": "Q4 2026", "due": "Q1 2027", "reason": "Eerder"})
    assert answer.status_code == 409
    text = _text(answer.data.decode())
    assert "Mijlpaal 'Actualisatie van het programma' is intussen gewijzigd door Stijn Stuur (02-04-2026 10:00)" in \
        text.replace("&#39;", "'")
    services.catch_up()
    rows = {m["milestone_id"]: m for m in plan_milestones_as_of(services.db, PLAN, WEB_TODAY)}
    assert rows["actualisatie"]["due_text"] == "Q2 2027"
    missing = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/actualisatie/gereed",
                          data={"csrf_token": _token(page), "realised": "2026-04-01"})
    assert missing.status_code == 400


def test_a_milestone_completed_meanwhile_says_so_where_its_forms_were(site):
    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "beheerder")
    page = client.get(DASHBOARD).data.decode()
    services.app.complete_plan_milestone(PLAN, "actualisatie", realised=date(2026, 4, 1), note="",
                                         at=datetime(2026, 4, 2, 10), by="Stijn Stuur")
    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/actualisatie/verschuiven",
                         data={"csrf_token": _token(page), "seen": "Q4 2026", "due": "Q1 2027", "reason": "Later"})
    assert answer.status_code == 409
    row = _text(_row(answer.data.decode(), "actualisatie")).replace("&#39;", "'")
    assert "gereed" in row and "is intussen gewijzigd door Stijn Stuur" in row


def test_a_term_without_a_date_is_refused_in_the_words_of_the_form_not_of_the_plan_file(site):
    import html

    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "beheerder")
    page = client.get(DASHBOARD).data.decode()
    for term, said in (("binnenkort", "Ongeldige termijn: 'binnenkort' noemt geen datum."),
                       ("ieder kwartaal", "Ongeldige termijn: 'ieder kwartaal' is een terugkerende afspraak, geen termijn.")):
        answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/actualisatie/verschuiven",
                             data={"csrf_token": _token(page), "seen": "Q4 2026", "due": term, "reason": "Later"})
        text = html.unescape(_text(_row(answer.data.decode(), "actualisatie")))
        assert answer.status_code == 422 and said in text
        assert "when:" not in text and "every:" not in text and "recurring" not in text


def test_the_notice_of_a_done_update_stands_in_the_section_the_answer_scrolls_to(site):
    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "beheerder")
    page = client.get(DASHBOARD).data.decode()
    answer = client.post(f"/plannen/{PLAN}/mijlpalen-van-het-plan/actualisatie/gereed",
                         data={"csrf_token": _token(page), "seen": "Q4 2026", "realised": "2026-04-01"},
                         follow_redirects=True)
    page = answer.data.decode()
    section = page[page.index('id="mijlpalen-van-het-plan"'):]
    section = section[:section.index("</section>")]
    assert "Mijlpaal van het plan gereed gemeld." in section
    assert page.count("Mijlpaal van het plan gereed gemeld.") == 1


def test_the_dashboard_lists_them_by_their_due_date(site):
    from tests.accounts import sign_in

    app, services = site
    services.app.reschedule_plan_milestone(PLAN, "actualisatie", due="Q3 2027", reason="Na de evaluatie",
                                           at=datetime(2026, 4, 1, 10), by="Bea Beheer")
    services.catch_up()
    client = app.test_client()
    sign_in(client, services, "stuurgroep")
    page = client.get(DASHBOARD).data.decode()
    assert page.index('data-plan-milestone="evaluatie"') < page.index('data-plan-milestone="actualisatie"')
    assert page.index('data-plan-milestone="startbijeenkomst"') < page.index('data-plan-milestone="begroting"')


def test_on_the_command_line_only_a_beheerder_account_may_update_them(loaded, services):
    from tests.accounts import ensure_user

    stuurgroep, beheerder = ensure_user(services, "stuurgroep"), ensure_user(services, "beheerder")
    refused = loaded("plan-milestone", "complete", "begroting", "--date", "2026-03-20", "--today", "2026-04-02",
                     "--by", stuurgroep)
    assert refused.exit_code == 1
    assert states(loaded, "--as-of", "2026-04-02")["begroting"][0] == "te_laat"
    ok(loaded("plan-milestone", "complete", "begroting", "--date", "2026-03-20", "--today", "2026-04-02",
              "--by", beheerder))
    assert states(loaded, "--as-of", "2026-04-02")["begroting"][0] == "gereed"


def test_the_public_site_shows_them_without_what_is_not_public(site):
    app, services = site
    services.app.cancel_plan_milestone(PLAN, "evaluatie", reason="Geen budget", at=datetime(2026, 4, 1, 9),
                                       by="Bea Beheer")
    services.app.set_public_site(PLAN, public=True, at=datetime(2026, 4, 1, 10), by="Bea Beheer")
    services.catch_up()
    client = app.test_client()
    page = _text(client.get(f"/openbaar/{PLAN}").data.decode())
    assert "Mijlpalen van het plan" in page and "Programmabegroting vastgesteld" in page
    assert "Jaarverslag aan de gemeenteraden (jaarlijks; eerstvolgende: 2026)" in page
    assert "Geen budget" not in page
    data = json.loads(client.get(f"/openbaar/{PLAN}/interventies.json").data)
    assert [(m["id"], m["state"]) for m in data["plan_milestones"]] == [
        ("startbijeenkomst", "gereed"), ("begroting", "te_laat"), ("actualisatie", "gepland"),
        ("evaluatie", "vervallen")]
    assert "reason" not in data["plan_milestones"][3]


# --- exports: the plan's own milestones in the milestones sheet and CSV ------------------------

def _milestone_sheet(client, query: str = "") -> list[dict]:
    import io

    from openpyxl import load_workbook

    answer = client.get(f"/plannen/{PLAN}/export.xlsx{query}")
    assert answer.status_code == 200
    ws = load_workbook(io.BytesIO(answer.data))["Mijlpalen"]
    header = [c.value for c in ws[4]]
    return [dict(zip(header, row)) for row in ws.iter_rows(min_row=5, values_only=True)]


def test_the_excel_export_lists_the_plans_own_milestones_as_of_the_plan_itself(site):
    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "stuurgroep")
    lines = _milestone_sheet(client)
    own = [line for line in lines if line["Code"] == "plan"]
    assert [line["Mijlpaal"] for line in own] == ["Startbijeenkomst met alle partners", "Programmabegroting vastgesteld",
                                                  "Actualisatie van het programma", "Externe evaluatie"]
    assert {line["Interventie"] for line in own} == {"Het plan zelf"}
    begroting = own[1]
    assert (begroting["Termijn"], begroting["Stand"]) == ("in het eerste kwartaal van 2026", "te laat")
    assert begroting["Uiterste datum"].date() == date(2026, 3, 31)
    assert own[0]["Gerealiseerd"].date() == date(2025, 11, 12)
    assert lines[0]["Code"] == "L1"  # the interventions' first, as on the board
    # A filter on interventions leaves them out; "alleen afwijkingen" keeps the late one.
    assert not [line for line in _milestone_sheet(client, "?domein=jeugd") if line["Code"] == "plan"]
    assert [line["Mijlpaal"] for line in _milestone_sheet(client, "?afwijkingen=1") if line["Code"] == "plan"] == [
        "Programmabegroting vastgesteld"]


def test_the_milestones_csv_has_every_milestone_the_plans_own_last(site):
    import csv
    import io

    from tests.accounts import sign_in

    app, services = site
    client = app.test_client()
    sign_in(client, services, "lezer")
    answer = client.get(f"/plannen/{PLAN}/export-mijlpalen.csv?as_of=2025-12-01")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeffCode;Interventie;Mijlpaal;")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, lines = rows[0], rows[1:]
    assert [line[0] for line in lines] == ["L1", "L2", "plan", "plan", "plan", "plan"]
    start = lines[2]
    assert start[header.index("Gerealiseerd")] == "12-11-2025" and start[header.index("Stand")] == "gereed"
    assert lines[3][header.index("Uiterste datum")] == "31-03-2026"
    board = client.get(f"/plannen/{PLAN}").get_data(as_text=True)
    assert f"/plannen/{PLAN}/export-mijlpalen.csv" in board
