"""Mailers behind one small interface: SMTP, or a file sink in the data directory.

``send`` delivers to the one recipient it is given (never to an address read back from the
headers) and returns when the message was accepted. It raises ``DeliveryFailed`` when it
certainly was not (nothing reached the server, or the server refused it) and
``DeliveryUncertain`` when it cannot be known (the connection broke after the whole message was
handed over).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Protocol

from notifications.settings import MailSettings


class DeliveryFailed(Exception):
    """The message was certainly not accepted; it may be sent again."""


class DeliveryUncertain(Exception):
    """It is unknown whether the message was accepted; sending it again could double it."""


class Mailer(Protocol):
    """What delivery needs of a mailer."""

    def send(self, message: EmailMessage, recipient: str) -> None: ...

    def was_delivered(self, message_id: str) -> bool | None:
        """Return True or False when the mailer can tell, None when it cannot."""


JOURNAL_DIRNAME = "mail-journal"
# A marker outlives its run by far: the next run (15 minutes later) settles what it belongs to.
JOURNAL_KEEP_SECONDS = 7 * 24 * 3600


class SmtpMailer:
    """Deliver through an SMTP server (STARTTLS, SSL or plain), with optional login.

    Just before the message itself is handed over (DATA), a marker is written in the data
    directory's mail journal: a claim without a marker certainly never reached the server.
    """

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self.journal = settings.data_dir / JOURNAL_DIRNAME

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.port, timeout=s.smtp_timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.port, timeout=s.smtp_timeout)
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Send one message to its one recipient."""
        sender = message["From"]
        # Everything up to the DATA command is safe to repeat: the server keeps nothing of a
        # transaction that did not end with the message's final dot.
        smtp: smtplib.SMTP | None = None
        try:
            data = message.as_bytes(policy=default_policy.clone(linesep="\r\n"))
            smtp = self._connect()
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender.addresses[0].addr_spec)
            if code != 250:
                raise DeliveryFailed(f"afzender geweigerd: {code} {reply.decode(errors='replace')}")
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise DeliveryFailed(f"ontvanger {recipient} geweigerd: {code} "
                                     f"{reply.decode(errors='replace')}")
            self._mark_started(message["Message-ID"])
        except DeliveryFailed:
            _quietly_close(smtp)
            raise
        except (OSError, smtplib.SMTPException) as exc:
            _quietly_close(smtp)
            raise DeliveryFailed(f"mailserver {self.settings.smtp_host}:{self.settings.port} "
                                 f"niet bereikbaar of weigert: {exc}") from exc
        except (ValueError, UnicodeError, IndexError, TypeError, MessageError) as exc:  # nothing handed over
            _quietly_close(smtp)
            raise DeliveryFailed(f"bericht kon niet worden opgesteld: {exc}") from exc
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as exc:
            _quietly_close(smtp)
            raise DeliveryFailed(f"bericht geweigerd: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            _quietly_close(smtp)
            raise DeliveryUncertain(f"verbinding verbroken tijdens het afleveren: {exc}") from exc
        _quietly_close(smtp, quit=True)

    def _mark_started(self, message_id: str) -> None:
        """Note that this message is about to be handed over; prune markers long settled."""
        self.journal.mkdir(mode=0o700, parents=True, exist_ok=True)
        cutoff = time.time() - JOURNAL_KEEP_SECONDS
        for old in self.journal.glob("*.started"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                pass
        with open(self.journal / (_file_name(message_id)[:-4] + ".started"), "wb") as f:
            os.fsync(f.fileno())

    def was_delivered(self, message_id: str) -> bool | None:
        """Return False when the send never got to handing the message over, else None (unknown)."""
        if not (self.journal / (_file_name(message_id)[:-4] + ".started")).exists():
            return False
        return None  # an SMTP server cannot be asked


def _quietly_close(smtp: smtplib.SMTP | None, quit: bool = False) -> None:
    if smtp is None:
        return
    try:
        if quit:
            smtp.quit()
        else:
            smtp.close()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _file_name(message_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in message_id.strip("<>")) + ".eml"


class FileSink:
    """Write each message as an .eml file under a directory (the default without an SMTP host)."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Write the message; the rename makes it appear whole or not at all."""
        try:
            data = message.as_bytes(policy=default_policy)
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            final = self.directory / _file_name(message["Message-ID"])
            partial = final.with_suffix(".eml.part")
            with open(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600), "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, final)
        except OSError as exc:
            raise DeliveryFailed(f"kon niet schrijven in {self.directory}: {exc}") from exc
        except (ValueError, UnicodeError, MessageError) as exc:
            raise DeliveryFailed(f"bericht kon niet worden opgesteld: {exc}") from exc

    def was_delivered(self, message_id: str) -> bool | None:
        return (self.directory / _file_name(message_id)).exists()

    def messages(self) -> list[dict[str, str]]:
        """Return the messages in the sink, the newest first (for the outbox page)."""
        found = []
        for path in self.directory.glob("*.eml") if self.directory.exists() else []:
            with open(path, "rb") as f:
                message = BytesParser(policy=default_policy).parse(f, headersonly=True)
            sent = getattr(message["Date"], "datetime", None)  # the header's moment, None when unreadable
            found.append({"name": path.name, "to": str(message["To"]), "subject": str(message["Subject"]),
                          "date": sent.isoformat() if sent else "", "message_id": str(message["Message-ID"]),
                          "mtime": path.stat().st_mtime})
        return sorted(found, key=lambda m: (m["mtime"], m["name"]), reverse=True)

    def read(self, name: str) -> EmailMessage | None:
        """Return one message of the sink by its file name, or None."""
        if name != Path(name).name or not name.endswith(".eml"):
            return None
        path = self.directory / name
        if not path.exists():
            return None
        with open(path, "rb") as f:
            return BytesParser(policy=default_policy).parse(f)  # type: ignore[return-value]


def mailer_for(settings: MailSettings) -> SmtpMailer | FileSink:
    """Return the configured mailer: SMTP when a host is set, else the file sink."""
    if settings.uses_sink:
        return FileSink(settings.sink_path)
    return SmtpMailer(settings)
