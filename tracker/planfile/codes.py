"""The codes of interventions and the groups they belong to.

A code is the document's own, or one made for it. Format 2 makes short, readable codes that never
collide: the key of the intervention's (first) group and a sequence number in file order.
"""

from __future__ import annotations

import re
from typing import Any

from events.vocabulary import PLAN_CODE
from tracker.planfile.checks import Checker
from tracker.slugs import slugify

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def codes(c: Checker, raws: list[tuple[Any, int]], paths: dict) -> list[str]:
    """Return each intervention's code: its own, or one made for it.

    Format 2 makes a code of the (first) group's key and a sequence number in file order,
    skipping numbers a given code took ("wijk-1", "wijk-2"; "1", "2" without a group); format 1
    makes one of the title, as stores made with it already hold.
    """
    given: dict[str, int] = {}
    own: list[str | None] = []
    for raw, line in raws:
        code = raw.get("code") if isinstance(raw, dict) else None
        if code is None:
            own.append(None)
            continue
        if isinstance(code, float):
            c.error(c.line_of(raw, "code"), f"interventie: code {code} leest als getal: zet de code "
                    "tussen aanhalingstekens (bijvoorbeeld code: \"2.10\")")
        code = str(code)
        if not re.match(CODE_PATTERN, code):
            c.error(c.line_of(raw, "code"), f"interventie: code '{code}' bevat tekens die niet mogen")
        if code.lower() == PLAN_CODE:
            c.error(c.line_of(raw, "code"), f"interventie: code '{code}' is gereserveerd: zo heten in een "
                    "beginstand, een export en een agenda de mijlpalen van het plan zelf; kies een andere code")
        if code in given:
            c.error(line, f"interventie {code}: code komt al voor op regel {given[code]}")
        given.setdefault(code, line)
        own.append(code)
    counters: dict[str, int] = {}
    result = []
    for (raw, line), code in zip(raws, own):
        if code is None and isinstance(raw, dict):
            code = _made_code(c, raw, line, paths, given, counters)
        result.append(code or "")
    return result


def _made_code(c: Checker, raw: dict, line: int, paths: dict, taken: dict[str, int],
               counters: dict[str, int]) -> str:
    if c.format < 2:
        title = raw.get("title")
        code = slugify(title, 32) if isinstance(title, str) and title.strip() else ""
        if code in taken:
            c.error(line, f"interventie {code}: code komt al voor op regel {taken[code]}")
        taken.setdefault(code, line)
        return code
    keys = raw.get("groups") if isinstance(raw.get("groups"), list) else [raw.get("group")]
    key = str(keys[0]) if keys and keys[0] is not None and str(keys[0]) in paths else ""
    n = counters.get(key, 0)
    while True:
        n += 1
        code = f"{key}-{n}" if key else str(n)
        if code not in taken:
            counters[key], taken[code] = n, line
            return code


def group_keys(c: Checker, iv: dict, what: str, paths: dict) -> list[str]:
    """Return the keys of the groups an intervention belongs to, the one it is shown in first."""
    if "groups" in iv and c.format >= 2:
        if "group" in iv:
            c.error(c.line_of(iv, "groups"), f"{what}: geef 'group' of 'groups', niet beide")
        keys = [str(k) for k, _ in c.items(iv, "groups", what)]
        if not keys:
            c.error(c.line_of(iv, "groups"), f"{what}: 'groups' heeft minstens één groep nodig")
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            c.error(c.line_of(iv, "groups"), f"{what}: groep '{key}' staat twee keer in 'groups'")
        field = "groups"
    elif "group" in iv:
        keys, field = [str(iv["group"])], "group"
    else:
        return []
    for key in keys:
        if key not in paths:
            c.error(c.line_of(iv, field), f"{what}: groep '{key}' staat niet in plan.groups")
    return [k for k in keys if k in paths]
