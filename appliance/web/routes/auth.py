"""Sign-in, rotating refresh, sign-out, sign-up and the caller's own profile."""

from typing import Annotated

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta

from appliance.errors import Forbidden, InvalidInput, Unauthorized
from appliance.services import Services
from appliance.vocabulary import Level
from appliance.web.access import ANYONE, USERS, allow
from appliance.web.schemas import (
    ApiKeyList,
    KeyRequest,
    NewApiKey,
    Session,
    SignUpRules,
    User,
    key_view,
    user_view,
)


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=40)]
    password: Annotated[str, Meta(min_length=1, max_length=200)]


class SignUp(Credentials, forbid_unknown_fields=True):
    join_code: Annotated[str, Meta(max_length=40)] | None = None
    software_level: Level = "beginner"
    hardware_level: Level = "beginner"


class RefreshToken(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: Annotated[str, Meta(min_length=1, max_length=200)]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, Meta(min_length=1, max_length=200)]
    new_password: Annotated[str, Meta(min_length=1, max_length=200)]


class Profile(msgspec.Struct, forbid_unknown_fields=True):
    software_level: Level | None = None
    hardware_level: Level | None = None


def _session(request: Request, services: Services, user: dict, refresh: str) -> Session:
    """The sign-in response: a short-lived access token, a refresh token and who you are."""
    extras = {"role": user["role"], "name": user["username"]}  # the name: see access._issued_to
    access = request.app.state.jwt.create_token(identifier=str(user["id"]), token_extras=extras)
    return Session(access, refresh, "bearer", services.settings.access_minutes * 60, user_view(user))


@post("/api/v1/auth/login", opt=allow(ANYONE), sync_to_thread=True, tags=["auth"], summary="Sign in")
def login(data: JSONBody[Credentials], request: Request, services: NamedDependency[Services]) -> Session:
    address = request.client.host if request.client else "unknown"
    services.login_limit.hit(address, services.settings.login_attempts_per_minute, "sign-in attempt")
    services.login_backoff.check(data.username)
    try:
        user = services.accounts.authenticate(data.username, data.password)
    except Unauthorized:
        services.login_backoff.failed(data.username)
        raise
    services.login_backoff.succeeded(data.username)
    services.accounts.signed_in(user["id"])
    return _session(
        request, services, user, services.accounts.issue_refresh(user["id"], services.settings.refresh_days)
    )


@post("/api/v1/auth/refresh", opt=allow(ANYONE), sync_to_thread=True, tags=["auth"], summary="New tokens for old")
def refresh(data: JSONBody[RefreshToken], request: Request, services: NamedDependency[Services]) -> Session:
    user, token = services.accounts.rotate_refresh(data.refresh_token, services.settings.refresh_days)
    return _session(request, services, user, token)


@post(
    "/api/v1/auth/logout",
    opt=allow(ANYONE),
    status_code=204,
    sync_to_thread=True,
    tags=["auth"],
    summary="Sign out (revokes the session)",
)
def logout(data: JSONBody[RefreshToken], services: NamedDependency[Services]) -> None:
    services.accounts.revoke(data.refresh_token)


@post(
    "/api/v1/auth/signup",
    opt=allow(ANYONE),
    status_code=201,
    sync_to_thread=True,
    tags=["auth"],
    summary="Create a student account (when sign-up is open or by join code)",
)
def signup(data: JSONBody[SignUp], request: Request, services: NamedDependency[Services]) -> Session:
    mode = services.settings.signup
    if mode == "closed":
        raise Forbidden("sign-up is closed; ask your teacher for an account")
    if mode == "join_code" and not data.join_code:
        raise InvalidInput("sign-up needs your course's join code")
    address = request.client.host if request.client else "unknown"
    services.login_limit.hit(address, services.settings.login_attempts_per_minute, "sign-in attempt")
    course = services.courses.by_code(data.join_code) if data.join_code else services.courses.get(1)
    user = services.accounts.add(data.username, data.password, "student", data.software_level, data.hardware_level)
    services.courses.add_member(course["id"], user, "student")
    services.audit.record(user, "account.create", f"user {user['username']}", role="student", course=course["id"])
    services.accounts.signed_in(user["id"])  # signing up signs the new student in
    return _session(
        request, services, user, services.accounts.issue_refresh(user["id"], services.settings.refresh_days)
    )


