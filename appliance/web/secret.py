"""The server secret: generated once, kept in a file only its owner can read; signs tokens, keys pseudonyms."""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from appliance.errors import ConfigError


def load_or_create(path: Path) -> str:
    """Read the secret, creating it (mode 0600) on first use; refuse one others can read."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"secret file {path} is readable by others; run `chmod 600 {path}`")
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ConfigError(f"secret file {path} holds fewer than 32 characters")
    return secret


def derive(secret: str, purpose: str) -> bytes:
    """A key for one purpose, derived from the secret, so no second file has to be kept and backed up."""
    return hmac.new(secret.encode(), f"ragbot {purpose}".encode(), hashlib.sha256).digest()


def fingerprint(path: Path) -> str:
    """Which secret the file holds, without giving it away ("" when there is none): a backup records it, so that a
    restore onto a box with another secret can say what that breaks."""
    return derive(path.read_text().strip(), "fingerprint").hex()[:16] if path.is_file() else ""
