"""The stuurgroep's meeting: opened on a date, an agenda of that day's exceptions, decisions on many
interventions (actions become tracked milestones), a besluitenlijst in Markdown, Word and PDF."""

from __future__ import annotations

import html

import io
import json
import re
import subprocess
from datetime import date, datetime

import pytest

from notifications.selection import reminders_due
from tests.accounts import csrf_token, ensure_user, sign_in
from tests.helpers import event_count
from tests.mail_helpers import mail_settings
from tests.seed import PLAN, TODAY, seed_plan
from tracker.errors import DomainError

STUURGROEP = "stuurgroep@nijmegen.nl"
DAY = "2026-03-10"


@pytest.fixture
def seeded(data_dir):
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ("stuurgroep", "trekker", "lezer", "beheerder"):
        ensure_user(services, role)
    return services


def give_action(services, role: str, action: str, term: str) -> tuple[str, str]:
    """Let the stuurgroep's meeting of 10 March give an action on 2.B2 to the account of ``role``; return its
    owner's address and the action's milestone id."""
    from tests.accounts import email_for

    owner = email_for(role)
    key = services.app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), at=datetime(2026, 3, 10, 12),
                                    by="Stijn Stuur")
    return owner, services.app.decide(PLAN, key, "2.B2", decision="Versnellen", action=action, owner=owner,
                                      term=term, at=datetime(2026, 3, 10, 12), by="Stijn Stuur")


def run(cli, *args: str):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_open_decide_and_the_besluitenlijst_from_the_command_line(seeded, cli, tmp_path) -> None:
    opened = json.loads(run(cli, "meeting", "open", "--date", DAY, "--json", "--today", DAY))
    assert opened == {"id": DAY}
    run(cli, "meeting", "decide", DAY, "2.A2", "--besluit", "Extra capaciteit inzetten", "--actie",
        "Plan voor de capaciteit", "--eigenaar", STUURGROEP, "--termijn", "Q2 2026", "--today", DAY)
    run(cli, "meeting", "decide", DAY, "3.B1", "--besluit", "Pilot afronden en evalueren", "--today", DAY)
    out = tmp_path / "besluiten.md"
    run(cli, "meeting", "besluitenlijst", DAY, "--format", "md", "-o", out, "--today", DAY)
    text = out.read_text(encoding="utf-8")
    assert "# Besluitenlijst stuurgroep 10 maart 2026" in text
    assert "| 2.A2 Begeleiding en behandeling meer collectivieren | Extra capaciteit inzetten |" in text
    assert "| 3.B1 " in text and "Pilot afronden en evalueren" in text
    assert "| 2.A2 | Plan voor de capaciteit | Stijn Stuur | Q2 2026 |" in text
    shown = json.loads(run(cli, "show", "2.A2", "--json", "--as-of", DAY))
    assert shown["last_review"] == {"date": DAY, "decision": "Extra capaciteit inzetten", "meeting": DAY}
    # The action is a milestone of 2.A2 now: tracked on its Tijdpad.
    action = next(m for m in shown["milestones"] if m["label"] == "Actie stuurgroep: Plan voor de capaciteit")
    assert (action["due_text"], action["kind"], action["state"]) == ("Q2 2026", "decision", "gepland")
    # A second meeting on the same day gets an id of its own.
    assert json.loads(run(cli, "meeting", "open", "--date", DAY, "--json", "--today", DAY)) == {"id": f"{DAY}-2"}


