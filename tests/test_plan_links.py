"""Links between plans: contributes_to in a plan file, by hand in the browser, on the goal's page and in the JSON."""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime

import pytest

from projections.contributions import goal_page
from projections.history import intervention_history
from tests.accounts import csrf_token, ensure_user, sign_in
from tests.helpers import DEFAULT_PLAN, DEFAULT_PLAN_ID, GOAL_PLAN, REPO, SMALL_PLAN, line_of
from tracker.errors import DomainError, PlanFileError
from tracker.planfile import parse_plan, read_plan_file

REGIO = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
REGIO_ID = "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028"
JEUGD = ["3.A1", "3.A2", "3.A3", "3.A4", "3.B1", "3.B2", "3.B3", "3.C1", "3.C2", "3.C3", "3.C4", "3.C5", "3.D1"]
LOADED_AT = datetime(2025, 10, 1, 9)

TARGET = GOAL_PLAN


def words(page: str, start: str, end: str = "Geschiedenis") -> str:
    """Return the text of a page between two headings, without its tags."""
    part = page[page.index(start):page.index(end, page.index(start))]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def linked(links: str) -> str:
    """Return the small plan with ``links`` (YAML lines) as contributes_to of its first intervention."""
    return SMALL_PLAN.replace("    stakeholders: Buurtteam Jeugd en Gezin\n",
                              "    stakeholders: Buurtteam Jeugd en Gezin\n    contributes_to:\n" + links)


GOOD = linked("      - {plan: doelenplan, group: doel-1, reason: Groepsaanbod is hulp dichtbij.}\n")


def test_a_malformed_link_is_refused_with_its_line():
    text = linked("      - {plan: doelenplan, group: doel-1, code: \"1.1\", reason: Beide}\n"
                  "      - {plan: doelenplan, group: doel-1}\n"
                  "      - {plan: Doelen Plan, code: \"1.1\", reason: x, judgement: ja}\n")
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text, "agenda.yaml")
    problems = "\n".join(refused.value.problems)
    first = line_of(text, "code: \"1.1\", reason: Beide")
    assert f"agenda.yaml:{first}: interventie 1.A1, contributes_to: geef 'group'" in problems
    assert f"agenda.yaml:{first + 1}: interventie 1.A1, contributes_to: 'reason' ontbreekt" in problems
    assert "plan 'Doelen Plan' is geen plan-id" in problems
    assert "'judgement' moet true of false zijn" in problems


def test_a_link_to_a_group_or_code_the_loaded_plan_lacks_imports_nothing(services):
    services.app.import_plan(parse_plan(TARGET, "doelen.yaml"), at=LOADED_AT, by="beheer")
    text = linked("      - {plan: doelenplan, group: doel-9, reason: Onbekend doel.}\n"
                  "      - {plan: doelenplan, code: \"9.9\", reason: Onbekende actie.}\n")
    with pytest.raises(PlanFileError) as refused:
        services.app.import_plan(parse_plan(text, "agenda.yaml"), at=LOADED_AT, by="beheer")
    assert refused.value.problems == [
        f"agenda.yaml:{line_of(text, 'doel-9')}: interventie 1.A1, contributes_to: plan 'doelenplan' heeft geen "
        "groep 'doel-9' (wel: opgave-1, doel-1)",
        f"agenda.yaml:{line_of(text, '9.9')}: interventie 1.A1, contributes_to: plan 'doelenplan' heeft geen "
        "interventie met code '9.9'"]
    assert not services.app.has_plan("testagenda")


def test_a_link_to_a_plan_not_loaded_yet_is_kept_and_shown_so(services):
    from web import create_app

    services.app.import_plan(parse_plan(GOOD, "agenda.yaml"), at=LOADED_AT, by="beheer")
    services.catch_up()
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2025-10-02", "TESTING": True}).test_client()
    sign_in(client, services, "lezer")
    text = html.unescape(client.get("/plannen/testagenda/interventies/1.A1").get_data(as_text=True))
    assert "Draagt bij aan" in text and "doelenplan — nog niet geladen" in text
    services.app.import_plan(parse_plan(TARGET, "doelen.yaml"), at=LOADED_AT, by="beheer")
    services.catch_up()
    text = html.unescape(client.get("/plannen/testagenda/interventies/1.A1").get_data(as_text=True))
    assert "nog niet geladen" not in text
    assert '<a href="/plannen/doelenplan/doelen/doel-1">Doel een</a>' in text


