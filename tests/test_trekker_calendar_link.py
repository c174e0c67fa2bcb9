"""A trekker makes and revokes their own calendar link on Mijn interventies."""

from __future__ import annotations

import re

from icalendar import Calendar

from tests.accounts import csrf_token, ensure_user, sign_in
from tests.seed import TODAY, seed_plan
from web import create_app
from web.services import open_services


def test_a_trekker_makes_a_calendar_link_and_revokes_it(tmp_path) -> None:
    data_dir = tmp_path / "data"
    seed_plan(data_dir)
    services = open_services(data_dir)
    client = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat()}).test_client()
    sign_in(client, services, "trekker")

    made = client.post("/mijn-interventies/agenda", data={"csrf_token": csrf_token(client, "/mijn-interventies")})
    # Post/Redirect/Get: reloading the page that shows the link makes no second one.
    assert made.status_code == 303 and made.headers["Location"].endswith("/mijn-interventies")
    page = client.get("/mijn-interventies")
    url = re.search(r'id="feed-url" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = Calendar.from_ical(client.get("/" + path).data)
    assert str(feed["X-WR-CALNAME"]) == "Mijlpalen van Jan Jansen"  # the person, not the address
    summaries = [str(e["SUMMARY"]) for e in feed.walk("VEVENT")]
    assert summaries and all("3.A1" in s for s in summaries)  # Jan Jansen trekt alleen 3.A1

    listing = client.get("/mijn-interventies").get_data(as_text=True)
    assert url not in listing  # the link is shown once only
    assert listing.count("/intrekken") == 1  # one link was made
    feed_id = re.search(r'/mijn-interventies/agenda/([0-9a-f]+)/intrekken', listing).group(1)
    revoked = client.post(f"/mijn-interventies/agenda/{feed_id}/intrekken",
                          data={"csrf_token": csrf_token(client, "/mijn-interventies")})
    assert revoked.status_code == 303
    assert client.get("/" + path).status_code == 404


def test_only_the_owner_may_revoke_a_calendar_link(tmp_path) -> None:
    data_dir = tmp_path / "data"
    seed_plan(data_dir)
    services = open_services(data_dir)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat()})
    owner = app.test_client()
    sign_in(owner, services, "trekker")
    owner.post("/mijn-interventies/agenda", data={"csrf_token": csrf_token(owner, "/mijn-interventies")})
    feed_id = re.search(r'/mijn-interventies/agenda/([0-9a-f]+)/intrekken',
                        owner.get("/mijn-interventies").get_data(as_text=True)).group(1)
    other = app.test_client()
    ensure_user(services, "trekker", email="f.devries@nijmegen.nl", name="Fatima de Vries")
    sign_in(other, services, "trekker", email="f.devries@nijmegen.nl")
    refused = other.post(f"/mijn-interventies/agenda/{feed_id}/intrekken",
                         data={"csrf_token": csrf_token(other, "/mijn-interventies")})
    assert refused.status_code == 403
    reader = app.test_client()
    sign_in(reader, services, "lezer")
    assert reader.post("/mijn-interventies/agenda",
                       data={"csrf_token": csrf_token(reader, "/plannen")}).status_code == 403