def test_the_agenda_lists_the_exceptions_of_the_meeting_day(seeded, cli) -> None:
    run(cli, "meeting", "open", "--date", DAY, "--json", "--today", DAY)
    agenda = json.loads(run(cli, "meeting", "agenda", DAY, "--json"))
    assert agenda["date"] == DAY and agenda["since"] == "2025-12-31"  # no earlier meeting: the quarter's start
    items = {i["code"]: i for i in agenda["items"]}
    # 3.A1: late milestones and the trekker's oranje on 10 March, and changed since (a reschedule in January).
    assert {"te_laat", "oranje", "gewijzigd"} <= set(items["3.A1"]["kinds"])
    assert any(r.startswith("2 wijzigingen sinds 31-12-2025") for r in items["3.A1"]["reasons"])
    assert "te_laat" in items["2.A2"]["kinds"]
    assert all(i["reasons"] for i in agenda["items"])
    # A later meeting's changes count from the one before.
    april = json.loads(run(cli, "meeting", "open", "--date", TODAY.isoformat(), "--json",
                           "--today", TODAY.isoformat()))["id"]
    later = json.loads(run(cli, "meeting", "agenda", april, "--json"))
    assert later["since"] == DAY  # since the previous meeting


def test_an_action_is_reminded_to_its_owner_who_may_report_it_done(seeded) -> None:
    from tests.accounts import email_for
    from tracker.permissions import NotAllowedError

    app = seeded.app
    owner = email_for("lezer")  # not the trekker of 2.B2, nor a trekker at all: the stuurgroep chose them
    key = app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    milestone = app.decide(PLAN, key, "2.B2", decision="Versnellen", action="Afspraken met aanbieders vastleggen",
                           owner=owner, term="2026-03-25", at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    seeded.catch_up()
    mail = mail_settings(seeded.data_dir)
    items = [i for i in reminders_due(seeded.db, date(2026, 3, 27), mail)
             if i.code == "2.B2" and i.label.startswith("Actie stuurgroep")]
    assert [(i.rule, i.recipient, i.milestone_owner) for i in items] == [("overdue", owner, True)]
    from projections.interventions import interventions_as_of, milestone_json

    (iv,) = interventions_as_of(seeded.db, date(2026, 3, 27), plan_id=PLAN, code="2.B2")
    shown = [milestone_json(m)["owner"] for m in iv["milestones"]]
    assert shown.count(None) == len(shown) - 1 and {"email": owner, "name": app.get_user(owner).name} in shown
    # The owner may update that milestone, and no other of the intervention.
    actor = app.actor_for(owner, "web")
    other = next(m for m in app.get_intervention(PLAN, "2.B2").milestones.values()
                 if m.status == "open" and m.id != milestone)
    with pytest.raises(NotAllowedError):
        app.complete_milestone(PLAN, "2.B2", other.id, realised=date(2026, 3, 27), at=datetime(2026, 3, 27, 9),
                               by=actor)
    with pytest.raises(NotAllowedError):
        app.add_note(PLAN, "2.B2", text="Een notitie", at=datetime(2026, 3, 27, 9), by=actor)
    app.complete_milestone(PLAN, "2.B2", milestone, realised=date(2026, 3, 26), at=datetime(2026, 3, 27, 9),
                           by=actor)
    assert app.get_intervention(PLAN, "2.B2").milestones[milestone].status == "done"


def test_the_owner_finds_the_action_under_mijn_acties_and_updates_it_there(seeded) -> None:
    from web import create_app

    app = seeded.app
    _, milestone = give_action(seeded, "stuurgroep", "Aanbieders uitnodigen", "2026-04-30")
    seeded.catch_up()
    client = create_app({"DATA_DIR": str(seeded.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, seeded, "stuurgroep")
    page = client.get("/mijn-interventies").get_data(as_text=True)
    assert "<h1>Mijn acties</h1>" in page and "Actie stuurgroep: Aanbieders uitnodigen" in page
    assert '<th scope="col">Actie</th>' in page and '<th scope="col">Mijlpaal</th>' not in page
    # On a phone each cell carries its column's name: the action's row says "Actie" too.
    assert '<td data-label="Actie">Actie stuurgroep: Aanbieders uitnodigen' in page
    assert 'data-label="Mijlpaal"' not in page
    assert re.search(r"1 open actie van de stuurgroep die u\s+is gegeven\. Meld", page)  # one: nothing "first"
    assert f"/mijlpalen/{milestone}/gereed" in page
    iv_page = client.get(f"/plannen/{PLAN}/interventies/2.B2").get_data(as_text=True)
    assert f"/mijlpalen/{milestone}/gereed" in iv_page and "Eigenaar: " in iv_page
    assert iv_page.count("/gereed\"") == 2  # only the owner's row has the form (action and hx-post)
    before = event_count(seeded)
    token = csrf_token(client, "/mijn-interventies")
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    done = client.post(f"/plannen/{PLAN}/interventies/2.B2/mijlpalen/{milestone}/gereed",
                       data={"csrf_token": token, "version": version, "realised": "2026-03-31", "context": "mine"})
    assert done.status_code == 303 and event_count(seeded) == before + 1
    seeded.catch_up()
    other = next(m for m in app.get_intervention(PLAN, "2.B2").milestones.values() if m.status == "open")
    refused = client.post(f"/plannen/{PLAN}/interventies/2.B2/mijlpalen/{other.id}/gereed",
                          data={"csrf_token": token, "version": version, "realised": "2026-03-31"})
    assert refused.status_code == 403 and event_count(seeded) == before + 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"action": "Iets doen"}, "eigenaar en een termijn"),
    ({"action": "Iets doen", "owner": STUURGROEP, "term": "Q4 2025"}, "De termijn Q4 2025 ligt vóór de vergadering van 10-03-2026"),
    ({"action": "Iets doen", "owner": "niemand@nijmegen.nl", "term": "Q2 2026"}, "geen gebruiker met e-mailadres"),
    ({"action": "Iets doen", "owner": STUURGROEP, "term": "ooit"}, "Ongeldige termijn"),
    ({"owner": STUURGROEP}, "beschrijf de actie"),
    ({"action": "x" * 1001, "owner": STUURGROEP, "term": "Q2 2026"}, "Een actie is te lang: 1001 tekens"),
    ({"decision": " "}, "besluit"),
])
def test_a_decision_is_checked_first(seeded, kwargs, message) -> None:
    app = seeded.app
    key = app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    before = event_count(seeded)
    with pytest.raises(DomainError, match=message):
        app.decide(PLAN, key, "2.A2", **{"decision": "Doorgaan", **kwargs}, at=datetime(2026, 3, 10, 12),
                   by="Stijn Stuur")
    assert event_count(seeded) == before