@pytest.fixture
def both(services):
    services.app.import_plan(parse_plan(TARGET, "doelen.yaml"), at=LOADED_AT, by="beheer")
    services.app.import_plan(parse_plan(GOOD, "agenda.yaml"), at=LOADED_AT, by="beheer")
    services.catch_up()
    return services


def test_the_goal_page_lists_what_serves_it_as_of_a_day(both):
    app = both.app
    app.link_contribution("testagenda", "1.A2", target_plan="doelenplan", target_code="1.1",
                          reason="Jongerenwerk helpt de regionale actie.", judgement=True,
                          why="besproken met de regio", at=datetime(2026, 2, 1, 10), by="Bea Beheer")
    both.catch_up()
    before = goal_page(both.db, "doelenplan", "doel-1", date(2026, 1, 31))
    assert [c["row"]["code"] for c in before["contributing"]] == ["1.A1"]
    after = goal_page(both.db, "doelenplan", "doel-1", date(2026, 2, 1))
    assert [(c["row"]["code"], c["judgement"], c["via"]) for c in after["contributing"]] == [
        ("1.A1", False, ""), ("1.A2", True, "1.1 Regionale actie")]
    # The opgave above the goal lists them too; the plan's own intervention stands as its own.
    assert len(goal_page(both.db, "doelenplan", "opgave-1", date(2026, 2, 1))["contributing"]) == 2
    assert [r["code"] for r in after["own"]] == ["1.1"]
    assert goal_page(both.db, "doelenplan", "doel-9", date(2026, 2, 1)) is None


def test_a_hand_made_unlink_is_history_and_survives_a_new_plan_version(both):
    app = both.app
    with pytest.raises(DomainError, match="reden"):
        app.unlink_contribution("testagenda", "1.A1", target_plan="doelenplan", target_group="doel-1", why=" ",
                                at=datetime(2026, 3, 1, 9), by="Bea Beheer")
    app.unlink_contribution("testagenda", "1.A1", target_plan="doelenplan", target_group="doel-1",
                            why="Dubbel met de regionale actie", at=datetime(2026, 3, 1, 9), by="Bea Beheer")
    both.catch_up()
    assert goal_page(both.db, "doelenplan", "doel-1", date(2026, 3, 2))["contributing"] == []
    assert len(goal_page(both.db, "doelenplan", "doel-1", date(2026, 2, 28))["contributing"]) == 1
    # The same plan file again: the link the beheerder removed is not brought back.
    result = app.import_plan(parse_plan(GOOD + "\n", "agenda.yaml"), at=datetime(2026, 3, 2, 9), by="beheer")
    assert not any("bijdrage" in c for c in result.changes)
    said = [h["description"] for h in intervention_history(both.db, "testagenda", "1.A1")]
    # The target by its titles, not by the keys of the plan file.
    assert "Bijdrage vastgelegd aan 'Doel een' van Doelenplan: Groepsaanbod is hulp dichtbij. — planbestand" in said
    assert "Bijdrage aan 'Doel een' van Doelenplan vervallen: Dubbel met de regionale actie" in said
    # Linked again by hand, it stays when a plan version no longer declares it.
    app.link_contribution("testagenda", "1.A1", target_plan="doelenplan", target_group="doel-1",
                          reason="Toch wel.", at=datetime(2026, 3, 3, 9), by="Bea Beheer")
    plain = SMALL_PLAN + "\n"
    result = app.import_plan(parse_plan(plain, "agenda.yaml"), at=datetime(2026, 3, 4, 9), by="beheer")
    assert not any("bijdrage" in c for c in result.changes)
    assert app.get_intervention("testagenda", "1.A1").contributions


def test_a_plan_version_that_no_longer_declares_a_link_ends_it(both):
    result = both.app.import_plan(parse_plan(SMALL_PLAN, "agenda.yaml"), at=datetime(2026, 3, 4, 9), by="beheer")
    assert "1.A1: bijdrage aan groep doel-1 van doelenplan vervallen" in result.changes
    both.catch_up()
    assert goal_page(both.db, "doelenplan", "doel-1", date(2026, 3, 5))["contributing"] == []
    assert len(goal_page(both.db, "doelenplan", "doel-1", date(2026, 3, 3))["contributing"]) == 1


