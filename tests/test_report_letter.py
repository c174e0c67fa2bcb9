"""The report reads as a raadsinformatiebrief: the beheerder's inleiding and vervolgproces, a Vooruitblik, the signature."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.accounts import csrf_token, sign_in
from tests.report_seed import AS_OF, PERIOD, PLAN, seed_report_scenario
from tracker.errors import DomainError
from web.reports import render_report
from web.reports.build import concept, published

INLEIDING = ("Met deze rapportage informeren wij u over de voortgang van de uitvoeringsagenda.\n\n"
             "- de agenda loopt sinds september 2025\n- dit is de eerste halfjaarrapportage")
VERVOLG = "In het najaar bespreken wij de voortgang met uw raad."


@pytest.fixture
def scenario(services):
    seed_report_scenario(services)
    return services


def _markdown(data, meta) -> str:
    return render_report(data, meta, "md").decode("utf-8")


def test_the_beheerders_texts_and_the_signature_stand_in_the_report_in_the_letters_order(scenario):
    app = scenario.app
    app.write_report_text(PLAN, period=PERIOD, section="inleiding", text=INLEIDING, at=datetime(2026, 7, 16, 9),
                          by="Bea Beheer")
    app.write_report_text(PLAN, period="H1 2026", section="vervolgproces", text=VERVOLG,
                          at=datetime(2026, 7, 16, 9, 5), by="Bea Beheer")
    app.set_report_signature(PLAN, college="burgemeester en wethouders van Nijmegen",
                             signatories=[("de secretaris", "A. de Vries"), ("de burgemeester", "H. Bruls")],
                             at=datetime(2026, 7, 16, 9, 10), by="Bea Beheer")
    scenario.catch_up()
    data, meta = concept(scenario.db, PLAN, PERIOD, AS_OF, date(2026, 7, 16))
    text = _markdown(data, meta)
    order = ["## Inleiding en context", "## Kernboodschap", "## Vooruitblik", "## Financiën",
             "## Communicatie en vervolgproces", "Met vriendelijke groet,", "## Bijlage: Tijdpad"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert "Met deze rapportage informeren wij u over de voortgang" in text
    assert "- de agenda loopt sinds september 2025" in text
    assert VERVOLG in text
    assert "Het college van burgemeester en wethouders van Nijmegen," in text
    assert "de secretaris, A. de Vries" in text and "de burgemeester, H. Bruls" in text
    # Another half year has texts of its own.
    other, meta = concept(scenario.db, PLAN, "2026-H2", date(2026, 8, 1), date(2026, 8, 1))
    assert "Met deze rapportage informeren wij u" not in _markdown(other, meta)


def test_a_concept_without_texts_says_what_is_still_to_be_written_and_who_signs(scenario):
    data, meta = concept(scenario.db, PLAN, PERIOD, AS_OF, date(2026, 7, 16))
    text = _markdown(data, meta)
    assert "Nog te schrijven door de beheerder: de inleiding en de context" in text
    assert "Nog te schrijven door de beheerder: de communicatie en het vervolgproces" in text
    # Without settings the college follows from the organisation.
    assert "Het college van burgemeester en wethouders van Nijmegen," in text


def test_the_vooruitblik_lists_per_chapter_what_is_planned_in_the_next_half_year(scenario):
    data, _ = concept(scenario.db, PLAN, PERIOD, AS_OF, date(2026, 7, 16))
    chapters = {c["title"]: c["items"] for c in data["outlook"]["chapters"]}
    assert list(chapters) == ["Generieke maatregelen", "Maatregelen jeugd", "Maatregelen ambulante Wmo-begeleiding"]
    jeugd = [(i["code"], i["label"], i["due_text"]) for i in chapters["Maatregelen jeugd"]]
    assert ("3.A1", "Commissie operationeel", "Q3 2026") in jeugd  # moved from Q1 into the next half year
    for items in chapters.values():
        assert all(i["due_text"].endswith("2026") for i in items)
    agenda = [m["label"] for m in data["outlook"]["agenda"]]
    assert any("ctualis" in label for label in agenda)  # the agenda's own Q4 2026 actualisation


def test_the_texts_are_frozen_with_the_report_when_it_is_published(scenario):
    app = scenario.app
    app.write_report_text(PLAN, period=PERIOD, section="inleiding", text="Eerste versie.",
                          at=datetime(2026, 7, 16, 9), by="Bea Beheer")
    scenario.catch_up()
    number = app.publish_report(PLAN, period=PERIOD, as_of=AS_OF, position=scenario.runner.position,
                                at=datetime(2026, 7, 20, 10), by="Bea Beheer")
    scenario.catch_up()
    app.write_report_text(PLAN, period=PERIOD, section="inleiding", text="Herschreven na vaststelling.",
                          at=datetime(2026, 7, 21, 9), by="Bea Beheer")
    scenario.catch_up()
    frozen = _markdown(*published(scenario, scenario.db, PLAN, number))
    assert "Eerste versie." in frozen and "Herschreven" not in frozen
    # A published report without a vervolgproces leaves it out rather than asking for it.
    assert "Nog te schrijven" not in frozen
    assert "Herschreven na vaststelling." in _markdown(*concept(scenario.db, PLAN, PERIOD, AS_OF, date(2026, 7, 21)))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"section": "bijlage"}, "Onbekend deel 'bijlage'"),
    ({"period": "2026-Q1"}, "gaat over een halfjaar"),
    ({"text": ""}, "is ongewijzigd"),
])
def test_a_wrong_text_is_refused(scenario, kwargs, message):
    values = {"period": PERIOD, "section": "inleiding", "text": "", **kwargs}
    with pytest.raises(DomainError, match=message):
        scenario.app.write_report_text(PLAN, **values, at=datetime(2026, 7, 16), by="Bea Beheer")


def test_a_signatory_needs_a_role_and_a_name(scenario):
    with pytest.raises(DomainError, match="zowel de functie als de naam"):
        scenario.app.set_report_signature(PLAN, college="burgemeester en wethouders van Nijmegen",
                                          signatories=[("de secretaris", "")], at=datetime(2026, 7, 16),
                                          by="Bea Beheer")
    with pytest.raises(DomainError, match="Vul in namens wie"):
        scenario.app.set_report_signature(PLAN, college=" ", signatories=[], at=datetime(2026, 7, 16), by="B")


@pytest.fixture
def web(scenario, data_dir):
    from web import create_app

    return create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-07-16", "TESTING": True})


def test_the_beheerder_writes_the_texts_and_the_signature_on_the_report_page(web, scenario):
    client = web.test_client()
    sign_in(client, scenario, "beheerder")
    url = f"/plannen/{PLAN}/rapportages"
    page = client.get(f"{url}?periode={PERIOD}&peildatum=2026-07-15").get_data(as_text=True)
    assert 'name="inleiding"' in page and 'name="college"' in page
    token = csrf_token(client, url)
    response = client.post(f"{url}/teksten", data={"csrf_token": token, "periode": PERIOD, "peildatum": "2026-07-15",
                                                   "inleiding": INLEIDING, "vervolgproces": ""})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{url}?periode={PERIOD}&peildatum=2026-07-15")
    response = client.post(f"{url}/ondertekening", data={
        "csrf_token": token, "periode": PERIOD, "peildatum": "2026-07-15",
        "college": "burgemeester en wethouders van Nijmegen", "functie1": "de burgemeester", "naam1": "H. Bruls"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "De ondertekening is opgeslagen." in page
    assert "Met deze rapportage informeren wij u over de voortgang" in page  # in the preview
    assert "de burgemeester, H. Bruls" in page
    response = client.post(f"{url}/ondertekening", data={"csrf_token": token, "college": "x", "functie1": "de burgemeester"})
    assert response.status_code == 400 and "zowel de functie als de naam" in response.get_data(as_text=True)


def test_the_stuurgroep_sees_the_report_but_writes_no_texts(web, scenario):
    client = web.test_client()
    sign_in(client, scenario, "stuurgroep")
    url = f"/plannen/{PLAN}/rapportages"
    page = client.get(f"{url}?periode={PERIOD}&peildatum=2026-07-15").get_data(as_text=True)
    assert 'name="inleiding"' not in page
    response = client.post(f"{url}/teksten", data={"csrf_token": csrf_token(client, url), "periode": PERIOD,
                                                   "inleiding": "x"})
    assert response.status_code == 403


def test_a_report_of_several_gemeenten_is_signed_by_their_colleges():
    from projections.report_letter import _college
    from web.reports.document import _signature

    college = _college("7 gemeenten: Berg en Dal, Beuningen en Wijchen")
    assert college == "de colleges van burgemeester en wethouders van Berg en Dal, Beuningen en Wijchen"
    (_, signed) = _signature({"signature": {"college": college, "signatories": []}})
    assert signed["text"] == "De colleges van burgemeester en wethouders van Berg en Dal, Beuningen en Wijchen,"
    assert _college("Gemeente Nijmegen") == "burgemeester en wethouders van Nijmegen"


@pytest.mark.parametrize(("college", "signatories", "message"), [
    ("burgemeester en wethouders", [("de secretaris", "x" * 201)], "Een naam bij de ondertekenaars is te lang"),
    ("b" * 201, [("de secretaris", "A. de Vries")], "Een naam bij de ondertekening is te lang"),
    ("burgemeester en wethouders", [("lid", f"Naam {n}") for n in range(60)], "Te veel ondertekenaars"),
])
def test_a_signature_names_people_of_a_sensible_length(scenario, college, signatories, message):
    from tests.helpers import event_count

    before = event_count(scenario)
    with pytest.raises(DomainError, match=message):
        scenario.app.set_report_signature(PLAN, college=college, signatories=signatories,
                                          at=datetime(2026, 7, 16, 9, 10), by="Bea Beheer")
    assert event_count(scenario) == before