def test_every_problem_of_a_decision_is_told_at_once(seeded) -> None:
    client = web(seeded, "stuurgroep")
    base = f"/plannen/{PLAN}/vergaderingen"
    client.post(base, data={"csrf_token": csrf_token(client, base), "datum": "2026-03-30", "aanwezigen": "Stijn Stuur"})
    before = event_count(seeded)
    refused = client.post(f"{base}/2026-03-30/besluit", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_token(client, f"{base}/2026-03-30"), "code": "2.C1", "besluit": " ",
        "actie": "Iets doen", "eigenaar": "niemand@nijmegen.nl", "termijn": "Q4 2025"})
    error = html.unescape(re.search(r'<p class="field-error"[^>]*>(.*?)</p>', refused.get_data(as_text=True), re.S).group(1))
    assert refused.status_code == 422
    assert "Vul het besluit over 2.C1 in." in error
    assert "geen gebruiker met e-mailadres niemand@nijmegen.nl" in error
    assert "De termijn Q4 2025 ligt vóór de vergadering van 30-03-2026" in error
    # Each at its field: the besluit, the owner and the term are marked, the action is not; focus on the first.
    item = refused.get_data(as_text=True)
    marks = {name: re.search(rf'<(?:textarea|input|select)[^>]*name="{name}"[^>]*>', item).group(0)
             for name in ("besluit", "actie", "eigenaar", "termijn")}
    assert {n for n, tag in marks.items() if 'aria-invalid="true"' in tag} == {"besluit", "eigenaar", "termijn"}
    assert [n for n, tag in marks.items() if "autofocus" in tag] == ["besluit"]
    assert 'aria-describedby="besluit-2.C1-fout besluit-2.C1-eigenaar-uitleg"' in marks["eigenaar"]
    assert event_count(seeded) == before