def test_a_beheerder_links_and_unlinks_in_the_browser_and_a_lezer_may_not(both):
    from web import create_app

    web = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True})
    client = web.test_client()
    sign_in(client, both, "lezer")
    page = "/plannen/testagenda/interventies/1.A2"
    assert "Koppel aan een doel" not in client.get(page).get_data(as_text=True)
    assert client.post(f"{page}/bijdragen", data={"doel": "doelenplan|doel-1", "reden": "x",
                                                 "csrf_token": csrf_token(client, page)}).status_code == 403
    client = web.test_client()
    sign_in(client, both, "beheerder")
    token = csrf_token(client, page)
    refused = client.post(f"{page}/bijdragen", data={"doel": "doelenplan|doel-1", "reden": " ", "csrf_token": token})
    assert refused.status_code == 422 and "Geef in één zin aan waarom" in html.unescape(refused.get_data(as_text=True))
    done = client.post(f"{page}/bijdragen", data={"doel": "doelenplan|doel-1", "reden": "Jongeren dichtbij geholpen.",
                                                 "oordeel": "ja", "csrf_token": token})
    assert done.status_code == 303
    text = html.unescape(client.get(page).get_data(as_text=True))
    assert "Jongeren dichtbij geholpen. (oordeel beheerder)" in words(text, "Draagt bij aan")
    # The notice stands in the section the answer scrolls to (#bijdragen), once.
    assert "De bijdrage is vastgelegd." in words(text, "Draagt bij aan") and text.count("De bijdrage is vastgelegd.") == 1
    goal = html.unescape(client.get("/plannen/doelenplan/doelen/doel-1").get_data(as_text=True))
    assert "1.A2 Jongerenwerk als alternatief" in goal and "(oordeel beheerder)" in goal
    gone = client.post(f"{page}/bijdragen/vervalt", data={"plan": "doelenplan", "groep": "doel-1", "code": "",
                                                        "reden": "Verkeerd doel", "csrf_token": token})
    assert gone.status_code == 303
    both.catch_up()
    said = [h["description"] for h in intervention_history(both.db, "testagenda", "1.A2")]
    assert any(s.startswith("Bijdrage vastgelegd aan 'Doel een' van Doelenplan") for s in said)
    assert "Bijdrage aan 'Doel een' van Doelenplan vervallen: Verkeerd doel" in said
    rows = [h for h in intervention_history(both.db, "testagenda", "1.A2") if h["event"].startswith("Contribution")]
    assert {h["by"] for h in rows} == {"Bea Beheer"}
    as_of_then = html.unescape(client.get("/plannen/doelenplan/doelen/doel-1?as_of=2026-03-31").get_data(as_text=True))
    assert "1.A2 Jongerenwerk" not in as_of_then


# --- the default agenda and the Regioprogramma ----------------------------------------------

def test_every_jeugd_intervention_of_the_agenda_links_to_a_goal_or_actielijn_of_the_regioprogramma():
    agenda = {iv.code: iv for iv in read_plan_file(DEFAULT_PLAN).interventions}
    regio = read_plan_file(REGIO)
    from tracker.planfile.reader import link_problem

    facts = {"groups": regio.groups, "interventions": [iv.code for iv in regio.interventions]}
    for code in JEUGD:
        links = agenda[code].contributes_to
        assert links, code
        for link in links:
            assert link.plan == REGIO_ID and link_problem(link, facts) == ""
            # One line of Dutch; the documents never name an actielijn: the beheerder's judgement.
            assert link.judgement and "\n" not in link.reason and 40 < len(link.reason) < 200
    assert not any(iv.contributes_to for c, iv in agenda.items() if c not in JEUGD)


def test_the_reasons_quote_their_sources_faithfully():
    agenda = (REPO / "docs" / "sources" / "nijmegen-uitvoeringsagenda-2025.txt").read_text(encoding="utf-8")
    regio = (REPO / "docs" / "sources" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.txt").read_text(
        encoding="utf-8").splitlines()
    lines = agenda.splitlines()
    assert "(V)SO-scholen financieren we ZBO regionaal middels een lumpsum" in lines[617]
    assert "sociale vaardigheden en mentale veerkracht van jongeren versterkt" in lines[955]
    assert "instroom in de voorschoolse dagbehandeling willen verminderen" in regio[273]


