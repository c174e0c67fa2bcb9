"""The board's rows are made once per read-model position and question, and never outlive a change."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.accounts import sign_in
from tests.helpers import DEFAULT_PLAN_ID as PLAN

BOARD = f"/plannen/{PLAN}"


@pytest.fixture
def site(default_services, data_dir):
    from web import create_app

    app = create_app({"DATA_DIR": str(data_dir), "TODAY": "2026-04-01", "TESTING": True})
    clients = {}
    for role in ("lezer", "stuurgroep", "beheerder"):
        clients[role] = app.test_client()
        sign_in(clients[role], default_services, role)
    return app, clients, default_services


def made(app) -> int:
    return app.extensions["board_cache"].made


def row_of(page: str, code: str) -> str:
    start = page.index(f'data-code="{code}"')
    return page[start:page.index("</tr>", start)]


def test_readers_of_one_board_at_one_position_get_the_rows_made_once(site):
    app, clients, _ = site
    first = clients["lezer"].get(BOARD).data.decode()
    second = clients["stuurgroep"].get(BOARD).data.decode()
    assert made(app) == 1
    assert row_of(first, "2.B2") == row_of(second, "2.B2")
    assert "Lotte Lezer" in first and "Stijn Stuur" in second   # the page around the rows is their own


def test_a_change_moves_the_position_and_the_next_request_shows_it(site):
    app, clients, services = site
    assert "trekker: rood" not in row_of(clients["lezer"].get(BOARD).data.decode(), "2.B2")
    services.app.set_stoplicht(PLAN, "2.B2", colour="rood", oorzaak="Geen aanbieder", gevolg="Start later",
                               bijsturing="Nieuwe aanbesteding", at=datetime(2026, 3, 31, 10), by="Fatima")
    page = clients["lezer"].get(BOARD).data.decode()
    assert "trekker: rood" in row_of(page, "2.B2") and made(app) == 2


def test_the_beheerder_gets_rows_with_forms_of_their_own_session_never_kept(site):
    app, clients, _ = site
    reader = clients["lezer"].get(BOARD).data.decode()
    beheerder = clients["beheerder"].get(BOARD).data.decode()
    again = clients["lezer"].get(BOARD).data.decode()
    assert "Toewijzen" in beheerder and "Toewijzen" not in reader and "Toewijzen" not in again
    assert made(app) == 1


def test_another_question_or_an_htmx_request_gets_its_own_rows(site):
    app, clients, _ = site
    everything = clients["lezer"].get(BOARD).data.decode()
    red = clients["lezer"].get(f"{BOARD}?stoplicht=rood").data.decode()
    assert made(app) == 2 and everything.count("board-row") > red.count("board-row")
    fragment = clients["lezer"].get(BOARD, headers={"HX-Request": "true"}).data.decode()
    assert made(app) == 2 and fragment.strip().startswith('<div id="board"')
    assert row_of(fragment, "2.B2") == row_of(everything, "2.B2")


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def test_a_readers_whole_page_is_made_once_and_each_session_gets_its_own_csrf_token(site):
    from web.fragments import CSRF_MARK

    app, clients, services = site
    other = app.test_client()
    sign_in(other, services, "lezer")  # a second session of the same reader
    first = clients["lezer"].get(BOARD).data.decode()
    second = other.get(BOARD).data.decode()
    assert app.extensions["board_pages"].made == 1
    assert CSRF_MARK not in first and CSRF_MARK not in second
    assert csrf_of(first) != csrf_of(second) and "Lotte Lezer" in second
    # Each token is this session's: the other session's is refused, its own accepted.
    assert other.post("/uitloggen", data={"csrf_token": csrf_of(first)}).status_code == 400
    assert other.post("/uitloggen", data={"csrf_token": csrf_of(second)}).status_code == 302


def test_a_page_with_a_message_for_the_session_is_made_for_that_request(site):
    app, clients, _ = site
    with clients["lezer"].session_transaction() as session:
        session["_flashes"] = [("message", "Alleen voor deze sessie")]
    assert "Alleen voor deze sessie" in clients["lezer"].get(BOARD).data.decode()
    assert "Alleen voor deze sessie" not in clients["stuurgroep"].get(BOARD).data.decode()
    assert "Alleen voor deze sessie" not in clients["lezer"].get(BOARD).data.decode()
    assert app.extensions["board_pages"].made == 2  # the stuurgroep's page and the reader's second
