"""Signing in and out, the login throttle, session cookies, CSRF and the Content-Security-Policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.accounts import PASSWORD, csrf_token, email_for, ensure_user, sign_in
from tests.helpers import event_count
from tests.seed import PLAN, TODAY, seed_plan

ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")
IV = f"/plannen/{PLAN}/interventies/3.A1"


@dataclass
class Site:
    app: Any
    client: Any
    services: Any
    data_dir: Path

    def new_client(self):
        return self.app.test_client()


def make_site(data_dir: Path, **config: Any) -> Site:
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ROLES:
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True, **config})
    return Site(app, app.test_client(), services, data_dir)


@pytest.fixture
def site(data_dir: Path) -> Site:
    """The default plan with a quarter of updates and one account per role; nobody signed in."""
    return make_site(data_dir)


def login(client, email: str, password: str = PASSWORD, **kw: Any):
    return client.post("/inloggen", data={"email": email, "password": password,
                                          "csrf_token": csrf_token(client)}, **kw)


def is_signed_in(client) -> bool:
    response = client.get(f"/plannen/{PLAN}")
    return response.status_code == 200


# --- every page but the login page needs a user ------------------------------------------

PROTECTED_GETS = [
    "/",
    f"/plannen/{PLAN}",
    f"/plannen/{PLAN}/dashboard",
    f"/plannen/{PLAN}?trekker=Jan+Jansen&sort=stoplicht",
    f"/plannen/{PLAN}/kwartaal",
    f"/plannen/{PLAN}/kwartaal?kwartaal=2025-Q4",
    f"/plannen/{PLAN}/wijzigingen",
    f"/plannen/{PLAN}/wijzigingen?van=2026-01-01",
    IV,
    f"{IV}?as_of=2025-12-31",
    f"/plannen/{PLAN}/interventies/2.B2",
    f"/plannen/{PLAN}/export.csv",
    f"/plannen/{PLAN}/export.xlsx",
    "/mijn-interventies",
    "/gebruikers",
    "/plannen/importeren",
    "/uitgaande-berichten",
    f"/plannen/{PLAN}/rapportages",
    f"/plannen/{PLAN}/rapportages/vaststellen?periode=2026-H1&peildatum=2026-03-31&positie=1",
    f"/plannen/{PLAN}/rapportages/nr-1",
    f"/plannen/{PLAN}/indicatoren",
    f"/plannen/{PLAN}/financien",
    # Not even whether a plan or intervention exists is told before signing in.
    "/plannen/bestaat-niet",
    f"/plannen/{PLAN}/interventies/9.9",
]

PROTECTED_POSTS = [
    f"{IV}/mijlpalen/afwegingskader-startfase/gereed",
    f"{IV}/mijlpalen/afwegingskader-startfase/verschuiven",
    f"{IV}/mijlpalen/afwegingskader-startfase/laten-vervallen",
    f"{IV}/mijlpalen",
    f"{IV}/notities",
    f"{IV}/stoplicht",
    f"{IV}/bespreking",
    f"{IV}/trekker",
    "/gebruikers",
    "/gebruikers/rol",
    "/plannen/importeren",
    "/plannen/importeren/bevestigen",
]


def _login_target(location: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query)


@pytest.mark.parametrize("url", PROTECTED_GETS)
def test_a_page_redirects_to_the_login_page_when_signed_out(site, url):
    response = site.client.get(url)
    assert response.status_code == 302, (url, response.status_code)
    path, query = _login_target(response.headers["Location"])
    assert path == "/inloggen"
    assert query["next"] == [url]
    body = response.get_data(as_text=True)
    assert "Uitvoeringsagenda Duurzame" not in body and "Jan Jansen" not in body


@pytest.mark.parametrize("url", PROTECTED_GETS)
def test_an_htmx_request_gets_an_hx_redirect_to_the_login_page_when_signed_out(site, url):
    response = site.client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204, (url, response.status_code)
    path, query = _login_target(response.headers["HX-Redirect"])
    assert path == "/inloggen"
    assert query["next"] == [url]
    assert response.get_data() == b""


@pytest.mark.parametrize("url", PROTECTED_POSTS)
def test_a_post_with_a_valid_token_but_no_user_is_sent_to_the_login_page_and_records_nothing(site, url):
    before = event_count(site.services)
    token = csrf_token(site.client)
    data = {"csrf_token": token, "version": "12", "text": "Notitie", "reason": "Reden", "due": "Q4 2026",
            "label": "Nieuw", "colour": "groen", "decision": "Akkoord", "email": email_for("trekker"),
            "name": "Iemand", "role": "lezer", "password": "lang-genoeg-wachtwoord"}
    response = site.client.post(url, data=data)
    assert response.status_code == 302, (url, response.status_code)
    assert _login_target(response.headers["Location"])[0] == "/inloggen"
    htmx = site.client.post(url, data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and _login_target(htmx.headers["HX-Redirect"])[0] == "/inloggen"
    assert event_count(site.services) == before


def test_the_login_page_and_static_files_are_public(site):
    response = site.client.get("/inloggen")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert '<html lang="nl">' in text
    assert "<h1>Inloggen</h1>" in text
    assert 'for="email">E-mailadres</label>' in text and 'for="password">Wachtwoord</label>' in text
    for name in ("htmx.min.js", "tracker.css"):
        static = site.client.get(f"/static/{name}")
        assert static.status_code == 200, name
        static.close()


def test_signing_in_leads_back_to_the_page_asked_for(site):
    url = f"/plannen/{PLAN}/wijzigingen?van=2026-01-01"
    location = site.client.get(url).headers["Location"]
    page = site.client.get(location)
    assert f'name="next" value="{url}"' in page.get_data(as_text=True)
    response = site.client.post("/inloggen", data={"email": email_for("lezer"), "password": PASSWORD,
                                                   "next": url, "csrf_token": csrf_token(site.client)})
    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert site.client.get(url).status_code == 200


@pytest.mark.parametrize("target", ["https://elders.example/", "//elders.example/pad", "javascript:alert(1)",
                                    "plannen"])
def test_signing_in_never_leads_to_another_site(site, target):
    response = site.client.post("/inloggen", data={"email": email_for("lezer"), "password": PASSWORD,
                                                   "next": target, "csrf_token": csrf_token(site.client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- signing in ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_sign_in(site, role):
    response = login(site.client, email_for(role))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    board = site.client.get(f"/plannen/{PLAN}")
    assert board.status_code == 200
    assert f"({role})" in board.get_data(as_text=True)


def test_the_e_mail_address_is_not_case_sensitive(site):
    response = login(site.client, "  " + email_for("trekker").upper() + " ")
    assert response.status_code == 302
    assert is_signed_in(site.client)


@pytest.mark.parametrize("email, password", [
    (email_for("trekker"), "verkeerd-wachtwoord"),
    (email_for("trekker"), ""),
    ("onbekend@nijmegen.nl", PASSWORD),
])
def test_a_wrong_password_or_unknown_account_is_refused_in_dutch_without_a_session(site, email, password):
    response = login(site.client, email, password)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "E-mailadres of wachtwoord is onjuist." in text
    # The same words for an unknown account and a wrong password: no hint about who exists.
    assert "onbekend" not in text.replace(f'value="{email}"', "")
    assert PASSWORD not in text and "verkeerd-wachtwoord" not in text
    assert not is_signed_in(site.client)


def test_the_sixth_attempt_within_the_window_is_slowed_down_even_with_the_right_password(site):
    email = email_for("trekker")
    for attempt in range(5):
        assert login(site.client, email, f"fout-{attempt}-wachtwoord").status_code == 401, attempt
    before = event_count(site.services)
    response = login(site.client, email, PASSWORD)
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    text = response.get_data(as_text=True)
    assert "Te veel mislukte pogingen om in te loggen" in text
    assert re.search(r"Probeer het over \d+ (seconden?|minuten) opnieuw", text)
    assert "Traceback" not in text
    assert not is_signed_in(site.client)
    assert event_count(site.services) == before


def fake_clock(site) -> list[float]:
    """Give the throttle a clock the test moves (no sleeping)."""
    now = [1_800_000_000.0]
    site.app.extensions["login_throttle"].clock = lambda: now[0]
    return now


def test_after_8_wrong_passwords_for_one_account_another_account_signs_in_at_once(site):
    now = fake_clock(site)
    guessed = email_for("trekker")
    for attempt in range(8):
        answer = login(site.new_client(), guessed, "fout-wachtwoord", environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert answer.status_code == 401, attempt
        if attempt < 7:
            now[0] += 600   # past every delay: each of the 8 passwords is really checked
    assert login(site.new_client(), guessed, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 429
    colleague = site.new_client()
    assert login(colleague, email_for("stuurgroep"), environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 302
    assert is_signed_in(colleague)
    # The same account from another address (working from home) is not slowed either.
    home = site.new_client()
    assert login(home, guessed, environ_base={"REMOTE_ADDR": "192.0.2.50"}).status_code == 302


def test_the_delay_grows_with_every_failure_and_then_lets_go(site):
    now = fake_clock(site)
    throttle = site.app.extensions["login_throttle"]
    email = email_for("trekker")
    waits = []
    for _ in range(9):
        assert login(site.new_client(), email, "fout-wachtwoord").status_code == 401
        waits.append(throttle.wait(email, "127.0.0.1"))
        now[0] += waits[-1]
    assert waits[:4] == [0, 0, 0, 0]                        # a few typos cost nothing
    assert waits[4:] == sorted(waits[4:]) and len(set(waits[4:])) == 5 and waits[4] > 0, waits
    assert max(waits) <= 15 * 60
    assert login(site.new_client(), email, "fout-wachtwoord").status_code == 401
    wait = int(login(site.new_client(), email).headers["Retry-After"])
    now[0] += wait - 2
    assert login(site.new_client(), email).status_code == 429
    now[0] += 3
    assert login(site.client, email).status_code == 302
    assert is_signed_in(site.client)


def test_one_address_has_a_far_higher_ceiling_for_guesses_across_accounts(site):
    now = fake_clock(site)
    limit = site.app.extensions["login_throttle"].limits.address_free
    assert limit >= 50
    for attempt in range(limit):
        answer = login(site.client, f"gok{attempt}@nijmegen.nl", "fout-wachtwoord",
                       environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert answer.status_code == 401, attempt
        now[0] += 1
    refused = login(site.new_client(), email_for("beheerder"), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    elsewhere = login(site.new_client(), email_for("beheerder"), environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_clears_the_pair_but_not_the_address(site):
    email = email_for("trekker")
    for _ in range(4):
        assert login(site.client, email, "fout-wachtwoord").status_code == 401
    assert login(site.client, email).status_code == 302
    client = site.new_client()
    for _ in range(4):
        assert login(client, email, "fout-wachtwoord").status_code == 401
    assert login(client, email).status_code == 302
    throttle = site.app.extensions["login_throttle"]
    assert throttle.rows() == 1        # the address's 8 failures are kept; the pair is gone


def test_the_throttle_is_kept_in_the_data_directory_across_a_restart(site):
    email = email_for("trekker")
    for _ in range(6):
        login(site.client, email, "fout-wachtwoord")
    from web import create_app

    restarted = create_app({"DATA_DIR": str(site.data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    assert login(restarted.test_client(), email).status_code == 429
    path = site.data_dir / "signin-throttle.sqlite"
    assert path.exists() and path.stat().st_mode & 0o077 == 0


def test_the_throttle_forgets_after_a_day_and_never_holds_more_than_its_bound(tmp_path):
    from web.throttle import Limits, SignInThrottle

    now = [1_800_000_000.0]
    throttle = SignInThrottle(tmp_path / "t.sqlite", Limits(max_rows=50), clock=lambda: now[0])
    for n in range(200):
        throttle.failed(f"gok{n}@nijmegen.nl", f"198.51.100.{n % 250}")
    assert throttle.rows() <= 50
    now[0] += 86400 + 1
    throttle.failed("laatste@nijmegen.nl", "198.51.100.1")
    assert throttle.rows() == 2


def test_an_unknown_e_mail_costs_the_same_work_as_a_known_one(site, monkeypatch):
    app = site.services.app

    class Counting:
        """The real hasher, counting what it is asked to do."""

        def __init__(self, inner):
            self.inner, self.calls = inner, []

        def hash(self, password):
            self.calls.append("hash")
            return self.inner.hash(password)

        def verify(self, hashed, password):
            self.calls.append("verify")
            return self.inner.verify(hashed, password)

    app.check_login("onbekend@nijmegen.nl", "wat-dan-ook")   # the dummy hash is made once
    counting = Counting(app.password_hasher)
    monkeypatch.setattr(app, "_hasher", counting)
    for email in ("onbekend@nijmegen.nl", "nog-een-onbekende@nijmegen.nl"):
        assert app.check_login(email, "wat-dan-ook") is None
    assert counting.calls == ["verify", "verify"]
    counting.calls.clear()
    assert app.check_login(email_for("trekker"), "wat-dan-ook") is None
    assert counting.calls == ["verify"]


# --- signing out and the session cookie ----------------------------------------------------


def test_signing_out_ends_the_session(site):
    sign_in(site.client, site.services, "trekker")
    assert is_signed_in(site.client)
    token = csrf_token(site.client, f"/plannen/{PLAN}")
    response = site.client.post("/uitloggen", data={"csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/inloggen"
    assert not is_signed_in(site.client)
    assert site.client.get("/mijn-interventies").status_code == 302


def test_signing_out_needs_a_post_with_a_token(site):
    sign_in(site.client, site.services, "trekker")
    response = site.client.get("/uitloggen")
    assert response.status_code == 405
    assert "Niet toegestaan" in response.get_data(as_text=True)
    assert site.client.post("/uitloggen").status_code == 400
    assert is_signed_in(site.client)


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_the_session_cookie_is_httponly_and_samesite_lax(site):
    response = login(site.client, email_for("lezer"))
    assert response.status_code == 302
    cookie = _session_cookie(response)
    attributes = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_the_session_cookie_is_secure_behind_https(data_dir):
    base = "https://voortgang.nijmegen.nl"
    site = make_site(data_dir, BASE_URL=base)
    page = site.client.get("/inloggen", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = site.client.post("/inloggen", base_url=base, headers={"Referer": f"{base}/inloggen"},
                                data={"email": email_for("lezer"), "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    attributes = [a.strip().lower() for a in _session_cookie(response).split(";")]
    assert {"secure", "httponly", "samesite=lax"} <= set(attributes)


# --- CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "vervalst-token"])
def test_a_post_without_a_valid_csrf_token_is_a_dutch_400_and_records_nothing(site, token):
    sign_in(site.client, site.services, "trekker")
    before = event_count(site.services)
    data = {"version": "12", "text": "Zonder token"}
    if token is not None:
        data["csrf_token"] = token
    response = site.client.post(f"{IV}/notities", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert '<html lang="nl">' in text
    assert "Het formulier is verlopen of onvolledig" in text
    assert "Er is niets opgeslagen" in text
    assert "Bad Request" not in text and "CSRF token" not in text and "Traceback" not in text
    htmx = site.client.post(f"{IV}/notities", data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 400
    assert event_count(site.services) == before
    assert "Zonder token" not in site.client.get(IV).get_data(as_text=True)


@pytest.mark.parametrize("url, data", [
    (f"{IV}/mijlpalen/afwegingskader-startfase/gereed", {"realised": ""}),
    ("/gebruikers", {"email": "nieuw@nijmegen.nl", "name": "Nieuw", "role": "lezer",
                     "password": "lang-genoeg-wachtwoord"}),
    ("/gebruikers/rol", {"email": email_for("lezer"), "role": "stuurgroep"}),
    (f"{IV}/bespreking", {"decision": "Akkoord"}),
    (f"{IV}/trekker", {"email": email_for("trekker")}),
])
def test_every_kind_of_form_needs_the_csrf_token(site, url, data):
    role = {"/gebruikers": "beheerder", "/gebruikers/rol": "beheerder"}.get(url) or (
        "stuurgroep" if url.endswith("bespreking") else "beheerder" if url.endswith("trekker") else "trekker")
    sign_in(site.client, site.services, role)
    before = event_count(site.services)
    response = site.client.post(url, data=data)
    assert response.status_code == 400, (url, response.status_code)
    assert "Het formulier is verlopen" in response.get_data(as_text=True)
    assert event_count(site.services) == before


def test_the_login_form_needs_the_csrf_token(site):
    response = site.client.post("/inloggen", data={"email": email_for("lezer"), "password": PASSWORD})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)
    assert not is_signed_in(site.client)


def test_an_htmx_request_may_carry_the_token_in_its_header(site):
    sign_in(site.client, site.services, "trekker")
    token = csrf_token(site.client, IV)
    before = event_count(site.services)
    response = site.client.post(f"{IV}/notities", data={"version": "12", "text": "Via htmx"},
                                headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert event_count(site.services) == before + 1


def test_every_page_hands_the_csrf_token_to_htmx(site):
    sign_in(site.client, site.services, "trekker")
    text = site.client.get(IV).get_data(as_text=True)
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[^"]+"\}'>""", text)