def test_done_when_interventions_json_carries_contributes_to_and_the_goal_page_lists_them(cli, services):
    from web import create_app

    assert cli("init", "--today", "2025-10-01").exit_code == 0
    result = cli("interventions", "--plan", DEFAULT_PLAN_ID, "--json", "--as-of", "2025-12-01")
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.stdout)}
    assert len(rows) == 24 and all(isinstance(r["contributes_to"], list) for r in rows.values())
    assert {c for c, r in rows.items() if r["contributes_to"]} == set(JEUGD)
    assert rows["3.C2"]["contributes_to"] == [{
        "plan": REGIO_ID, "group": "doel-2", "code": None,
        "reason": "Join Us versterkt volgens de agenda de sociale vaardigheden en mentale veerkracht van jongeren"
                  "; doel 2 is een grotere mentale veerkracht.",
        "judgement": True, "from_plan_file": True}]
    assert rows["3.A1"]["contributes_to"][0]["code"] == "1.2b"
    services.catch_up()
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2025-12-01", "TESTING": True}).test_client()
    sign_in(client, services, "lezer")
    pages = {key: html.unescape(client.get(f"/plannen/{REGIO_ID}/doelen/{key}").get_data(as_text=True))
             for key in ("doel-1", "doel-2", "doel-4", "doel-5")}
    for key, codes in (("doel-1", ["3.A1", "3.B1", "3.B2", "3.B3"]), ("doel-2", ["3.A2", "3.A4", "3.C1", "3.C2",
                                                                                 "3.C3", "3.C4", "3.C5"]),
                       ("doel-4", ["3.D1"]), ("doel-5", ["3.A3"])):
        for code in codes:
            title = rows[code]["title"]
            assert f"{code} {title}" in pages[key], (key, code)
        assert pages[key].count('class="contribution"') == len(codes), key
    assert "Stand per 1 december 2025" in pages["doel-1"] and "(oordeel beheerder)" in pages["doel-1"]
    # The regional programme's second level is its "doelen"; its top one its "opgaven".
    assert '<h1><span class="level">Doel:</span> Inclusiever onderwijs</h1>' in pages["doel-1"]
    opgave = html.unescape(client.get(f"/plannen/{REGIO_ID}/doelen/opgave-1").get_data(as_text=True))
    assert '<h1><span class="level">Opgave:</span> Meer inclusie in de basis.' in opgave


def test_a_link_to_the_plans_own_group_or_code_is_checked_when_the_file_is_read():
    text = linked("      - {plan: testagenda, group: \"9\", reason: Geen groep.}\n"
                  "      - {plan: testagenda, code: \"2.1\", reason: Ontmoeten helpt.}\n")
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text, "agenda.yaml")
    assert refused.value.problems == [f"agenda.yaml:{line_of(text, 'Geen groep')}: interventie 1.A1, contributes_to: "
                                      "plan 'testagenda' heeft geen groep '9' (wel: 1, 1.A, 2)"]


def test_the_goal_page_as_known_on_a_day_before_a_link_was_recorded(both):
    from web import create_app

    both.app.link_contribution("testagenda", "2.1", target_plan="doelenplan", target_group="doel-1",
                               reason="Ontmoeting dichtbij.", at=datetime(2026, 3, 10, 9), by="Bea Beheer")
    both.catch_up()
    client = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, both, "stuurgroep")
    now = html.unescape(client.get("/plannen/doelenplan/doelen/doel-1").get_data(as_text=True))
    assert "2.1 Ontmoetingsplaatsen in de wijk" in now and "Stand per 1 april 2026" in now
    then = html.unescape(client.get("/plannen/doelenplan/doelen/doel-1?bekend_op=2026-03-09").get_data(as_text=True))
    assert "2.1 Ontmoetingsplaatsen" not in then and "zoals bekend op 9 maart 2026" in then
    assert "1.A1 Groepsaanbod in de wijk" in then
    assert client.get("/plannen/doelenplan/doelen/doel-9").status_code == 404
    assert client.get("/plannen/onbekend/doelen/doel-1").status_code == 404


