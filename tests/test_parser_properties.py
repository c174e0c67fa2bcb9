"""Property tests: no input makes the plan parser or the due-term grammar raise an undocumented error."""

from __future__ import annotations

from datetime import date

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.periods import DueError, PeriodError, parse_due, parse_period, parse_start
from tests.helpers import SMALL_PLAN
from tracker.errors import PlanFileError
from tracker.planfile import parse_plan

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain YAML values of every kind, nested a little.
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.dates(), st.sampled_from(["Q4 2025", "2026-H1", "maart 2026", "", " ", "2026-13",
                                                 "per 1-1-2019", "Q5 2025", "9999", "vanaf 2019"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)
DOC = yaml.safe_load(SMALL_PLAN)


def _paths(node, prefix=()):
    """Yield every path into the small plan's document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _paths(value, prefix + (n,))


PATHS = list(_paths(DOC))[1:]


def _replaced(path, value):
    import copy

    doc = copy.deepcopy(DOC)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_is_a_plan_or_a_plan_file_error(text) -> None:
    try:
        parse_plan(text, "p.yaml")
    except PlanFileError as exc:
        assert exc.problems and all(p.startswith("p.yaml:") for p in exc.problems)


@SETTINGS
@given(st.sampled_from(PATHS), values)
def test_any_value_anywhere_in_a_valid_plan_is_read_or_refused_with_a_line(path, value) -> None:
    text = yaml.safe_dump(_replaced(path, value), allow_unicode=True, sort_keys=False)
    try:
        parse_plan(text, "p.yaml")
    except PlanFileError as exc:
        assert exc.problems and all(p.split(":")[1].isdigit() for p in exc.problems), exc.problems


terms = st.one_of(
    st.text(max_size=40),
    st.builds(lambda *parts: " ".join(parts), *[st.sampled_from(
        ["Q1", "Q4", "H1", "H2", "eind", "begin", "medio", "uiterlijk", "vanaf", "per", "voor", "najaar",
         "schooljaar", "2025", "2026", "1-1-2019", "31-2-2026", "maart", "januari", "tot", "en", "met",
         "in", "het", "van", "-", ",", "2025/2026", "0", "99999"])] * 4),
    st.integers(), st.none(), st.floats(), st.booleans(), st.dates(min_value=date(1, 1, 1)))


@SETTINGS
@given(terms, st.one_of(st.none(), st.integers(min_value=-10, max_value=10_000)))
def test_due_terms_parse_or_raise_due_error(value, year_context) -> None:
    for parse in (parse_due, parse_start):
        try:
            parse(value, year_context)
        except DueError as exc:
            assert str(exc)


@SETTINGS
@given(terms)
def test_periods_parse_or_raise_period_error(value) -> None:
    try:
        parse_period(value)
    except PeriodError as exc:
        assert str(exc)
