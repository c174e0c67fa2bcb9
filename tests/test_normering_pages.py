"""Normering in the browser (the page, uploads, analysegesprekken, the dashboard) and the signal mailed once."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from notifications.delivery import run_reminders
from notifications.mailer import mailer_for
from tests.accounts import csrf_token, email_for, ensure_user, sign_in
from tests.helpers import event_count
from tests.mail_helpers import body, fixed, mail_settings, smtp_server  # noqa: F401 (smtp_server is a fixture)
from tests.test_normering import NORMS, PLAN, SPENDING, rows

PAGE = f"/plannen/{PLAN}/normering"


@pytest.fixture
def site(default_services):
    from web import create_app

    for role in ("beheerder", "stuurgroep", "lezer"):
        ensure_user(default_services, role)
    app = create_app({"DATA_DIR": str(default_services.data_dir), "TODAY": "2026-07-10", "TESTING": True})
    return app


def upload(client, path: str, text: str, name: str = "bestand.csv"):
    return client.post(path, data={"csrf_token": csrf_token(client, PAGE),
                                   "bestand": (io.BytesIO(text.encode("utf-8")), name)},
                       content_type="multipart/form-data")


def test_the_beheerder_uploads_norms_and_spending_and_sees_the_signal(site):
    services = site.extensions["tracker"]
    client = site.test_client()
    sign_in(client, services, "beheerder")
    assert upload(client, f"{PAGE}/normen", NORMS).status_code == 303
    before = event_count(services)
    refused = upload(client, f"{PAGE}/besteding", SPENDING.replace("Q1 2026;€ 50.000", "Q1 2026;veel"))
    assert refused.status_code == 422
    assert "Regel 4: &#39;veel&#39; is geen getal." in refused.get_data(as_text=True)
    assert event_count(services) == before
    assert upload(client, f"{PAGE}/besteding", SPENDING).status_code == 303
    html = client.get(PAGE).get_data(as_text=True)
    assert "Zorgaanbieder Noord</strong>, Jeugd-begeleiding: 75,0 % van de bestedingsruimte besteed" in html
    assert "Analysegesprek nog niet gepland." in html
    assert "50,0 %" in html  # Zuid is listed, without a signal
    past = client.get(f"{PAGE}?as_of=2026-06-29").get_data(as_text=True)
    assert "Geen signalen per 29 juni 2026." in past
    dashboard = client.get(f"/plannen/{PLAN}/dashboard").get_data(as_text=True)
    assert "Signalen normering" in dashboard and "75,0 % van de bestedingsruimte besteed" in dashboard


def test_an_analysegesprek_is_planned_and_recorded_as_held_in_the_browser(site):
    services = site.extensions["tracker"]
    services.app.record_norms(PLAN, rows(NORMS), at=datetime(2026, 1, 5, 9), by="P&C")
    services.app.record_spending(PLAN, rows(SPENDING), at=datetime(2026, 7, 5, 9), by="P&C")
    client = site.test_client()
    sign_in(client, services, "beheerder")
    token = csrf_token(client, PAGE)
    missing = client.post(f"{PAGE}/analysegesprekken", data={
        "csrf_token": token, "norm": "Zorgaanbieder Noord|Jeugd-begeleiding", "jaar": "2026", "termijn": "Q3 2026"})
    assert missing.status_code == 422 and "eigenaar" in missing.get_data(as_text=True)
    planned = client.post(f"{PAGE}/analysegesprekken", data={
        "csrf_token": token, "norm": "Zorgaanbieder Noord|Jeugd-begeleiding", "jaar": "2026",
        "termijn": "Q3 2026", "eigenaar": "Contractmanager jeugd"})
    assert planned.status_code == 303
    assert "Analysegesprek gepland: Q3 2026, Contractmanager jeugd." in client.get(PAGE).get_data(as_text=True)
    held = client.post(f"{PAGE}/analysegesprekken/1/gehouden", data={
        "csrf_token": token, "datum": "2026-07-09", "toelichting": "Aanbieder levert plan van aanpak"})
    assert held.status_code == 303
    html = client.get(PAGE).get_data(as_text=True)
    assert "gehouden op 9 juli 2026: Aanbieder levert plan van aanpak" in html


def test_who_may_see_and_change_the_normering(site):
    services = site.extensions["tracker"]
    lezer = site.test_client()
    sign_in(lezer, services, "lezer")
    assert lezer.get(PAGE).status_code == 403
    stuurgroep = site.test_client()
    sign_in(stuurgroep, services, "stuurgroep")
    assert stuurgroep.get(PAGE).status_code == 200
    token = csrf_token(stuurgroep, PAGE)
    response = stuurgroep.post(f"{PAGE}/normen", data={"csrf_token": token, "bestand": (io.BytesIO(NORMS.encode()), "n.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 403


def test_a_signal_is_mailed_once_to_the_stuurgroep_and_the_beheerder(default_services, smtp_server):
    services = default_services
    ensure_user(services, "beheerder")
    services.app.record_norms(PLAN, rows(NORMS), at=datetime(2026, 1, 5, 9), by="P&C")
    services.app.record_spending(PLAN, rows(SPENDING), at=datetime(2026, 7, 5, 9), by="P&C")
    services.catch_up()
    mail = mail_settings(services.data_dir, stuurgroep_email="stuurgroep@nijmegen.nl")
    for day in (datetime(2026, 7, 6, 7, 30), datetime(2026, 7, 7, 7, 30)):
        run_reminders(services, mailer_for(mail), mail, day.date(), fixed(day))
    carrying = [m for m in smtp_server.messages if "Zorgaanbieder Noord" in body(m)]
    assert sorted(m["To"].addresses[0].addr_spec for m in carrying) == [email_for("beheerder"),
                                                                        "stuurgroep@nijmegen.nl"]
    beheerder = next(m for m in carrying if m["To"].addresses[0].addr_spec == email_for("beheerder"))
    # The signal leads the subject; the beheerder's other news of that run (the plan's own late
    # milestones) follows it in the same message.
    assert beheerder["Subject"].startswith("Signaal normering: 1 aanbieder op of boven de drempel")
    assert "75,0 % van de bestedingsruimte besteed (drempel 70 %), sinds 30 juni 2026" in body(beheerder)
    assert f"/plannen/{PLAN}/normering" in body(beheerder, "html")
    assert not any("Zorgaanbieder Zuid" in body(m) for m in smtp_server.messages)