def test_the_target_interventions_page_lists_what_contributes_to_it(both):
    from web import create_app

    both.app.link_contribution("testagenda", "1.A2", target_plan="doelenplan", target_code="1.1",
                               reason="Jongerenwerk helpt de regionale actie.", judgement=True,
                               at=datetime(2026, 2, 1, 10), by="Bea Beheer")
    both.catch_up()
    client = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, both, "lezer")
    page = html.unescape(client.get("/plannen/doelenplan/interventies/1.1").get_data(as_text=True))
    assert "Bijdragen uit andere plannen" in page
    section = words(page, "Bijdragen uit andere plannen")
    assert "1.A2 Jongerenwerk als alternatief" in section
    assert "Jongerenwerk helpt de regionale actie. (oordeel beheerder)" in section
    late = re.search(r"(\d+) (\w+) te laat", section)  # a number says what it counts
    assert late and late[2] in ("mijlpaal", "mijlpalen"), section
    before = html.unescape(client.get("/plannen/doelenplan/interventies/1.1?as_of=2026-01-31").get_data(as_text=True))
    assert "Bijdragen uit andere plannen" not in before


def test_a_link_to_an_intervention_is_named_by_its_code_and_title_on_the_linking_page(both):
    from web import create_app

    both.app.link_contribution("testagenda", "1.A2", target_plan="doelenplan", target_code="1.1",
                               reason="Jongerenwerk helpt de regionale actie.", at=datetime(2026, 2, 1, 10),
                               by="Bea Beheer")
    both.catch_up()
    client = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, both, "lezer")
    page = html.unescape(client.get("/plannen/testagenda/interventies/1.A2").get_data(as_text=True))
    section = words(page, "Draagt bij aan")
    assert "1.1 Regionale actie" in section and "interventie 1.1" not in section


def test_the_link_form_asks_for_a_choice_and_says_so_when_none_was_made(both):
    from tests.helpers import event_count
    from web import create_app

    client = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, both, "beheerder")
    page = "/plannen/testagenda/interventies/1.A2"
    form = client.get(page).get_data(as_text=True)
    assert '<option value="" selected>Kies een doel, opgave of actielijn</option>' in form  # nothing chosen for you
    before = event_count(both)
    refused = client.post(f"{page}/bijdragen", data={"doel": "", "reden": "Jongeren dichtbij geholpen.",
                                                    "csrf_token": csrf_token(client, page)})
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "Kies het doel, de opgave of de actielijn" in text
    assert "Onbekend plan" not in text and event_count(both) == before
    assert 'value="Jongeren dichtbij geholpen."' in text  # what was typed stays


def test_tracker_link_and_unlink_on_the_command_line(cli, both):
    beheerder = ensure_user(both, "beheerder")  # Bea Beheer
    result = cli("link", "2.1", "--plan", "testagenda", "--to", "doelenplan", "--group", "doel-1",
                 "--reason", "Ontmoeting dichtbij.", "--judgement", "--today", "2026-03-01", "--by", beheerder)
    assert result.exit_code == 0 and "Vastgelegd." in result.output
    shown = json.loads(cli("show", "2.1", "--plan", "testagenda", "--json", "--as-of", "2026-03-01").stdout)
    assert shown["contributes_to"] == [{"plan": "doelenplan", "group": "doel-1", "code": None,
                                        "reason": "Ontmoeting dichtbij.", "judgement": True,
                                        "from_plan_file": False}]
    refused = cli("link", "2.1", "--plan", "testagenda", "--to", "doelenplan", "--group", "doel-9",
                  "--reason", "x", "--today", "2026-03-01")
    assert refused.exit_code != 0 and "Plan 'doelenplan' heeft geen groep 'doel-9'" in refused.output
    both_given = cli("link", "2.1", "--plan", "testagenda", "--to", "doelenplan", "--group", "doel-1",
                     "--target-code", "1.1", "--reason", "x")
    assert both_given.exit_code != 0 and "precies één van beide" in both_given.output
    assert cli("unlink", "2.1", "--plan", "testagenda", "--to", "doelenplan", "--group", "doel-1",
               "--reason", "Toch niet", "--today", "2026-03-02").exit_code == 0
    assert json.loads(cli("show", "2.1", "--plan", "testagenda", "--json", "--as-of", "2026-03-02").stdout)[
        "contributes_to"] == []
    history = json.loads(cli("history", "2.1", "--plan", "testagenda", "--json").stdout)
    assert [(h["event"], h["by"]) for h in history if h["event"].startswith("Contribution")] == [
        ("ContributionLinked", "Bea Beheer (via de command line)"),
        ("ContributionUnlinked", "via de command line, tester")]
    assert history[-1]["description"] == "Bijdrage aan 'Doel een' van Doelenplan vervallen: Toch niet"


