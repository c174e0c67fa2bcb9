"""The e-mails of an account: an invitation to choose a password, and a link to choose a new one."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from notifications.digest import recipient_address, sender_domain
from notifications.mailer import mailer_for
from notifications.settings import MailSettings

TEXTS = {
    "invite": ("Uitnodiging: Voortgang uitvoeringsagenda",
               "U bent uitgenodigd voor Voortgang uitvoeringsagenda, waarin de gemeente de uitvoering van "
               "haar actieplannen bijhoudt.\n\nKies uw wachtwoord via deze link (eenmalig te gebruiken, "
               "{days} dagen geldig):\n\n{url}\n\nDaarna logt u in met uw e-mailadres {email}."),
    "reset": ("Nieuw wachtwoord voor Voortgang uitvoeringsagenda",
              "Er is gevraagd om een nieuw wachtwoord voor uw account {email}.\n\nKies het via deze link "
              "(eenmalig te gebruiken, {minutes} minuten geldig):\n\n{url}\n\nHeeft u dit niet gevraagd? "
              "Dan kunt u dit bericht negeren: uw wachtwoord blijft wat het was."),
}


def account_message(settings: MailSettings, kind: str, *, email: str, name: str, url: str, days: int,
                    minutes: int, moment: datetime) -> EmailMessage:
    """Return the invitation or reset message to one account's own address."""
    subject, text = TEXTS[kind]
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient_address(name, email)
    message["Subject"] = subject
    message["Date"] = format_datetime(moment.astimezone())
    message["Message-ID"] = make_msgid("account", domain=sender_domain(settings))
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "nl"
    message.set_content(f"Beste {name},\n\n" + text.format(url=url, email=email, days=days, minutes=minutes)
                        + "\n\nMet vriendelijke groet,\nVoortgang uitvoeringsagenda\n")
    return message


def send_account_mail(settings: MailSettings, kind: str, **fields) -> None:
    """Send an account's mail now; raises DeliveryFailed or DeliveryUncertain like every mailer."""
    message = account_message(settings, kind, **fields)
    mailer_for(settings).send(message, fields["email"])
