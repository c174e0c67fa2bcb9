"""Periods: one grammar for months, quarters, half years and years, one Dutch display."""

from __future__ import annotations

from datetime import date

import pytest

from events.periods import (
    HalfYear,
    Month,
    PeriodError,
    Quarter,
    Year,
    parse_due,
    parse_period,
    period_label,
)


@pytest.mark.parametrize(("text", "period"), [
    ("2026-Q1", Quarter(2026, 1)), ("Q1 2026", Quarter(2026, 1)), ("q1-2026", Quarter(2026, 1)),
    ("eerste kwartaal 2026", Quarter(2026, 1)), ("2026-H2", HalfYear(2026, 2)),
    ("tweede halfjaar 2026", HalfYear(2026, 2)), ("maart 2026", Month(2026, 3)),
    ("2026-03", Month(2026, 3)), ("2026", Year(2026)),
])
def test_one_grammar_reads_every_spelling_of_a_period(text, period):
    assert parse_period(text) == period


def test_a_period_and_a_due_term_of_the_same_words_end_on_the_same_day():
    for text in ("Q4 2025", "2026-H1", "mei 2026", "2027"):
        assert parse_due(text).date == parse_period(text).end


@pytest.mark.parametrize(("period", "start", "end", "key", "display"), [
    (Month(2026, 2), date(2026, 2, 1), date(2026, 2, 28), "2026-02", "februari 2026"),
    (Quarter(2025, 4), date(2025, 10, 1), date(2025, 12, 31), "2025-Q4", "Q4 2025"),
    (HalfYear(2026, 1), date(2026, 1, 1), date(2026, 6, 30), "2026-H1", "H1 2026"),
    (Year(2026), date(2026, 1, 1), date(2026, 12, 31), "2026", "2026"),
])
def test_a_period_knows_its_days_key_and_dutch_name(period, start, end, key, display):
    assert (period.start, period.end, period.key, period.display) == (start, end, key, display)
    assert period_label(key) == display
    assert type(period).of(end) == period and start in period and end in period


def test_periods_step_across_the_year():
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert HalfYear(2026, 2).next() == HalfYear(2027, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert HalfYear(2026, 2).label == "tweede halfjaar 2026"
    assert HalfYear(2026, 2).quarters() == [Quarter(2026, 3), Quarter(2026, 4)]


@pytest.mark.parametrize(("kind", "text", "message"), [
    (Quarter, "2026-H1", "'2026-H1' is geen kwartaal"),
    (HalfYear, "2026-Q1", "'2026-Q1' is geen halfjaar"),
    (HalfYear, "Q5 2026", "geen halfjaar"),
])
def test_a_period_of_another_kind_is_refused_in_dutch(kind, text, message):
    with pytest.raises(PeriodError, match=message):
        kind.parse(text)


@pytest.mark.parametrize("text", ["2026-13", "Q1-Q2 2026", "2026-06-30", "foo 2026", ""])
def test_what_is_no_period_is_refused(text):
    with pytest.raises(PeriodError, match="periode"):
        parse_period(text)
