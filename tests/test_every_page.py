"""Every page of each shipped plan opens for a beheerder: no 500 for a plan of any shape.

The shipped plans differ in shape (the regional programme's indicators have targets in words, its
goals are opgaven with doelen, its funding is per year); a page written for one shape must not
fail on the other. This walks every page a plan has, as a beheerder sees them, now and as of a
day in the past.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from plans import default_plan_files
from tests.accounts import ensure_user, sign_in
from tracker.planfile import read_plan_file

LOADED_AT = datetime(2025, 10, 1, 9, 0, tzinfo=timezone.utc)
TODAY = "2026-12-01"
ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from web import create_app
    from web.services import open_services

    data_dir = tmp_path_factory.mktemp("every-page")
    services = open_services(data_dir)
    specs = [read_plan_file(path) for path in default_plan_files({})]
    for spec in specs:
        services.app.import_plan(spec, at=LOADED_AT, by="beheer")
    for spec in specs:
        services.app.set_public_site(spec.id, public=True, fields=["trekker_name"], at=LOADED_AT, by="beheer")
    for role in ROLES:
        ensure_user(services, role)
    services.catch_up()
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY, "TESTING": True})
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        sign_in(clients[role], services, role)
    yield clients, specs
    services.db.close()
    services.app.close()


def plan_pages(spec) -> list[str]:
    base = f"/plannen/{spec.id}"
    pages = [base, f"{base}/kwartaal", f"{base}/dashboard", f"{base}/beginstand", f"{base}/financien",
             f"{base}/indicatoren", f"{base}/normering", f"{base}/openbaar", f"{base}/rapportages",
             f"{base}/rapportages?periode=2026-H1", f"{base}/vergaderingen", f"{base}/wijzigingen",
             f"{base}/export.csv", f"{base}/export-mijlpalen.csv"]
    pages += [f"{base}/interventies/{iv.code}" for iv in spec.interventions]
    return pages


def goal_pages(spec) -> list[str]:
    def keys(groups):
        for group in groups:
            yield group["key"]
            yield from keys(group.get("groups") or [])

    return [f"/plannen/{spec.id}/doelen/{key}" for key in keys(spec.groups)]


def public_pages(spec) -> list[str]:
    from web.blueprints.public_site import OPEN_DATA

    return [f"/openbaar/{spec.id}"] + [f"/openbaar/{spec.id}/{name}" for name in OPEN_DATA]


def test_both_shipped_plans_are_walked(site):
    _, specs = site
    assert len(specs) == 2
    assert all(len(goal_pages(spec)) >= 4 for spec in specs)


@pytest.mark.parametrize("as_of", ["", "2026-03-31"])
def test_every_page_of_every_shipped_plan_opens_for_a_beheerder(site, as_of):
    client, specs = site[0]["beheerder"], site[1]
    failed = []
    for spec in specs:
        for page in plan_pages(spec) + goal_pages(spec) + public_pages(spec):
            url = page + (("&" if "?" in page else "?") + f"as_of={as_of}" if as_of else "")
            response = client.get(url)
            if response.status_code != 200:
                failed.append((url, response.status_code))
    assert failed == []


@pytest.mark.parametrize("role", ROLES[1:])
def test_every_page_opens_or_is_refused_in_words_for_the_other_roles(site, role):
    client, specs = site[0][role], site[1]
    seen = {}
    for spec in specs:
        for page in plan_pages(spec) + goal_pages(spec):
            response = client.get(page)
            seen[page] = response.status_code
            if response.status_code == 403:
                assert "U heeft geen toegang" in response.get_data(as_text=True)
    assert set(seen.values()) <= {200, 403}, {p: s for p, s in seen.items() if s not in (200, 403)}
    assert seen[f"/plannen/{specs[1].id}"] == 200


def test_an_indicator_target_in_words_shows_as_its_words(site):
    client, specs = site[0]["beheerder"], site[1]
    regional = next(s for s in specs if s.id.startswith("regioprogramma"))
    page = client.get(f"/plannen/{regional.id}/indicatoren").get_data(as_text=True)
    worded = next(i for i in regional.facts["indicators"] if i.get("target", {}).get("text"))
    assert worded["target"]["text"] in page


def test_an_amount_in_euros_is_written_with_the_euro_sign():
    from projections.goals import target_text
    from projections.wording import amount

    assert amount(1250000, "EUR") == "€ 1.250.000"
    assert amount(12.5, "uren per cliënt") == "12,5 uren per cliënt"
    assert target_text({"value": 6000000, "direction": "down", "by": "2028"}, "EUR") == "ten hoogste € 6.000.000 in 2028"
    assert target_text({"min": 5, "max": 7}, "EUR") == "€ 5 tot € 7"
    assert target_text({"min": 5, "max": 7}, "%") == "5 tot 7 %"


def test_a_concept_address_without_its_half_year_leads_to_the_one_the_report_page_offers(site):
    client, specs = site[0]["beheerder"], site[1]
    base = f"/plannen/{specs[0].id}/rapportages/concept.md"
    response = client.get(f"{base}?peildatum=2026-06-30")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{base}?peildatum=2026-06-30&periode=2026-H1")
    assert client.get(response.headers["Location"]).status_code == 200
    assert "Ongeldig verzoek" in client.get(f"{base}?periode=2026-H3").get_data(as_text=True)


def test_the_regional_plans_funding_and_finance_note_stand_on_its_finance_page_and_in_its_report(site):
    import html

    from projections.report_figures import funding_text

    client, specs = site[0]["beheerder"], site[1]
    regional = next(s for s in specs if s.id.startswith("regioprogramma"))
    [storm] = regional.facts["finance"]["funding"]
    said = funding_text(storm)
    assert said.startswith("Rijk: Subsidie voor het uitrollen van de STORM-aanpak in de regio, 50 % van de kosten, "
                           "aan Regio Rijk van Nijmegen. Aanvraag in 2022")
    page = html.unescape(client.get(f"/plannen/{regional.id}/financien").get_data(as_text=True))
    assert said in page and regional.facts["finance"]["note"] in page
    assert "Het plan noemt geen bedragen." not in page
    report = client.get(f"/plannen/{regional.id}/rapportages/concept.md?periode=2026-H1").get_data(as_text=True)
    assert "Het plan bevat geen financiële gegevens." not in report
    assert "Bijdragen en subsidies volgens het plan" in report and "STORM-aanpak" in report


def test_the_public_page_explains_the_colours_as_they_are_given_and_lists_the_plans_milestones_by_date(site):
    import html

    from projections.status import LONG_LATE_DAYS

    client, specs = site[0]["beheerder"], site[1]
    page = html.unescape(client.get(f"/openbaar/{specs[0].id}").get_data(as_text=True))
    legend = " ".join(page[page.index("Groen: op schema."):].split("</p>")[0].split())
    assert f"Oranje: één mijlpaal is te laat, ten hoogste {LONG_LATE_DAYS} dagen" in legend
    assert f"Rood: twee of meer mijlpalen te laat, of één meer dan {LONG_LATE_DAYS} dagen" in legend
    own = page[page.index("Tijdpad van het plan") if "Tijdpad van het plan" in page else 0:]
    labels = [m["label"] for m in specs[0].facts["milestones"]]
    shown = sorted(labels, key=lambda label: own.find(html.unescape(label)) if label in own else 10**9)
    by_date = [m["label"] for m in sorted(specs[0].facts["milestones"], key=lambda m: m["due"] or "")]
    assert shown == by_date


def test_the_normering_page_speaks_of_the_plan_it_is_of(site):
    client, specs = site[0]["beheerder"], site[1]
    agenda = client.get(f"/plannen/{specs[0].id}/normering").get_data(as_text=True)
    regional = client.get(f"/plannen/{specs[1].id}/normering").get_data(as_text=True)
    assert "volgens het plan: Wederzijdse informatieplicht" in agenda
    assert "Bijlage 1" not in regional and "het plan noemt geen drempel; dit is de standaard" in regional
