"""The besluitenlijst of a stuurgroep meeting, in the report's blocks: Markdown, Word and PDF alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.wording import long_date
from web.reports.blocks import Block, bullets, heading, paragraph, table

FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def besluitenlijst_blocks(plan: dict[str, Any], meeting: dict[str, Any], decisions: list[dict[str, Any]],
                          titles: dict[str, str], made_on: date) -> list[Block]:
    """Return the blocks of a meeting's besluitenlijst: who was there, every decision, every action."""
    when = long_date(meeting["meeting_date"])
    status = "definitief (vergadering gesloten)" if meeting["closed"] else "concept (vergadering nog open)"
    facts = [("Plan", plan["title"]), ("Vergadering", when), ("Status", status), ("Gemaakt op", long_date(made_on))]
    blocks: list[Block] = [{"type": "title", "text": f"Besluitenlijst stuurgroep {when}",
                            "subtitle": plan["title"], "status": "vastgesteld" if meeting["closed"] else "concept",
                            "facts": facts}]
    blocks.append(heading(2, "Aanwezig", "aanwezig"))
    blocks.append(bullets(meeting["attendees"]) if meeting["attendees"] else paragraph("Niet vastgelegd."))
    blocks.append(heading(2, "Besluiten", "besluiten"))
    if decisions:
        blocks.append(table(f"Besluiten van {when}", ["Interventie", "Besluit"],
                            [[f"{d['code']} {titles.get(d['code'], '')}".strip(), d["decision"]] for d in decisions]))
    else:
        blocks.append(paragraph("Er zijn geen besluiten vastgelegd."))
    actions = [d for d in decisions if d["action"]]
    blocks.append(heading(2, "Acties", "acties"))
    if actions:
        blocks.append(table("Acties met eigenaar en termijn", ["Interventie", "Actie", "Eigenaar", "Termijn"],
                            [[d["code"], d["action"], d["owner_name"], d["term_text"]] for d in actions]))
        blocks.append(paragraph("Elke actie staat als mijlpaal in het tijdpad van de interventie en wordt zo "
                                "gevolgd en herinnerd."))
    else:
        blocks.append(paragraph("Er zijn geen acties afgesproken."))
    return blocks


def render_besluitenlijst(blocks: list[Block], title: str, made_on: date, fmt: str) -> bytes:
    """Return a besluitenlijst in a format: md, docx or pdf."""
    if fmt == "md":
        from web.reports.markdown import render_markdown

        return render_markdown(blocks).encode("utf-8")
    if fmt == "docx":
        from web.reports.word import render_docx

        return render_docx(blocks, title, made_on)
    if fmt == "pdf":
        from web.reports.html import render_document
        from web.reports.pdf import render_pdf

        return render_pdf(render_document(blocks, title, "besluitenlijst"))
    raise ValueError(f"Onbekend formaat '{fmt}': kies {', '.join(FORMATS)}.")
