"""Configuration of reminders: mail delivery (from the environment) and the rules (per plan)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any, Mapping

from events.reminder_settings import plan_reminder_settings
from tracker.secret_key import configured_secret

SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SINK_DIRNAME = "outbox"


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes: SMTP when a host is configured, else the file sink in the data directory."""

    data_dir: Path
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout: float = 30.0
    mail_from: str = "Voortgang uitvoeringsagenda <noreply@localhost>"
    stuurgroep_email: str = ""
    base_url: str = "http://127.0.0.1:8000"
    send_time: time = time(7, 0)
    sink_dir: Path | None = None
    link_secret: str = ""  # signs the action links of trekkers' reminders; "" makes none

    @property
    def uses_sink(self) -> bool:
        """Tell whether mail goes to the local file sink (no SMTP host configured)."""
        return not self.smtp_host

    @property
    def sink_path(self) -> Path:
        return self.sink_dir or self.data_dir / SINK_DIRNAME

    @property
    def port(self) -> int:
        return self.smtp_port or DEFAULT_PORTS[self.smtp_security]

    @property
    def stuurgroep(self) -> str:
        """Return the configured stuurgroep address; none means escalations are held."""
        return self.stuurgroep_email

    @classmethod
    def from_config(cls, config: Mapping[str, Any], data_dir: Path | str) -> MailSettings:
        """Read settings from keys without the TRACKER_ prefix (Flask config or environment)."""
        def text(key: str, default: str = "") -> str:
            value = config.get(key)
            return default if value is None or value == "" else str(value)

        security = text("SMTP_SECURITY", "starttls").lower()
        if security not in SECURITIES:
            raise ValueError(f"TRACKER_SMTP_SECURITY '{security}': kies starttls, ssl of none")
        host = text("HOST", "127.0.0.1")
        base_url = text("BASE_URL", f"http://{host}:{text('PORT', '8000')}").rstrip("/")
        hour, _, minute = text("REMINDER_TIME", "07:00").partition(":")
        sink = text("MAIL_SINK_DIR")
        return cls(
            data_dir=Path(data_dir), smtp_host=text("SMTP_HOST"), smtp_port=int(text("SMTP_PORT", "0")),
            smtp_security=security, smtp_user=text("SMTP_USER"), smtp_password=text("SMTP_PASSWORD"),
            smtp_timeout=float(text("SMTP_TIMEOUT", "30")),
            mail_from=text("MAIL_FROM", cls.mail_from), stuurgroep_email=text("STUURGROEP_EMAIL"),
            base_url=base_url, send_time=time(int(hour), int(minute or 0)),
            sink_dir=Path(sink) if sink else None, link_secret=configured_secret(config, data_dir),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str], data_dir: Path | str) -> MailSettings:
        """Read settings from TRACKER_* environment variables."""
        prefix = "TRACKER_"
        return cls.from_config({k[len(prefix):]: v for k, v in environ.items() if k.startswith(prefix)},
                               data_dir)


@dataclass(frozen=True)
class ReminderSettings:
    """The reminder rules of one plan (defaults from the issue; a plan file may change them)."""

    enabled: bool = True
    before_due: tuple[int, ...] = (30, 7, 1)
    overdue_after: int = 1
    overdue_every: int = 7
    escalate_after: int = 14
    escalate_without_trekker: bool = True
    quarterly_update_workdays: int = 10
    weekly_digest: bool = True
    stuurgroep: str = field(default="")

    @classmethod
    def for_plan(cls, facts: Mapping[str, Any], stuurgroep: str = "") -> ReminderSettings:
        """Return the settings of a plan: plan.reminders, else plan.extra.reminders, else defaults.

        Raises ReminderSettingsError when the stored settings fail the check of the plan file.
        """
        values = plan_reminder_settings(facts)
        if "before_due" in values:
            values["before_due"] = tuple(values["before_due"])
        return replace(cls(stuurgroep=stuurgroep), **values)
