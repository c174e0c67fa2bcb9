"""Files and caches: the stores are for the owner only; nothing behind sign-in is cached."""

from __future__ import annotations

import stat
from datetime import datetime

from tests.accounts import csrf_token, sign_in
from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID, import_text


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_and_every_store_are_private(data_dir, monkeypatch) -> None:
    from web import create_app

    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-03-02"})
    services = app.extensions["tracker"]
    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    client = app.test_client()
    sign_in(client, services, "beheerder")
    stranger = app.test_client()
    stranger.post("/inloggen", data={"email": "x@y.nl", "password": "fout", "csrf_token": csrf_token(stranger)})
    assert mode(data_dir) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"events.sqlite", "readmodel.sqlite", "secret_key", "signin-throttle.sqlite"} <= names
    assert any(n.endswith("-wal") for n in names)
    assert {p.name: oct(mode(p)) for p in files if mode(p) & 0o077} == {}


def test_an_existing_data_directory_open_to_others_is_tightened(data_dir) -> None:
    from web.services import open_services

    data_dir.mkdir(parents=True)
    data_dir.chmod(0o755)
    (data_dir / "events.sqlite").touch(mode=0o644)
    (data_dir / "events.sqlite").chmod(0o644)
    open_services(data_dir)
    assert mode(data_dir) == 0o700 and mode(data_dir / "events.sqlite") == 0o600


def test_pages_exports_and_reports_behind_sign_in_are_never_cached(services) -> None:
    from web import create_app

    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    client = create_app({"DATA_DIR": str(services.data_dir), "TODAY": "2026-07-15"}).test_client()
    sign_in(client, services, "beheerder")
    for path in (f"/plannen/{SMALL_PLAN_ID}", f"/plannen/{SMALL_PLAN_ID}/export.csv",
                 f"/plannen/{SMALL_PLAN_ID}/export.xlsx", f"/plannen/{SMALL_PLAN_ID}/interventies/1.A1",
                 f"/plannen/{SMALL_PLAN_ID}/rapportages/concept.md?periode=2026-H1",
                 f"/plannen/{SMALL_PLAN_ID}/rapportages/concept.docx?periode=2026-H1",
                 "/gebruikers", "/uitgaande-berichten", "/plannen/importeren"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers.get("Cache-Control") == "no-store", path
    fragment = client.get(f"/plannen/{SMALL_PLAN_ID}", headers={"HX-Request": "true"})
    assert fragment.headers.get("Cache-Control") == "no-store"
    assert client.get("/static/tracker.css").headers.get("Cache-Control") != "no-store"
