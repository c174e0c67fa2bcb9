"""The report as Markdown (for wikis, e-mail and diffs between versions)."""

from __future__ import annotations

import re
from typing import Any

# Characters that Markdown reads as markup; escaped so user text stays text.
# Without [ and ] no link or image can form, so parentheses may stay as they are.
_MARKUP = re.compile(r"([\\`*_\[\]|~])")
# A line that would start a heading, list or rule (">" is an entity already).
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+(?=[.)](?:\s|$)))", re.MULTILINE)


def escaped(text: Any) -> str:
    """Return text that renders as itself in Markdown: no raw HTML, links or emphasis."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKUP.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m[1] + (m[2] + "\\" if m[2][0].isdigit() else "\\" + m[2]), text)


def _text(cell: Any) -> str:
    text = cell["text"] if isinstance(cell, dict) else str(cell)
    return escaped(" ".join(text.split()))


def render_markdown(blocks: list[dict[str, Any]]) -> str:
    """Return the blocks as Markdown text."""
    out: list[str] = []
    for b in blocks:
        kind = b["type"]
        if kind == "title":
            out += [f"# {_text(b['text'])}", "", f"*{_text(b['subtitle'])}*", ""]
            out += [f"- **{_text(label)}:** {_text(value)}" for label, value in b["facts"]] + [""]
        elif kind == "heading":
            out += [f"{'#' * min(b['level'], 6)} {_text(b['text'])}", ""]
        elif kind == "paragraph":
            label = f"**{_text(b['label'])}:** " if b["label"] else ""
            out += [label + escaped(b["text"]), ""]
        elif kind == "facts":
            out += [f"- **{_text(label)}:** {_text(value)}" for label, value in b["items"]] + [""]
        elif kind == "list":
            if b["title"]:
                out += [f"**{_text(b['title'])}**", ""]
            out += [f"- {_text(item)}" for item in b["items"]] + [""]
        elif kind == "table":
            out += [f"**{_text(b['caption'])}**", ""]
            out.append("| " + " | ".join(_text(c) for c in b["columns"]) + " |")
            out.append("|" + "|".join(" --- " for _ in b["columns"]) + "|")
            out += ["| " + " | ".join(_text(c) for c in row) + " |" for row in b["rows"]]
            out.append("")
        elif kind == "chart":
            out += [f"*Figuur: {_text(b['caption'])}*", ""]
        elif kind == "page_break":
            out += ["---", ""]
    return "\n".join(out).rstrip() + "\n"
