"""User text comes back inert everywhere; error pages are Dutch and never show a stack trace."""

from __future__ import annotations

from datetime import datetime

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from tests.accounts import PASSWORD, csrf_token, ensure_user, sign_in
from tests.helpers import event_count
from tests.seed import PLAN, TODAY, seed_plan

ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")
IV = f"/plannen/{PLAN}/interventies/3.A1"
BOARD = f"/plannen/{PLAN}"
CHANGES = f"/plannen/{PLAN}/wijzigingen?van=2026-03-31"
LATE = "afwegingskader-startfase"
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
# What must never appear in a page: a tag or an attribute that came from a user.
RAW = re.compile(r"<script>alert|<img src=x", re.I)


@dataclass
class Site:
    app: Any
    client: Any
    services: Any

    def version(self, code: str = "3.A1") -> str:
        return str(self.services.app.get_intervention(PLAN, code).version)


def make_site(data_dir: Path, **config: Any) -> Site:
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ROLES:
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True, **config})
    return Site(app, app.test_client(), services)


@pytest.fixture
def site(data_dir: Path) -> Site:
    return make_site(data_dir)


def client_for(site: Site, role: str, email: str | None = None):
    client = site.app.test_client()
    sign_in(client, site.services, role, email)
    return client


def post(site: Site, client, url: str, htmx: bool = False, **data: Any):
    if "version" not in data and "/interventies/" in url:
        data["version"] = site.version(url.split("/interventies/")[1].split("/")[0])
    data["csrf_token"] = csrf_token(client, BOARD)
    return client.post(url, data=data, headers={"HX-Request": "true"} if htmx else {})


def assert_inert(page: str, payload: str, where: str, expected: bool = True) -> None:
    assert payload not in page, where
    assert not RAW.search(page), (where, page[max(0, RAW.search(page).start() - 200):RAW.search(page).end() + 50])
    if expected:
        assert str(escape(payload)) in page, (where, str(escape(payload)))


def record_everything(site: Site, payload: str) -> None:
    """Put the payload into every free-text field a trekker and the stuurgroep can fill in."""
    jan = client_for(site, "trekker")
    steps = [
        ("mijlpalen/" + LATE + "/verschuiven", {"due": "Q3 2026", "reason": f"Reden {payload}"}),
        ("mijlpalen/start-trainingen/laten-vervallen", {"reason": f"Vervallen {payload}"}),
        ("mijlpalen/commissie-operationeel/gereed", {"realised": "2026-03-20", "note": f"Klaar {payload}"}),
        ("mijlpalen", {"label": f"Label {payload}", "due": "Q2 2026", "kind": "other"}),
        ("notities", {"text": f"Notitie {payload}"}),
        ("stoplicht", {"colour": "rood", "oorzaak": f"Oorzaak {payload}", "gevolg": f"Gevolg {payload}",
                       "bijsturing": f"Bijsturing {payload}"}),
    ]
    for path, data in steps:
        response = post(site, jan, f"{IV}/{path}", **data)
        assert response.status_code == 303, (path, response.status_code)
    response = post(site, client_for(site, "stuurgroep"), f"{IV}/bespreking", meeting_date="2026-03-31",
                    decision=f"Besluit {payload}", actions=f"Acties {payload}")
    assert response.status_code == 303


