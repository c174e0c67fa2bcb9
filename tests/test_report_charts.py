"""The report's chart per quarter stays legible for a plan of any length."""

from __future__ import annotations

import re

from web.reports.charts import QUARTERS_PER_ROW, quarters_chart


def _quarters(years: range) -> list[dict]:
    return [{"key": f"{y}-Q{n}", "label": f"Q{n} {y}", "year": y, "number": n, "planned": (y + n) % 4,
             "realised": n % 2, "in_period": y == years[0] + 1 and n <= 2} for y in years for n in range(1, 5)]


def test_a_plan_of_three_years_is_one_row_of_twelve_quarters() -> None:
    svg = quarters_chart(_quarters(range(2025, 2028)))
    width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    assert (width, height) == (44 * 12 + 40, 200)
    assert svg.count(">Q1</text>") == 3


def test_a_plan_of_six_years_wraps_into_rows_on_one_scale() -> None:
    data = _quarters(range(2023, 2029))
    svg = quarters_chart(data)
    width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    # As wide as three years (shown 16 cm wide, its figures as large as a three-year plan's), two rows high.
    assert (width, height) == (44 * QUARTERS_PER_ROW + 40, 400)
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>(Q\d)</text>', svg)
    assert len(labels) == 24 and max(float(x) for x, _, _ in labels) < width
    assert {float(y) for _, y, _ in labels} == {178.0, 378.0}  # one baseline per row
    # Each row names its first year, and every year is named once.
    assert re.findall(r">(20\d\d)</text>", svg) == [str(y) for y in range(2023, 2029)]
    # One scale: a bar of the same count is as tall in either row.
    bars = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="15" height="([\d.]+)" fill="#8fb3d9"/>', svg)
    heights = {d["planned"]: float(h) for d, h in zip(data, bars)}
    assert all(abs(float(h) - heights[d["planned"]]) < 0.01 for d, h in zip(data, bars))
