"""Sessions that end: sign-out, a new password or another role end every copy of a session."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.accounts import PASSWORD, csrf_token, ensure_user, sign_in
from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID, import_text

PAGE = f"/plannen/{SMALL_PLAN_ID}"


@pytest.fixture
def app(services):
    from web import create_app

    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    return create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-03-02",
                       "SESSION_IDLE_MINUTES": 30, "SESSION_MAX_HOURS": 8})


def copy_of(app, client):
    """Return a second client holding a copy of the first one's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def signed_in(client) -> bool:
    answer = client.get(PAGE)
    return answer.status_code == 200


def notes(services) -> list[str]:
    services.catch_up()
    return [row["event"] for row in services.db.query(
        "SELECT event FROM history WHERE code = '1.A1' AND event = 'NoteAdded'")]


def test_a_copy_of_the_cookie_is_refused_after_signing_out(app, services) -> None:
    email = ensure_user(services, "trekker")
    services.app.assign_trekker(SMALL_PLAN_ID, "1.A1", name="Jan Jansen", email=email,
                                at=datetime(2025, 10, 2, 9), by="beheer")
    services.catch_up()
    client = app.test_client()
    sign_in(client, services, "trekker")
    stolen = copy_of(app, client)
    assert signed_in(stolen)
    token = csrf_token(stolen, f"{PAGE}/interventies/1.A1")
    version = services.app.get_intervention(SMALL_PLAN_ID, "1.A1").version
    assert client.post("/uitloggen", data={"csrf_token": csrf_token(client, PAGE)}).status_code == 302
    assert not signed_in(client)
    answer = stolen.post(f"{PAGE}/interventies/1.A1/notities",
                         data={"csrf_token": token, "text": "Nog steeds binnen", "version": str(version)})
    assert answer.status_code == 302 and "/inloggen" in answer.headers["Location"]
    assert not signed_in(stolen) and notes(services) == []
    # Signing in again works, with a new session.
    sign_in(client, services, "trekker")
    assert signed_in(client) and not signed_in(stolen)


def test_a_copy_of_the_cookie_is_refused_after_tracker_user_set_password(app, services, cli) -> None:
    client = app.test_client()
    email = sign_in(client, services, "lezer")
    other_device = copy_of(app, client)
    assert signed_in(other_device)
    done = cli("user", "set-password", email, "--password", "een-heel-ander-wachtwoord")
    assert done.exit_code == 0, done.output
    assert not signed_in(client) and not signed_in(other_device)


def test_another_role_ends_the_accounts_sessions_but_not_other_accounts(app, services, cli) -> None:
    lezer, stuurgroep = app.test_client(), app.test_client()
    email = sign_in(lezer, services, "lezer")
    sign_in(stuurgroep, services, "stuurgroep")
    assert cli("user", "set-role", email, "stuurgroep").exit_code == 0
    assert not signed_in(lezer)
    assert signed_in(stuurgroep)


def test_a_beheerder_who_changes_their_own_role_keeps_this_session_only(app, services) -> None:
    client = app.test_client()
    email = sign_in(client, services, "beheerder")
    ensure_user(services, "beheerder", email="tweede@nijmegen.nl", name="Tweede Beheerder")
    elsewhere = copy_of(app, client)
    answer = client.post("/gebruikers/rol", data={"csrf_token": csrf_token(client, "/gebruikers"),
                                                  "email": email, "role": "stuurgroep"})
    assert answer.status_code == 303
    assert signed_in(client) and not signed_in(elsewhere)


def test_a_session_ends_after_the_idle_timeout_and_the_absolute_lifetime(app, services) -> None:
    now = [1_800_000_000.0]
    app.extensions["session_clock"] = lambda: now[0]
    client = app.test_client()
    sign_in(client, services, "lezer")
    now[0] += 29 * 60
    assert signed_in(client)                      # 29 minutes idle: still there
    now[0] += 31 * 60
    assert not signed_in(client)                  # 31 minutes idle: over
    sign_in(client, services, "lezer")
    for _ in range(16):                           # busy all day, a request every 29 minutes
        now[0] += 29 * 60
        assert signed_in(client)
    now[0] += 29 * 60                             # 8 hours and 13 minutes after signing in
    assert not signed_in(client)


def test_the_password_still_signs_in_after_sign_out(app, services) -> None:
    client = app.test_client()
    email = sign_in(client, services, "lezer")
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, PAGE)})
    answer = client.post("/inloggen", data={"email": email, "password": PASSWORD,
                                            "csrf_token": csrf_token(client)})
    assert answer.status_code == 302 and signed_in(client)