def test_only_a_beheerder_links_plans_on_every_way_in(cli, both):
    from tests.accounts import ensure_user

    lezer = ensure_user(both, "lezer")
    refused = cli("link", "2.1", "--plan", "testagenda", "--to", "doelenplan", "--group", "doel-1",
                  "--reason", "Ontmoeting dichtbij.", "--today", "2026-03-01", "--by", lezer)
    assert refused.exit_code != 0
    assert not both.app.get_intervention("testagenda", "2.1").contributions
    beheerder = ensure_user(both, "beheerder")
    assert cli("link", "2.1", "--plan", "testagenda", "--to", "doelenplan", "--group", "doel-1",
               "--reason", "Ontmoeting dichtbij.", "--today", "2026-03-01", "--by", beheerder).exit_code == 0
    assert both.app.get_intervention("testagenda", "2.1").contributions


def _sections(sections: list[dict]) -> dict[str, dict]:
    """Return every section of a report by group key, the nested ones too."""
    found = {}
    for section in sections:
        found[section["key"]] = section
        found.update(_sections(section["groups"]))
    return found


def test_the_council_report_says_what_other_plans_contribute_and_what_each_intervention_serves(both):
    from projections.report import report_data
    from web.reports import render_report
    from web.reports.document import ReportMeta

    both.app.link_contribution("testagenda", "1.A2", target_plan="doelenplan", target_code="1.1",
                               reason="Jongerenwerk helpt de regionale actie.", judgement=True,
                               why="besproken met de regio", at=datetime(2026, 2, 1, 10), by="Bea Beheer")
    both.catch_up()
    regio = report_data(both.db, "doelenplan", "2026-H1", date(2026, 3, 31))
    doel = _sections(regio["sections"])["doel-1"]
    # The link to the goal from the plan file, and the later one to the plan's own intervention under it.
    assert [(c["code"], c["plan_title"], c["via"], c["reason"], c["judgement"]) for c in doel["contributions"]] == [
        ("1.A1", "Testagenda Jeugd en Wmo", "", "Groepsaanbod is hulp dichtbij.", False),
        ("1.A2", "Testagenda Jeugd en Wmo", "1.1", "Jongerenwerk helpt de regionale actie.", True)]
    text = render_report(regio, ReportMeta(status="concept", generated_on=date(2026, 3, 31)), "md").decode()
    part = text[text.index("**Bijdragen uit andere plannen**"):]
    assert "Jongerenwerk helpt de regionale actie. (oordeel beheerder)" in part and "Via 1.1." in part
    # As of a day before the beheerder linked it, only the plan file's link.
    earlier = report_data(both.db, "doelenplan", "2026-H1", date(2026, 1, 31))
    assert [c["code"] for c in _sections(earlier["sections"])["doel-1"]["contributions"]] == ["1.A1"]

    local = report_data(both.db, "testagenda", "2026-H1", date(2026, 3, 31))
    serves = {i["code"]: i["contributes_to"] for s in _sections(local["sections"]).values() for i in s["interventions"]}
    assert serves["1.A1"] == [{"target": "Doel een", "plan": "doelenplan", "plan_title": "Doelenplan", "loaded": True,
                               "reason": "Groepsaanbod is hulp dichtbij.", "found": True}]
    assert serves["1.A2"][0]["target"] == "1.1 Regionale actie"
    local_text = render_report(local, ReportMeta(status="concept", generated_on=date(2026, 3, 31)), "md").decode()
    assert "**Draagt bij aan**\n\n- Doelenplan: Doel een\n" in local_text


