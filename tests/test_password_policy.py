"""Passwords: at least 12 characters and not easy to guess; every interface refuses the same."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.accounts import PASSWORD, choose_password, csrf_token, ensure_user, mailed_link, sign_in
from tracker.errors import DomainError
from tracker.users import user_id

AT = datetime(2025, 10, 1, 9)
KEES = "kees@nijmegen.nl"


@pytest.mark.parametrize("password", [
    "1234567890",            # ten digits: too short
    " " * 10, " " * 12,      # spaces
    "password12", "password1234", "wachtwoord12", "welkom123456",
    "qwertyuiopas", "aaaaaaaaaaaa", "123456789012", "nijmegen2026",
    "keeskort1234",          # the user's own name
])
def test_short_common_and_patterned_passwords_are_refused(services, password) -> None:
    with pytest.raises(DomainError, match="minstens 12 tekens|te makkelijk te raden"):
        services.app.add_user(email=KEES, name="Kees Kort", role="lezer", password=password, at=AT, by="test")
    assert user_id(KEES) not in services.app.repository


@pytest.mark.parametrize("password", ["fiets naar de markt", "een-lang-wachtwoord", "Zomer2026!Zomer"])
def test_long_passphrases_are_accepted(services, password) -> None:
    services.app.add_user(email=KEES, name="Kees Kort", role="lezer", password=password, at=AT, by="test")
    assert services.app.check_login(KEES, password) is not None


def test_the_cli_and_the_web_refuse_an_easy_password_in_dutch(services, cli, monkeypatch) -> None:
    from web import create_app

    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    ensure_user(services, "lezer")
    done = cli("user", "set-password", "lezer@nijmegen.nl", "--password", "password1234")
    assert done.exit_code != 0 and "te makkelijk te raden" in done.output
    assert services.app.check_login("lezer@nijmegen.nl", PASSWORD) is not None
    app = create_app({"DATA_DIR": str(services.data_dir)})
    client = app.test_client()
    sign_in(client, services, "beheerder")
    assert client.post("/gebruikers", data={"csrf_token": csrf_token(client, "/gebruikers"), "email": KEES,
                                            "name": "Kees Kort", "role": "lezer"}).status_code == 303
    path = mailed_link(services.data_dir, KEES)
    invited = app.test_client()
    answer = choose_password(invited, path, "welkom123456")
    assert answer.status_code == 422 and "te makkelijk te raden" in answer.get_data(as_text=True)
    assert services.app.check_login(KEES, "welkom123456") is None
