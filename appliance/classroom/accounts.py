"""Users, roles and background levels, and rotating refresh tokens stored hashed."""

import hashlib
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from appliance.classroom.passwords import dummy_hash, hash_password, verify_password
from appliance.errors import Conflict, InvalidInput, NotFound, Unauthorized
from appliance.store.database import Database, now
from appliance.vocabulary import LEVELS, ROLES

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
# Said as the pattern reads: "letters" alone let a student named Ömer or José think theirs were taken.
USERNAME_RULE = (
    "2–40 letters a–z, digits, dots, dashes or underscores (no spaces or accents), starting with a letter or digit"
)
MIN_PASSWORD = 8
DISABLED = "this account is disabled; ask your teacher or the administrator"
PUBLIC_FIELDS = (
    "id",
    "username",
    "role",
    "disabled",
    "software_level",
    "hardware_level",
    "created_at",
    "last_sign_in_at",
)


def public(user: dict) -> dict:
    """A user without the password hash."""
    return {field: user[field] for field in PUBLIC_FIELDS} | {"disabled": bool(user["disabled"])}


def one_time_password() -> str:
    """A password the appliance makes for someone and shows once (96 random bits); they change it on their profile."""
    return secrets.token_urlsafe(12)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """User records and sign-in; the SQL is the database's."""

    def __init__(self, database: Database):
        self.database = database

    def add(
        self,
        username: str,
        password: str,
        role: str = "student",
        software_level: str = "beginner",
        hardware_level: str = "beginner",
    ) -> dict:
        if not USERNAME.match(username):
            raise InvalidInput(f"a username is {USERNAME_RULE}")
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        for level in (software_level, hardware_level):
            if level not in LEVELS:
                raise InvalidInput(f"background levels are {', '.join(LEVELS)}")
        _check_password(password)
        user_id = self.database.add_user(
            {
                "username": username,
                "password_hash": hash_password(password),
                "role": role,
                "disabled": 0,
                "software_level": software_level,
                "hardware_level": hardware_level,
                "created_at": now(),
            }
        )
        if user_id is None:
            raise Conflict(f"the username '{username}' is taken")
        return self.get(user_id)

    def find(self, username: str) -> dict | None:
        return self.database.user_named(username)

    def get(self, user_id: int) -> dict:
        user = self.database.user(user_id)
        if user is None:
            raise NotFound(f"no user with id {user_id}")
        return user

    def named(self, username: str) -> dict:
        user = self.find(username)
        if not user:
            raise NotFound(f"no user named '{username}'")
        return user

    def admin_exists(self) -> bool:
        """Whether someone can sign in as an admin (a new data directory has nobody)."""
        return self.database.admin_exists()

    def list(self) -> list[dict]:
        return [public(u) for u in self.database.users()]

    def update(self, user_id: int, **changes) -> dict:
        for key in ("software_level", "hardware_level"):
            if key in changes and changes[key] not in LEVELS:
                raise InvalidInput(f"{key} must be one of {', '.join(LEVELS)}")
        if "role" in changes and changes["role"] not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        self._keep_an_admin(user_id, changes)
        if "password" in changes:
            _check_password(changes["password"])
            changes["password_hash"] = hash_password(changes.pop("password"))
        self.database.update_user(user_id, changes)
        if changes.get("disabled") or "password_hash" in changes:
            self.revoke_all(user_id)
        return self.get(user_id)

    def _keep_an_admin(self, user_id: int, changes: dict) -> None:
        """Refuse to demote or disable the last admin able to sign in: nobody could manage accounts or models any
        more (`ragbot users role admin teacher` did it on a box with one admin)."""
        user = self.get(user_id)
        stops = changes.get("role", "admin") != "admin" or changes.get("disabled")
        if user["role"] == "admin" and not user["disabled"] and stops and not self.database.admin_exists(user_id):
            raise Conflict(
                f"{user['username']} is the only admin: make another account an admin first "
                "(`ragbot users role NAME admin`), or nobody could manage the appliance"
            )

    def delete(self, user_id: int) -> dict[str, int]:
        """Delete an account and everything it holds (a student's data on request); never the only admin."""
        self._keep_an_admin(user_id, {"disabled": 1})
        return self.database.delete_user(user_id)

    def change_other(self, admin: dict, user_id: int, **changes) -> dict:
        """An admin's change to another account (its role, whether it is disabled, its password); never to their
        own, which could leave the appliance with no admin to sign in as."""
        self.get(user_id)  # a missing account is a 404, not a silent no-op
        if user_id == admin["id"]:
            raise Conflict(
                "an admin cannot change their own role or status here; another admin can (or `ragbot users`)"
            )
        return self.update(user_id, **changes)

    def authenticate(self, username: str, password: str) -> dict:
        """The user, if the password matches and the account is enabled; one vague error otherwise."""
        user = self.find(username)
        if not verify_password(user["password_hash"] if user else dummy_hash(), password) or not user:
            raise Unauthorized("wrong username or password")
        if user["disabled"]:
            raise Unauthorized(DISABLED)
        return user

    def signed_in(self, user_id: int) -> None:
        """Record now as the account's last sign-in."""
        # Only a session begun with the password counts: a refresh or a password change goes on with one.
        self.database.update_user(user_id, {"last_sign_in_at": now()})

    # Refresh tokens: opaque, stored hashed, rotated on use; a reused token revokes its whole family.

    def issue_refresh(self, user_id: int, days: int, family: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(days=days)
        self.database.add_refresh_token(
            {
                "token_hash": _token_hash(token),
                "user_id": user_id,
                "family": family or uuid.uuid4().hex,
                "used": 0,
                "revoked": 0,
                "expires_at": expires.isoformat(),
            }
        )
        return token

    def rotate_refresh(self, token: str, days: int) -> tuple[dict, str]:
        """Spend a refresh token for a new one in the same family."""
        row, reused = self.database.spend_refresh_token(_token_hash(token))
        if row is None:
            raise Unauthorized("unknown refresh token; sign in again")
        user = self.get(row["user_id"])
        # Disabling revoked every token of the account: say why it ended, as sign-in does, not how.
        if user["disabled"]:
            raise Unauthorized(DISABLED)
        if reused:
            raise Unauthorized("this refresh token was already used; all its sessions are signed out")
        if row["revoked"]:  # by a sign-out or a password change, never used: nothing suspicious
            raise Unauthorized("this session was signed out; sign in again")
        if row["expires_at"] < datetime.now(UTC).isoformat():
            raise Unauthorized("the session has expired; sign in again")
        return user, self.issue_refresh(user["id"], days, row["family"])

    def revoke(self, token: str) -> None:
        """Sign out: revoke the family the token belongs to."""
        self.database.revoke_family_of(_token_hash(token))

    def revoke_all(self, user_id: int) -> None:
        self.database.revoke_user_tokens(user_id)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"passwords need at least {MIN_PASSWORD} characters")
