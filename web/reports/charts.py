"""The report's charts as small hand-written SVG, styled inline so WeasyPrint and CairoSVG draw them alike."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from events.vocabulary import Stoplicht

PLANNED, REALISED, HIGHLIGHT, INK, MUTED = "#8fb3d9", "#1b6e2b", "#fff4cc", "#1a1a1a", "#555555"
# The fill of each colour's bar; a colour without one of its own is drawn in the muted ink.
FILLS = {Stoplicht.GROEN: "#1b6e2b", Stoplicht.GEEN_PLANNING: "#5f6368", Stoplicht.ORANJE: "#c05f00",
         Stoplicht.ROOD: "#a4000f"}
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _open(width: int, height: int, ident: str, title: str, desc: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" class="report-chart">',
            f'<title id="{ident}-title">{escape(title)}</title>',
            f'<desc id="{ident}-desc">{escape(desc)}</desc>']


def stoplicht_chart(counts: dict[str, int], ident: str = "chart-stoplicht") -> str:
    """Return a horizontal bar chart of the interventions per stoplicht colour."""
    width, row, left = 480, 34, 110  # left: room for the longest label, "geen planning"
    height = row * len(Stoplicht) + 16
    top = max([1] + list(counts.values()))
    scale = (width - left - 50) / top
    desc = "; ".join(f"{c.label}: {counts.get(c.value, 0)}" for c in Stoplicht)
    parts = _open(width, height, ident, "Interventies per stoplichtkleur", desc)
    for i, colour in enumerate(Stoplicht):
        y = 8 + i * row
        w = counts.get(colour.value, 0) * scale
        parts.append(f'<text x="{left - 8}" y="{y + 19}" text-anchor="end" font-size="13" {FONT} '
                     f'fill="{INK}">{colour.label}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="22" fill="{FILLS.get(colour, MUTED)}"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 19}" font-size="13" {FONT} '
                     f'fill="{INK}">{counts.get(colour.value, 0)}</text>')
    parts.append(f'<line x1="{left}" y1="6" x2="{left}" y2="{height - 6}" stroke="{MUTED}"/>')
    parts.append("</svg>")
    return "".join(parts)


QUARTERS_PER_ROW = 12  # three years a row: a longer plan's chart wraps, its bars and figures stay legible


def quarters_chart(data: list[dict[str, Any]], ident: str = "chart-kwartalen") -> str:
    """Return a bar chart of milestones per quarter: first planned there vs realised there.

    A plan of more than three years gets a row per three years, on one scale.
    """
    columns = min(max(len(data), 1), QUARTERS_PER_ROW)
    rows = max(1, -(-len(data) // QUARTERS_PER_ROW))
    width, row_h, pad, label_h = 44 * columns + 40, 200, 24, 36
    height = row_h * rows
    top = max([1] + [max(d["planned"], d["realised"]) for d in data])
    scale = (row_h - pad - label_h) / top
    desc = "; ".join(f"{d['label']}: {d['planned']} gepland, {d['realised']} gerealiseerd" for d in data)
    parts = _open(width, height, ident, "Mijlpalen per kwartaal: gepland en gerealiseerd", desc)
    for r in range(rows):
        base = r * row_h + row_h - label_h
        for i, d in enumerate(data[r * QUARTERS_PER_ROW:(r + 1) * QUARTERS_PER_ROW]):
            x = 30 + i * 44
            if d.get("in_period"):
                parts.append(f'<rect x="{x - 5}" y="{r * row_h + pad - 12}" width="42" height="{row_h - label_h - pad + 12}" '
                             f'fill="{HIGHLIGHT}"/>')
            for j, (key, fill) in enumerate((("planned", PLANNED), ("realised", REALISED))):
                h = d[key] * scale
                parts.append(f'<rect x="{x + j * 16}" y="{base - h:.1f}" width="15" height="{h:.1f}" fill="{fill}"/>')
                parts.append(f'<text x="{x + j * 16 + 7.5}" y="{base - h - 3:.1f}" text-anchor="middle" '
                             f'font-size="10" {FONT} fill="{INK}">{d[key]}</text>')
            parts.append(f'<text x="{x + 15}" y="{base + 14}" text-anchor="middle" font-size="10" {FONT} '
                         f'fill="{INK}">Q{d["number"]}</text>')
            if d["number"] == 1 or i == 0:
                parts.append(f'<text x="{x + 15}" y="{base + 28}" text-anchor="middle" font-size="10" {FONT} '
                             f'fill="{INK}">{d["year"]}</text>')
        parts.append(f'<line x1="25" y1="{base}" x2="{width - 5}" y2="{base}" stroke="{MUTED}"/>')
    parts.append("</svg>")
    return "".join(parts)


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Return a chart as PNG (Word cannot show SVG)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
