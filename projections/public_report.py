"""The public edition of a published council report: the same frozen content, less what is not public.

A published report is made again from the events up to the position it was frozen at; its public
edition takes that content and withholds what the tracker's users wrote (the trekkers' names,
notes, explanations and reasons) unless the beheerder made the field public. What is withheld
reads "niet openbaar", so a reader never mistakes it for "nothing recorded".
"""

from __future__ import annotations

import copy
import re
from typing import Any

from events.vocabulary import PublicField

WITHHELD = "niet openbaar"
# What a stuurgroep's action is called where its words are not public (they are the stuurgroep's review).
ACTION_WITHHELD = "Actie van de stuurgroep (niet openbaar)"


def withheld_fields(fields: set[str] | list[str], actions: bool = False) -> list[str]:
    """Return the Dutch names of what a public edition leaves out, given the fields made public.

    ``actions``: the report names actions of the stuurgroep (``actions`` in its data).
    """
    names = [f.label for f in PublicField if f not in fields and f is not PublicField.REVIEW]
    if actions and PublicField.REVIEW not in fields:
        names.append("de omschrijving van de acties van de stuurgroep")
    return names


def _without_actions(value: Any, words: list[tuple[str, str]]) -> Any:
    """Return ``value`` (a report's data, or part of it) with the actions' words replaced, also within texts.

    ``words``: (what the stuurgroep wrote, what stands in its place), the longest first.
    """
    if isinstance(value, str):
        for text, shown in words:
            value = value.replace(text, shown)
        return value
    if isinstance(value, list):
        return [_without_actions(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _without_actions(v, words) for k, v in value.items()}
    return value


def _hide(value: str) -> str:
    return WITHHELD if value else value


# A plan version's summary line for a link (tracker/plan_links.py): "1.A1: bijdrage aan groep doel-1
# van regioplan toegevoegd".
LINK_LINE = re.compile(r"^(?P<code>.*: bijdrage aan) (?:groep|interventie) \S+ van (?P<plan>\S+) "
                       r"(?P<what>toegevoegd|gewijzigd|vervallen)$")


def _summary_line(line: str, public_plans: set[str] | None) -> str:
    """Return a plan version's summary line, a link to a plan that is not public named no further."""
    found = LINK_LINE.match(line)
    if found is None or public_plans is None or found["plan"] in public_plans:
        return line
    return f"{found['code']} een plan dat niet openbaar is {found['what']}"


def public_edition(data: dict[str, Any], fields: set[str] | list[str],
                   public_plans: set[str] | None = None) -> dict[str, Any]:
    """Return a copy of a report's data with every field that is not public withheld.

    ``public_plans``: the plans whose public site is on. What other plans contribute, or what an
    intervention contributes to, stands only where that plan is public too (None: every plan).
    """
    data = copy.deepcopy(data)
    fields = set(fields)
    explanation, notes = PublicField.EXPLANATION in fields, PublicField.NOTES in fields
    auto_reason: dict[str, str] = {}

    def shown(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [link for link in links if public_plans is None or link.get("plan") in public_plans]
        if not explanation:
            for link in kept:
                if "reason" in link:
                    link["reason"] = _hide(link["reason"])
        return kept

    def walk(section: dict[str, Any]) -> None:
        if "contributions" in section:
            # Another plan's words: withheld, whatever this plan made public.
            section["contributions"] = shown(section["contributions"])
            for c in section["contributions"]:
                c["reason"] = _hide(c.get("reason", ""))
        for iv in section.get("interventions", []):
            if "contributes_to" in iv:
                iv["contributes_to"] = shown(iv["contributes_to"])
            auto_reason[iv["code"]] = (iv.get("explanation") or {}).get("auto_reason") or ""
            if PublicField.TREKKER_NAME not in fields:
                iv["trekker"] = _hide(iv.get("trekker", ""))
            if not explanation:
                if iv.get("explanation", {}).get("manual"):
                    iv["explanation"]["manual"] = {k: WITHHELD for k in ("oorzaak", "gevolg", "bijsturing")}
                for key in ("late", "rescheduled", "cancelled", "due_in_period"):
                    for m in iv.get(key, []):
                        if "reason" in m:
                            m["reason"] = _hide(m["reason"])
            if not notes:
                iv["notes"] = []
                for key in ("realised", "done_before"):
                    for m in iv.get(key, []):
                        m["note"] = ""
        for child in section.get("groups", []):
            walk(child)

    for section in data.get("sections", []):
        walk(section)
    for version in data.get("changes", {}).get("plan_versions", []):
        version["summary"] = [_summary_line(line, public_plans) for line in version.get("summary", [])]
    if not explanation:
        for d in data.get("kernboodschap", {}).get("deviations", []):
            d["cause"] = auto_reason.get(d["code"]) or WITHHELD
        for iv in data.get("tijdpad", []):
            for m in iv.get("milestones", []):
                m["reason"] = _hide(m.get("reason", ""))
        for key in ("milestones", "recorded_late"):
            for m in data.get("changes", {}).get(key, []):
                m["reason"] = _hide(m.get("reason", ""))
        for m in data.get("plan_milestones", []):
            m["reason"] = _hide(m.get("reason", ""))
    if not notes:
        for m in data.get("plan_milestones", []):
            m["note"] = m.get("plan_note", "")  # the plan file's words stay; a completion's note is withheld
        for c in data.get("changes", {}).get("interventions", []):
            if c.get("what") == "afgesloten":
                c["reason"] = _hide(c.get("reason", ""))
    # A stuurgroep's action is part of its review: what it says is withheld unless the reviews are public;
    # its note (who owns it, with their address) always, as on the public site.
    # Every label and note an action had (a report made before they were kept: its latest) counts.
    actions = data.pop("actions", [])
    labels = {a["label"] for a in actions if a["label"]}
    data = _actions_notes_withheld(data, labels)
    words = {a["note"]: WITHHELD for a in actions if a["note"]}
    if PublicField.REVIEW not in fields:
        words.update({label: ACTION_WITHHELD for label in labels})
    if words:
        data = _without_actions(data, sorted(words.items(), key=lambda pair: len(pair[0]), reverse=True))
    return data


def _actions_notes_withheld(value: Any, labels: set[str]) -> Any:
    """Return ``value`` with the note and reason of every line about an action (by its label) withheld:
    what was written when the stuurgroep gave it names its owner, whatever note it has now."""
    if isinstance(value, list):
        return [_actions_notes_withheld(v, labels) for v in value]
    if isinstance(value, dict):
        about_action = value.get("label") in labels
        return {k: _hide(v) if about_action and k in ("note", "reason") and isinstance(v, str)
                else _actions_notes_withheld(v, labels) for k, v in value.items()}
    return value
