"""The default plan against its source: seed 003, the Nijmegen uitvoeringsagenda (Sept. 2025)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pytest

from tests.helpers import DEFAULT_PLAN, SEED_003
from tracker.planfile import read_plan_file

# An intervention's header line: "2.A1. Versterken ...", "4.2 Collectiveren ..." (chapters 2–4).
HEADER = re.compile(r"^(?P<code>[234]\.(?:[A-E]\d+|\d+))\.?\s+\S")
TIJDPAD_DATE = re.compile(r"Q[1-4](?:\s*-\s*Q[1-4])?\s+20\d\d")
SAMPLE = ["2.B2", "2.E1", "3.A1", "3.B1", "3.C1", "3.C4", "4.1", "4.2"]


@lru_cache(maxsize=None)
def seed_sections() -> dict[str, str]:
    """Return the text of each intervention in chapters 2–4 of the seed, by code, in order."""
    lines = SEED_003.read_text(encoding="utf-8").splitlines()
    # Chapter headings without a tab and page number (those are the table of contents).
    start = next(i for i, line in enumerate(lines) if re.match(r"^Hoofdstuk 2\.[^\t]*$", line))
    end = next(i for i, line in enumerate(lines) if re.match(r"^Hoofdstuk 5\.[^\t]*$", line))
    body = lines[start:end]
    heads = [(i, HEADER.match(line)["code"]) for i, line in enumerate(body) if HEADER.match(line)]
    sections: dict[str, str] = {}
    for n, (i, code) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(body)
        assert code not in sections, f"{code} twice in the seed"
        sections[code] = "\n".join(body[i:stop])
    return sections


def tijdpad(code: str) -> str:
    """Return the Tijdpad section of an intervention in the seed (up to Randvoorwaarden)."""
    match = re.search(r"Tijdpad(?P<text>.*?)Randvoorwaarden", seed_sections()[code], re.S)
    assert match, f"no Tijdpad for {code} in the seed"
    return re.sub(r"<[^>]+>", " ", match["text"])


@lru_cache(maxsize=None)
def plan():
    return read_plan_file(DEFAULT_PLAN)


def interventions() -> dict:
    return {iv.code: iv for iv in plan().interventions}


def test_the_seed_has_24_interventions_in_chapters_2_to_4():
    codes = list(seed_sections())
    assert len(codes) == 24
    assert codes[0] == "2.A1"
    assert codes[-1] == "4.2"
    assert [sum(code.startswith(f"{n}.") for code in codes) for n in (2, 3, 4)] == [9, 13, 2]


def test_every_seed_intervention_is_in_the_plan_exactly_once():
    plan_codes = [iv.code for iv in plan().interventions]
    assert Counter(plan_codes) == Counter(list(seed_sections()))
    assert len(plan_codes) == 24


@pytest.mark.parametrize("code", list(seed_sections()))
def test_the_title_comes_from_the_seed_header(code):
    header = seed_sections()[code].splitlines()[0]
    title = interventions()[code].title
    # The plan may correct a typo; the first words of the title are the document's own.
    assert header.split(maxsplit=1)[1][:12].lower() == title[:12].lower()


@pytest.mark.parametrize("code", SAMPLE)
def test_the_sampled_tijdpad_has_dated_lines(code):
    assert TIJDPAD_DATE.findall(tijdpad(code))


@pytest.mark.parametrize("code", list(seed_sections()))
def test_every_dated_tijdpad_line_of_the_seed_is_a_milestone(code):
    wanted = Counter(" ".join(d.replace(" - ", "-").split()) for d in TIJDPAD_DATE.findall(tijdpad(code)))
    have = Counter(m.due.text for m in interventions()[code].milestones)
    missing = wanted - have
    assert not missing, f"{code}: Tijdpad dates without a milestone: {dict(missing)}"


def done_dates(code: str) -> list[str]:
    """Return the dates of the Tijdpad lines the seed marks as done ("reeds gestart", "gerealiseerd")."""
    text = tijdpad(code)
    return (re.findall(r"(Q[1-4] 20\d\d):[^Q]*?\(reeds gestart\)", text)
            + re.findall(r"(Q[1-4] 20\d\d):[^Q:]*?gerealiseerd", text))


@pytest.mark.parametrize("code", list(seed_sections()))
def test_lines_marked_done_in_the_seed_are_done_in_the_plan(code):
    for due_text in done_dates(code):
        ms = [m for m in interventions()[code].milestones if m.due.text == due_text]
        assert ms and all(m.done for m in ms), f"{code} {due_text}"


def test_the_seed_marks_some_lines_done_and_the_plan_knows_them():
    assert {code: done_dates(code) for code in seed_sections() if done_dates(code)} == {
        "2.B1": ["Q1 2025", "Q1 2025"], "3.B1": ["Q3 2025"]}
    done = {(iv.code, m.due.text) for iv in plan().interventions for m in iv.milestones if m.done}
    assert {("2.B1", "Q1 2025"), ("3.B1", "Q3 2025")} <= done
    assert all(m.realised is None for iv in plan().interventions for m in iv.milestones if m.done)


@pytest.mark.parametrize("code", list(seed_sections()))
def test_recurring_tijdpad_lines_are_recurring_not_milestones(code):
    text = tijdpad(code).lower()
    recurring = interventions()[code].details["recurring"]
    if "ieder kwartaal" in text:
        assert "kwartaal" in [r["every"] for r in recurring]
    if "jaarlijks" in text:
        assert "jaar" in [r["every"] for r in recurring]
    labels = {m.label for m in interventions()[code].milestones}
    assert not labels & {r["label"] for r in recurring}


def test_recurring_lines_exist_in_the_seed_where_the_plan_has_them():
    with_recurring_lines = [code for code in seed_sections()
                            if re.search(r"ieder kwartaal|jaarlijks", tijdpad(code), re.I)]
    assert with_recurring_lines == ["2.C1", "4.1", "4.2"]


def test_the_range_lines_keep_their_range():
    assert [m.due.text for m in interventions()["3.C4"].milestones] == ["Q1-Q2 2026", "Q3-Q4 2026"]
    assert interventions()["3.C4"].milestones[0].due.precision == "quarter"


def test_the_agenda_is_actualised_in_q4_2026_and_evaluated_externally_in_q3_2027():
    seed = SEED_003.read_text(encoding="utf-8")
    assert "In Q4 2026 zal de uitvoeringsagenda in zijn geheel worden geactualiseerd" in seed
    assert "Deze evaluatie wordt in Q3 2027 opgeleverd" in seed
    milestones = plan().facts["milestones"]
    assert any(m["due_text"] == "Q4 2026" and "actualisatie" in m["label"].lower() for m in milestones)
    assert any(m["due_text"] == "Q3 2027" and "evaluatie" in m["label"].lower()
               and m["kind"] == "evaluation" for m in milestones)


def _millions(text: str) -> int:
    return round(float(text.replace(",", ".")) * 1_000_000)


def test_taakstelling_and_nulmeting_match_the_seed():
    seed = SEED_003.read_text(encoding="utf-8")
    target = re.search(r"taakstelling van € ([\d,]+) miljoen per jaar voor ambulante jeugdhulp en "
                       r"€ ([\d,]+) miljoen per jaar voor Wmo-begeleiding", seed)
    baseline = re.search(r"Realisatie 2023\s+€([\d.,]+) miljoen\s+€([\d.,]+) miljoen", seed)
    assert target and baseline
    finance = plan().facts["finance"]
    targets = {t["domain"]: t for t in finance["targets"]}
    assert (targets["jeugd"]["amount"], targets["wmo"]["amount"]) == (
        _millions(target[1]), _millions(target[2])) == (6_000_000, 1_200_000)
    assert targets["jeugd"]["from"] == targets["wmo"]["from"] == 2025
    baselines = {b["domain"]: b["amount"] for b in finance["baseline"]}
    assert (baselines["jeugd"], baselines["wmo"]) == (
        _millions(baseline[1]), _millions(baseline[2])) == (35_400_000, 11_200_000)


def test_expected_savings_and_costs_of_the_measures():
    finance = plan().facts["finance"]
    savings = {s["domain"]: (s["min"], s["max"]) for s in finance["expected_savings"] if s["year"] == 2026}
    assert savings == {"jeugd": (3_000_000, 5_000_000), "wmo": (300_000, 600_000)}
    budget = {(b["year"], b["domain"]): b["amount"] for b in finance["budget"]}
    assert budget == {(2025, "jeugd"): 30_000, (2025, "wmo"): 15_000,
                      (2026, "jeugd"): 420_000, (2026, "wmo"): 100_000}


def test_the_council_is_reported_to_every_half_year():
    assert any(r["every"] == "halfjaar" and "gemeenteraad" in r["label"] for r in plan().facts["recurring"])
