"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the reminder tests, and scenario helpers."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import SMALL_PLAN, SMALL_PLAN_ID, import_text

ANNA = "anna@teststad.nl"
BERT = "bert@teststad.nl"
STUURGROEP = "stuurgroep@teststad.nl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MailRecorder:
    """The server's handler: keeps every accepted message; can refuse or break on purpose."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)  # the RCPT TO addresses of each message
    refuse: set[str] = field(default_factory=set)
    break_after_data: set[str] = field(default_factory=set)  # accept, then drop without a reply
    logins: list[tuple[str, str]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=default_policy).parsebytes(envelope.content)
        with self.arrived:
            self.messages.append(message)
            self.envelopes.append(list(envelope.rcpt_tos))
            self.arrived.notify_all()
        if set(envelope.rcpt_tos) & self.break_after_data:
            server.transport.abort()
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        """Return the recipient address of every accepted message, in order."""
        return [m["To"].addresses[0].addr_spec for m in self.messages]

    def wait_for(self, count: int, timeout: float = 60) -> bool:
        """Block until ``count`` messages arrived (no polling: the handler notifies)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)


class SmtpServer:
    def __init__(self, recorder: MailRecorder, port: int, controller: Controller):
        self.recorder = recorder
        self.port = port
        self.controller = controller

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def env(self) -> dict[str, str]:
        """Return the TRACKER_* settings that point the tracker at this server."""
        return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(self.port),
                "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "Voortgang <voortgang@teststad.nl>",
                "TRACKER_STUURGROEP_EMAIL": STUURGROEP, "TRACKER_BASE_URL": "https://voortgang.teststad.nl",
                "TRACKER_SMTP_TIMEOUT": "10"}


def _authenticator(recorder: MailRecorder):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            recorder.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"geheim", handled=False)
        return AuthResult(success=False)
    return check


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch):
    """Start a real SMTP server on 127.0.0.1 and point the TRACKER_* settings at it."""
    recorder = MailRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port,
                            authenticator=_authenticator(recorder), auth_require_tls=False)
    controller.start()
    server = SmtpServer(recorder, port, controller)
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    yield server
    controller.stop()


def mail_settings(data_dir: Path, **overrides: Any):
    """Return the mail settings the environment gives (with overrides)."""
    import os
    from dataclasses import replace

    from notifications.settings import MailSettings

    return replace(MailSettings.from_env(os.environ, data_dir), **overrides)


def fixed(moment: datetime):
    """Return a clock that always says ``moment``."""
    return lambda: moment


def trekker_scenario(services) -> None:
    """The small plan (imported 1 October 2025) with Anna on 1.A1 and Bert on 1.A2; 2.1 has no trekker.

    Due dates: 1.A1 pva 2025-12-31 (Q4 2025), pilot 2026-06-30 (Q1-Q2 2026), evaluatie 2027-12-31;
    1.A2 opdracht 2026-03-31 (maart 2026), besluit 2026-07-01; 2.1 start 2026-12-31 (H2 2026).
    """
    import_text(services, SMALL_PLAN, "testagenda.yaml", datetime(2025, 10, 1, 9))
    app = services.app
    app.assign_trekker(SMALL_PLAN_ID, "1.A1", name="Anna Smit", email=ANNA, at=datetime(2025, 10, 2, 9), by="beheer")
    app.assign_trekker(SMALL_PLAN_ID, "1.A2", name="Bert Bos", email=BERT, at=datetime(2025, 10, 2, 9), by="beheer")
    services.catch_up()


def opdracht_id(services) -> str:
    """Return the id of 1.A2's milestone 'Opdracht aan jongerenwerk geformuleerd' (maart 2026)."""
    iv = services.app.get_intervention(SMALL_PLAN_ID, "1.A2")
    return next(m.id for m in iv.milestones.values() if m.label.startswith("Opdracht"))


def body(message: EmailMessage, kind: str = "plain") -> str:
    return message.get_body((kind,)).get_content()

