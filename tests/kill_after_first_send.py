"""`python -m tests.kill_after_first_send ARGS`: the `tracker` command, killed after its first mail.

The process dies (SIGKILL) right after a message was handed to the mail server or the file
sink, before the run records it: what a crash between send and record leaves behind.
"""

from __future__ import annotations

import os
import signal

from cli.main import main
from notifications import mailer


def _killed_after(send):
    def send_then_die(self, message, recipient):
        send(self, message, recipient)
        os.kill(os.getpid(), signal.SIGKILL)
    return send_then_die


for sink in (mailer.SmtpMailer, mailer.FileSink):
    sink.send = _killed_after(sink.send)

main(prog_name="tracker")
