"""The small things a user notices: Dutch numbers and periods, singular and plural, honest labels,
a favicon, one charset per download, and the stuurgroep's decision worded once."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from projections.wording import describe
from tests.accounts import ensure_user, sign_in
from tests.seed import PLAN, TODAY, seed_plan


@pytest.fixture
def site(data_dir):
    """The seeded default plan with one indicator value (12,5) and one published report."""
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ("beheerder", "lezer"):
        ensure_user(services, role)
    services.app.record_indicator_value(PLAN, indicator_id="instroom-per-zorgvorm", period="2026-H1",
                                        value="12,5", source="CBS", at=datetime(2026, 3, 20, 9), by="Bea Beheer")
    services.catch_up()
    services.app.publish_report(PLAN, period="2026-H1", as_of=date(2026, 3, 31),
                                position=services.app.recorder.max_notification_id(),
                                at=datetime(2026, 3, 31, 12), by="Bea Beheer")
    services.catch_up()
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    client = app.test_client()
    sign_in(client, services, "beheerder")
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_one_late_milestone_is_singular(site) -> None:
    one = text(site.get(f"/plannen/{PLAN}?trekker=Fatima+de+Vries"))
    assert "1 mijlpaal te laat" in one and "1 mijlpalen" not in one
    assert "4 mijlpalen te laat" in text(site.get(f"/plannen/{PLAN}?trekker=Jan+Jansen"))


def test_only_a_past_date_is_a_historical_state(site) -> None:
    assert "(historische stand)" in text(site.get(f"/plannen/{PLAN}?as_of=2026-01-15"))
    future = text(site.get(f"/plannen/{PLAN}?as_of=2026-09-30"))
    assert "(historische stand)" not in future and "vooruitblik" in future
    assert "(historische stand)" not in text(site.get(f"/plannen/{PLAN}"))


def test_indicator_values_are_written_the_dutch_way(site) -> None:
    page = text(site.get(f"/plannen/{PLAN}/indicatoren"))
    assert "H1 2026: 12,5" in page and "12.5" not in page


def test_published_reports_are_listed_by_their_period_in_words(site) -> None:
    page = text(site.get(f"/plannen/{PLAN}/rapportages"))
    assert ">eerste halfjaar 2026</td>" in page and ">2026-H1</td>" not in page


def test_the_favicon_is_served_without_signing_in(site) -> None:
    from web import create_app

    anonymous = create_app({"DATA_DIR": site.application.config["DATA_DIR"], "TESTING": True}).test_client()
    icon = anonymous.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in text(site.get(f"/plannen/{PLAN}"))
    assert anonymous.get("/static/favicon.svg").status_code == 200


@pytest.mark.parametrize(("path", "content_type"), [
    (f"/plannen/{PLAN}/export.csv", "text/csv; charset=utf-8"),
    (f"/plannen/{PLAN}/rapportages/concept.md?periode=2026-H1&peildatum=2026-03-31", "text/markdown; charset=utf-8"),
    (f"/plannen/{PLAN}/rapportages/nr-1.html", "text/html; charset=utf-8"),
])
def test_downloads_send_one_charset(site, path: str, content_type: str) -> None:
    response = site.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type


@pytest.mark.parametrize(("decision", "actions", "expected"), [
    ("Plan goedgekeurd.", "Trekker rapporteert in juni.",
     "Besluit: Plan goedgekeurd. Acties: Trekker rapporteert in juni."),
    ("Plan goedgekeurd", "Trekker rapporteert in juni", "Besluit: Plan goedgekeurd. Acties: Trekker rapporteert in juni."),
    ("Doorgaan?", "", "Besluit: Doorgaan?"),
])
def test_a_decision_is_worded_with_one_full_stop(decision: str, actions: str, expected: str) -> None:
    line = describe("ReviewRecorded", {"meeting_date": "2026-03-10", "decision": decision, "actions": actions})
    assert line == f"Besproken in de stuurgroep op 10 maart 2026. {expected}"


def test_a_milestone_planned_without_a_term_says_so_instead_of_empty_brackets() -> None:
    assert describe("MilestonePlanned", {"label": "Monitoring", "due_text": ""}) == \
        "Mijlpaal gepland: 'Monitoring' (zonder termijn)"
    assert describe("MilestonePlanned", {"label": "Start", "due_text": "Q1 2026"}) == "Mijlpaal gepland: 'Start' (Q1 2026)"


def test_the_stoplicht_form_holds_the_explanation_of_a_manual_oranje(data_dir) -> None:
    import html

    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    ensure_user(services, "trekker", "f.devries@nijmegen.nl", "Fatima de Vries")  # the trekker of 2.B2 and 3.A1
    services.app.assign_trekker(PLAN, "3.A1", name="Fatima de Vries", email="f.devries@nijmegen.nl",
                                at=datetime(2026, 3, 20, 9), by="Bea Beheer")
    services.app.set_stoplicht(PLAN, "3.A1", colour="groen", at=datetime(2026, 3, 21, 9), by="Bea Beheer")
    services.app.set_stoplicht(PLAN, "2.B2", colour="oranje", oorzaak="Te weinig capaciteit",
                               gevolg="Start een kwartaal later", bijsturing="Extra inhuur",
                               at=datetime(2026, 3, 20, 9), by="Bea Beheer")
    services.catch_up()
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True}).test_client()
    sign_in(client, services, "trekker", "f.devries@nijmegen.nl")
    page = html.unescape(text(client.get(f"/plannen/{PLAN}/interventies/2.B2")))
    assert '<textarea id="sl-oorzaak" name="oorzaak" rows="2" aria-describedby="sl-uitleg">Te weinig capaciteit</textarea>' in page
    assert '<textarea id="sl-bijsturing" name="bijsturing" rows="2" aria-describedby="sl-uitleg">Extra inhuur</textarea>' in page
    assert 'value="oranje" required checked' in page
    # Set back to groen, the explanation of the earlier oranje is not offered again.
    other = html.unescape(text(client.get(f"/plannen/{PLAN}/interventies/3.A1")))
    assert '<textarea id="sl-oorzaak" name="oorzaak" rows="2" aria-describedby="sl-uitleg"></textarea>' in other


def test_the_tijdpad_on_the_page_is_in_date_order_after_a_milestone_is_added(data_dir) -> None:
    import re

    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    ensure_user(services, "lezer")
    services.app.plan_milestone(PLAN, "2.B2", label="Tussentijdse meting", due="2026-02-15",
                               at=datetime(2026, 1, 20, 9), by="Bea Beheer")
    services.catch_up()
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True}).test_client()
    sign_in(client, services, "lezer")
    page = text(client.get(f"/plannen/{PLAN}/interventies/2.B2"))
    tijdpad = page[page.index("<h2>Tijdpad</h2>"):page.index("</table>", page.index("<h2>Tijdpad</h2>"))]
    labels = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
              for cell in re.findall(r'<td data-label="Mijlpaal">(.*?)</td>', tijdpad, re.S)]
    # Plan van aanpak Q4 2025, the added one in February 2026, the start Q1 2026, the evaluation Q1 2027.
    assert labels.index("Tussentijdse meting") == 1, labels
    assert labels[-1].startswith("Evaluatie"), labels


def test_no_colour_is_chosen_in_the_stoplicht_form_until_the_trekker_sets_one(data_dir) -> None:
    import html
    import re

    from tests.accounts import csrf_token
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    ensure_user(services, "trekker", "f.devries@nijmegen.nl", "Fatima de Vries")  # the trekker of 2.B2
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True}).test_client()
    sign_in(client, services, "trekker", "f.devries@nijmegen.nl")
    page = f"/plannen/{PLAN}/interventies/2.B2"
    shown = html.unescape(text(client.get(page)))
    assert 'name="colour"' in shown and 'name="colour" value="groen" required checked' not in shown
    assert " checked>" not in shown.split('name="colour"', 1)[1].split("</fieldset>")[0]
    version = re.search(r'name="version" value="(\d+)"', shown)[1]
    refused = client.post(f"{page}/stoplicht", data={"csrf_token": csrf_token(client, page), "version": version,
                                                     "per": TODAY.isoformat()})
    assert refused.status_code == 422
    assert "Kies een stoplichtkleur: groen, oranje of rood." in html.unescape(refused.get_data(as_text=True))


def test_an_intervention_with_every_milestone_settled_says_what_geen_planning_asks(data_dir) -> None:
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    ensure_user(services, "lezer")
    iv = services.app.get_intervention(PLAN, "2.B2")
    for m in iv.milestones.values():
        if m.status == "open":
            services.app.complete_milestone(PLAN, "2.B2", m.id, realised=date(2026, 3, 1),
                                            at=datetime(2026, 3, 2, 9), by="Bea Beheer")
    services.catch_up()
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True}).test_client()
    sign_in(client, services, "lezer")
    page = " ".join(text(client.get(f"/plannen/{PLAN}/interventies/2.B2")).split())
    assert "Alle mijlpalen zijn gereed of vervallen: plan een volgende mijlpaal" in page
    other = " ".join(text(client.get(f"/plannen/{PLAN}/interventies/3.A1")).split())
    assert "Alle mijlpalen zijn gereed" not in other