FIELDS = ["Reden", "Vervallen", "Klaar", "Label", "Notitie", "Oorzaak", "Gevolg", "Bijsturing", "Besluit", "Acties"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_free_text_field_comes_back_inert_on_every_page(site, payload):
    record_everything(site, payload)
    escaped = str(escape(payload))
    pages = {
        "intervention": (IV, FIELDS),
        "board": (BOARD, ["Label"]),
        "changes": (CHANGES, ["Reden", "Vervallen", "Klaar", "Label", "Notitie", "Oorzaak", "Gevolg", "Bijsturing"]),
        "mine": ("/mijn-interventies", ["Label"]),
        "intervention as of yesterday": (f"{IV}?as_of=2026-03-31", []),
        "quarter": (f"/plannen/{PLAN}/kwartaal", []),
    }
    for role in ROLES:
        client = client_for(site, role)
        for what, (url, fields) in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            page = response.get_data(as_text=True)
            assert_inert(page, payload, f"{role} {what}", expected=False)
            for field in fields if role == "trekker" or what != "mine" else []:
                assert f"{field} {escaped}" in page, (role, what, field)
            fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
            assert_inert(fragment, payload, f"{role} {what} (htmx)", expected=False)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_history_holds_the_text_as_typed_and_shows_it_escaped(site, payload):
    record_everything(site, payload)
    page = client_for(site, "lezer").get(IV).get_data(as_text=True)
    history = page[page.index("<h2>Geschiedenis</h2>"):]
    escaped = str(escape(payload))
    for field in FIELDS:
        assert f"{field} {escaped}" in history, field
    assert_inert(history, payload, "history")
    facts = page[page.index('<dl class="facts"'):page.index("</dl>")]
    for field in ("Oorzaak", "Gevolg", "Bijsturing", "Besluit"):
        assert f"{field} {escaped}" in facts, field


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_htmx_fragment_escapes_user_text(site, payload):
    jan = client_for(site, "trekker")
    response = post(site, jan, f"{IV}/notities", htmx=True, text=f"Notitie {payload}")
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), payload, "fragment")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_invalid_input_is_sent_back_escaped(site, payload):
    jan = client_for(site, "trekker")
    before = event_count(site.services)
    cases = [
        (f"{IV}/mijlpalen/{LATE}/verschuiven", {"due": payload, "reason": payload}),
        (f"{IV}/mijlpalen/{LATE}/verschuiven", {"due": "Q3 2026", "reason": "", "x": payload}),
        (f"{IV}/mijlpalen/{LATE}/gereed", {"realised": payload, "note": payload}),
        (f"{IV}/mijlpalen", {"label": payload, "due": payload}),
        (f"{IV}/stoplicht", {"colour": "oranje", "oorzaak": payload, "gevolg": "", "bijsturing": payload}),
        (f"{IV}/notities", {"text": "", "x": payload}),
    ]
    for url, data in cases:
        for htmx in (False, True):
            response = post(site, jan, url, htmx=htmx, **data)
            assert response.status_code == 422, (url, response.status_code)
            assert_inert(response.get_data(as_text=True), payload, url, expected=False)
    review = post(site, client_for(site, "stuurgroep"), f"{IV}/bespreking", meeting_date=payload,
                  decision=payload, actions=payload)
    assert review.status_code == 422
    assert_inert(review.get_data(as_text=True), payload, "review")
    assert event_count(site.services) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_stale_update_is_sent_back_escaped(site, payload):
    jan = client_for(site, "trekker")
    stale = site.version()
    explained = {"oorzaak": f"Eerst {payload}", "gevolg": payload, "bijsturing": payload}
    assert post(site, jan, f"{IV}/stoplicht", colour="rood", **explained).status_code == 303
    response = post(site, jan, f"{IV}/stoplicht", version=stale, colour="oranje",
                    **explained | {"oorzaak": f"Daarna {payload}"})
    assert response.status_code == 409
    assert_inert(response.get_data(as_text=True), payload, "conflict", expected=False)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_user_name_is_escaped_on_every_page_it_shows_up(site, payload):
    admin = client_for(site, "beheerder")
    email = "kwaad@nijmegen.nl"
    response = post(site, admin, "/gebruikers", name=f"Naam {payload}", email=email, role="trekker",
                    password=PASSWORD)
    assert response.status_code == 303
    escaped = f"Naam {escape(payload)}"
    users = admin.get("/gebruikers").get_data(as_text=True)
    assert_inert(users, payload, "gebruikers")
    assert f"<td data-label=\"Naam\">{escaped}</td>" in users
    # Assigned as trekker, the name shows on the board, in its filter and on the intervention.
    response = post(site, admin, f"/plannen/{PLAN}/interventies/2.B2/trekker", email=email)
    assert response.status_code == 303
    for url in (BOARD, f"/plannen/{PLAN}/interventies/2.B2", f"{BOARD}/wijzigingen?van=2026-03-31",
                "/gebruikers"):
        page = admin.get(url).get_data(as_text=True)
        assert_inert(page, payload, url)
        assert escaped in page, url
    # Signed in (with the password chosen through the invitation), the name is in the header;
    # what they change shows their name in the history.
    site.services.app.set_password(email, PASSWORD, at=datetime(2026, 3, 1, 9), by=f"Naam {payload}")
    kwaad = site.app.test_client()
    sign_in(kwaad, site.services, "trekker", email)
    assert post(site, kwaad, f"/plannen/{PLAN}/interventies/2.B2/notities", text="Gewoon een notitie").status_code == 303
    for url in ("/mijn-interventies", f"/plannen/{PLAN}/interventies/2.B2", f"{BOARD}/wijzigingen?van=2026-03-31"):
        page = kwaad.get(url).get_data(as_text=True)
        assert_inert(page, payload, url)
        assert escaped in page, url
    fragment = post(site, kwaad, f"/plannen/{PLAN}/interventies/2.B2/notities", htmx=True, text="Nog een")
    assert_inert(fragment.get_data(as_text=True), payload, "fragment")
    page = client_for(site, "lezer").get(f"/plannen/{PLAN}/interventies/2.B2").get_data(as_text=True)
    history = page[page.index("<h2>Geschiedenis</h2>"):]
    assert f"· {escaped} · Voortgangsnotitie: Gewoon een notitie" in history


