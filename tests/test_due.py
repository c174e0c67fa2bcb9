"""Due dates: every spelling of docs/plan-format.md, due on the last day of the period."""

from __future__ import annotations

from datetime import date

import pytest

from events.periods import Due, DueError, parse_due

# The table of docs/plan-format.md, row by row: (written, precision, due date).
DOCUMENTED = [
    ("2026-03-15", "day", date(2026, 3, 15)),
    ("15 maart 2026", "day", date(2026, 3, 15)),
    ("per 1 januari 2026", "day", date(2026, 1, 1)),
    ("maart 2026", "month", date(2026, 3, 31)),
    ("2026-03", "month", date(2026, 3, 31)),
    ("Q1 2026", "quarter", date(2026, 3, 31)),
    ("2026-Q1", "quarter", date(2026, 3, 31)),
    ("eerste kwartaal 2026", "quarter", date(2026, 3, 31)),
    ("H1 2026", "half", date(2026, 6, 30)),
    ("2026-H1", "half", date(2026, 6, 30)),
    ("eerste helft 2026", "half", date(2026, 6, 30)),
    ("tweede helft 2026", "half", date(2026, 12, 31)),
    ("2026", "year", date(2026, 12, 31)),
    ("Q1-Q2 2026", "quarter", date(2026, 6, 30)),
    ("Q4 2025 - Q1 2026", "quarter", date(2026, 3, 31)),
    ("maart-mei 2026", "month", date(2026, 5, 31)),
]


@pytest.mark.parametrize(("written", "precision", "due"), DOCUMENTED)
def test_documented_spelling_is_due_on_the_last_day_of_its_period(written, precision, due):
    parsed = parse_due(written)
    assert parsed.date == due
    assert parsed.precision == precision


@pytest.mark.parametrize("written", [row[0] for row in DOCUMENTED])
def test_the_text_is_kept_as_the_plan_states_it(written):
    parsed = parse_due(written)
    assert parsed.text == written
    assert parsed.label == written


@pytest.mark.parametrize(("written", "due"), [
    ("Q4 2025", date(2025, 12, 31)),
    ("Q2 2026", date(2026, 6, 30)),
    ("Q3 2027", date(2027, 9, 30)),
    ("tweede kwartaal 2026", date(2026, 6, 30)),
    ("derde kwartaal 2026", date(2026, 9, 30)),
    ("vierde kwartaal 2025", date(2025, 12, 31)),
    ("H2 2026", date(2026, 12, 31)),
    ("2026-H2", date(2026, 12, 31)),
    ("december 2025", date(2025, 12, 31)),
    ("april 2026", date(2026, 4, 30)),
    ("2026-11", date(2026, 11, 30)),
])
def test_every_quarter_half_and_month_ends_on_its_own_last_day(written, due):
    assert parse_due(written).date == due


def test_february_ends_on_the_29th_in_a_leap_year():
    assert parse_due("februari 2024").date == date(2024, 2, 29)
    assert parse_due("2024-02").date == date(2024, 2, 29)
    assert parse_due("februari 2026").date == date(2026, 2, 28)


@pytest.mark.parametrize(("written", "end", "precision"), [
    ("Q1-Q2 2026", date(2026, 6, 30), "quarter"),
    ("Q3-Q4 2026", date(2026, 12, 31), "quarter"),
    ("Q2-Q3 2026", date(2026, 9, 30), "quarter"),
    ("Q4 2025 - Q1 2026", date(2026, 3, 31), "quarter"),
    ("Q2 2026 t/m Q1 2027", date(2027, 3, 31), "quarter"),
    ("maart-mei 2026", date(2026, 5, 31), "month"),
    ("1 maart 2026 - 15 april 2026", date(2026, 4, 15), "day"),
])
def test_a_range_is_due_at_the_end_of_its_last_period_and_keeps_its_text(written, end, precision):
    parsed = parse_due(written)
    assert parsed.date == end
    assert parsed.precision == precision
    assert parsed.text == written


def test_a_year_as_a_number_and_a_date_are_read_too():
    assert parse_due(2027) == Due(date(2027, 12, 31), "year", "2027")
    assert parse_due(date(2026, 5, 4)) == Due(date(2026, 5, 4), "day", "2026-05-04")


def test_in_year_is_the_year():
    # The year pattern explicitly allows "in 2026" (plans put dates in running text).
    parsed = parse_due("in 2026")
    assert parsed.date == date(2026, 12, 31)
    assert parsed.precision == "year"
    assert parsed.text == "in 2026"


@pytest.mark.parametrize(("written", "dutch"), [
    ("Q5 2026", "geen herkenbare termijn"),
    ("H3 2026", "geen herkenbare termijn"),
    ("binnenkort", "noemt geen datum"),
    ("ieder kwartaal", "terugkerende afspraak"),
    ("jaarlijks", "terugkerende afspraak"),
    ("31 februari 2026", "geen bestaande datum"),
    ("2026-02-30", "geen bestaande datum"),
    ("2026-13", "maand 13 bestaat niet"),
    ("foo 2026", "geen maand"),
    ("Q3-Q1 2026", "het begin ligt na het einde"),
    ("mei-maart 2026", "het begin ligt na het einde"),
    ("Q1 1800", "valt buiten het bereik"),
    ("", "geen termijn opgegeven"),
    ("   ", "geen termijn opgegeven"),
    (None, "geen termijn opgegeven"),
])
def test_an_unreadable_due_is_refused_with_a_dutch_message(written, dutch):
    with pytest.raises(DueError) as refused:
        parse_due(written)
    assert dutch in str(refused.value)
