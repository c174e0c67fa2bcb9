"""The one check of a plan's reminder settings, used by the plan file at import and by every reminder run.

A plan file is refused when its settings fail; a run that finds settings that fail (written
into the store some other way) skips that plan alone and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from events.vocabulary import is_email

MAX_DAYS = 366
MAX_WORKDAYS = 60  # a quarter has about 63 working days

SWITCHES = ("enabled", "escalate_without_trekker", "weekly_digest")
# key: (least, most); the least of overdue_every is 1 because it divides the days late.
COUNTS = {"overdue_after": (1, MAX_DAYS), "overdue_every": (1, MAX_DAYS), "escalate_after": (1, MAX_DAYS),
          "quarterly_update_workdays": (0, MAX_WORKDAYS)}
REMINDER_KEYS = frozenset({*SWITCHES, *COUNTS, "before_due", "stuurgroep"})


@dataclass(frozen=True)
class SettingProblem:
    """One setting that fails, with a Dutch message naming where it stands."""

    key: str
    message: str


class ReminderSettingsError(ValueError):
    """Reminder settings that fail the check; carries every problem."""

    def __init__(self, problems: list[SettingProblem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_reminder_settings(raw: Any, where: str = "plan.reminders") -> tuple[dict[str, Any], list[SettingProblem]]:
    """Return the settings in normal form and the problems; the settings are usable only without problems."""
    if not isinstance(raw, Mapping):
        return {}, [SettingProblem("", f"{where} moet een mapping zijn")]
    values: dict[str, Any] = {}
    problems: list[SettingProblem] = []

    def refuse(key: str, text: str) -> None:
        problems.append(SettingProblem(key, f"{where}: {text}"))

    for key in raw:
        if key not in REMINDER_KEYS:
            refuse(str(key), f"onbekend veld '{key}'")
    for key in SWITCHES:
        if key in raw:
            if isinstance(raw[key], bool):
                values[key] = raw[key]
            else:
                refuse(key, f"'{key}' moet true of false zijn")
    for key, (least, most) in COUNTS.items():
        if key in raw:
            if _whole(raw[key]) and least <= raw[key] <= most:
                values[key] = raw[key]
            else:
                refuse(key, f"'{key}' moet een geheel getal van {least} tot en met {most} zijn")
    if "before_due" in raw:
        days = raw["before_due"]
        if isinstance(days, list) and all(_whole(d) and 1 <= d <= MAX_DAYS for d in days):
            values["before_due"] = sorted(set(days), reverse=True)
        else:
            refuse("before_due", f"'before_due' moet een lijst van dagen (gehele getallen van 1 tot en met "
                                 f"{MAX_DAYS}) zijn")
    if "stuurgroep" in raw:
        address = raw["stuurgroep"]
        if isinstance(address, str) and is_email(address.strip()):
            values["stuurgroep"] = address.strip()
        else:
            refuse("stuurgroep", f"'{address}' is geen e-mailadres")
    return values, problems


def plan_reminder_settings(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Return a plan's own settings (plan.reminders over plan.extra.reminders), or raise ReminderSettingsError."""
    values: dict[str, Any] = {}
    problems: list[SettingProblem] = []
    extra = facts.get("extra") or {}
    sources = [((extra.get("reminders") if isinstance(extra, Mapping) else None), "plan.extra.reminders"),
               (facts.get("reminders"), "plan.reminders")]
    for raw, where in sources:
        if raw is None:
            continue
        found, wrong = check_reminder_settings(raw, where)
        values.update(found)
        problems += wrong
    if problems:
        raise ReminderSettingsError(problems)
    return values