def test_an_e_mail_address_with_markup_is_escaped(site):
    admin = client_for(site, "beheerder")
    email = "<script>alert(1)</script>@x.nl"
    response = post(site, admin, "/gebruikers", name="Vreemd adres", email=email, role="lezer", password=PASSWORD)
    assert response.status_code in (303, 422)
    page = admin.get("/gebruikers", follow_redirects=True).get_data(as_text=True)
    assert_inert(page, email, "gebruikers", expected=False)
    page = post(site, admin, "/gebruikers", name="Vreemd adres", email=email, role="lezer",
                password=PASSWORD).get_data(as_text=True)
    assert_inert(page, email, "again", expected=False)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_in_the_address_or_the_login_form_is_escaped(site, payload):
    from urllib.parse import quote

    anonymous = site.app.test_client()
    login = anonymous.get(f"/inloggen?next={quote(payload)}")
    assert_inert(login.get_data(as_text=True), payload, "login next", expected=False)
    failed = anonymous.post("/inloggen", data={"email": payload, "password": "x", "next": payload,
                                               "csrf_token": csrf_token(anonymous)})
    assert failed.status_code == 401
    assert_inert(failed.get_data(as_text=True), payload, "login failed")
    lezer = client_for(site, "lezer")
    for url in (f"{BOARD}?as_of={quote(payload)}", f"{IV}?as_of={quote(payload)}",
                f"{BOARD}/wijzigingen?van={quote(payload)}", f"{BOARD}/kwartaal?kwartaal={quote(payload)}",
                f"{BOARD}?trekker={quote(payload)}&groep={quote(payload)}&sort={quote(payload)}",
                f"/plannen/{quote(payload)}"):
        response = lezer.get(url)
        assert response.status_code in (200, 400, 404), url
        page = response.get_data(as_text=True)
        assert_inert(page, payload, url, expected=False)
        assert "Traceback" not in page


