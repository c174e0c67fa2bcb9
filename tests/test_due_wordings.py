"""Due terms as Dutch plans write them (docs/plan-format.md), starts, and wordings that name no date."""

from __future__ import annotations

from datetime import date

import pytest

from events.periods import DueError, parse_due, parse_start

# (written, due date, precision): each wording of docs/plan-format.md's table that format 2 adds.
WORDINGS = [
    ("per 1-1-2019", date(2019, 1, 1), "day"),
    ("1-1-2019", date(2019, 1, 1), "day"),
    ("31-12-2020", date(2020, 12, 31), "day"),
    ("uiterlijk augustus 2019", date(2019, 8, 31), "month"),
    ("uiterlijk 1 juli 2019", date(2019, 7, 1), "day"),
    ("voor 2021", date(2020, 12, 31), "year"),
    ("vóór 1 juli 2019", date(2019, 6, 30), "day"),
    ("voor de zomer van 2023", date(2023, 5, 31), "season"),
    ("in november 2018", date(2018, 11, 30), "month"),
    ("in het eerste kwartaal van 2019", date(2019, 3, 31), "quarter"),
    ("eind 2026", date(2026, 12, 31), "year"),
    ("begin 2027", date(2027, 3, 31), "quarter"),
    ("medio 2026", date(2026, 6, 30), "half"),
    ("voorjaar 2019", date(2019, 5, 31), "season"),
    ("zomer 2019", date(2019, 8, 31), "season"),
    ("najaar 2018", date(2018, 11, 30), "season"),
    ("in het najaar van 2023", date(2023, 11, 30), "season"),
    ("winter 2026", date(2027, 2, 28), "season"),
    ("schooljaar 2023-2024", date(2024, 7, 31), "school_year"),
    ("schooljaar '22-'23", date(2023, 7, 31), "school_year"),
    ("tot en met 2024", date(2024, 12, 31), "year"),
    ("eind 2024, begin 2025", date(2025, 3, 31), "quarter"),
]


@pytest.mark.parametrize(("written", "due", "precision"), WORDINGS)
def test_a_dutch_wording_is_due_on_the_last_day_and_keeps_its_words(written, due, precision):
    parsed = parse_due(written)
    assert (parsed.date, parsed.precision, parsed.text) == (due, precision, written)


def test_d_m_yyyy_is_a_day_not_a_range():
    # "per 1-1-2019" was once misread as the range "1" to "1-2019".
    assert parse_due("per 1-1-2019").date == date(2019, 1, 1)
    assert parse_due("15-3-2026").date == date(2026, 3, 15)
    with pytest.raises(DueError, match="geen bestaande datum"):
        parse_due("31-2-2026")


def test_a_term_without_a_year_takes_the_plans_year_context():
    assert parse_due("op 3 oktober a.s.", year_context=2018).date == date(2018, 10, 3)
    assert parse_due("najaar", year_context=2018).date == date(2018, 11, 30)
    with pytest.raises(DueError, match="'op 3 oktober a.s.' noemt geen jaar"):
        parse_due("op 3 oktober a.s.")


@pytest.mark.parametrize(("written", "first"), [
    ("vanaf 2019", date(2019, 1, 1)),
    ("sinds 2015", date(2015, 1, 1)),
    ("met ingang van 1 januari 2023", date(2023, 1, 1)),
    ("met ingang van schooljaar '22-'23", date(2022, 8, 1)),
    ("vanaf het najaar van 2024", date(2024, 9, 1)),
    ("Q3 2026", date(2026, 7, 1)),
])
def test_a_start_is_the_first_day_of_its_period(written, first):
    parsed = parse_start(written)
    assert (parsed.date, parsed.text) == (first, written)


@pytest.mark.parametrize("written", ["vanaf 2019", "sinds 2015", "met ingang van 1 januari 2023"])
def test_a_start_is_refused_as_a_due_with_the_hint_to_write_starts(written):
    with pytest.raises(DueError, match=f'is een begin.*starts: "{written}"'):
        parse_due(written)


@pytest.mark.parametrize("written", ["op korte termijn", "in de komende maanden", "binnenkort",
                                     "z.s.m.", "de komende jaren"])
def test_a_wording_that_names_no_date_is_refused_with_the_hint_to_write_an_undated_step(written):
    with pytest.raises(DueError, match=f'noemt geen datum.*when: "{written}"'):
        parse_due(written)


@pytest.mark.parametrize("written", ["ieder kwartaal", "jaarlijks", "elke maand"])
def test_a_recurring_wording_is_refused_with_the_hint_to_write_recurring(written):
    with pytest.raises(DueError, match="terugkerend.*recurring"):
        parse_due(written)


def test_an_unknown_wording_says_what_was_not_understood_and_lists_the_accepted_forms():
    with pytest.raises(DueError) as refused:
        parse_due("rond de kerst van 2019")
    message = str(refused.value)
    assert message.startswith("'rond de kerst van 2019' is geen herkenbare termijn; bekende vormen: ")
    assert "is geen herkenbare termijn" in message
    for form in ("1-1-2026", "Q1 2026", "eind 2026", "najaar 2026", "uiterlijk", "voor"):
        assert form in message
