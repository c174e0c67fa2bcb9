"""The data directory's secret: it signs the web app's sessions and the action links in reminders.

The web app and the reminder process of one data directory read the same key, so a link made by
the one is recognised by the other. Several nodes sharing one store set TRACKER_SECRET_KEY instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

FILENAME = "secret_key"


def data_secret(data_dir: Path | str) -> str:
    """Return the key kept in the data directory, made (0600) on first use."""
    data_dir = Path(data_dir)
    path = data_dir / FILENAME
    if not path.exists():
        # Written aside and linked into place: worker processes starting at once agree on one key.
        draft = data_dir / f".{FILENAME}.{os.getpid()}.{secrets.token_hex(4)}"
        with open(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def configured_secret(config: Mapping[str, object], data_dir: Path | str) -> str:
    """Return SECRET_KEY (TRACKER_SECRET_KEY) when configured, else the data directory's key."""
    value = config.get("SECRET_KEY")
    return str(value) if value else data_secret(data_dir)
