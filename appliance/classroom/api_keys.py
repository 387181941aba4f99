"""Per-user API keys for the OpenAI-compatible endpoint: shown once, stored as a keyed hash, revocable.

A key acts as its user: the same role, courses and hourly question limit, checked at each request, so a
changed role or a disabled account takes effect at once. Keys are 256 random bits, so a fast keyed hash
(HMAC-SHA256 with a key derived from the server secret) is the right store: unlike a password there is no
small space of likely values to guess, so a slow hash (argon2) would add nothing but a few hundred milliseconds
and megabytes to every API request; the hash is looked up by equality in an index, so there is no comparison
to time; and without the server secret a copy of the database (a backup, say) cannot even test a guess.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from functools import cached_property

from appliance.errors import Conflict, InvalidInput, NotFound, Unauthorized
from appliance.store.database import Database, now

PREFIX = "rbk_"  # marks a ragbot key (secret scanners and people can tell it from other tokens)
KEY_FORMAT = re.compile(rf"^{PREFIX}[A-Za-z0-9_-]{{43}}$")
SHOWN = len(PREFIX) + 6  # characters of a key kept in the clear, so its owner can tell their keys apart
MAX_KEYS = 20  # live keys per user: enough for every tool a teacher uses, few enough to review
PUBLIC_FIELDS = ("id", "user_id", "username", "name", "prefix", "created_at", "last_used_at")


class ApiKeys:
    """Create, list, revoke and check API keys; `secret` gives the server's key-hashing key when first needed."""

    def __init__(self, database: Database, secret: Callable[[], bytes]):
        self.database = database
        self._secret = secret

    @cached_property
    def _hash_key(self) -> bytes:
        return self._secret()  # read once, on first use: `ragbot search` never needs it

    def _hash(self, key: str) -> str:
        return hmac.new(self._hash_key, key.encode(), hashlib.sha256).hexdigest()

    def create(self, user: dict, name: str) -> tuple[dict, str]:
        """A new key for `user`: its listing row and the key itself, which is never stored or shown again."""
        name = name.strip()
        if not 1 <= len(name) <= 60:
            raise InvalidInput("a key's name is 1–60 characters, e.g. the tool that will use it")
        if len(self.list(user["id"])) >= MAX_KEYS:
            raise Conflict(f"you have {MAX_KEYS} keys already; revoke one you no longer use")
        key = PREFIX + secrets.token_urlsafe(32)
        row = {
            "user_id": user["id"],
            "name": name,
            "prefix": key[:SHOWN],
            "key_hash": self._hash(key),
            "created_at": now(),
            "last_used_at": None,
            "revoked_at": None,
        }
        key_id = self.database.add_api_key(row)
        return {"id": key_id, "username": user["username"]} | {f: row[f] for f in PUBLIC_FIELDS if f in row}, key

    def list(self, user_id: int | None) -> list[dict]:
        """Live keys of a user (everyone's when None), without their hashes."""
        return self.database.api_keys(user_id)

    def revoke(self, key_id: int, user_id: int | None) -> dict:
        """Revoke a key of this user (any user's when None); someone else's looks like a missing one."""
        row = self.database.revoke_api_key(key_id, user_id)
        if row is None:
            raise NotFound(f"no API key with id {key_id}")
        if row["revoked_at"]:  # revoked twice: "no API key with id 3" sent its owner looking for a key that exists
            raise Conflict(f"API key {key_id} ({row['name']}) was already revoked on {row['revoked_at'][:10]}")
        return row

    def user(self, key: str) -> dict:
        """The enabled user a live key belongs to; one vague 401 for a malformed, unknown or revoked key."""
        row = self.database.api_key(self._hash(key)) if KEY_FORMAT.match(key) else None
        user = self.database.user(row["user_id"]) if row else None
        if user is None or user["disabled"]:
            raise Unauthorized("invalid API key: create one on your profile page (it is shown only once)")
        return user
