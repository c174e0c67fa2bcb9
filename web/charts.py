"""Small hand-written SVG charts (fast, no dependencies, readable when printed)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def planned_realised_chart(data: list[dict[str, Any]], highlight: str = "") -> Markup:
    """Return a bar chart of milestones planned vs realised per quarter."""
    width, height, pad, label_h = 40 * max(len(data), 1) + 40, 180, 30, 34
    top = max([1] + [max(d["planned"], d["realised"]) for d in data])
    scale = (height - pad - label_h) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-labelledby="chart-title chart-desc" class="chart">',
             '<title id="chart-title">Mijlpalen per kwartaal: gepland en gerealiseerd</title>',
             '<desc id="chart-desc">' + str(escape("; ".join(
                 f"{d['quarter'].label}: {d['planned']} gepland, {d['realised']} gerealiseerd" for d in data)))
             + '</desc>']
    base = height - label_h
    for i, d in enumerate(data):
        x = 30 + i * 40
        if d["quarter"].key == highlight:
            parts.append(f'<rect x="{x - 4}" y="{pad - 10}" width="38" height="{base - pad + 10}" class="hl"/>')
        for j, (key, cls) in enumerate((("planned", "planned"), ("realised", "realised"))):
            h = d[key] * scale
            parts.append(f'<rect x="{x + j * 15}" y="{base - h:.1f}" width="14" height="{h:.1f}" class="{cls}"/>')
            parts.append(f'<text x="{x + j * 15 + 7}" y="{base - h - 3:.1f}" text-anchor="middle" class="n">{d[key]}</text>')
        parts.append(f'<text x="{x + 14}" y="{base + 14}" text-anchor="middle" class="q">Q{d["quarter"].number}</text>')
        if d["quarter"].number == 1 or i == 0:
            parts.append(f'<text x="{x + 14}" y="{base + 28}" text-anchor="middle" class="q">{d["quarter"].year}</text>')
    parts.append(f'<line x1="25" y1="{base}" x2="{width - 5}" y2="{base}" class="axis"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stoplicht_trend_chart(trend: list[dict[str, Any]], colours: tuple[str, ...]) -> Markup:
    """Return stacked bars of the interventions per stoplicht colour at the end of each quarter."""
    step, bar, pad, label_h, height = 48, 30, 24, 34, 200
    width = step * max(len(trend), 1) + 40
    top = max([1] + [t["total"] for t in trend])
    scale = (height - pad - label_h) / top
    base = height - label_h

    def describe(t: dict[str, Any]) -> str:
        when = f"t/m {t['moment'].day}-{t['moment'].month}" if t["running"] else "eind"
        counts = ", ".join(f"{t['counts'].get(c, 0)} {c.replace('_', ' ')}" for c in colours)
        return f"{t['quarter'].label} ({when}): {counts}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-labelledby="trend-title trend-desc" class="chart trend">',
             '<title id="trend-title">Stoplichten per kwartaal, zoals aan het eind van elk kwartaal</title>',
             '<desc id="trend-desc">' + str(escape("; ".join(describe(t) for t in trend))) + "</desc>"]
    for i, t in enumerate(trend):
        x, y = 30 + i * step, float(base)
        for colour in colours:
            n = t["counts"].get(colour, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" class="sl-{colour}"/>')
            if h >= 12:
                parts.append(f'<text x="{x + bar / 2}" y="{y + h / 2 + 4:.1f}" text-anchor="middle" '
                             f'class="n on-bar">{n}</text>')
        parts.append(f'<text x="{x + bar / 2}" y="{base + 14}" text-anchor="middle" class="q">'
                     f'Q{t["quarter"].number}{"*" if t["running"] else ""}</text>')
        if t["quarter"].number == 1 or i == 0:
            parts.append(f'<text x="{x + bar / 2}" y="{base + 28}" text-anchor="middle" class="q">{t["quarter"].year}</text>')
    parts.append(f'<line x1="25" y1="{base}" x2="{width - 5}" y2="{base}" class="axis"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