def test_a_closed_meeting_takes_no_more_decisions_and_its_list_is_final(seeded, cli, tmp_path) -> None:
    run(cli, "meeting", "open", "--date", DAY, "--today", DAY)
    run(cli, "meeting", "decide", DAY, "2.A2", "--besluit", "Doorgaan", "--today", DAY)
    run(cli, "meeting", "close", DAY, "--today", DAY)
    refused = cli("meeting", "decide", DAY, "3.B1", "--besluit", "Te laat", "--today", DAY)
    assert refused.exit_code == 1 and "is gesloten" in refused.output
    for fmt in ("docx", "pdf"):
        run(cli, "meeting", "besluitenlijst", DAY, "--format", fmt, "-o", tmp_path / f"b.{fmt}", "--today", DAY)
    import docx

    document = docx.Document(io.BytesIO((tmp_path / "b.docx").read_bytes()))
    words = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows
                                                                 for c in r.cells])
    assert "Besluitenlijst stuurgroep 10 maart 2026" in words and "definitief" in words and "2.A2" in words
    pdf = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    assert "Besluitenlijst stuurgroep" in pdf and "Doorgaan" in pdf
    missing = cli("meeting", "agenda", "2030-01-01")
    assert missing.exit_code == 1 and "geen vergadering" in missing.output


def web(seeded, role: str):
    from web import create_app

    client = create_app({"DATA_DIR": str(seeded.data_dir), "TODAY": TODAY.isoformat(), "TESTING": True}).test_client()
    sign_in(client, seeded, role)
    return client


def test_the_stuurgroep_decides_on_many_interventions_on_one_page(seeded) -> None:
    client = web(seeded, "stuurgroep")
    base = f"/plannen/{PLAN}/vergaderingen"
    opened = client.post(base, data={"csrf_token": csrf_token(client, base), "datum": "2026-03-30",
                                     "aanwezigen": "Stijn Stuur\nBea Beheer"})
    assert opened.status_code == 303 and opened.headers["Location"] == f"{base}/2026-03-30"
    page = client.get(f"{base}/2026-03-30").get_data(as_text=True)
    assert "Stijn Stuur, Bea Beheer" in page
    # An action's owner may have any role, as on the command line: a lezer too.
    lezer = ensure_user(seeded, "lezer")
    page = client.get(f"{base}/2026-03-30").get_data(as_text=True)
    assert f'<option value="{lezer}">' in page
    assert page.count('class="agenda-item"') >= 10 and page.count('name="besluit"') >= 10
    token = csrf_token(client, f"{base}/2026-03-30")
    for code, extra in (("3.A1", {"actie": "Besluit college voorbereiden", "eigenaar": "j.jansen@nijmegen.nl",
                                   "termijn": "Q2 2026"}), ("2.A2", {})):
        answer = client.post(f"{base}/2026-03-30/besluit", headers={"HX-Request": "true"},
                             data={"csrf_token": token, "code": code, "besluit": f"Besluit over {code}", **extra})
        fragment = answer.get_data(as_text=True)
        assert answer.status_code == 200 and fragment.lstrip().startswith(f'<li class="agenda-item" data-code="{code}">')
        assert f"Besluit over {code} vastgelegd." in fragment
        # The count above the agenda follows the decision, out of band.
        decided = 1 if code == "3.A1" else 2
        assert re.search(r'<p class="lead" id="meeting-lead" hx-swap-oob="true">.*?, '
                         rf'{decided}\s+{"besluit" if decided == 1 else "besluiten"}\.</p>', fragment, re.S)
    refused = client.post(f"{base}/2026-03-30/besluit", headers={"HX-Request": "true"},
                          data={"csrf_token": token, "code": "2.C1", "besluit": "x", "actie": "Iets"})
    assert refused.status_code == 422 and "eigenaar" in refused.get_data(as_text=True)
    # "Besproken op" on the board and the intervention page: the meeting, its decision and actions.
    board = client.get(f"/plannen/{PLAN}").get_data(as_text=True)
    row = re.search(r'<tr class="board-row" data-code="3.A1">.*?</tr>', board, re.S).group(0)
    assert f'<a href="{base}/2026-03-30">30-03-2026</a><span class="sub">Besluit over 3.A1</span>' in row
    iv = client.get(f"/plannen/{PLAN}/interventies/3.A1").get_data(as_text=True)
    assert f'<a href="{base}/2026-03-30">30 maart 2026</a>: Besluit over 3.A1' in iv
    assert "Acties: Besluit college voorbereiden (eigenaar Jan Jansen, termijn Q2 2026)" in iv
    for fmt, kind in (("md", "text/markdown"), ("docx", "application/vnd.openxml"), ("pdf", "application/pdf")):
        download = client.get(f"{base}/2026-03-30/besluitenlijst.{fmt}")
        assert download.status_code == 200 and download.headers["Content-Type"].startswith(kind)
    assert "Besluit over 2.A2" in client.get(f"{base}/2026-03-30/besluitenlijst.md").get_data(as_text=True)