def test_the_public_site_shows_links_only_between_public_plans(both):
    from projections.public_report import WITHHELD, public_edition
    from projections.report import report_data
    from web import create_app

    def turn(plan_id: str, public: bool, *fields: str) -> None:
        both.app.set_public_site(plan_id, public=public, fields=list(fields), reason="raadsbesluit",
                                 at=datetime(2026, 3, 1, 9), by="Bea Beheer")
        both.catch_up()

    client = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-03-31", "TESTING": True}).test_client()
    turn("testagenda", True)
    page = client.get("/openbaar/testagenda").get_data(as_text=True)
    assert "Draagt bij aan" not in page and "Doelenplan" not in page     # the goal plan is not public
    assert client.get("/openbaar/testagenda/interventies.json").json["interventions"][0]["contributes_to"] == []

    turn("doelenplan", True)
    page = client.get("/openbaar/testagenda").get_data(as_text=True)
    assert '<a href="/openbaar/doelenplan#doel-doel-1">Doel een</a> (Doelenplan)' in page
    assert "Groepsaanbod is hulp dichtbij." not in page                   # a reason is the beheerder's words
    goal = client.get("/openbaar/doelenplan").get_data(as_text=True)
    assert '<a href="/openbaar/testagenda#interventie-1.A1">1.A1' in goal and "(Testagenda Jeugd en Wmo)" in goal
    turn("testagenda", True, "explanation")
    first = client.get("/openbaar/testagenda/interventies.json").json["interventions"][0]
    assert first["contributes_to"] == [{"plan": "doelenplan", "plan_title": "Doelenplan", "group": "doel-1",
                                        "code": None, "target": "Doel een", "reason": "Groepsaanbod is hulp dichtbij."}]

    turn("testagenda", False)
    assert "interventie-1.A1" not in client.get("/openbaar/doelenplan").get_data(as_text=True)
    # The public edition of the goal plan's report: nothing of a plan that is not public, no reasons.
    data = report_data(both.db, "doelenplan", "2026-H1", date(2026, 3, 31))
    assert _sections(public_edition(data, [], {"doelenplan"})["sections"])["doel-1"]["contributions"] == []
    kept = _sections(public_edition(data, [], {"doelenplan", "testagenda"})["sections"])["doel-1"]["contributions"]
    assert [(c["code"], c["reason"]) for c in kept] == [("1.A1", WITHHELD)]


def test_a_published_report_says_what_other_plans_contributed_then_as_its_concept_did(both):
    from projections.report import report_data
    from tests.helpers import event_count
    from web.reports.build import published

    concept = report_data(both.db, "doelenplan", "2026-H1", date(2026, 3, 31))
    both.app.publish_report("doelenplan", period="2026-H1", as_of=date(2026, 3, 31), position=event_count(both),
                            at=datetime(2026, 4, 2, 9), by="Bea Beheer")
    both.catch_up()
    # Made again from the events up to its position: the other plan's intervention is in it.
    again, _ = published(both, both.db, "doelenplan", 1)
    assert _sections(again["sections"])["doel-1"]["contributions"] == \
        _sections(concept["sections"])["doel-1"]["contributions"] != []
    local = report_data(both.db, "testagenda", "2026-H1", date(2026, 3, 31))
    both.app.publish_report("testagenda", period="2026-H1", as_of=date(2026, 3, 31), position=event_count(both),
                            at=datetime(2026, 4, 2, 9), by="Bea Beheer")
    both.catch_up()
    served = published(both, both.db, "testagenda", 1)[0]
    first = next(i for s in _sections(served["sections"]).values() for i in s["interventions"] if i["code"] == "1.A1")
    assert first["contributes_to"][0]["found"] and first["contributes_to"][0]["target"] == "Doel een"
    assert served["sections"] == local["sections"]
    # A link made after the position is not in it.
    both.app.link_contribution("testagenda", "1.A2", target_plan="doelenplan", target_group="doel-1",
                               reason="Later gekoppeld.", at=datetime(2026, 4, 3, 10), by="Bea Beheer")
    both.catch_up()
    again, _ = published(both, both.db, "doelenplan", 1)
    assert [c["code"] for c in _sections(again["sections"])["doel-1"]["contributions"]] == ["1.A1"]
    # Made from another set of aggregates (1.A2 links to it now), the earlier file is not kept beside it.
    kept = sorted(p.name for p in (both.data_dir / "rapportages").glob("readmodel-doelenplan-*.sqlite"))
    assert len(kept) == 1, kept