@get(
    "/api/v1/auth/signup",
    opt=allow(ANYONE),
    sync_to_thread=True,
    tags=["auth"],
    summary="Whether sign-up is closed, open, or needs a course's join code; whether there is an admin yet",
)
def signup_rules(services: NamedDependency[Services]) -> SignUpRules:
    return SignUpRules(services.settings.signup, services.accounts.admin_exists())


@get("/api/v1/me", opt=allow(USERS), sync_to_thread=False, tags=["auth"], summary="Your profile")
def me(request: Request) -> User:
    return user_view(request.user)


@patch("/api/v1/me", opt=allow(USERS), sync_to_thread=True, tags=["auth"], summary="Change your background levels")
def update_me(data: JSONBody[Profile], request: Request, services: NamedDependency[Services]) -> User:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    return user_view(services.accounts.update(request.user["id"], **changes) if changes else request.user)


@post(
    "/api/v1/me/password",
    opt=allow(USERS),
    status_code=200,
    sync_to_thread=True,
    tags=["auth"],
    summary="Change your password: your other sessions are signed out, this one goes on with the new session",
)
def change_password(data: JSONBody[PasswordChange], request: Request, services: NamedDependency[Services]) -> Session:
    user = request.user
    # The current password is asked for, as at sign-in and with its backoff: a device left signed in is not enough.
    services.login_backoff.check(user["username"])
    try:
        services.accounts.authenticate(user["username"], data.current_password)
    except Unauthorized:
        services.login_backoff.failed(user["username"])
        # Not 401: the session itself is fine, only the password typed is wrong.
        raise InvalidInput("your current password is not the one typed") from None
    services.login_backoff.succeeded(user["username"])
    changed = services.accounts.update(user["id"], password=data.new_password)
    services.audit.record(user, "account.password", f"user {user['username']}")
    return _session(
        request, services, changed, services.accounts.issue_refresh(user["id"], services.settings.refresh_days)
    )


@get("/api/v1/me/keys", opt=allow(USERS), sync_to_thread=True, tags=["auth"], summary="Your API keys")
def list_keys(request: Request, services: NamedDependency[Services]) -> ApiKeyList:
    return ApiKeyList([key_view(row) for row in services.api_keys.list(request.user["id"])])


@post(
    "/api/v1/me/keys",
    opt=allow(USERS),
    status_code=201,
    sync_to_thread=True,
    tags=["auth"],
    summary="Make an API key for the OpenAI-compatible endpoint (/v1); the key is shown only in this response",
)
def create_key(data: JSONBody[KeyRequest], request: Request, services: NamedDependency[Services]) -> NewApiKey:
    row, key = services.api_keys.create(request.user, data.name)
    services.audit.record(request.user, "api_key.create", f"api key {row['id']}", name=row["name"])
    return msgspec.convert(row | {"key": key}, NewApiKey, strict=False)


@delete("/api/v1/me/keys/{key_id:int}", opt=allow(USERS), sync_to_thread=True, tags=["auth"], summary="Revoke a key")
def revoke_key(key_id: FromPath[int], request: Request, services: NamedDependency[Services]) -> None:
    row = services.api_keys.revoke(key_id, request.user["id"])
    services.audit.record(request.user, "api_key.revoke", f"api key {key_id}", name=row["name"])


handlers = [
    login,
    refresh,
    logout,
    signup,
    signup_rules,
    me,
    update_me,
    change_password,
    list_keys,
    create_key,
    revoke_key,
]