def test_a_lezer_reads_the_meeting_and_decides_nothing(seeded) -> None:
    seeded.app.open_meeting(PLAN, meeting_date=date(2026, 3, 30), at=datetime(2026, 3, 30, 9), by="Stijn Stuur")
    seeded.catch_up()
    client = web(seeded, "lezer")
    base = f"/plannen/{PLAN}/vergaderingen"
    page = client.get(f"{base}/2026-03-30").get_data(as_text=True)
    assert 'class="agenda-item"' in page and 'name="besluit"' not in page
    before = event_count(seeded)
    token = csrf_token(client, base)
    assert client.post(f"{base}/2026-03-30/besluit", data={"csrf_token": token, "code": "2.A2",
                                                           "besluit": "x"}).status_code == 403
    assert client.post(base, data={"csrf_token": token, "datum": "2026-04-01"}).status_code == 403
    assert client.post(f"{base}/2026-03-30/sluiten", data={"csrf_token": token}).status_code == 403
    assert event_count(seeded) == before


# --- the plan's own late milestones on the agenda -------------------------------------------

def test_the_plans_own_late_milestones_lead_the_agenda_as_one_item_without_a_decision(data_dir, cli) -> None:
    from pathlib import Path

    from web import create_app
    from web.services import open_services

    plan_file = Path(__file__).parent / "data" / "plan-milestones.yaml"
    run(cli, "import-plan", plan_file, "--today", "2026-01-10")
    day = "2026-04-10"  # the programmabegroting (Q1 2026) is 10 days late, the rest done or not yet due
    run(cli, "meeting", "open", "--date", day, "--today", day)
    agenda = json.loads(run(cli, "meeting", "agenda", day, "--json"))
    first = agenda["items"][0]
    assert {"code", "title", "stoplicht", "reasons", "kinds"} <= set(first)
    assert (first["code"], first["of_plan"], first["kinds"], first["stoplicht"]) == ("plan", True, ["te_laat"], "")
    assert first["reasons"] == ["mijlpaal van het plan te laat: Programmabegroting vastgesteld "
                                "(in het eerste kwartaal van 2026, 10 dagen)"]
    assert first["milestones"] == [{"id": "begroting", "label": "Programmabegroting vastgesteld", "due": "2026-03-31",
                                    "due_text": "in het eerste kwartaal van 2026", "days_late": 10}]
    assert all(i["of_plan"] is False for i in agenda["items"][1:])
    assert "plan" in run(cli, "meeting", "agenda", day)
    # Decisions stay per intervention.
    refused = cli("meeting", "decide", day, "plan", "--besluit", "Begroting versnellen", "--today", day)
    assert refused.exit_code != 0
    # Completed: the item is gone from a later agenda of that plan.
    run(cli, "plan-milestone", "complete", "begroting", "--date", "2026-04-14", "--today", "2026-04-15")
    run(cli, "meeting", "open", "--date", "2026-04-15", "--today", "2026-04-15")
    later = json.loads(run(cli, "meeting", "agenda", "2026-04-15", "--json"))
    assert [i for i in later["items"] if i["code"] == "plan"] == []
    # On the meeting's page: the item links to the plan's own milestones and has no decision form.
    services = open_services(data_dir)
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": day, "TESTING": True}).test_client()
    sign_in(client, services, "stuurgroep")
    page = client.get(f"/plannen/programma-lindeveld/vergaderingen/{day}").get_data(as_text=True)
    start = page.index('<li class="agenda-item" data-code="plan">')
    ends = [i for i in (page.find('<li class="agenda-item"', start + 10), page.find("</ol>", start)) if i > 0]
    item = page[start:min(ends)]
    assert "/plannen/programma-lindeveld/dashboard#mijlpalen-van-het-plan" in item
    assert "Programmabegroting vastgesteld" in item and 'name="besluit"' not in item
    services.db.close()
    services.app.close()


