"""Accounts and signing in, for tests of pages."""

from __future__ import annotations

import re
from datetime import datetime

PASSWORD = "geheim-wachtwoord-1"
NAMES = {"beheerder": "Bea Beheer", "stuurgroep": "Stijn Stuur", "trekker": "Jan Jansen", "lezer": "Lotte Lezer"}


def email_for(role: str) -> str:
    return f"{role}@nijmegen.nl" if role != "trekker" else "j.jansen@nijmegen.nl"


def ensure_user(services, role: str, email: str | None = None, name: str | None = None) -> str:
    """Create an account with the role (once) and return its e-mail address."""
    from tracker.users import user_id

    email = email or email_for(role)
    if user_id(email) not in services.app.repository:
        services.app.add_user(email=email, name=name or NAMES[role], role=role, password=PASSWORD,
                              at=datetime(2025, 9, 1, 9), by="test")
        services.catch_up()
    return email


def csrf_token(client, path: str = "/inloggen") -> str:
    """Return the CSRF token of a page's form."""
    html = client.get(path).data.decode()
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, services, role: str, email: str | None = None) -> str:
    """Sign a test client in with an account of the role; return the e-mail address."""
    email = ensure_user(services, role, email)
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.data[:500]
    return email


def sign_in_page(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign a Playwright page in through the login form."""
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST" and "/inloggen" in r.url,
                              timeout=60_000) as answer:
        page.get_by_role("button", name="Inloggen").click()
    response = answer.value
    assert response.status in (302, 303), f"sign-in of {email} answered {response.status}: {response.text()[:300]}"
    page.wait_for_url(lambda url: "/inloggen" not in url, timeout=60_000)


def mailed_link(data_dir, email: str) -> str:
    """Return the path of the newest password link mailed to an address (from the local mail sink)."""
    from notifications.mailer import FileSink

    sink = FileSink(data_dir / "outbox")
    for found in sink.messages():  # the newest first
        message = sink.read(found["name"])
        if message["To"].addresses[0].addr_spec == email:
            text = message.get_body(("plain",)).get_content()
            match = re.search(r"https?://[^/\s]+(/wachtwoord/\S+)", text)
            assert match, text
            return match.group(1)
    raise AssertionError(f"no mail to {email}")


def choose_password(client, path: str, password: str, again: str | None = None):
    """Choose a password on the page a mailed link opens."""
    return client.post(path, data={"csrf_token": csrf_token(client, path), "password": password,
                                   "password2": password if again is None else again})
