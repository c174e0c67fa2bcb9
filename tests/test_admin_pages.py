"""The beheerder's pages (users, uploading a plan version) and `tracker user ...` / `tracker init`."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from projections import plans as plan_queries
from projections.users import all_users
from tests.accounts import choose_password, csrf_token, email_for, ensure_user, mailed_link, sign_in
from tests.helpers import event_count, replace_once
from tests.seed import PLAN, TODAY, seed_plan
from web.services import DEFAULT_PLAN

ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")
BOARD = f"/plannen/{PLAN}"
PLAN_TEXT = DEFAULT_PLAN.read_text(encoding="utf-8")
NEW_INTERVENTION = """\
  - code: "4.3"
    title: Proef met buurtbemiddeling
    group: "4"
    domain: wmo
    milestones:
      - id: start-proef
        label: Start proef buurtbemiddeling
        due: Q3 2026
"""
V2 = replace_once(PLAN_TEXT + NEW_INTERVENTION, "title: Scherper sturen op doelmatige zorg in het netwerk",
                  "title: Scherper sturen op doelmatige zorg in het zorgnetwerk")


@dataclass
class Site:
    app: Any
    client: Any
    services: Any

    def events(self) -> int:
        return event_count(self.services)

    def users(self) -> dict[str, dict[str, Any]]:
        self.services.catch_up()
        return {u["email"]: u for u in all_users(self.services.db)}

    def plan_version(self) -> int:
        return self.services.app.get_plan(PLAN).version


@pytest.fixture
def site(data_dir: Path) -> Site:
    """The seeded default plan; the test client is signed in as the beheerder."""
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ROLES:
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    site = Site(app, app.test_client(), services)
    sign_in(site.client, services, "beheerder")
    return site


def text_of(response) -> str:
    return response.get_data(as_text=True)


def add_user(site: Site, **data: Any):
    data["csrf_token"] = csrf_token(site.client, "/gebruikers")
    return site.client.post("/gebruikers", data=data)


def set_role(site: Site, email: str, role: str):
    return site.client.post("/gebruikers/rol", data={"csrf_token": csrf_token(site.client, "/gebruikers"),
                                                     "email": email, "role": role})


def upload(site: Site, text: str, name: str = "uitvoeringsagenda-v2.yaml"):
    return site.client.post("/plannen/importeren", data={
        "csrf_token": csrf_token(site.client, "/plannen/importeren"),
        "plan": (io.BytesIO(text.encode("utf-8")), name)}, content_type="multipart/form-data")


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)
    assert match, name
    return html.unescape(match.group(1))


def confirm(site: Site, page: str):
    return site.client.post("/plannen/importeren/bevestigen", data={
        "csrf_token": hidden(page, "csrf_token"), "content": hidden(page, "content"),
        "name": hidden(page, "name"), "plan_version": hidden(page, "plan_version")})


# --- users -------------------------------------------------------------------------------


def test_the_users_page_lists_every_account_with_its_role(site):
    page = text_of(site.client.get("/gebruikers"))
    for role in ROLES:
        assert f"<td data-label=\"E-mailadres\">{email_for(role)}</td>" in page
        row = page[page.index(f"<td data-label=\"E-mailadres\">{email_for(role)}</td>"):]
        row = row[:row.index("</tr>")]
        assert f'<option value="{role}" selected>{role}</option>' in row
    # The beheerder never types or sees a password: the new user chooses one through a link.
    assert 'type="password"' not in page and "een link om zelf een wachtwoord te kiezen" in page
    add_form = page[page.index('id="u-role"'):]
    assert re.search(r'<option value="lezer" selected>', add_form[:add_form.index("</select>")])
    assert "password_hash" not in page and "argon2" not in page


def test_adding_a_user_sends_an_invitation_to_choose_a_password(site, monkeypatch):
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    before = site.events()
    response = add_user(site, name="Fatima de Vries", email=" F.deVries@Nijmegen.nl ", role="trekker")
    assert response.status_code == 303
    assert response.headers["Location"] == "/gebruikers"
    assert site.events() == before + 1
    assert site.users()["f.devries@nijmegen.nl"]["role"] == "trekker"
    page = text_of(site.client.get("/gebruikers"))
    assert "Gebruiker f.devries@nijmegen.nl toegevoegd; de uitnodiging" in page
    assert "<td data-label=\"Naam\">Fatima de Vries</td>" in page and "uitgenodigd" in page
    # Without a password nobody signs in as the new account yet.
    other = site.app.test_client()
    assert other.post("/inloggen", data={"email": "f.devries@nijmegen.nl", "password": "",
                                         "csrf_token": csrf_token(other)}).status_code == 401
    link = mailed_link(site.services.data_dir, "f.devries@nijmegen.nl")
    assert choose_password(other, link, "een-lang-wachtwoord").status_code == 303
    response = other.post("/inloggen", data={"email": "f.devries@nijmegen.nl", "password": "een-lang-wachtwoord",
                                             "csrf_token": csrf_token(other)})
    assert response.status_code == 302
    assert '<option value="f.devries@nijmegen.nl"' in text_of(site.client.get(BOARD))
    # The link works once.
    assert site.app.test_client().get(link).status_code == 400


@pytest.mark.parametrize("password", ["", "kort", "123456789"])
def test_a_short_password_is_refused_in_dutch_and_nothing_is_recorded(site, password, monkeypatch):
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    add_user(site, name="Kees Kort", email="kees@nijmegen.nl", role="lezer")
    link = mailed_link(site.services.data_dir, "kees@nijmegen.nl")
    before = site.events()
    response = choose_password(site.app.test_client(), link, password)
    assert response.status_code == 422
    page = text_of(response)
    assert "Een wachtwoord heeft minstens 12 tekens." in page and "Er is niets gewijzigd." in page
    if password:
        assert password not in page.replace("kees@nijmegen.nl", "")
    assert site.events() == before


@pytest.mark.parametrize("email", [email_for("lezer"), email_for("lezer").upper(), f"  {email_for('trekker')}"])
def test_a_duplicate_e_mail_address_is_refused(site, email):
    before = site.events()
    response = add_user(site, name="Dubbel", email=email, role="stuurgroep", password="een-lang-wachtwoord")
    assert response.status_code == 422
    assert f"Er is al een gebruiker met e-mailadres {email.strip().lower()}." in text_of(response)
    assert site.events() == before
    assert site.users()[email.strip().lower()]["role"] in ("lezer", "trekker")


@pytest.mark.parametrize("data, message", [
    ({"name": "Geen adres", "email": "geen-adres", "role": "lezer"}, "'geen-adres' is geen geldig e-mailadres."),
    ({"name": "", "email": "naamloos@nijmegen.nl", "role": "lezer"}, "Geef de naam van de gebruiker op."),
    ({"name": "Koning", "email": "koning@nijmegen.nl", "role": "koning"}, "Onbekende rol 'koning'"),
    ({"name": "", "email": "", "role": "lezer"},
     "Geef het e-mailadres van de gebruiker op. Geef de naam van de gebruiker op."),
])
def test_other_invalid_accounts_are_refused_in_dutch(site, data, message):
    before = site.events()
    response = add_user(site, password="een-lang-wachtwoord", **data)
    assert response.status_code == 422
    assert message in html.unescape(text_of(response))
    assert site.events() == before


def test_setting_a_role(site):
    before = site.events()
    response = set_role(site, email_for("lezer"), "stuurgroep")
    assert response.status_code == 303
    assert site.events() == before + 1
    assert site.users()[email_for("lezer")]["role"] == "stuurgroep"
    page = text_of(site.client.get("/gebruikers"))
    assert f"{email_for('lezer')} heeft nu de rol stuurgroep." in page
    # The new role counts at once: the former lezer may now record a review.
    other = site.app.test_client()
    sign_in(other, site.services, "lezer")
    response = other.post(f"{BOARD}/interventies/3.A1/bespreking", data={
        "csrf_token": csrf_token(other, BOARD), "decision": "Akkoord", "meeting_date": "2026-03-30",
        "version": str(site.services.app.get_intervention(PLAN, "3.A1").version)})
    assert response.status_code == 303


def test_setting_the_same_role_again_is_refused_next_to_the_user(site):
    before = site.events()
    response = set_role(site, email_for("trekker"), "trekker")
    assert response.status_code == 422
    page = text_of(response)
    row = page[page.index(f"<td data-label=\"E-mailadres\">{email_for('trekker')}</td>"):]
    row = row[:row.index("</tr>")]
    assert f"{email_for('trekker')} heeft al de rol trekker." in row
    assert site.events() == before


@pytest.mark.parametrize("email, role", [("onbekend@nijmegen.nl", "lezer"), (email_for("lezer"), "koning")])
def test_setting_a_role_of_an_unknown_user_or_an_unknown_role_records_nothing(site, email, role):
    before = site.events()
    response = set_role(site, email, role)
    assert response.status_code == 422
    assert "Traceback" not in text_of(response)
    assert site.events() == before


# --- uploading a plan file ------------------------------------------------------------------


def test_the_upload_page_offers_a_file_field(site):
    page = text_of(site.client.get("/plannen/importeren"))
    assert 'enctype="multipart/form-data"' in page
    assert '<input type="file" id="plan-file" name="plan"' in page


@pytest.mark.parametrize("broken, line_needle, message", [
    (replace_once(PLAN_TEXT, "\nformat: 1\n", "\nformat: 1: 2\n"), "format: 1: 2", "geen geldige YAML"),
    (replace_once(PLAN_TEXT, "{domain: wmo, amount: 1200000", "{domain: zorg, amount: 1200000"),
     "{domain: zorg, amount: 1200000", "'domain' is 'zorg', kies uit jeugd, wmo, beide"),
    (PLAN_TEXT + NEW_INTERVENTION.replace("due: Q3 2026", "due: ooit"), "due: ooit", "ooit"),
])
def test_an_invalid_plan_file_is_refused_with_its_problems_by_line_and_nothing_is_imported(
        site, broken, line_needle, message):
    before, version = site.events(), site.plan_version()
    response = upload(site, broken, "kapot.yaml")
    assert response.status_code == 422
    page = html.unescape(text_of(response))
    assert "Het bestand is niet geïmporteerd" in page
    listed = re.search(r'<div class="problems" role="alert">.*?<ul>(.*?)</ul>', page, re.S).group(1)
    problems = re.findall(r"<li>(.*?)</li>", listed)
    assert problems
    for problem in problems:
        assert re.match(r"kapot\.yaml:\d+: \S", problem), problem
    if line_needle:
        line = next(i for i, text in enumerate(broken.splitlines(), 1) if line_needle in text)
        assert any(p.startswith(f"kapot.yaml:{line}: ") and message in p for p in problems), (line, problems)
    assert "Bevestigen en importeren" not in page
    assert site.events() == before and site.plan_version() == version


@pytest.mark.parametrize("content, name", [(b"\xff\xfe plan", "plan.yaml"), (b"", "")])
def test_an_unreadable_or_missing_upload_is_refused_in_dutch(site, content, name):
    before = site.events()
    response = site.client.post("/plannen/importeren", data={
        "csrf_token": csrf_token(site.client, "/plannen/importeren"), "plan": (io.BytesIO(content), name)},
        content_type="multipart/form-data")
    assert response.status_code == 422
    page = text_of(response)
    assert ("geen UTF-8-tekst" in page) or ("Kies een planbestand (YAML)." in page)
    assert site.events() == before


def test_a_new_version_is_previewed_with_its_differences_and_nothing_is_recorded(site):
    before, version = site.events(), site.plan_version()
    response = upload(site, V2)
    assert response.status_code == 200
    page = html.unescape(text_of(response))
    assert "<h2>Verschillen met de huidige versie</h2>" in page
    listed = re.search(r'<ul class="changes">(.*?)</ul>', page, re.S).group(1)
    changes = re.findall(r"<li>(.*?)</li>", listed)
    assert "4.3: interventie toegevoegd" in changes
    assert ("2.B2: titel: 'Scherper sturen op doelmatige zorg in het netwerk' → "
            "'Scherper sturen op doelmatige zorg in het zorgnetwerk'") in changes
    assert "(nijmegen-uitvoeringsagenda-2025): 2 wijzigingen, met de oude en de nieuwe waarde." in page
    assert "Bevestigen en importeren" in page
    assert hidden(text_of(response), "plan_version") == str(version)
    assert base64.b64decode(hidden(text_of(response), "content")).decode("utf-8") == V2
    assert site.events() == before and site.plan_version() == version
    assert 'data-code="4.3"' not in text_of(site.client.get(BOARD))


def test_the_preview_shows_old_and_new_of_a_changed_title_and_a_changed_milestone_term(site):
    moved = replace_once(V2, "        label: Aanvullende afspraken met tien aanbieders en BTV zijn gemaakt\n"
                             "        kind: delivery\n        due: Q1 2026\n",
                         "        label: Aanvullende afspraken met tien aanbieders en BTV zijn gemaakt\n"
                         "        kind: delivery\n        due: Q3 2026\n")
    page = html.unescape(text_of(upload(site, moved)))
    changes = re.findall(r"<li>(.*?)</li>", re.search(r'<ul class="changes">(.*?)</ul>', page, re.S).group(1))
    assert ("2.B2: titel: 'Scherper sturen op doelmatige zorg in het netwerk' → "
            "'Scherper sturen op doelmatige zorg in het zorgnetwerk'") in changes
    assert ("4.1, mijlpaal 'Aanvullende afspraken met tien aanbieders en BTV zijn gemaakt': "
            "termijn: Q1 2026 → Q3 2026") in changes
    # Words a councillor reads: no file path, no internal field name.
    assert not [c for c in changes if "/" in c.replace("t/m", "") or "title" in c or "due" in c]


def test_an_unchanged_file_has_nothing_to_import(site):
    before = site.events()
    response = upload(site, PLAN_TEXT)
    assert response.status_code == 200
    page = text_of(response)
    assert "er valt niets te importeren" in page
    assert "Bevestigen en importeren" not in page
    assert site.events() == before


def test_confirming_imports_the_new_version_and_the_board_shows_it(site):
    preview = text_of(upload(site, V2))
    before, version = site.events(), site.plan_version()
    response = confirm(site, preview)
    assert response.status_code == 303
    assert response.headers["Location"] == BOARD
    assert site.events() > before
    assert site.plan_version() == version + 1
    board = text_of(site.client.get(BOARD))
    assert "Plan geïmporteerd: 2 wijziging(en) vastgelegd." in board
    assert 'data-code="4.3"' in board and "Proef met buurtbemiddeling" in board
    assert "Scherper sturen op doelmatige zorg in het zorgnetwerk" in board
    # The trekkers' updates are kept: 2.B2's first milestone is still done, 3.A1 still moved.
    page = text_of(site.client.get(f"{BOARD}/interventies/2.B2"))
    assert "Vastgesteld" in page and "Fatima de Vries" in page
    assert "Wacht op besluit college" in text_of(site.client.get(f"{BOARD}/interventies/3.A1"))
    site.services.catch_up()
    assert plan_queries.plan(site.services.db, PLAN)["versions"] == 2
    # The same file again: nothing more to import.
    assert "er valt niets te importeren" in text_of(upload(site, V2))


def test_the_history_tells_who_imported_the_new_version(site):
    confirm(site, text_of(upload(site, V2)))
    page = html.unescape(text_of(site.client.get(f"{BOARD}/interventies/2.B2")))
    history = page[page.index("<h2>Geschiedenis</h2>"):]
    first = re.findall(r"<li>(.*?)</li>", history, re.S)[0]
    assert "Bea Beheer" in first and "Beschrijving gewijzigd: titel: " in first


def test_a_stale_confirmation_after_another_import_is_refused_and_nothing_is_imported(site):
    preview_v2 = text_of(upload(site, V2))
    # Meanwhile another import changes the plan.
    other = replace_once(PLAN_TEXT, "title: Scherper sturen op doelmatige zorg in het netwerk",
                         "title: Scherper sturen op doelmatige zorg")
    assert confirm(site, text_of(upload(site, other))).status_code == 303
    before, version = site.events(), site.plan_version()
    response = confirm(site, preview_v2)
    assert response.status_code == 409
    page = text_of(response)
    assert "Het plan is intussen gewijzigd door een andere import. Er is niets geïmporteerd" in page
    assert "Traceback" not in page
    assert site.events() == before and site.plan_version() == version
    assert 'data-code="4.3"' not in text_of(site.client.get(BOARD))


def test_a_tampered_confirmation_is_refused(site):
    preview = text_of(upload(site, V2))
    before = site.events()
    for content in ("dit-is-geen-base64!", base64.b64encode(b"format: 1\nplan: [").decode()):
        response = site.client.post("/plannen/importeren/bevestigen", data={
            "csrf_token": hidden(preview, "csrf_token"), "content": content, "name": "plan.yaml",
            "plan_version": hidden(preview, "plan_version")})
        assert response.status_code in (400, 422)
        assert "Traceback" not in text_of(response)
    assert site.events() == before


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def clean_admin_env(monkeypatch):
    for name in ("TRACKER_ADMIN_EMAIL", "TRACKER_ADMIN_PASSWORD", "TRACKER_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def ok(result):
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def failed(result, message: str):
    assert result.exit_code != 0, result.output
    assert message in result.output, result.output
    return result


def users_of(services) -> dict[str, dict[str, Any]]:
    services.catch_up()
    return {u["email"]: u for u in all_users(services.db)}


def test_init_creates_the_first_beheerder_and_prints_its_password_once(cli, services, data_dir, clean_admin_env):
    from web import create_app

    first = ok(cli("init", "--today", "2025-10-01")).output
    assert "Eerste beheerder aangemaakt: beheerder@tracker.local" in first
    match = re.search(r"Wachtwoord \(wordt maar één keer getoond\): (\S+)", first)
    assert match, first
    password = match.group(1)
    assert len(password) >= 10
    assert users_of(services)["beheerder@tracker.local"]["role"] == "beheerder"
    assert services.app.check_login("beheerder@tracker.local", password) is not None
    again = ok(cli("init", "--today", "2025-10-02")).output
    assert "Wachtwoord" not in again and password not in again
    assert "Eerste beheerder" not in again
    assert list(users_of(services)) == ["beheerder@tracker.local"]
    # The printed password signs in on the web.
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    client = app.test_client()
    response = client.post("/inloggen", data={"email": "beheerder@tracker.local", "password": password,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert client.get("/gebruikers").status_code == 200


def test_init_takes_the_first_beheerder_from_the_environment(cli, services, monkeypatch, clean_admin_env):
    monkeypatch.setenv("TRACKER_ADMIN_EMAIL", "Admin@Nijmegen.nl")
    monkeypatch.setenv("TRACKER_ADMIN_PASSWORD", "uit-de-omgeving-1")
    output = ok(cli("init", "--today", "2025-10-01")).output
    assert "Eerste beheerder aangemaakt: Admin@Nijmegen.nl".lower() in output.lower()
    assert "Wachtwoord" not in output and "uit-de-omgeving-1" not in output
    assert services.app.check_login("admin@nijmegen.nl", "uit-de-omgeving-1") is not None
    assert users_of(services)["admin@nijmegen.nl"]["role"] == "beheerder"


def test_init_does_not_add_a_beheerder_when_accounts_exist(cli, services, clean_admin_env):
    ok(cli("user", "add", "--email", "eerste@nijmegen.nl", "--name", "Eerste", "--role", "beheerder",
           "--password", "een-lang-wachtwoord", "--today", "2025-09-30"))
    output = ok(cli("init", "--today", "2025-10-01")).output
    assert "Wachtwoord" not in output
    assert list(users_of(services)) == ["eerste@nijmegen.nl"]


def test_init_refuses_a_too_short_admin_password(cli, services, monkeypatch, clean_admin_env):
    monkeypatch.setenv("TRACKER_ADMIN_PASSWORD", "kort")
    failed(cli("init", "--today", "2025-10-01"), "Een wachtwoord heeft minstens 12 tekens.")
    assert users_of(services) == {}


def test_user_add_set_role_set_password_and_list(cli, services, clean_admin_env, monkeypatch):
    assert ok(cli("user", "add", "--email", "J.Jansen@Nijmegen.nl", "--name", "Jan Jansen", "--role", "trekker",
                  "--password", "een-lang-wachtwoord", "--today", "2026-04-01")).output == (
        "Gebruiker j.jansen@nijmegen.nl toegevoegd als trekker.\n")
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", "uit-de-omgeving-2")
    ok(cli("user", "add", "--email", "lotte@nijmegen.nl", "--name", "Lotte Lezer", "--role", "lezer"))
    assert services.app.check_login("lotte@nijmegen.nl", "uit-de-omgeving-2") is not None
    monkeypatch.delenv("TRACKER_NEW_PASSWORD")

    assert ok(cli("user", "set-role", "lotte@nijmegen.nl", "stuurgroep")).output == (
        "lotte@nijmegen.nl heeft nu de rol stuurgroep.\n")
    assert users_of(services)["lotte@nijmegen.nl"]["role"] == "stuurgroep"

    ok(cli("user", "set-password", "j.jansen@nijmegen.nl", "--password", "nog-een-wachtwoord"))
    assert services.app.check_login("j.jansen@nijmegen.nl", "nog-een-wachtwoord") is not None
    assert services.app.check_login("j.jansen@nijmegen.nl", "een-lang-wachtwoord") is None

    listed = ok(cli("user", "list")).output.splitlines()
    assert len(listed) == 2
    assert listed[0].split() == ["j.jansen@nijmegen.nl", "trekker", "Jan", "Jansen"]
    assert listed[1].split() == ["lotte@nijmegen.nl", "stuurgroep", "Lotte", "Lezer"]
    assert json.loads(ok(cli("user", "list", "--json")).output) == [
        {"email": "j.jansen@nijmegen.nl", "name": "Jan Jansen", "role": "trekker", "active": True},
        {"email": "lotte@nijmegen.nl", "name": "Lotte Lezer", "role": "stuurgroep", "active": True},
    ]
    assert "wachtwoord" not in ok(cli("user", "list", "--json")).output
    assert "argon2" not in ok(cli("user", "list", "--json")).output


def test_user_commands_refuse_invalid_input_in_dutch_and_record_nothing(cli, services, clean_admin_env):
    ok(cli("user", "add", "--email", "jan@nijmegen.nl", "--name", "Jan", "--role", "trekker",
           "--password", "een-lang-wachtwoord"))
    before = event_count(services)
    failed(cli("user", "add", "--email", "kees@nijmegen.nl", "--name", "Kees", "--role", "lezer",
               "--password", "kort"), "fout: Een wachtwoord heeft minstens 12 tekens.")
    failed(cli("user", "add", "--email", "JAN@nijmegen.nl", "--name", "Jan", "--role", "lezer",
               "--password", "een-lang-wachtwoord"), "fout: Er is al een gebruiker met e-mailadres jan@nijmegen.nl.")
    failed(cli("user", "add", "--email", "kees@nijmegen.nl", "--name", "Kees", "--role", "koning",
               "--password", "een-lang-wachtwoord"), "koning")
    failed(cli("user", "set-role", "niemand@nijmegen.nl", "lezer"),
           "fout: Er is geen gebruiker met e-mailadres niemand@nijmegen.nl.")
    failed(cli("user", "set-role", "jan@nijmegen.nl", "trekker"), "jan@nijmegen.nl heeft al de rol trekker.")
    failed(cli("user", "set-password", "jan@nijmegen.nl", "--password", "kort"),
           "Een wachtwoord heeft minstens 12 tekens.")
    failed(cli("user", "set-password", "niemand@nijmegen.nl", "--password", "een-lang-wachtwoord"),
           "Er is geen gebruiker met e-mailadres niemand@nijmegen.nl.")
    assert event_count(services) == before
    assert services.app.check_login("jan@nijmegen.nl", "een-lang-wachtwoord") is not None


def test_passwords_are_stored_as_argon2_hashes(cli, services, clean_admin_env):
    ok(cli("user", "add", "--email", "jan@nijmegen.nl", "--name", "Jan", "--role", "trekker",
           "--password", "een-lang-wachtwoord"))
    user = services.app.get_user("jan@nijmegen.nl")
    assert user.password_hash.startswith("$argon2")
    assert "een-lang-wachtwoord" not in user.password_hash
    # The event store holds the hash, never the password.
    raw = b"".join(Path(services.data_dir, name).read_bytes() for name in ("events.sqlite", "events.sqlite-wal")
                   if Path(services.data_dir, name).exists())
    assert b"een-lang-wachtwoord" not in raw
    services.catch_up()
    assert "password_hash" not in all_users(services.db)[0]
