"""Errors of the write side."""


class TrackerError(Exception):
    """Base of every error the tracker reports to its users."""


class DomainError(TrackerError):
    """A command that the domain refuses (an impossible or incomplete change).

    ``fields``: where a form's input is refused field by field, each field's own message (in the
    form's order); the error's text is all of them.
    """

    def __init__(self, message: str = "", fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = dict(fields or {})


class NotFoundError(TrackerError):
    """An unknown plan, intervention or milestone."""


class ConflictError(TrackerError):
    """Someone else changed the aggregate since it was read."""


class ConcurrentWriteError(ConflictError):
    """Another writer saved the aggregate between this command's read and its save."""


class PlanFileError(TrackerError):
    """A plan file that cannot be imported; carries every problem with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class LinesError(DomainError):
    """Several input lines (a CSV upload) that cannot be recorded; nothing was recorded."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))
