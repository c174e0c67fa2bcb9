"""A refused form's errors as the templates read them, also field by field."""

from __future__ import annotations


def form_errors(form: str, exc: Exception) -> dict[str, str]:
    """Return a refused form's errors as the templates read them: the form's message, and where the
    error names its fields, each field's (``form:field``) and the first of them (``form:first``)."""
    errors = {form: str(exc)}
    fields = getattr(exc, "fields", None) or {}
    if fields:
        errors |= {f"{form}:{name}": message for name, message in fields.items()}
        errors[f"{form}:first"] = next(iter(fields))
    return errors