def test_a_meeting_after_today_says_its_agenda_is_a_look_ahead(seeded) -> None:
    from web import create_app

    key = seeded.app.open_meeting(PLAN, meeting_date=date(2026, 6, 1), at=datetime(2026, 4, 1, 12), by="Stijn Stuur")
    seeded.catch_up()
    client = create_app({"DATA_DIR": str(seeded.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, seeded, "stuurgroep")
    page = client.get(f"/plannen/{PLAN}/vergaderingen/{key}").get_data(as_text=True)
    assert "Deze vergadering is na vandaag (1 april 2026): de agenda is een vooruitblik." in page
    later = create_app({"DATA_DIR": str(seeded.data_dir), "TODAY": "2026-06-01", "TESTING": True}).test_client()
    sign_in(later, seeded, "stuurgroep")
    assert "vooruitblik" not in later.get(f"/plannen/{PLAN}/vergaderingen/{key}").get_data(as_text=True)


def test_an_action_decided_before_milestones_had_owners_reads_its_owner_from_its_note(seeded) -> None:
    from dataclasses import replace

    from events.intervention import MilestonePlanned
    from projections.core import _owner
    from tests.helpers import stored_events

    app = seeded.app
    owner, milestone = give_action(seeded, "stuurgroep", "Aanbieders uitnodigen", "2026-04-30")
    mapper = seeded.runner.mapper
    event = next(e for e in stored_events(seeded) if isinstance(e, MilestonePlanned) and e.milestone_id == milestone)
    stored = mapper.to_stored_event(event)
    # As version 3 stored it: the owner only in the note.
    state = json.loads(stored.state)
    for name in ("owner_email", "owner_name"):
        state.pop(name)
    state["class_version"] = 3
    old = mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))
    assert (old.owner_email, old.owner_name) == (owner, app.get_user(owner).name)
    assert _owner(state) == {"owner_email": owner, "owner_name": app.get_user(owner).name}
    # Any other line of that time has none.
    plain = next(e for e in stored_events(seeded) if isinstance(e, MilestonePlanned) and e.milestone_id != milestone)
    plain_state = json.loads(mapper.to_stored_event(plain).state)
    plain_state.pop("owner_email"), plain_state.pop("owner_name")
    assert _owner(plain_state) == {"owner_email": "", "owner_name": ""}


