"""The public site of a plan: opt-in, without signing in, only public fields, cacheable, open data."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest

from projections.public_site import public_site
from tests.accounts import csrf_token, ensure_user, sign_in
from tests.helpers import event_count
from tests.report_seed import AS_OF, PERIOD, PLAN, seed_report_scenario

URL = f"/openbaar/{PLAN}"
NOTE = "Vier aanbieders zetten groepsproducten in"          # a progress note (2.A2)
OORZAAK = "Besluit college later dan voorzien"              # 3.A1's explanation
REASON = "Wacht op besluit college over de samenstelling"   # 3.A1's reschedule reason
DONE_NOTE = "Afspraken met vier aanbieders"                 # a note on a completed milestone
LOADED = ["2.A1", "2.A2", "2.A3", "2.B1", "2.B2", "2.C1", "2.C2", "2.D1", "2.E1", "3.A1", "3.A2", "3.A3",
          "3.A4", "3.B1", "3.B2", "3.B3", "3.C1", "3.C2", "3.C3", "3.C4", "3.C5", "3.D1", "4.1", "4.2"]
CODES = [c for c in LOADED if c != "3.C2"] + ["4.3"]  # actualised in May 2026: 3.C2 dropped, 4.3 added
PRIVATE = (NOTE, OORZAAK, REASON, DONE_NOTE, "Jan Jansen", "j.jansen@nijmegen.nl", "Stuurgroep akkoord")


@pytest.fixture
def site(services):
    """The report scenario with a review by the stuurgroep and a published report of 2026-H1."""
    from web import create_app

    seed_report_scenario(services)
    services.app.record_review(PLAN, "3.A1", meeting_date=date(2026, 7, 1), decision="Stuurgroep akkoord",
                               at=datetime(2026, 7, 1, 15), by="stuurgroep")
    services.catch_up()
    services.app.publish_report(PLAN, period=PERIOD, as_of=AS_OF, position=event_count(services),
                                at=datetime(2026, 7, 16, 9), by="Bea Beheer")
    services.catch_up()
    for role in ("beheerder", "lezer"):
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-07-20", "TESTING": True})
    return app


def turn(cli, state: str, *fields: str):
    args = ["public", PLAN, state, "--today", "2026-07-20"]
    for f in fields:
        args += ["--field", f]
    return cli(*args)


def test_a_plan_is_not_public_until_the_beheerder_turns_it_on(site, cli):
    client = site.test_client()
    assert client.get(URL).status_code == 404
    result = turn(cli, "on")
    assert result.exit_code == 0, result.output
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for code in CODES:
        assert f'id="interventie-{code}"' in html
    assert "Tijdpad van 2.B2" in html and "Plan van aanpak" in html
    for private in PRIVATE:
        assert private not in html
    assert turn(cli, "off").exit_code == 0
    assert client.get(URL).status_code == 404


def test_a_stand_before_the_plan_was_adopted_says_there_is_none(services, cli):
    from web import create_app

    assert cli("init", "--today", "2025-10-01").exit_code == 0
    assert cli("public", PLAN, "on").exit_code == 0
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    early = " ".join(client.get(f"{URL}?as_of=1999-01-01").get_data(as_text=True).split())
    assert "Op 1 januari 1999 was dit plan nog niet vastgesteld: het geldt vanaf 1 september 2025." in early
    assert "nog niet vastgesteld" not in client.get(f"{URL}?as_of=2025-10-01").get_data(as_text=True)


def test_the_default_plan_on_the_public_site_shows_all_24_codes(services, cli):
    from web import create_app

    assert cli("init", "--today", "2025-10-01").exit_code == 0
    assert cli("note", "2.B2", "Een interne notitie over de aanbesteding", "--today", "2025-11-03").exit_code == 0
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-04-01", "TESTING": True}).test_client()
    assert client.get(URL).status_code == 404
    assert cli("public", PLAN, "on").exit_code == 0
    html = client.get(URL).get_data(as_text=True)
    assert len(LOADED) == 24 and all(f'id="interventie-{c}"' in html for c in LOADED)
    assert "Een interne notitie" not in html
    # The indicators are listed without values: the page says where those are, and that none is there yet.
    assert "De gemeten waarden staan in de" in html and "daarvan is er nog geen vastgesteld" in html


def test_public_pages_are_cacheable_and_set_no_cookie_even_for_a_signed_in_user(site, cli):
    turn(cli, "on")
    client = site.test_client()
    sign_in(client, site.extensions["tracker"], "beheerder")
    response = client.get(URL)
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers
    assert "csrf_token" not in response.get_data(as_text=True)
    again = client.get(URL, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    # Behind sign-in nothing changed: still never cached.
    assert client.get(f"/plannen/{PLAN}").headers["Cache-Control"] == "no-store"


def test_fields_the_beheerder_marks_public_are_shown(site, cli):
    assert turn(cli, "on", "trekker_name", "explanation", "notes", "review").exit_code == 0
    html = site.test_client().get(URL).get_data(as_text=True)
    for shown in (NOTE, OORZAAK, REASON, DONE_NOTE, "Jan Jansen", "Stuurgroep akkoord"):
        assert shown in html
    assert "j.jansen@nijmegen.nl" not in html  # not marked


def test_open_data_carries_the_interventions_milestones_and_licence(site, cli):
    turn(cli, "on")
    client = site.test_client()
    data = client.get(f"{URL}/interventies.json").get_json()
    assert data["licence"]["id"] == "CC0-1.0"
    assert [iv["code"] for iv in data["interventions"]] == CODES
    assert {"trekker", "notes", "explanation", "review"}.isdisjoint(data["interventions"][0])
    milestones = client.get(f"{URL}/mijlpalen.json").get_json()["milestones"]
    done = [m for m in milestones if m["code"] == "2.A2" and m["state"] == "gereed"]
    assert done and done[0]["realised"] == "2026-03-20" and "note" not in done[0]
    response = client.get(f"{URL}/mijlpalen.csv")
    assert 'rel="license"' in response.headers["Link"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert len(rows) == len(milestones) and rows[0]["plan"] == PLAN
    body = client.get(f"{URL}/interventies.csv").get_data(as_text=True)
    for private in PRIVATE:
        assert private not in body and private not in json.dumps(data, ensure_ascii=False)


def test_a_published_report_is_public_without_what_is_not_public(site, cli):
    turn(cli, "on")
    client = site.test_client()
    html = client.get(URL).get_data(as_text=True)
    assert f"{URL}/rapportages/nr-1.md" in html
    assert "De gemeten waarden staan in de" in html and "daarvan is er nog geen vastgesteld" not in html
    public_md = client.get(f"{URL}/rapportages/nr-1.md").get_data(as_text=True)
    assert "Openbare versie" in public_md and "niet openbaar" in public_md
    for private in (NOTE, OORZAAK, REASON, "Jan Jansen"):
        assert private not in public_md
    # The report as adopted is unchanged for those who may read it.
    sign_in(client, site.extensions["tracker"], "lezer")
    full = client.get(f"/plannen/{PLAN}/rapportages/nr-1.md").get_data(as_text=True)
    assert NOTE in full and OORZAAK in full
    assert client.get(f"{URL}/rapportages/nr-9.md").status_code == 404


def test_the_beheerder_switches_the_site_in_the_browser(site):
    services = site.extensions["tracker"]
    client = site.test_client()
    sign_in(client, services, "beheerder")
    page = f"/plannen/{PLAN}/openbaar"
    token = csrf_token(client, page)
    before = event_count(services)
    refused = client.post(page, data={"csrf_token": token, "openbaar": "misschien"})
    assert refused.status_code == 422 and event_count(services) == before
    response = client.post(page, data={"csrf_token": token, "openbaar": "aan", "velden": ["trekker_name"],
                                       "reden": "Besluit college 14 juli"})
    assert response.status_code == 303
    services.catch_up()
    setting = public_site(services.db, PLAN)
    assert setting["public"] and setting["fields"] == ["trekker_name"]
    assert setting["by"] == "Bea Beheer" and setting["reason"] == "Besluit college 14 juli"
    assert "Jan Jansen" in site.test_client().get(URL).get_data(as_text=True)


def test_only_the_beheerder_may_switch_it(site):
    services = site.extensions["tracker"]
    client = site.test_client()
    sign_in(client, services, "lezer")
    assert client.get(f"/plannen/{PLAN}/openbaar").status_code == 403
    assert client.post(f"/plannen/{PLAN}/openbaar", data={"openbaar": "aan"}).status_code in (400, 403)
    assert not public_site(services.db, PLAN)["public"]


def test_the_same_setting_twice_and_unknown_fields_are_refused(site, cli):
    assert turn(cli, "on").exit_code == 0
    again = turn(cli, "on")
    assert again.exit_code == 1 and "staat al aan" in again.output
    assert turn(cli, "on", "adres").exit_code != 0
    assert cli("public", "onbekend-plan", "on").exit_code == 1


@pytest.mark.parametrize("path", ["/openbaar/", f"/openbaar/{PLAN}/a/b/c", "/openbaar/%00"])
def test_an_address_no_public_page_has_gets_the_public_not_found_page(site, path):
    # No route matches, so the app's own error page would answer: it needs the session the public site has not.
    client = site.test_client()
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Niet gevonden" in html and "openbare plannen" in html
    assert "csrf_token" not in html and "Set-Cookie" not in response.headers


def test_a_method_the_public_site_does_not_take_is_refused_in_its_own_words(site):
    response = site.test_client().post(URL, data={"x": "1"})
    assert response.status_code == 405
    html = response.get_data(as_text=True)
    assert "Niet toegestaan" in html and "Deze handeling is hier niet toegestaan." in html
    assert "Set-Cookie" not in response.headers


ACTION = "Aanbieders uitnodigen voor een herijking"


@pytest.fixture
def site_with_action(services):
    """The report scenario, with an action the stuurgroep gave on 3.A1 in H1 2026, and that half year's report
    published."""
    from web import create_app

    seed_report_scenario(services)
    owner = ensure_user(services, "stuurgroep")
    key = services.app.open_meeting(PLAN, meeting_date=date(2026, 5, 12), at=datetime(2026, 5, 12, 15),
                                    by="stuurgroep")
    services.app.decide(PLAN, key, "3.A1", decision="Versnellen", action=ACTION, owner=owner, term="2026-06-15",
                        at=datetime(2026, 5, 12, 15), by="stuurgroep")
    services.catch_up()
    services.app.publish_report(PLAN, period=PERIOD, as_of=AS_OF, position=event_count(services),
                                at=datetime(2026, 7, 16, 9), by="Bea Beheer")
    services.catch_up()
    return create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-07-20", "TESTING": True})


def test_the_stuurgroeps_actions_are_public_only_as_such_unless_its_reviews_are(site_with_action, cli):
    from projections.public_report import ACTION_WITHHELD

    turn(cli, "on", "explanation", "notes")
    client = site_with_action.test_client()
    for path in ("", "/interventies.json", "/mijlpalen.json", "/mijlpalen.csv", "/rapportages/nr-1.md"):
        body = client.get(URL + path).get_data(as_text=True)
        assert ACTION not in body and "stuurgroep@nijmegen.nl" not in body, path
    milestones = client.get(f"{URL}/mijlpalen.json").get_json()["milestones"]
    action = [m for m in milestones if m["label"] == ACTION_WITHHELD]
    # It is there, with its term and state (it counts in the Tijdpad's colour), and says nothing more.
    assert len(action) == 1 and action[0]["code"] == "3.A1" and action[0]["due"] == "2026-06-15"
    assert action[0]["note"] is None and action[0]["reason"] is None
    public_md = client.get(f"{URL}/rapportages/nr-1.md").get_data(as_text=True)
    assert ACTION_WITHHELD in public_md and "de omschrijving van de acties van de stuurgroep" in public_md
    # With the reviews public, the action reads as the stuurgroep wrote it.
    turn(cli, "on", "explanation", "notes", "review")
    assert ACTION in client.get(URL).get_data(as_text=True)
    public_md = client.get(f"{URL}/rapportages/nr-1.md").get_data(as_text=True)
    assert ACTION in public_md and "stuurgroep@nijmegen.nl" not in public_md  # its note names the owner


def test_a_completed_action_keeps_its_owner_and_words_off_the_public_site(services, cli):
    """Done, the action's row carries the completion's note: the note it was given (its owner and their
    address) is in an earlier version only, and stays off the public site and the public report too."""
    from web import create_app

    seed_report_scenario(services)
    owner = ensure_user(services, "stuurgroep")
    key = services.app.open_meeting(PLAN, meeting_date=date(2026, 5, 12), at=datetime(2026, 5, 12, 15),
                                    by="stuurgroep")
    milestone = services.app.decide(PLAN, key, "3.A1", decision="Versnellen", action=ACTION, owner=owner,
                                    term="2026-06-15", at=datetime(2026, 5, 12, 15), by="stuurgroep")
    services.app.complete_milestone(PLAN, "3.A1", milestone, realised=date(2026, 6, 10),
                                    note="Uitnodiging verstuurd aan de aanbieders", at=datetime(2026, 6, 10, 9),
                                    by="stuurgroep")
    services.catch_up()
    services.app.publish_report(PLAN, period=PERIOD, as_of=AS_OF, position=event_count(services),
                                at=datetime(2026, 7, 16, 9), by="Bea Beheer")
    services.catch_up()
    turn(cli, "on", "explanation", "notes")
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-07-20", "TESTING": True}).test_client()
    for path in ("", "/interventies.json", "/mijlpalen.json", "/mijlpalen.csv", "/rapportages/nr-1.md"):
        body = client.get(URL + path).get_data(as_text=True)
        assert ACTION not in body and owner not in body and "Uitnodiging verstuurd" not in body, path


@pytest.mark.parametrize("path", [f"/openbaar/{PLAN}?as_of=9999-12-31",
                                  f"/openbaar/{PLAN}/rapportages/nr-9223372036854775808.html"])
def test_a_date_or_number_past_what_the_tracker_holds_is_a_clear_refusal_not_an_error(site, cli, path):
    assert turn(cli, "on").exit_code == 0
    response = site.test_client().get(path)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "buiten het bereik van het volgsysteem" in html and "csrf_token" not in html
