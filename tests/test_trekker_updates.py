"""The trekker's updates through the pages (without JavaScript and with htmx), conflicts,
Mijn interventies, and the stuurgroep's reviews on the intervention page, the board and the changes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from projections.history import intervention_history
from projections.interventions import interventions_as_of
from tests.accounts import csrf_token, ensure_user, sign_in
from tests.helpers import event_count
from tests.seed import PLAN, TODAY, seed_plan

ROLES = ("beheerder", "stuurgroep", "trekker", "lezer")
IV = f"/plannen/{PLAN}/interventies/3.A1"
FATIMA = "f.devries@nijmegen.nl"
LATE = "afwegingskader-startfase"        # Q4 2025, open: late on 1 April 2026
RESCHEDULED = "pva-zbo-commissie"        # Q1 2026 moved to Q3 2026 in January
CONFLICT = re.compile(r"Mijlpaal &#39;[^&]+&#39; is intussen gewijzigd door Jan Jansen \(01-04-2026 \d\d:\d\d\)\. "
                      r"Er is niets opgeslagen\. Bekijk de actuele stand hieronder; wat u invulde, staat er nog\.")


@dataclass
class Site:
    app: Any
    client: Any
    services: Any

    def iv(self, code: str = "3.A1") -> dict[str, Any]:
        self.services.catch_up()
        return interventions_as_of(self.services.db, TODAY, plan_id=PLAN, code=code, include_dropped=True)[0]

    def milestone(self, milestone_id: str, code: str = "3.A1") -> dict[str, Any]:
        return next(m for m in self.iv(code)["milestones"] if m["milestone_id"] == milestone_id)

    def history(self, code: str = "3.A1") -> list[dict[str, Any]]:
        self.services.catch_up()
        return intervention_history(self.services.db, PLAN, code)

    def version(self, code: str = "3.A1") -> str:
        return str(self.services.app.get_intervention(PLAN, code).version)

    def events(self) -> int:
        return event_count(self.services)


@pytest.fixture
def site(data_dir: Path) -> Site:
    """The seeded default plan; the test client is signed in as Jan Jansen, trekker of 3.A1."""
    from web import create_app
    from web.services import open_services

    seed_plan(data_dir)
    services = open_services(data_dir)
    for role in ROLES:
        ensure_user(services, role)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat(), "TESTING": True})
    site = Site(app, app.test_client(), services)
    sign_in(site.client, services, "trekker")
    return site


def post(site: Site, path: str, htmx: bool = False, client: Any = None, **data: Any):
    client = client or site.client
    data.setdefault("version", site.version())
    data["csrf_token"] = csrf_token(client, f"/plannen/{PLAN}")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"{IV}/{path}", data=data, headers=headers)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def form_of(page: str, action_end: str) -> str:
    """Return the HTML of the form whose action ends with action_end."""
    match = re.search(r'<form method="post" action="[^"]*' + re.escape(action_end) + r'".*?</form>', page, re.S)
    assert match, action_end
    return match.group(0)


def history_section(page: str) -> str:
    return page[page.index("<h2>Geschiedenis</h2>"):]


def history_items(page: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", history_section(page), re.S)


# --- mark a milestone done ------------------------------------------------------------------


def test_complete_without_a_date_means_today(site):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/gereed", realised="", note="")
    assert response.status_code == 303
    assert response.headers["Location"] == IV
    assert site.events() == before + 1
    m = site.milestone(LATE)
    assert (m["status"], m["state"], m["realised"]) == ("done", "gereed", "2026-04-01")
    page = text_of(site.client.get(IV))
    assert "Mijlpaal gereed gemeld op 1 april 2026 (vandaag)." in page  # the day it recorded, said
    newest = html.unescape(history_items(page)[0])
    assert "Mijlpaal 'Afwegingskader voor de startfase gereed' gereed op 1 april 2026" in newest
    assert "Jan Jansen" in newest
    assert 'datetime="2026-04-01T' in history_items(page)[0]


def test_the_completion_form_proposes_today_and_refuses_a_later_date_in_the_browser(site):
    form = form_of(text_of(site.client.get(IV)), f"/mijlpalen/{LATE}/gereed")
    assert 'name="realised" value="2026-04-01" max="2026-04-01"' in form


def test_complete_on_an_earlier_date_with_a_note(site):
    response = post(site, f"mijlpalen/{LATE}/gereed", realised="2026-03-15", note="Vastgesteld in het MT")
    assert response.status_code == 303
    m = site.milestone(LATE)
    assert m["realised"] == "2026-03-15"
    last = site.history()[-1]
    assert last["by"] == "Jan Jansen"
    assert last["at"].startswith("2026-04-01T")
    assert last["description"].endswith("gereed op 15 maart 2026 — Vastgesteld in het MT")


@pytest.mark.parametrize("realised, message", [
    ("gisteren", "'gisteren' is geen geldige datum voor gerealiseerd op; gebruik JJJJ-MM-DD."),
    ("01-03-2026", "'01-03-2026' is geen geldige datum voor gerealiseerd op; gebruik JJJJ-MM-DD."),
    ("2026-04-02", "toekomst"),
])
def test_complete_with_a_bad_date_is_refused_next_to_the_field(site, realised, message):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/gereed", realised=realised, note="Bijna")
    assert response.status_code == 422
    form = form_of(text_of(response), f"/mijlpalen/{LATE}/gereed")
    error = re.search(r'<p class="field-error" id="error-complete-' + LATE + r'" role="alert">(.*?)</p>', form)
    assert error, form
    assert message in html.unescape(error.group(1))
    # What was typed is kept.
    assert f'value="{realised}"' in form and 'value="Bijna"' in form
    assert site.events() == before
    assert site.milestone(LATE)["status"] == "open"


def test_completing_a_milestone_that_is_already_done_is_refused(site):
    assert post(site, f"mijlpalen/{LATE}/gereed", realised="").status_code == 303
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/gereed", realised="")
    assert response.status_code == 422
    assert site.events() == before


def test_an_unknown_milestone_is_refused_without_a_stack_trace(site):
    before = site.events()
    response = post(site, "mijlpalen/bestaat-niet/gereed", realised="")
    assert response.status_code in (404, 422)
    assert "Traceback" not in text_of(response)
    assert site.events() == before


# --- reschedule ---------------------------------------------------------------------------


def test_reschedule_with_a_reason_keeps_the_earlier_due_and_shows_who_and_when(site):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/verschuiven", due="Q3 2026", reason="Wacht op de nieuwe wethouder")
    assert response.status_code == 303
    assert site.events() == before + 1
    m = site.milestone(LATE)
    assert (m["due_text"], m["planned_due_text"], m["status"]) == ("Q3 2026", "Q4 2025", "open")
    assert [(e["due_text"], e["reason"]) for e in m["earlier_dues"]] == [("Q4 2025", "Wacht op de nieuwe wethouder")]
    page = text_of(site.client.get(IV))
    row = re.search(r'<tr class="[^"]*" data-milestone="' + LATE + r'"[^>]*>.*?</tr>', page, re.S).group(0)
    assert "Q3 2026" in row and "(was Q4 2025)" in row
    assert "Verschoven van Q4 2025: Wacht op de nieuwe wethouder" in row
    newest = html.unescape(history_items(page)[0])
    assert "verschoven van Q4 2025 naar Q3 2026: Wacht op de nieuwe wethouder" in newest
    assert "Jan Jansen" in newest and "01-04-2026" in newest


def test_reschedule_to_a_term_already_past_is_kept_and_the_notice_says_it_is_late_now(site):
    response = post(site, f"mijlpalen/{RESCHEDULED}/verschuiven", due="Q4 2025", reason="Tikfout?")
    assert response.status_code == 303
    page = html.unescape(text_of(site.client.get(IV)))
    assert "Mijlpaal verschoven naar Q4 2025. Let op: die termijn is al voorbij" in page
    assert site.milestone(RESCHEDULED)["state"] == "te_laat"


def test_reschedule_to_a_date(site):
    response = post(site, f"mijlpalen/{LATE}/verschuiven", due="2026-06-15", reason="Na de zomer")
    assert response.status_code == 303
    m = site.milestone(LATE)
    assert m["due"] == "2026-06-15"
    assert m["state"] != "te_laat"


@pytest.mark.parametrize("reason", ["", "   "])
def test_reschedule_without_a_reason_shows_the_dutch_error_in_the_form_and_records_nothing(site, reason):
    before = site.events()
    history_before = len(site.history())
    response = post(site, f"mijlpalen/{LATE}/verschuiven", due="Q3 2026", reason=reason)
    assert response.status_code == 422
    page = text_of(response)
    form = form_of(page, f"/mijlpalen/{LATE}/verschuiven")
    assert ('<p class="field-error" id="error-reschedule-' + LATE + '" role="alert">'
            "Geef een reden op voor het verschuiven van de mijlpaal.</p>") in form
    assert 'value="Q3 2026"' in form
    assert 'aria-describedby="error-reschedule-' + LATE + '" aria-invalid="true"' in form
    # The form with the error is open; the others are not, and nothing else got the message.
    assert page.count("Geef een reden op voor het verschuiven") == 1
    assert re.search(r"<details open><summary>Verschuiven<span[^>]*>[^<]*</span></summary>\s*" + re.escape(form), page)
    assert site.events() == before
    assert len(site.history()) == history_before
    assert site.milestone(LATE)["due_text"] == "Q4 2025"


@pytest.mark.parametrize("due, message", [
    ("morgen", "Ongeldige termijn: 'morgen' is geen herkenbare termijn; bekende vormen: "),
    ("", "termijn"),
])
def test_reschedule_to_an_unreadable_due_is_refused(site, due, message):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/verschuiven", due=due, reason="Later")
    assert response.status_code == 422
    form = form_of(text_of(response), f"/mijlpalen/{LATE}/verschuiven")
    assert message in html.unescape(form)
    assert 'value="Later"' in form
    assert site.events() == before


# --- cancel, add, note, stoplicht ---------------------------------------------------------


def test_cancel_needs_a_reason(site):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/laten-vervallen", reason="")
    assert response.status_code == 422
    form = form_of(text_of(response), f"/mijlpalen/{LATE}/laten-vervallen")
    assert 'class="field-error"' in form and "reden" in form.lower()
    assert site.events() == before
    response = post(site, f"mijlpalen/{LATE}/laten-vervallen", reason="Opgegaan in de pilots")
    assert response.status_code == 303
    m = site.milestone(LATE)
    assert (m["status"], m["reason"]) == ("cancelled", "Opgegaan in de pilots")
    page = text_of(site.client.get(IV))
    assert "Vervallen: Opgegaan in de pilots" in page
    assert "Jan Jansen" in history_items(page)[0]


def test_add_a_milestone(site):
    before = site.events()
    response = post(site, "mijlpalen", label="Tussenevaluatie met de scholen", due="Q4 2026", kind="evaluation")
    assert response.status_code == 303
    assert site.events() == before + 1
    added = [m for m in site.iv()["milestones"] if m["label"] == "Tussenevaluatie met de scholen"]
    assert len(added) == 1
    assert (added[0]["due_text"], added[0]["kind"], added[0]["status"]) == ("Q4 2026", "evaluation", "open")
    page = text_of(site.client.get(IV))
    assert "Mijlpaal gepland: &#39;Tussenevaluatie met de scholen&#39; (Q4 2026)" in history_items(page)[0]


@pytest.mark.parametrize("label, due, message", [
    ("Tussenevaluatie", "", "Geef de termijn van de nieuwe mijlpaal op, bijvoorbeeld Q3 2026."),
    ("Tussenevaluatie", "ooit", "ooit"),
    ("", "Q4 2026", ""),
])
def test_add_a_milestone_with_missing_input_is_refused(site, label, due, message):
    before = site.events()
    response = post(site, "mijlpalen", label=label, due=due, kind="other")
    assert response.status_code == 422
    form = form_of(text_of(response), "/mijlpalen")
    assert 'class="field-error"' in form
    assert message in html.unescape(form)
    assert f'id="add-label" name="label" value="{label}"' in form
    assert site.events() == before


def test_a_milestone_of_an_unknown_kind_is_refused_not_made_overig(site):
    before = site.events()
    response = post(site, "mijlpalen", label="Tussenevaluatie", due="Q4 2026", kind="bogus")
    assert response.status_code == 422
    assert "Onbekend soort mijlpaal 'bogus'." in html.unescape(text_of(response))
    assert site.events() == before


def test_write_a_progress_note(site):
    response = post(site, "notities", text="Drie scholen doen mee aan de pilot.")
    assert response.status_code == 303
    page = text_of(site.client.get(IV))
    newest = history_items(page)[0]
    assert "Voortgangsnotitie: Drie scholen doen mee aan de pilot." in newest
    assert "Jan Jansen" in newest and 'datetime="2026-04-01T' in newest
    assert site.iv()["last_update_at"].startswith("2026-04-01")


def test_an_empty_note_is_refused(site):
    before = site.events()
    response = post(site, "notities", text="  ")
    assert response.status_code == 422
    assert 'id="error-note"' in form_of(text_of(response), "/notities")
    assert site.events() == before


def test_a_note_longer_than_the_bound_is_refused_and_one_at_the_bound_is_kept(site):
    from tracker.texts import MAX_TEXT

    before = site.events()
    response = post(site, "notities", text="x" * (MAX_TEXT + 1))
    assert response.status_code == 422
    assert "De tekst is te lang: 20.001 tekens, ten hoogste 20.000." in text_of(response)
    assert site.events() == before
    assert post(site, "notities", text="y" * MAX_TEXT).status_code == 303
    assert site.events() == before + 1


@pytest.mark.parametrize("colour", ["oranje", "rood"])
def test_stoplicht_oranje_or_rood_needs_oorzaak_gevolg_and_bijsturing(site, colour):
    before = site.events()
    response = post(site, "stoplicht", colour=colour, oorzaak="Geen budget", gevolg="", bijsturing="")
    assert response.status_code == 422
    form = form_of(text_of(response), "/stoplicht")
    error = re.search(r'<p class="field-error" id="error-stoplicht" role="alert">(.*?)</p>', form).group(1)
    assert f"Bij stoplicht {colour} zijn oorzaak, gevolg en bijsturing verplicht" in error
    assert "gevolg" in error and "bijsturing" in error
    assert ">Geen budget</textarea>" in form
    assert re.search(rf'value="{colour}"\s+required\s+checked', form)
    assert site.events() == before
    response = post(site, "stoplicht", colour=colour, oorzaak="Geen budget", gevolg="Start schuift een kwartaal",
                    bijsturing="Dekking zoeken in de voorjaarsnota")
    assert response.status_code == 303
    iv = site.iv()
    assert (iv["stoplicht"], iv["oorzaak"], iv["gevolg"], iv["bijsturing"]) == (
        colour, "Geen budget", "Start schuift een kwartaal", "Dekking zoeken in de voorjaarsnota")
    page = text_of(site.client.get(IV))
    assert "<dt>Bijsturing</dt><dd>Dekking zoeken in de voorjaarsnota</dd>" in page
    assert f"Stoplicht op {colour} gezet" in history_items(page)[0]


def test_stoplicht_groen_needs_no_explanation(site):
    def facts():
        page = text_of(site.client.get(IV))
        return re.sub(r"\s+", " ", page[page.index('id="feiten"'):page.index("</dl>", page.index('id="feiten"'))])

    response = post(site, "stoplicht", colour="groen")
    assert response.status_code == 303
    assert site.iv()["stoplicht"] == "groen"
    assert "trekker: groen)" in facts() and "(tijdpad: " in facts()


def test_an_unknown_stoplicht_colour_is_refused(site):
    before = site.events()
    response = post(site, "stoplicht", colour="paars", oorzaak="a", gevolg="b", bijsturing="c")
    assert response.status_code == 422
    assert site.events() == before


# --- with and without JavaScript ------------------------------------------------------------


def test_an_htmx_request_gets_the_intervention_fragment(site):
    response = post(site, "notities", htmx=True, text="Via htmx")
    assert response.status_code == 200
    fragment = text_of(response)
    assert fragment.lstrip().startswith('<div id="intervention">')
    assert "<html" not in fragment and "<head" not in fragment and "<body" not in fragment
    assert '<p class="notice" role="status" tabindex="-1" autofocus>Notitie opgeslagen.</p>' in fragment
    assert "Voortgangsnotitie: Via htmx" in fragment
    # The fragment's forms carry the new version, so the next change is not a conflict.
    assert f'name="version" value="{site.version()}"' in fragment
    second = post(site, "notities", htmx=True, text="Nog een", version=re.search(
        r'name="version" value="(\d+)"', fragment).group(1))
    assert second.status_code == 200


def test_an_htmx_milestone_update_gets_its_row_with_the_facts_and_history_out_of_band(site):
    response = post(site, f"mijlpalen/{LATE}/gereed", htmx=True, realised="", note="")
    assert response.status_code == 200
    fragment = text_of(response)
    assert fragment.lstrip().startswith(f'<tr class="state-gereed" data-milestone="{LATE}"') and "<html" not in fragment
    assert '<p class="row-notice" tabindex="-1" autofocus>Mijlpaal gereed gemeld op 1 april 2026 (vandaag).</p>' in fragment
    assert '<div hx-swap-oob="innerHTML:#meldingen">Mijlpaal gereed gemeld op 1 april 2026 (vandaag).</div>' in fragment  # announced
    assert '<dl class="facts" id="feiten" hx-swap-oob="true">' in fragment
    assert '<ol class="history" id="geschiedenis" hx-swap-oob="true">' in fragment
    assert "Mijlpaal &#39;Afwegingskader voor de startfase gereed&#39; gereed op 1 april 2026" in fragment


def test_an_htmx_request_with_invalid_input_gets_the_row_with_the_error_and_the_form_open(site):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, due="Q3 2026", reason="")
    assert response.status_code == 422
    fragment = text_of(response)
    assert fragment.lstrip().startswith(f'<tr class="state-te_laat" data-milestone="{LATE}"') and "<html" not in fragment
    assert "Geef een reden op voor het verschuiven van de mijlpaal." in fragment
    form = form_of(fragment, f"/mijlpalen/{LATE}/verschuiven")
    # The reason is what is missing: that field is marked and has the focus, the term filled in is not.
    due = re.search(r'<input type="text" id="[^"]*-due" name="due"[^>]*>', form).group(0)
    reason = re.search(r'<input type="text" id="[^"]*-reason" name="reason"[^>]*>', form).group(0)
    assert 'value="Q3 2026"' in due and "aria-invalid" not in due and "autofocus" not in due
    assert 'aria-invalid="true" autofocus' in reason
    assert site.events() == before


def test_a_reschedule_without_term_and_reason_says_both_at_their_fields(site):
    before = site.events()
    response = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, due="", reason="")
    assert response.status_code == 422
    form = form_of(text_of(response), f"/mijlpalen/{LATE}/verschuiven")
    error = html.unescape(re.search(r'<p class="field-error"[^>]*>(.*?)</p>', form, re.S).group(1))
    assert "geen termijn opgegeven" in error and "Geef een reden op voor het verschuiven" in error
    due = re.search(r'<input type="text" id="[^"]*-due" name="due"[^>]*>', form).group(0)
    reason = re.search(r'<input type="text" id="[^"]*-reason" name="reason"[^>]*>', form).group(0)
    assert 'aria-invalid="true" autofocus' in due  # the first of them has the focus
    assert 'aria-invalid="true"' in reason and "autofocus" not in reason
    assert site.events() == before


def test_without_javascript_a_change_redirects_and_the_page_shows_the_notice(site):
    response = post(site, "notities", text="Zonder JavaScript")
    assert response.status_code == 303
    assert response.headers["Location"] == IV
    page = text_of(site.client.get(response.headers["Location"]))
    assert "<html" in page
    assert "Notitie opgeslagen." in page
    # Shown once: the next visit has no notice.
    assert "Notitie opgeslagen." not in text_of(site.client.get(IV))


def test_every_update_form_works_without_javascript(site):
    page = text_of(site.client.get(IV))
    forms = re.findall(r"<form ([^>]*)>", page)
    update_forms = [f for f in forms if "hx-post" in f]
    assert len(update_forms) >= 3 * 8 + 4
    for attributes in update_forms:
        action = re.search(r'action="([^"]+)"', attributes).group(1)
        assert f'hx-post="{action}"' in attributes
        assert 'method="post"' in attributes
        if "/mijlpalen/" in action:  # a milestone's own forms answer with its row
            assert 'hx-target="closest tr" hx-swap="outerHTML"' in attributes
        else:
            assert 'hx-target="#intervention"' in attributes and 'hx-select="#intervention"' in attributes
    assert "#" not in "".join(re.findall(r'href="([^"]*)"', page)).replace("#inhoud", "")  # no anchors that jump


# --- conflicts ------------------------------------------------------------------------------


def _second_trekker_client(site: Site):
    other = site.app.test_client()
    sign_in(other, site.services, "trekker")
    return other


@pytest.mark.parametrize("htmx", [False, True])
def test_a_change_of_a_milestone_changed_since_is_refused_with_the_current_state(site, htmx):
    stale = site.version()
    other = _second_trekker_client(site)
    assert post(site, f"mijlpalen/{LATE}/gereed", client=other, realised="").status_code == 303
    before = site.events()
    history_before = len(site.history())
    response = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=htmx, version=stale, due="Q3 2026",
                    reason="Wacht op de raad")
    assert response.status_code == 409
    page = text_of(response)
    assert ("<html" in page) is not htmx
    assert "is intussen gewijzigd door Jan Jansen" in html.unescape(page)  # also when it was yourself
    # The current state: the other session's completion.
    row = re.search(r'<tr class="[^"]*" data-milestone="' + LATE + r'"[^>]*>.*?</tr>', page, re.S).group(0)
    assert 'class="badge state-gereed"' in row and "01-04-2026" in row
    assert f'name="version" value="{stale}"' not in page
    assert "Traceback" not in page
    # Nothing recorded, nothing of the other session lost.
    assert site.events() == before
    assert len(site.history()) == history_before
    assert site.milestone(LATE)["status"] == "done"


@pytest.mark.parametrize("path, data, refused", [
    (f"mijlpalen/{LATE}/verschuiven", {"due": "Q3 2026", "reason": "Wacht op de raad"}, True),
    (f"mijlpalen/{LATE}/laten-vervallen", {"reason": "Niet meer nodig"}, True),
    (f"mijlpalen/{RESCHEDULED}/laten-vervallen", {"reason": "Niet meer nodig"}, False),
    ("mijlpalen", {"label": "Tussenevaluatie", "due": "Q4 2026"}, False),
    ("stoplicht", {"colour": "rood", "oorzaak": "a", "gevolg": "b", "bijsturing": "c"}, False),
    ("notities", {"text": "Notitie ernaast"}, False),
])
def test_only_a_change_of_what_was_changed_since_is_refused(site, path, data, refused):
    stale = site.version()
    assert post(site, f"mijlpalen/{LATE}/verschuiven", client=_second_trekker_client(site), due="Q2 2026",
                reason="Eerst").status_code == 303
    before = site.events()
    response = post(site, path, version=stale, **data)
    if refused:
        assert response.status_code == 409
        assert CONFLICT.search(text_of(response))
        assert site.events() == before
    else:
        assert response.status_code == 303
        assert site.events() == before + 1


def test_a_refused_change_keeps_what_the_user_typed_open(site):
    """Nothing is lost: the refused reschedule is still in its open form, ready to send again."""
    stale = site.version()
    assert post(site, f"mijlpalen/{LATE}/verschuiven", client=_second_trekker_client(site), due="Q2 2026",
                reason="Eerst").status_code == 303
    response = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, version=stale, due="Q4 2026",
                    reason="Mijn reden van net")
    assert response.status_code == 409
    fragment = text_of(response)
    assert re.search(r"<details open><summary>Verschuiven", fragment)
    form = form_of(fragment, f"/mijlpalen/{LATE}/verschuiven")
    assert 'value="Q4 2026"' in form and 'value="Mijn reden van net"' in form, form
    # Sent again from the refreshed row (the current version), it is recorded.
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    again = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, version=version, due="Q4 2026",
                 reason="Mijn reden van net")
    assert again.status_code == 200
    assert site.milestone(LATE)["due_text"] == "Q4 2026"


def test_a_stale_reschedule_shows_the_current_due_and_keeps_it(site):
    stale = site.version()
    other = _second_trekker_client(site)
    assert post(site, f"mijlpalen/{LATE}/verschuiven", client=other, due="Q2 2026",
                reason="Eerste verschuiving").status_code == 303
    response = post(site, f"mijlpalen/{LATE}/verschuiven", version=stale, due="Q4 2026", reason="Tweede")
    assert response.status_code == 409
    assert "Verschoven van Q4 2025: Eerste verschuiving" in text_of(response)
    assert site.milestone(LATE)["due_text"] == "Q2 2026"


# --- Mijn interventies -----------------------------------------------------------------------


def mine_rows(client) -> list[dict[str, str]]:
    page = text_of(client.get("/mijn-interventies"))
    body = re.search(r'<table class="mine[^"]*"[^>]*>.*?<tbody>(.*?)</tbody>', page, re.S)
    if not body:
        return []
    rows = []
    for row in re.findall(r"<tr class=\"state-([a-z_]+)\"[^>]*>(.*?)</tr>", body.group(1), re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="sub">.*?</span>', "", c))).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]
        rows.append({"state": row[0], "due": cells[0], "label": cells[1], "intervention": cells[3]})
    return rows


def test_mijn_interventies_lists_the_open_milestones_of_my_interventions_late_first(site):
    rows = mine_rows(site.client)
    iv = site.iv()
    open_ones = [m for m in iv["milestones"] if m["status"] == "open"]
    assert len(rows) == len(open_ones) == 8
    assert {r["intervention"].split(" ")[0] for r in rows} == {"3.A1"}
    states = [r["state"] for r in rows]
    late = states.count("te_laat")
    assert late == 4
    assert states[:late] == ["te_laat"] * late
    assert "te_laat" not in states[late:]
    dues = {m["label"]: m["due"] for m in open_ones}
    ordered = [dues[r["label"]] for r in rows]
    assert ordered[:late] == sorted(ordered[:late])
    assert ordered[late:] == sorted(ordered[late:])
    assert rows[0]["label"] == "Afwegingskader voor de startfase gereed"
    assert rows[0]["due"] == "Q4 2025"
    # Done milestones of 2.B2 and its open ones (Fatima's) are not listed.
    others = {m["label"] for m in site.iv("2.B2")["milestones"]}
    assert not any("2.B2" in r["intervention"] or r["label"] in others for r in rows)


def test_a_completed_milestone_leaves_mijn_interventies(site):
    assert post(site, f"mijlpalen/{LATE}/gereed", realised="").status_code == 303
    rows = mine_rows(site.client)
    assert len(rows) == 7
    assert "Afwegingskader voor de startfase gereed" not in [r["label"] for r in rows]
    assert [r["state"] for r in rows].count("te_laat") == 3


def test_an_update_in_place_on_mijn_interventies_recounts_its_lead_line(site):
    lead = re.compile(r'<div id="mine-lead"[^>]*>\s*<p class="lead">1 interventie ·\s+(\d+) open mijlpalen', re.S)
    assert lead.search(text_of(site.client.get("/mijn-interventies"))).group(1) == "8"
    fragment = text_of(post(site, f"mijlpalen/{LATE}/gereed", htmx=True, realised="", note="", context="mine"))
    # The row stays, saying it is done; the count above the table follows out of band.
    assert fragment.lstrip().startswith(f'<tr class="state-gereed" data-milestone="{LATE}"')
    assert '<div id="mine-lead" hx-swap-oob="true">' in fragment
    assert lead.search(fragment).group(1) == "7"
    # So does the intervention in the list below: updated today.
    item = re.search(r'<li class="mine-iv" data-code="3.A1" id="mine-iv-[0-9a-f]+" hx-swap-oob="true">.*?</li>',
                     fragment, re.S)
    assert item and "Laatst bijgewerkt 1 april 2026 (vandaag)" in item.group(0)
    refused = text_of(post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, due="", reason="", context="mine"))
    assert "mine-lead" not in refused  # nothing changed: nothing to recount


def test_a_rescheduled_late_milestone_moves_behind_the_late_ones(site):
    assert post(site, f"mijlpalen/{LATE}/verschuiven", due="Q2 2026", reason="Later").status_code == 303
    rows = mine_rows(site.client)
    labels = [r["label"] for r in rows]
    assert [r["state"] for r in rows][:3] == ["te_laat"] * 3
    assert labels.index("Afwegingskader voor de startfase gereed") == 3


def test_another_trekker_sees_only_their_own_interventions(site):
    ensure_user(site.services, "trekker", email=FATIMA, name="Fatima de Vries")
    client = site.app.test_client()
    sign_in(client, site.services, "trekker", email=FATIMA)
    rows = mine_rows(client)
    assert rows and {r["intervention"].split(" ")[0] for r in rows} == {"2.B2"}
    assert [r["label"] for r in rows] == ["Start implementatie sturing op doelmatigheid",
                                          "Evaluatie plan van aanpak en advies voor vervolg"]
    assert rows[0]["state"] == "te_laat"


def test_someone_without_interventions_is_told_so(site):
    client = site.app.test_client()
    sign_in(client, site.services, "lezer")
    assert "U bent geen trekker van een interventie, en er staat geen open actie van de stuurgroep op uw naam." in text_of(
        client.get("/mijn-interventies"))


# --- the stuurgroep's review -----------------------------------------------------------------


def stuurgroep(site: Site):
    client = site.app.test_client()
    sign_in(client, site.services, "stuurgroep")
    return client


def review(site: Site, client, meeting: str, decision: str, actions: str = "", code: str = "3.A1"):
    token = csrf_token(client, f"/plannen/{PLAN}")
    return client.post(f"/plannen/{PLAN}/interventies/{code}/bespreking", data={
        "csrf_token": token, "version": site.version(code), "meeting_date": meeting,
        "decision": decision, "actions": actions})


def board_row(client, code: str) -> str:
    page = text_of(client.get(f"/plannen/{PLAN}"))
    return re.search(r'<tr class="board-row" data-code="' + re.escape(code) + r'">.*?</tr>', page, re.S).group(0)


def last_cell(row: str) -> str:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1].strip()


def test_a_review_appears_on_the_intervention_page_and_in_its_history(site):
    client = stuurgroep(site)
    response = review(site, client, "2026-03-30", "Doorgaan met de pilots", "Evaluatie in juni agenderen")
    assert response.status_code == 303
    page = text_of(client.get(IV))
    assert ("<dt>Besproken in stuurgroep</dt><dd>30 maart 2026: Doorgaan met de pilots"
            "<br>Acties: Evaluatie in juni agenderen</dd>") in page  # the actions shown too
    newest = html.unescape(history_items(page)[0])
    assert ("Besproken in de stuurgroep op 30 maart 2026. Besluit: Doorgaan met de pilots. "
            "Acties: Evaluatie in juni agenderen") in newest
    assert "Stijn Stuur" in newest
    # The trekker sees it as well.
    assert "30 maart 2026: Doorgaan met de pilots" in text_of(site.client.get(IV))


def test_the_board_shows_when_each_intervention_was_last_discussed(site):
    client = stuurgroep(site)
    assert "<th scope=\"col\">Besproken</th>" in text_of(client.get(f"/plannen/{PLAN}"))
    assert last_cell(board_row(client, "3.A1")) == "—"
    assert review(site, client, "2026-02-10", "Eerste bespreking").status_code == 303
    assert review(site, client, "2026-03-30", "Tweede bespreking").status_code == 303
    assert review(site, client, "2026-03-16", "Bespreking 2.B2", code="2.B2").status_code == 303
    assert last_cell(board_row(client, "3.A1")) == '30-03-2026<span class="sub">Tweede bespreking</span>'
    assert last_cell(board_row(client, "2.B2")) == '16-03-2026<span class="sub">Bespreking 2.B2</span>'
    assert last_cell(board_row(client, "2.A1")) == "—"


def test_the_changes_page_can_start_from_the_last_meeting(site):
    client = stuurgroep(site)
    page = text_of(client.get(f"/plannen/{PLAN}/wijzigingen"))
    assert "de laatste stuurgroepvergadering" not in page
    assert review(site, client, "2026-03-30", "Akkoord").status_code == 303
    assert review(site, client, "2026-02-10", "Eerder besproken", code="2.B2").status_code == 303
    assert post(site, "notities", text="Na de vergadering bijgewerkt").status_code == 303
    page = text_of(client.get(f"/plannen/{PLAN}/wijzigingen"))
    link = re.search(r'<a href="([^"]+)">de laatste stuurgroepvergadering \(30 maart 2026\)</a>', page)
    assert link, page[page.find("Beginnen bij"):][:600]
    assert link.group(1).endswith("van=2026-03-30")
    since = text_of(client.get(f"/plannen/{PLAN}/wijzigingen{link.group(1)}"))
    assert "<h1>Wijzigingen van 30 maart 2026 tot en met 1 april 2026</h1>" in since
    assert "Na de vergadering bijgewerkt" in since
    assert "Wacht op besluit college" not in since  # January's reschedule was before the meeting


@pytest.mark.parametrize("meeting, decision, message", [
    ("2026-04-02", "Akkoord", "De vergadering van 02-04-2026 is nog niet geweest: een besluit legt u vast op of na "
                              "de vergaderdatum."),
    ("2026-03-30", "", "Vul het besluit van de stuurgroep in."),
    ("30 maart", "Akkoord", "'30 maart' is geen geldige datum voor de vergaderdatum; gebruik JJJJ-MM-DD."),
])
def test_an_invalid_review_is_refused_in_dutch_and_records_nothing(site, meeting, decision, message):
    client = stuurgroep(site)
    before = site.events()
    response = review(site, client, meeting, decision)
    assert response.status_code == 422
    form = form_of(text_of(response), "/bespreking")
    assert message in html.unescape(form)
    assert site.events() == before


def test_a_review_without_a_date_is_held_today(site):
    client = stuurgroep(site)
    assert review(site, client, "", "Besproken zonder datum").status_code == 303
    assert site.iv()["last_review_date"] == "2026-04-01"


def test_the_history_shows_who_made_every_change_and_when(site):
    assert post(site, "notities", text="Een").status_code == 303
    assert review(site, stuurgroep(site), "2026-03-30", "Akkoord").status_code == 303
    items = history_items(text_of(site.client.get(IV)))
    assert len(items) == len(site.history())
    for item in items:
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[\d:]+">\d\d-\d\d-\d{4}</time> · [^·]+ · ', item), item
    assert "Stijn Stuur" in items[0] and "Jan Jansen" in items[1]
    assert datetime.fromisoformat(site.history()[-1]["at"]).date() == date(2026, 4, 1)


# --- the day it happened ----------------------------------------------------------------------


def test_a_reschedule_decided_before_the_last_one_says_the_later_decision_holds(site):
    assert post(site, f"mijlpalen/{LATE}/verschuiven", due="Q3 2026", reason="Besluit college",
                decided="2026-03-01").status_code == 303
    response = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, due="Q4 2026", reason="Eerder overleg",
                    decided="2026-02-01")
    notice = html.unescape(re.search(r'<p class="row-notice"[^>]*>(.*?)</p>', text_of(response), re.S).group(1))
    # Recorded as history; the Tijdpad keeps the later decision, and the notice says so.
    assert notice == ("Vastgelegd: op 1 februari 2026 verschoven naar Q4 2026. Er is over deze mijlpaal later "
                      "besloten, dus de termijn blijft Q3 2026. Bedoelde u een nieuw besluit, geef dan de datum "
                      "van dat besluit op.")
    assert next(m for m in site.iv()["milestones"] if m["milestone_id"] == LATE)["due_text"] == "Q3 2026"
    again = post(site, f"mijlpalen/{LATE}/verschuiven", htmx=True, due="Q1 2027", reason="Nieuw besluit")
    assert "Mijlpaal verschoven naar Q1 2027." in text_of(again)


def test_a_reschedule_and_a_stoplicht_say_the_day_they_happened(site):
    from datetime import date

    page = text_of(site.client.get(IV))
    form = form_of(page, f"/mijlpalen/{LATE}/verschuiven")
    assert f'name="decided" value="{TODAY.isoformat()}" max="{TODAY.isoformat()}"' in form
    response = post(site, f"mijlpalen/{LATE}/verschuiven", due="Q3 2026", reason="Besluit college",
                    decided="2026-02-12")
    assert response.status_code == 303
    response = post(site, "stoplicht", colour="rood", oorzaak="Besluit later", gevolg="Kwartaal later",
                    bijsturing="Extra overleg", per="2026-02-12")
    assert response.status_code == 303
    site.services.catch_up()
    db = site.services.db

    def at(as_of, known_on=None):
        return interventions_as_of(db, as_of, plan_id=PLAN, code="3.A1", known_on=known_on)[0]

    moved = next(m for m in at(date(2026, 2, 28))["milestones"] if m["milestone_id"] == LATE)
    assert moved["due_text"] == "Q3 2026"
    assert at(date(2026, 2, 28))["stoplicht"] == "rood"
    assert at(date(2026, 2, 11))["stoplicht"] != "rood"
    # As the tracker knew it at the end of February: not moved, no stoplicht.
    known = at(date(2026, 2, 28), known_on=date(2026, 2, 28))
    assert next(m for m in known["milestones"] if m["milestone_id"] == LATE)["due_text"] == "Q4 2025"
    assert known["stoplicht"] != "rood"
    # The changes page lists them as entered today, with the day they happened beside them.
    changes = text_of(site.client.get(f"/plannen/{PLAN}/wijzigingen?van=2026-03-31"))
    assert changes.count('gebeurd op <span class="valid-date">12-02-2026</span>') == 2
    # A day to come is refused next to the field.
    response = post(site, "stoplicht", colour="groen", per="2026-04-02")
    assert response.status_code == 422 and "ligt in de toekomst" in text_of(response)


# --- a date before the plan: mostly a typo in the year -----------------------------------------


@pytest.mark.parametrize(("path", "data"), [
    (f"mijlpalen/{LATE}/gereed", {"realised": "1990-01-01"}),
    (f"mijlpalen/{LATE}/verschuiven", {"due": "Q1 2020", "reason": "Later"}),
    ("stoplicht", {"colour": "oranje", "oorzaak": "a", "gevolg": "b", "bijsturing": "c", "per": "2016-03-01"}),
])
def test_a_date_before_the_plans_period_is_refused_in_dutch_and_changes_nothing(site, path, data):
    before = site.events()
    response = post(site, path, **data)
    assert response.status_code == 422
    assert "ligt vóór de looptijd van het plan (vanaf 01-01-2025). Klopt het jaartal?" in html.unescape(text_of(response))
    assert site.events() == before


def test_a_review_or_meeting_before_the_plan_is_refused(site):
    from tracker.errors import DomainError

    app = site.services.app
    before = site.events()
    with pytest.raises(DomainError, match="vóór de looptijd van het plan"):
        app.record_review(PLAN, "3.A1", meeting_date=date(1990, 1, 1), decision="Doorgaan",
                          at=datetime(2026, 4, 1, 9), by="stuurgroep")
    with pytest.raises(DomainError, match="vóór de looptijd van het plan"):
        app.open_meeting(PLAN, meeting_date=date(2020, 1, 1), at=datetime(2026, 4, 1, 9), by="stuurgroep")
    assert site.events() == before