def test_an_action_of_a_deactivated_owner_goes_back_to_the_trekker_and_escalations_name_both(seeded) -> None:
    from tests.accounts import email_for

    app = seeded.app
    owner = email_for("lezer")
    key = app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    app.decide(PLAN, key, "2.B2", decision="Versnellen", action="Afspraken vastleggen", owner=owner,
               term="2026-03-25", at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    seeded.catch_up()
    mail = mail_settings(seeded.data_dir, stuurgroep_email=STUURGROEP)

    def about_the_action(day):
        return [i for i in reminders_due(seeded.db, day, mail) if i.label.startswith("Actie stuurgroep")]

    (escalation,) = [i for i in about_the_action(date(2026, 4, 30)) if i.rule == "escalation_overdue"]
    assert escalation.sections["trekker"] == "Fatima de Vries"
    assert escalation.sections["owner"] == app.get_user(owner).name
    app.deactivate_user(owner, at=datetime(2026, 3, 20, 9), by="beheer")
    seeded.catch_up()
    assert [(i.rule, i.recipient) for i in about_the_action(date(2026, 3, 27))] == [
        ("overdue", "f.devries@nijmegen.nl")]


@pytest.mark.parametrize(("attendees", "message"), [
    (["x" * 201], "Een naam bij de aanwezigen is te lang: 201 tekens, ten hoogste 200"),
    ([f"Lid {n}" for n in range(101)], "Te veel aanwezigen: 101 namen, ten hoogste 100"),
])
def test_a_meeting_takes_a_list_of_attendees_of_people_not_a_pasted_document(seeded, attendees, message) -> None:
    app = seeded.app
    before = event_count(seeded)
    with pytest.raises(DomainError, match=message):
        app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), attendees=attendees, at=datetime(2026, 3, 10, 12),
                         by="Stijn Stuur")
    assert event_count(seeded) == before
    key = app.open_meeting(PLAN, meeting_date=date(2026, 3, 10), attendees=[f"Lid {n}" for n in range(100)],
                           at=datetime(2026, 3, 10, 12), by="Stijn Stuur")
    with pytest.raises(DomainError, match=message):
        app.set_meeting_attendees(PLAN, key, "\n".join(attendees), at=datetime(2026, 3, 10, 13), by="Stijn Stuur")
    assert event_count(seeded) == before + 1


def test_the_owner_of_an_action_who_is_no_trekker_gets_it_in_an_agenda_link_of_their_own(seeded) -> None:
    from icalendar import Calendar

    from web import create_app

    app = create_app({"DATA_DIR": str(seeded.data_dir), "TODAY": "2026-04-01", "TESTING": True})
    without = app.test_client()
    sign_in(without, seeded, "stuurgroep")
    assert "in uw agenda" not in without.get("/mijn-interventies").get_data(as_text=True)
    assert without.post("/mijn-interventies/agenda",
                        data={"csrf_token": csrf_token(without, "/mijn-interventies")}).status_code == 403

    give_action(seeded, "stuurgroep", "Aanbieders uitnodigen", "2026-04-30")
    seeded.catch_up()
    client = app.test_client()
    sign_in(client, seeded, "stuurgroep")
    assert "Acties in uw agenda (Outlook)" in client.get("/mijn-interventies").get_data(as_text=True)
    made = client.post("/mijn-interventies/agenda", data={"csrf_token": csrf_token(client, "/mijn-interventies")})
    assert made.status_code == 303
    page = client.get("/mijn-interventies").get_data(as_text=True)
    url = re.search(r'id="feed-url" value="([^"]+)"', page).group(1)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    feed = Calendar.from_ical(client.get(path).data)
    summaries = [str(e["SUMMARY"]) for e in feed.walk("VEVENT")]
    assert len(summaries) == 1 and "Aanbieders uitnodigen" in summaries[0] and "2.B2" in summaries[0]
    # Another role ends the link.
    from tests.accounts import email_for

    seeded.app.set_role(email_for("stuurgroep"), "lezer", at=datetime(2026, 4, 2, 9), by="beheer")
    seeded.catch_up()
    assert client.get(path).status_code == 404


def test_the_plans_first_load_is_no_change_of_each_intervention_on_the_agenda(seeded) -> None:
    from projections.agenda import meeting_agenda

    agenda = meeting_agenda(seeded.db, PLAN, date(2025, 10, 15))  # the plan was loaded on 1 October
    changed = sorted(i["code"] for i in agenda["items"] if "gewijzigd" in i["kinds"])
    assert changed == ["2.B2", "3.A1"]  # their trekkers were assigned on 2 October; the rest only loaded
