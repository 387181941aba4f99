"""Who is calling: JWT access tokens (Litestar's JWTAuth), API keys on /v1, and the role every route declares."""

import asyncio
import time
from datetime import timedelta
from functools import lru_cache

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.security.jwt import JWTAuth, Token

from appliance.errors import Forbidden, Unauthorized
from appliance.vocabulary import ROLES

USERS = frozenset(ROLES)
ANYONE = USERS | {"anonymous"}
STAFF = frozenset({"teacher", "admin"})
ADMIN = frozenset({"admin"})
# The OpenAPI page and schema are public documentation; everything else states its roles.
PUBLIC_PREFIXES = ("/api/docs",)
# The OpenAI-compatible routes take API keys (ApiKeyAuth), not the web app's access tokens.
API_KEY_PATHS = "^/v1/"


def allow(roles: frozenset[str]) -> dict:
    """Route options declaring who may call it; anonymous routes skip token checks."""
    return {"roles": roles, "exclude_from_auth": "anonymous" in roles}


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Deny by default: a route without a `roles` rule is closed to everyone.

    A coroutine although it never waits: Litestar runs a plain-function guard in a worker thread, a hand-off on
    every request that cost more than the check itself."""
    if connection.scope["path"].startswith(PUBLIC_PREFIXES):
        return
    roles = handler.opt.get("roles")
    if roles is None:
        raise Forbidden("this route has no access rule")
    if "anonymous" in roles:
        return
    user = connection.scope.get("user")
    if not user:
        raise Unauthorized("sign in first")
    if user["role"] not in roles:
        raise Forbidden(f"a {user['role']} may not do that")


async def _user_from_token(token: Token, connection: ASGIConnection) -> dict | None:
    """The signed-in user, or None (→ 401) when the account is gone or disabled."""
    accounts = connection.app.state.services.accounts
    try:
        user = accounts.get(int(token.sub))
    except Exception:
        return None
    return None if user["disabled"] or not _issued_to(token, user) else user


def _issued_to(token: Token, user: dict) -> bool:
    """Whether the token was issued to this account, not to a deleted one whose id SQLite gave the next account made
    (a deleted student's open page acted as the new account). Tokens from before names were in them carry none."""
    return token.extras.get("name", user["username"]) == user["username"]


# Access tokens kept verified: about one per signed-in browser (each renews every access_minutes).
TOKENS_KEPT = 4096


class CheckedToken(Token):
    """A token whose signature and claims are checked once per process, not on every request: verifying cost
    ~0.15 ms of the event loop per request (pyjwt's HMAC and JSON, then the claims' conversion), a tenth of what
    the loop spends on a search. Only the expiry can turn a valid token invalid later, so it is checked each time."""

    @classmethod
    def decode(cls, encoded_token: str, secret: str, algorithm: str, **checks):  # type: ignore[override]
        token = _verified(encoded_token, secret, algorithm, tuple(sorted(checks.items())))
        if checks.get("verify_exp", True) and token.exp.timestamp() <= time.time():
            raise NotAuthorizedException("Invalid token")  # as pyjwt's expiry check, whose message Litestar hides
        return token


@lru_cache(maxsize=TOKENS_KEPT)
def _verified(encoded_token: str, secret: str, algorithm: str, checks: tuple) -> Token:
    """Litestar's own decoding, kept for a valid token (an invalid one raises, and is not kept)."""
    return Token.decode(encoded_token, secret, algorithm, **dict(checks))


def jwt_auth(secret: str, access_minutes: int) -> JWTAuth:
    return JWTAuth[dict](
        token_secret=secret,
        token_cls=CheckedToken,
        retrieve_user_handler=_user_from_token,
        exclude=[*PUBLIC_PREFIXES, API_KEY_PATHS],
        default_token_expiration=timedelta(minutes=access_minutes),
    )


class ApiKeyAuth(AbstractAuthenticationMiddleware):
    """`Authorization: Bearer <API key>`: the key's user, with their role and courses as they are now."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, key = connection.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Unauthorized("send your API key as `Authorization: Bearer <key>` (make one on your profile page)")
        # In a thread: the lookup also records the key's use, a write that may wait for the database.
        user = await asyncio.to_thread(connection.app.state.services.api_keys.user, key.strip())
        return AuthenticationResult(user=user, auth=None)
