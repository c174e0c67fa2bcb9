"""The goal level: per goal its targets and baseline, read as Dutch, and the interventions under it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from projections.goals import baseline_text, goals_by_key, level_name, target_text
from projections.report import report_data
from tests.accounts import sign_in
from tests.conftest import SHARED_SECRET_KEY
from tests.helpers import REPO
from tracker.planfile import read_plan_file
from web import create_app
from web.reports import render_report
from web.reports.document import ReportMeta

DATA = REPO / "tests" / "data"
PLAN = "transformatieplan-heidevoort"
AS_OF = date(2018, 3, 1)


@pytest.mark.parametrize(("target", "words"), [
    ({"value": 210, "unit": "zorgplaatsen", "direction": "down", "by": "2019"},
     "ten hoogste 210 zorgplaatsen in 2019"),
    ({"value": 210, "unit": "zorgplaatsen", "direction": "down", "by": "in 2019"},
     "ten hoogste 210 zorgplaatsen in 2019"),                       # never "in in 2019"
    ({"value": 300, "unit": "ouders", "direction": "up", "by": "uiterlijk 1 juli 2019"},
     "ten minste 300 ouders uiterlijk 1 juli 2019"),
    ({"value": 1234.5, "unit": "EUR", "by": "31-12-2020"}, "€ 1.234,5 op 31-12-2020"),
    ({"min": 5, "max": 7, "unit": "%", "direction": "down", "by": "2020"}, "5 tot 7 % in 2020"),
    ({"text": "Elke school een aanspreekpunt", "by": "eind 2019"}, "Elke school een aanspreekpunt eind 2019"),
    ({"value": 2, "by": "najaar 2018"}, "2 in het najaar 2018"),
])
def test_a_target_reads_as_dutch(target, words):
    assert target_text(target) == words


def test_a_baseline_says_when_and_where_or_that_it_is_not_recorded():
    assert baseline_text({"value": 246, "term": "2017", "source": "Zorgmonitor regio"}, "zorgplaatsen") == \
        "nulmeting 246 zorgplaatsen in 2017 (Zorgmonitor regio)"
    assert baseline_text({"term": "2022"}) == "nulmeting 2022: waarde niet vastgelegd"


@pytest.fixture
def goals_plan(services):
    services.app.import_plan(read_plan_file(DATA / "goals-over-actions.yaml"),
                             at=datetime(2018, 1, 15, 9), by="beheer")
    services.catch_up()
    return services


def test_the_report_shows_per_goal_its_targets_baseline_and_interventions(goals_plan):
    data = report_data(goals_plan.db, PLAN, "2018-H1", AS_OF)
    residentieel = next(s for s in data["sections"] if s["key"] == "residentieel")
    goal = residentieel["goal"]
    assert [(r["target"], r["baseline"]) for r in goal["results"]] == [
        ("5 tot 7 % in 2020", "nulmeting 100 % in 2017 (Volume 2017 = 100)"),
        ("ten hoogste 210 zorgplaatsen in 2019", "nulmeting 246 zorgplaatsen in 2017 (Zorgmonitor regio)")]
    assert goal["principles"] == ["Zo thuis mogelijk", "Eén gezin, één plan"]
    assert [i["target"] for i in goal["indicators"]] == ["ten hoogste 210 zorgplaatsen in 2019"]
    assert [(i["code"], i["stoplicht"]) for i in residentieel["interventions"]] == [
        ("R1", "groen"), ("R2", "geen_planning"), ("R3", "geen_planning"), ("R4", "geen_planning")]
    text = render_report(data, ReportMeta(status="concept", generated_on=AS_OF), "md").decode()
    assert "ten hoogste 210 zorgplaatsen in 2019" in text and "in in " not in text
    assert "geen planning" in text


def test_an_intervention_that_serves_two_goals_is_listed_under_both(services):
    services.app.import_plan(read_plan_file(DATA / "no-codes.yaml"), at=datetime(2024, 2, 1, 9), by="beheer")
    services.catch_up()
    data = report_data(services.db, "beleidsplan-rivierzande", "2024-H1", date(2024, 3, 1))
    by_key = {s["key"]: s for s in data["sections"]}
    assert "school-1" in [i["code"] for i in by_key["school"]["interventions"]]
    assert [s["code"] for s in by_key["wijk"]["shared"]] == ["school-1"]


def test_the_board_shows_the_goal_above_its_interventions(goals_plan):
    app = create_app({"DATA_DIR": str(goals_plan.data_dir), "TODAY": AS_OF.isoformat(),
                      "SECRET_KEY": SHARED_SECRET_KEY})
    client = app.test_client()
    sign_in(client, goals_plan, "lezer")
    page = client.get(f"/plannen/{PLAN}").get_data(as_text=True)
    # The goal's heading leads to its page (what serves it, from every plan).
    page = page.replace(f'<a href="/plannen/{PLAN}/doelen/residentieel">', "").replace("</a></h3>", "</h3>")
    # The heading names the group as the plan does: this plan's groups are "resultaten".
    assert "<h3>Resultaat: Minder residentiële zorg</h3>" in page
    assert "Doel:" not in page
    assert "ten hoogste 210 zorgplaatsen in 2019" in page
    assert "nulmeting 246 zorgplaatsen in 2017" in page
    assert page.index("Resultaat: Minder residentiële zorg") < page.index('data-code="R1"')
    assert page.count('class="stoplicht stoplicht-geen_planning">geen planning<') == 6
    goal_page = client.get(f"/plannen/{PLAN}/doelen/residentieel").get_data(as_text=True)
    assert '<h1><span class="level">Resultaat:</span> Minder residentiële zorg</h1>' in goal_page


def test_a_group_is_called_what_the_plan_calls_its_level():
    regio = {"grouping_levels": ["opgave", "doel", "actielijn"]}
    assert [level_name(regio, depth) for depth in range(4)] == ["Opgave", "Doel", "Actielijn", "Onderdeel"]
    # A plan that names no levels has the uitvoeringsagenda's.
    assert [level_name({}, depth) for depth in range(3)] == ["Hoofdstuk", "Thema", "Onderdeel"]
    groups = [{"key": "o1", "title": "Opgave een", "summary": "Meer inclusie",
               "groups": [{"key": "d1", "title": "Doel een", "results": [{"text": "Minder uitval"}]}]}]
    assert {key: goal["level"] for key, goal in goals_by_key(groups, [], regio).items()} == \
        {"o1": "Opgave", "d1": "Doel"}