# --- Content-Security-Policy and no inline script ----------------------------------------


def _csp(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def _assert_csp(response, what: str) -> None:
    csp = _csp(response)
    assert csp.get("script-src") == "'self'", (what, response.headers.get("Content-Security-Policy"))
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"], what
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"], what
    assert csp.get("object-src") == "'none'", what
    assert csp.get("frame-ancestors") == "'none'", what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _assert_no_inline_script(html: str, what: str) -> None:
    scripts = SCRIPT.findall(html)
    assert len(scripts) == html.lower().count("<script"), what
    for attributes, body in scripts:
        assert body.strip() == "", (what, body[:200])
        src = re.search(r'\ssrc="([^"]+)"', attributes)
        assert src, (what, attributes)
        assert src.group(1).startswith("/static/"), (what, src.group(1))
    assert not EVENT_HANDLER.search(html), (what, EVENT_HANDLER.search(html).group(0))
    assert "javascript:" not in html.lower(), what
    assert "hx-on" not in html, what


def test_the_login_page_and_signed_out_responses_carry_the_csp(site):
    responses = {
        "login": site.client.get("/inloggen"),
        "redirect": site.client.get(f"/plannen/{PLAN}"),
        "htmx redirect": site.client.get(f"/plannen/{PLAN}", headers={"HX-Request": "true"}),
        "static": site.client.get("/static/htmx.min.js"),
        "wrong password": login(site.client, email_for("lezer"), "fout-wachtwoord"),
        "missing token": site.client.post("/inloggen", data={"email": "x@y.nl", "password": "z"}),
        "no such page": site.client.get("/bestaat-niet"),
    }
    for what, response in responses.items():
        _assert_csp(response, what)
        if response.mimetype == "text/html" and response.status_code != 302:
            _assert_no_inline_script(response.get_data(as_text=True), what)
        response.close()


PAGES = {
    "beheerder": ["/", f"/plannen/{PLAN}", f"/plannen/{PLAN}/kwartaal", f"/plannen/{PLAN}/wijzigingen",
                  IV, f"{IV}?as_of=2025-12-31", "/gebruikers", "/plannen/importeren", "/uitgaande-berichten",
                  "/mijn-interventies"],
    "stuurgroep": ["/", f"/plannen/{PLAN}", IV, f"/plannen/{PLAN}/wijzigingen", f"/plannen/{PLAN}/kwartaal"],
    "trekker": [f"/plannen/{PLAN}", IV, "/mijn-interventies", f"/plannen/{PLAN}/interventies/2.B2"],
    "lezer": [f"/plannen/{PLAN}", IV, "/mijn-interventies", f"/plannen/{PLAN}/kwartaal?kwartaal=2025-Q4"],
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_carries_the_csp_and_has_no_inline_script(site, role):
    sign_in(site.client, site.services, role)
    for url in PAGES[role]:
        response = site.client.get(url, follow_redirects=True)
        assert response.status_code == 200, (role, url, response.status_code)
        _assert_csp(response, url)
        html = response.get_data(as_text=True)
        assert '<script src="/static/htmx.min.js" defer></script>' in html, url
        _assert_no_inline_script(html, url)
        fragment = site.client.get(url, headers={"HX-Request": "true"}, follow_redirects=True)
        _assert_csp(fragment, f"{url} (htmx)")
        _assert_no_inline_script(fragment.get_data(as_text=True), f"{url} (htmx)")


def test_error_pages_and_exports_carry_the_csp(site):
    sign_in(site.client, site.services, "lezer")
    for url, status in ((f"/plannen/{PLAN}/interventies/9.9", 404), ("/gebruikers", 403),
                        (f"/plannen/{PLAN}?as_of=gisteren", 400), (f"/plannen/{PLAN}/export.csv", 200),
                        (f"/plannen/{PLAN}/export.xlsx", 200)):
        response = site.client.get(url)
        assert response.status_code == status, url
        _assert_csp(response, url)
        if response.mimetype == "text/html":
            _assert_no_inline_script(response.get_data(as_text=True), url)
    forbidden = site.client.post(f"{IV}/notities", data={"csrf_token": csrf_token(site.client, IV),
                                                        "version": "12", "text": "x"})
    assert forbidden.status_code == 403
    _assert_csp(forbidden, "403 on a post")