def test_a_plan_file_with_markup_is_shown_escaped_in_the_preview(site):
    import io

    from web.services import DEFAULT_PLAN

    payload = PAYLOADS[0]
    text = DEFAULT_PLAN.read_text(encoding="utf-8").replace(
        "title: Scherper sturen op doelmatige zorg in het netwerk", f'title: "Scherper sturen {payload}"', 1)
    admin = client_for(site, "beheerder")
    response = admin.post("/plannen/importeren", data={
        "csrf_token": csrf_token(admin, BOARD), "plan": (io.BytesIO(text.encode("utf-8")), f"{payload}.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), payload, "preview", expected=False)


# --- Dutch error pages without a stack trace ---------------------------------------------------


def assert_dutch_error(response, status: int, title: str) -> str:
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert f"<h1>{title}</h1>" in page
    assert 'class="error-message"' in page
    for english in ("Traceback", "Bad Request", "Forbidden", "Not Found", "Conflict</title>", "Internal Server Error",
                    "Method Not Allowed", "werkzeug", 'File "'):
        assert english not in page, english
    return page


def test_a_403_is_a_dutch_page(site):
    lezer = client_for(site, "lezer")
    assert_dutch_error(lezer.get("/gebruikers"), 403, "Geen toegang")
    page = assert_dutch_error(post(site, lezer, f"{IV}/notities", text="x"), 403, "Geen toegang")
    assert "U heeft geen toegang tot deze pagina of handeling." in page


@pytest.mark.parametrize("url", [f"/plannen/{PLAN}/interventies/9.9", "/plannen/bestaat-niet", "/bestaat-niet",
                                 f"/plannen/{PLAN}/export.pdf", f"/plannen/{PLAN}/interventies/9.9/notities"])
def test_a_404_is_a_dutch_page(site, url):
    lezer = client_for(site, "lezer")
    response = lezer.get(url) if not url.endswith("notities") else post(site, lezer, url, version="1", text="x")
    page = assert_dutch_error(response, 404, "Niet gevonden")
    assert "De pagina of interventie bestaat niet." in page


def test_a_409_is_a_dutch_page(site):
    jan = client_for(site, "trekker")
    stale = site.version()
    assert post(site, jan, f"{IV}/stoplicht", colour="groen").status_code == 303
    response = post(site, jan, f"{IV}/stoplicht", version=stale, colour="groen")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page and "Het stoplicht van 3.A1 is intussen gewijzigd door Jan Jansen" in page
    assert "Traceback" not in page and "ConflictError" not in page and "versie" not in page.split("<h2>Tijdpad")[0]


def test_a_400_and_a_405_are_dutch_pages(site):
    lezer = client_for(site, "lezer")
    assert_dutch_error(lezer.get(f"{BOARD}?as_of=gisteren"), 400, "Ongeldig verzoek")
    assert_dutch_error(lezer.get("/uitloggen"), 405, "Niet toegestaan")
    assert_dutch_error(lezer.post(IV, data={"csrf_token": csrf_token(lezer, BOARD)}), 405, "Niet toegestaan")
    assert_dutch_error(lezer.post(f"{IV}/notities", data={"text": "x"}), 400, "Formulier verlopen")


def test_an_unexpected_error_is_a_dutch_500_without_details(data_dir):
    from web.auth import public

    site = make_site(data_dir, TESTING=False)

    def boom():
        raise RuntimeError("geheim detail uit /work/main/web")

    site.app.add_url_rule("/test-fout", "test_fout", public(boom))
    response = site.client.get("/test-fout")
    page = assert_dutch_error(response, 500, "Er ging iets mis")
    assert "geheim detail" not in page and "RuntimeError" not in page
    assert "Er is een fout opgetreden. Er is niets opgeslagen." in page


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example",
                                    "/\n/evil.example", "/\r\n/evil.example", " /x", "javascript:alert(1)", ""])
def test_a_path_to_go_back_to_that_could_lead_to_another_site_is_refused(target) -> None:
    from web.auth import local_path

    assert local_path(target) is None


def test_a_path_on_this_site_is_kept_to_go_back_to() -> None:
    from web.auth import local_path

    assert local_path("/plannen/p?as_of=2026-03-31#rij-2.A1") == "/plannen/p?as_of=2026-03-31#rij-2.A1"
