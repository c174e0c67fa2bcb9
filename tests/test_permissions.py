"""The whole role × action matrix, enforced on the server: allowed → done, refused → 403 and nothing recorded."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.accounts import csrf_token, email_for, ensure_user, sign_in
from tests.helpers import event_count
from tests.seed import PLAN, TODAY, seed_plan
from web.services import DEFAULT_PLAN

ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")
FATIMA = "f.devries@nijmegen.nl"
# An open milestone of each intervention (3.A1 is Jan Jansen's, 2.B2 Fatima de Vries's).
TODAY_AT = datetime(2026, 4, 1, 9)
MILESTONE = {"3.A1": "afwegingskader-startfase", "2.B2": "start-implementatie"}

NEW_PLAN_VERSION = DEFAULT_PLAN.read_text(encoding="utf-8") + """\
  - code: "4.3"
    title: Proef met buurtbemiddeling
    group: "4"
    domain: wmo
    milestones:
      - id: start-proef
        label: Start proef buurtbemiddeling
        due: Q3 2026
"""


@dataclass
class Site:
    app: Any
    client: Any
    services: Any

    def version(self, code: str) -> int:
        return self.services.app.get_intervention(PLAN, code).version

    def plan_version(self) -> int:
        return self.services.app.get_plan(PLAN).version


@pytest.fixture
def site(data_dir: Path) -> Site:
    """The seeded default plan; an account per role, and one for Fatima de Vries (trekker of 2.B2)."""
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ROLES:
        ensure_user(services, role)
    ensure_user(services, "trekker", email=FATIMA, name="Fatima de Vries")
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    return Site(app, app.test_client(), services)


# --- the actions ---------------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any]]  # method, url, form data


def _iv(code: str) -> str:
    return f"/plannen/{PLAN}/interventies/{code}"


def _update(path: str, **data: Any) -> Callable[[Site, str], Request]:
    def build(site: Site, code: str) -> Request:
        url = f"{_iv(code)}/{path.format(m=MILESTONE[code])}"
        return "POST", url, {"version": str(site.version(code)), **data}
    return build


def _assign(site: Site, code: str) -> Request:
    other = FATIMA if code == "3.A1" else email_for("trekker")
    return "POST", f"{_iv(code)}/trekker", {"version": str(site.version(code)), "email": other}


def _upload(site: Site, code: str) -> Request:
    return "POST", "/plannen/importeren", {"plan": (io.BytesIO(NEW_PLAN_VERSION.encode("utf-8")), "plan.yaml")}


def _confirm(site: Site, code: str) -> Request:
    content = base64.b64encode(NEW_PLAN_VERSION.encode("utf-8")).decode("ascii")
    return "POST", "/plannen/importeren/bevestigen", {"content": content, "name": "plan.yaml",
                                                     "plan_version": str(site.plan_version())}


ACTIONS: dict[str, tuple[str, Callable[[Site, str], Request]]] = {
    # action: (what the matrix calls it, how to ask for it)
    "complete": ("update", _update("mijlpalen/{m}/gereed", realised="", note="Klaar")),
    "reschedule": ("update", _update("mijlpalen/{m}/verschuiven", due="Q4 2026", reason="Wacht op de raad")),
    "cancel": ("update", _update("mijlpalen/{m}/laten-vervallen", reason="Niet meer nodig")),
    "add milestone": ("update", _update("mijlpalen", label="Tussenevaluatie", due="Q4 2026", kind="evaluation")),
    "note": ("update", _update("notities", text="Gesprekken met scholen gevoerd")),
    "stoplicht": ("update", _update("stoplicht", colour="rood", oorzaak="Geen budget", gevolg="Vertraging",
                                    bijsturing="Naar de stuurgroep")),
    "review": ("review", _update("bespreking", meeting_date="2026-03-30", decision="Akkoord met de aanpak",
                                 actions="Terugkoppeling in Q2")),
    "assign trekker": ("assign", _assign),
    "add user": ("manage_users", lambda site, code: ("POST", "/gebruikers", {
        "email": "nieuw@nijmegen.nl", "name": "Nieuwe Collega", "role": "lezer",
        "password": "een-lang-wachtwoord"})),
    "set role": ("manage_users", lambda site, code: ("POST", "/gebruikers/rol", {
        "email": email_for("lezer"), "role": "stuurgroep"})),
    "users page": ("manage_users", lambda site, code: ("GET", "/gebruikers", {})),
    "upload page": ("import_plan", lambda site, code: ("GET", "/plannen/importeren", {})),
    "upload preview": ("import_plan", _upload),
    "upload confirm": ("import_plan", _confirm),
}

ACTORS = {
    # actor: (role, the intervention it acts on)
    "beheerder": ("beheerder", "3.A1"),
    "stuurgroep": ("stuurgroep", "3.A1"),
    "trekker-eigen": ("trekker", "3.A1"),
    "trekker-ander": ("trekker", "2.B2"),
    "lezer": ("lezer", "3.A1"),
}

ALLOWED = {
    "update": {"trekker-eigen"},
    "review": {"stuurgroep"},
    "assign": {"beheerder"},
    "manage_users": {"beheerder"},
    "import_plan": {"beheerder"},
}

# What an allowed request answers: a redirect after a change (303), the page itself for a GET
# or the preview (which records nothing).
OK_STATUS = {"users page": 200, "upload page": 200, "upload preview": 200}
RECORDS_NOTHING = {"users page", "upload page", "upload preview"}

MATRIX = [(actor, action) for actor in ACTORS for action in ACTIONS]


def _send(site: Site, request: Request, token: str, htmx: bool = False):
    method, url, data = request
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return site.client.get(url, headers=headers)
    return site.client.post(url, data={"csrf_token": token, **data}, headers=headers,
                            content_type="multipart/form-data" if "plan" in data else None)


@pytest.mark.parametrize("actor, action", MATRIX, ids=[f"{a}-{b}".replace(" ", "_") for a, b in MATRIX])
def test_the_role_action_matrix(site, actor, action):
    role, code = ACTORS[actor]
    matrix_action, build = ACTIONS[action]
    sign_in(site.client, site.services, role)
    token = csrf_token(site.client, f"/plannen/{PLAN}")
    before = event_count(site.services)
    versions = (site.version("3.A1"), site.version("2.B2"), site.plan_version())
    response = _send(site, build(site, code), token)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if actor in ALLOWED[matrix_action]:
        expected = OK_STATUS.get(action, 303)
        assert response.status_code == expected, (actor, action, response.status_code, text[:2000])
        if action in RECORDS_NOTHING:
            assert event_count(site.services) == before
        else:
            assert event_count(site.services) > before, (actor, action)
    else:
        assert response.status_code == 403, (actor, action, response.status_code)
        assert "Geen toegang" in text
        assert event_count(site.services) == before, (actor, action)
        assert (site.version("3.A1"), site.version("2.B2"), site.plan_version()) == versions


REFUSED_HTMX = [(a, b) for a in ACTORS for b in ("complete", "stoplicht", "review", "assign trekker")
                if a not in ALLOWED[ACTIONS[b][0]]]


@pytest.mark.parametrize("actor, action", REFUSED_HTMX)
def test_a_refused_htmx_request_is_a_403_too(site, actor, action):
    role, code = ACTORS[actor]
    sign_in(site.client, site.services, role)
    token = csrf_token(site.client, f"/plannen/{PLAN}")
    before = event_count(site.services)
    response = _send(site, ACTIONS[action][1](site, code), token, htmx=True)
    assert response.status_code == 403
    assert event_count(site.services) == before


@pytest.mark.parametrize("action", [a for a in ACTIONS if ACTIONS[a][0] != "update"])
def test_signed_out_nobody_may_do_anything(site, action):
    token = csrf_token(site.client, "/inloggen")
    before = event_count(site.services)
    response = _send(site, ACTIONS[action][1](site, "3.A1"), token)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")
    assert event_count(site.services) == before


def test_every_role_may_view_every_page_of_the_plan(site):
    for role in ROLES:
        client = site.app.test_client()
        sign_in(client, site.services, role)
        for url in (f"/plannen/{PLAN}", _iv("3.A1"), _iv("2.B2"), f"/plannen/{PLAN}/kwartaal",
                    f"/plannen/{PLAN}/wijzigingen", f"/plannen/{PLAN}/export.csv", "/mijn-interventies"):
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            response.close()


# --- the pages offer exactly what the server allows ------------------------------------------

UPDATE_FORM = re.compile(r"/(gereed|verschuiven|laten-vervallen|mijlpalen|notities|stoplicht)$")


@pytest.mark.parametrize("actor", ACTORS)
def test_the_intervention_page_offers_only_the_forms_the_role_may_use(site, actor):
    role, code = ACTORS[actor]
    sign_in(site.client, site.services, role)
    text = site.client.get(_iv(code)).get_data(as_text=True)
    actions = [chunk.split('"', 1)[0] for chunk in text.split('<form method="post" action="')[1:]]
    updates = [a for a in actions if UPDATE_FORM.search(a)]
    if actor == "trekker-eigen":
        assert updates, actions
        assert "Gereed melden" in text and "Bijwerken" in text
    else:
        assert not updates, (actor, updates)
        assert "Gereed melden" not in text
    assert (f"{_iv(code)}/bespreking" in actions) == (actor == "stuurgroep")
    assert (f"{_iv(code)}/trekker" in actions) == (actor == "beheerder")


@pytest.mark.parametrize("role", ROLES)
def test_the_board_offers_assigning_and_the_menu_offers_user_pages_only_to_the_beheerder(site, role):
    sign_in(site.client, site.services, role)
    text = site.client.get(f"/plannen/{PLAN}").get_data(as_text=True)
    assert ('class="assign-inline"' in text) == (role == "beheerder")
    assert ('href="/gebruikers"' in text) == (role == "beheerder")
    assert ('href="/plannen/importeren"' in text) == (role == "beheerder")
    # The trekker's own list; everyone else's list of the stuurgroep's actions given to them.
    assert ('href="/mijn-interventies">Mijn interventies<' in text) == (role == "trekker")
    assert ('href="/mijn-interventies">Mijn acties<' in text) == (role != "trekker")


# --- the matrix follows changes of role and of trekker --------------------------------------


def _note(site: Site, code: str = "3.A1"):
    token = csrf_token(site.client, f"/plannen/{PLAN}")
    return site.client.post(f"{_iv(code)}/notities", data={"csrf_token": token, "version": str(site.version(code)),
                                                           "text": "Een notitie"})


def test_a_trekker_whose_intervention_goes_to_someone_else_may_no_longer_update_it(site):
    sign_in(site.client, site.services, "trekker")
    assert _note(site).status_code == 303
    admin = site.app.test_client()
    sign_in(admin, site.services, "beheerder")
    token = csrf_token(admin, f"/plannen/{PLAN}")
    assigned = admin.post(f"{_iv('3.A1')}/trekker", data={"csrf_token": token, "email": FATIMA,
                                                          "version": str(site.version("3.A1"))})
    assert assigned.status_code == 303
    before = event_count(site.services)
    assert _note(site).status_code == 403
    assert event_count(site.services) == before
    fatima = site.app.test_client()
    sign_in(fatima, site.services, "trekker", email=FATIMA)
    token = csrf_token(fatima, _iv("3.A1"))
    response = fatima.post(f"{_iv('3.A1')}/notities", data={"csrf_token": token, "text": "Overgenomen",
                                                            "version": str(site.version("3.A1"))})
    assert response.status_code == 303


def test_a_trekker_who_becomes_lezer_may_no_longer_update_even_their_own_intervention(site):
    sign_in(site.client, site.services, "trekker")
    assert _note(site).status_code == 303
    site.services.app.set_role(email_for("trekker"), "lezer", at=TODAY_AT, by="test")
    before = event_count(site.services)
    response = site.client.get(_iv("3.A1"))
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]  # the session ended
    sign_in(site.client, site.services, "trekker")
    assert _note(site).status_code == 403
    assert event_count(site.services) == before
    assert "Gereed melden" not in site.client.get(_iv("3.A1")).get_data(as_text=True)


def test_a_beheerder_who_becomes_lezer_loses_the_user_pages(site):
    sign_in(site.client, site.services, "beheerder")
    assert site.client.get("/gebruikers").status_code == 200
    ensure_user(site.services, "beheerder", email="tweede@nijmegen.nl", name="Tweede Beheerder")  # one remains
    site.services.app.set_role(email_for("beheerder"), "lezer", at=TODAY_AT, by="test")
    assert site.client.get("/gebruikers").status_code == 302        # the session ended
    sign_in(site.client, site.services, "beheerder")
    assert site.client.get("/gebruikers").status_code == 403
    assert site.client.get("/plannen/importeren").status_code == 403


def test_only_a_trekker_account_can_be_assigned(site):
    sign_in(site.client, site.services, "beheerder")
    token = csrf_token(site.client, f"/plannen/{PLAN}")
    before = event_count(site.services)
    for email in (email_for("lezer"), "onbekend@nijmegen.nl", ""):
        response = site.client.post(f"{_iv('2.B2')}/trekker", data={"csrf_token": token, "email": email,
                                                                   "version": str(site.version("2.B2"))})
        assert response.status_code == 422, email
        assert "Kies een gebruiker met de rol trekker." in response.get_data(as_text=True)
    assert event_count(site.services) == before


def test_assigning_from_the_board_returns_to_the_board(site):
    sign_in(site.client, site.services, "beheerder")
    token = csrf_token(site.client, f"/plannen/{PLAN}")
    back = f"/plannen/{PLAN}?trekker=Jan+Jansen"
    response = site.client.post(f"{_iv('2.B2')}/trekker", data={
        "csrf_token": token, "email": email_for("trekker"), "version": str(site.version("2.B2")), "next": back})
    assert response.status_code == 303
    assert response.headers["Location"] == back
    board = site.client.get(back).get_data(as_text=True)
    assert 'data-code="2.B2"' in board and 'data-code="3.A1"' in board
    # Never to another site.
    response = site.client.post(f"{_iv('3.A1')}/trekker", data={
        "csrf_token": token, "email": FATIMA, "version": str(site.version("3.A1")), "next": "//elders.example/"})
    assert response.status_code == 303
    assert response.headers["Location"] == _iv("3.A1")

