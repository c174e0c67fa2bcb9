"""Ids made of the words of a text (a milestone's label, an intervention's title)."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, limit: int = 48) -> str:
    """Return a lower-case id made of the words of a text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "x"