def test_with_many_goals_to_link_to_the_beheerder_chooses_the_plan_first(both, monkeypatch):
    from web import create_app
    from web.blueprints import interventions

    monkeypatch.setattr(interventions, "LINK_OPTIONS_AT_ONCE", 1)  # the goal plan has two groups
    web = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True})
    client = web.test_client()
    sign_in(client, both, "beheerder")
    page = "/plannen/testagenda/interventies/1.A2"
    first = html.unescape(client.get(page).get_data(as_text=True))
    assert '<select id="b-plan" name="koppel_plan" required>' in first and '<option value="doelenplan">Doelenplan' in first
    assert 'name="doel"' not in first                         # no list of every goal of every plan
    chosen = html.unescape(client.get(f"{page}?koppel_plan=doelenplan").get_data(as_text=True))
    assert '<option value="doelenplan" selected>Doelenplan' in chosen
    assert '<option value="doelenplan|doel-1">' in chosen and '<option value="doelenplan|opgave-1">' in chosen
    # A refused link keeps the plan chosen, and its goals.
    token = csrf_token(client, page)
    refused = client.post(f"{page}/bijdragen", data={"doel": "doelenplan|doel-1", "reden": " ", "csrf_token": token})
    again = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and '<option value="doelenplan|doel-1" selected>' in again
    done = client.post(f"{page}/bijdragen", data={"doel": "doelenplan|doel-1", "reden": "Dichtbij geholpen.",
                                                 "csrf_token": token})
    assert done.status_code == 303
    gone = html.unescape(client.get(f"{page}?koppel_plan=elders").get_data(as_text=True))
    assert "Dat plan is niet (meer) geladen" in gone and 'name="doel"' not in gone


def test_a_link_within_one_plan_is_shown_as_the_plans_own_not_as_another_plans(both, monkeypatch):
    from projections.report import report_data
    from web import create_app
    from web.blueprints import interventions

    both.app.link_contribution("testagenda", "2.1", target_plan="testagenda", target_group="1.A",
                               reason="Ook dit thema.", at=datetime(2026, 2, 1, 10), by="Bea Beheer")
    both.app.link_contribution("testagenda", "2.1", target_plan="testagenda", target_code="1.A2",
                               reason="Helpt 1.A2.", at=datetime(2026, 2, 1, 10), by="Bea Beheer")
    both.catch_up()
    goal = goal_page(both.db, "testagenda", "1.A", date(2026, 3, 1))
    assert goal["contributing"] == []                           # not "uit andere plannen"
    assert [(r["code"], r.get("linked", False)) for r in goal["own"]] == [("1.A1", False), ("1.A2", False),
                                                                        ("2.1", True)]
    report = report_data(both.db, "testagenda", "2026-H1", date(2026, 3, 31))
    assert all(s["contributions"] == [] for s in _sections(report["sections"]).values())
    client = create_app({"DATA_DIR": str(both.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    sign_in(client, both, "beheerder")
    page = html.unescape(client.get("/plannen/testagenda/doelen/1.A").get_data(as_text=True))
    assert "0 bijdragen uit andere plannen" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "2.1 " in words(page, "Interventies van dit plan", "</section>")
    assert "(door de beheerder aan dit doel gekoppeld)" in page
    target = html.unescape(client.get("/plannen/testagenda/interventies/1.A2").get_data(as_text=True))
    assert "Bijdragen uit andere plannen" not in target
    section = words(target, "Bijdragen van andere interventies van dit plan")
    assert "2.1 " in section and "dit plan" in section and "Helpt 1.A2." in section
    monkeypatch.setattr(interventions, "LINK_OPTIONS_AT_ONCE", 1)  # the plan first
    own = html.unescape(client.get("/plannen/testagenda/interventies/2.1?koppel_plan=testagenda").get_data(as_text=True))
    assert "Dit is het plan van de interventie zelf; kies een ander plan." in own
    assert "Dat plan is niet (meer) geladen" not in own


def test_the_public_edition_names_no_plan_that_is_not_public_in_a_plan_versions_summary(both):
    from projections.public_report import public_edition
    from projections.report import report_data

    both.app.import_plan(parse_plan(SMALL_PLAN, "agenda.yaml"), at=datetime(2026, 3, 4, 9), by="beheer")
    both.catch_up()
    data = report_data(both.db, "testagenda", "2026-H1", date(2026, 3, 31))
    [version] = data["changes"]["plan_versions"]
    assert "1.A1: bijdrage aan groep doel-1 van doelenplan vervallen" in version["summary"]
    hidden = public_edition(data, [], {"testagenda"})["changes"]["plan_versions"][0]["summary"]
    assert "1.A1: bijdrage aan een plan dat niet openbaar is vervallen" in hidden
    assert not any("doelenplan" in line for line in hidden)
    assert len(hidden) == len(version["summary"])
    both_public = public_edition(data, [], {"testagenda", "doelenplan"})["changes"]["plan_versions"][0]["summary"]
    assert both_public == version["summary"]
