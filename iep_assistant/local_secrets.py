"""Secrets for the embedded profile, made once per machine and kept in var/secrets.env.

In the production profile secrets come only from the environment (the settings
refuse to start without them); this file is never used there.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

from iep_assistant.config import PROJECT_ROOT, Settings

SECRETS_FILE = PROJECT_ROOT / "var" / "secrets.env"
_FIELDS = {
    "IEP_CHANNEL_SECRET": "channel_secret",
    "RASA_API_TOKEN": "rasa_api_token",
    "ACTION_TOKEN": "action_token",
}


def _read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def with_local_secrets(settings: Settings, path: Path = SECRETS_FILE) -> Settings:
    """Fill the embedded profile's missing secrets from (or into) ``path``."""
    if settings.profile != "embedded":
        return settings
    stored = _read(path)
    changed = False
    updates = {}
    for env_name, attr in _FIELDS.items():
        if getattr(settings, attr):
            continue
        if not stored.get(env_name):
            stored[env_name] = secrets.token_urlsafe(32)
            changed = True
        updates[attr] = stored[env_name]
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("".join(f"{k}={v}\n" for k, v in sorted(stored.items())))
    return dataclasses.replace(settings, **updates)
