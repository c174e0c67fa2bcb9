"""The SMTP mailer over real TLS: STARTTLS and implicit SSL against aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import ssl
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from notifications.mailer import DeliveryFailed, SmtpMailer
from notifications.settings import MailSettings
from tests.mail_helpers import MailRecorder, free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Voortgang <noreply@teststad.nl>"
    msg["To"] = "anna@teststad.nl"
    msg["Subject"] = "Herinnering"
    msg["Message-ID"] = "<tls-test@teststad.nl>"
    msg.set_content("Mijlpaal over 7 dagen")
    return msg


def settings(tmp_path: Path, port: int, security: str) -> MailSettings:
    return MailSettings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_security=security,
                        smtp_timeout=10)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_delivers_over_tls_to_a_server_it_trusts(tmp_path, monkeypatch, certificate, security) -> None:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our own certificate, as a CA bundle would
    recorder = MailRecorder()
    port = free_port()
    options = ({"tls_context": server_context(cert, key), "require_starttls": True} if security == "starttls"
               else {"ssl_context": server_context(cert, key)})
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        SmtpMailer(settings(tmp_path, port, security)).send(message(), "anna@teststad.nl")
    finally:
        controller.stop()
    assert [m["Subject"] for m in recorder.messages] == ["Herinnering"]


def test_refuses_a_server_whose_certificate_it_does_not_trust(tmp_path, monkeypatch, certificate) -> None:
    cert, key = certificate
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    recorder = MailRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port,
                            tls_context=server_context(cert, key), require_starttls=True)
    controller.start()
    try:
        with pytest.raises(DeliveryFailed):
            SmtpMailer(settings(tmp_path, port, "starttls")).send(message(), "anna@teststad.nl")
    finally:
        controller.stop()
    assert recorder.messages == []
