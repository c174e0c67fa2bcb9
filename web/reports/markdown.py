"""The report as Markdown (for wikis, e-mail and diffs between versions)."""

from __future__ import annotations

from typing import Any


def _text(cell: Any) -> str:
    text = cell["text"] if isinstance(cell, dict) else str(cell)
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(blocks: list[dict[str, Any]]) -> str:
    """Return the blocks as Markdown text."""
    out: list[str] = []
    for b in blocks:
        kind = b["type"]
        if kind == "title":
            out += [f"# {b['text']}", "", f"*{b['subtitle']}*", ""]
            out += [f"- **{label}:** {value}" for label, value in b["facts"]] + [""]
        elif kind == "heading":
            out += [f"{'#' * min(b['level'], 6)} {b['text']}", ""]
        elif kind == "paragraph":
            label = f"**{b['label']}:** " if b["label"] else ""
            out += [label + b["text"], ""]
        elif kind == "facts":
            out += [f"- **{label}:** {value}" for label, value in b["items"]] + [""]
        elif kind == "list":
            if b["title"]:
                out += [f"**{b['title']}**", ""]
            out += [f"- {item}" for item in b["items"]] + [""]
        elif kind == "table":
            out += [f"**{b['caption']}**", ""]
            out.append("| " + " | ".join(_text(c) for c in b["columns"]) + " |")
            out.append("|" + "|".join(" --- " for _ in b["columns"]) + "|")
            out += ["| " + " | ".join(_text(c) for c in row) + " |" for row in b["rows"]]
            out.append("")
        elif kind == "chart":
            out += [f"*Figuur: {b['caption']}*", ""]
        elif kind == "page_break":
            out += ["---", ""]
    return "\n".join(out).rstrip() + "\n"
