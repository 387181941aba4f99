"""For admins: the accounts (list, create, change, reset a password), and the audit log of who created, changed or
removed accounts, courses, memberships, documents or data."""

from typing import Annotated

import msgspec
from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from msgspec import Meta

from appliance.classroom.accounts import one_time_password
from appliance.errors import InvalidInput
from appliance.services import Services
from appliance.vocabulary import DEFAULT_COURSE, Role
from appliance.web.access import ADMIN, allow
from appliance.web.schemas import (
    MAX_ROW,
    Account,
    AuditEntry,
    AuditLog,
    IssuedPassword,
    UserList,
    account_view,
)

UserId = Annotated[int, PathParameter(ge=1, le=MAX_ROW)]


class NewAccount(msgspec.Struct, forbid_unknown_fields=True):
    """An account for someone else: the appliance makes its first password and shows it once."""

    username: Annotated[str, Meta(min_length=1, max_length=40)]
    role: Role = "student"
    course_id: Annotated[
        int, Meta(ge=1, le=MAX_ROW, description="The course it joins (teachers as its teachers); default: course 1.")
    ] = DEFAULT_COURSE


class AccountChange(msgspec.Struct, forbid_unknown_fields=True):
    """What changes of another account; a field left out stays as it is."""

    role: Role | None = None
    disabled: Annotated[bool | None, Meta(description="true ends its sessions and stops its sign-ins and API keys")] = (
        None
    )


@get("/api/v1/audit", opt=allow(ADMIN), sync_to_thread=True, tags=["admin"], summary="The audit log, newest first")
def audit_log(
    services: NamedDependency[Services],
    limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ROW, description="page back from this entry id")] = None,
) -> AuditLog:
    return AuditLog(msgspec.convert(services.audit.entries(limit, before), list[AuditEntry]))


@get("/api/v1/users", opt=allow(ADMIN), sync_to_thread=True, tags=["admin"], summary="Every account, by username")
def users(services: NamedDependency[Services]) -> UserList:
    return UserList(msgspec.convert(services.accounts.list(), list[Account]))


@post(
    "/api/v1/users",
    opt=allow(ADMIN),
    status_code=201,
    sync_to_thread=True,
    tags=["admin"],
    summary="Create an account with a one-time password",
)
def create_user(data: JSONBody[NewAccount], request: Request, services: NamedDependency[Services]) -> IssuedPassword:
    course = services.courses.get(data.course_id)  # before the account exists: a missing course leaves nothing made
    password = one_time_password()
    user = services.accounts.add(data.username, password, data.role)
    services.courses.add_member(course["id"], user)
    services.audit.record(
        request.user, "account.create", f"user {user['username']}", role=data.role, course=course["id"]
    )
    return IssuedPassword(account_view(user), password)


@patch(
    "/api/v1/users/{user_id:int}",
    opt=allow(ADMIN),
    sync_to_thread=True,
    tags=["admin"],
    summary="Change another account's role, or disable or enable it",
)
def change_user(
    user_id: UserId, data: JSONBody[AccountChange], request: Request, services: NamedDependency[Services]
) -> Account:
    changes = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not None}
    if not changes:
        raise InvalidInput("say what to change: role, disabled, or both")
    before = services.accounts.get(user_id)
    user = services.accounts.change_other(request.user, user_id, **changes)
    target = f"user {user['username']}"
    if user["role"] != before["role"]:
        services.audit.record(request.user, "account.role", target, role=user["role"], was=before["role"])
    if bool(user["disabled"]) != bool(before["disabled"]):
        services.audit.record(request.user, "account.disable" if user["disabled"] else "account.enable", target)
    return account_view(user)


@post(
    "/api/v1/users/{user_id:int}/password",
    opt=allow(ADMIN),
    status_code=201,
    sync_to_thread=True,
    tags=["admin"],
    summary="Give another account a new one-time password and end its sessions",
)
def reset_password(user_id: UserId, request: Request, services: NamedDependency[Services]) -> IssuedPassword:
    password = one_time_password()
    user = services.accounts.change_other(request.user, user_id, password=password)
    services.audit.record(request.user, "account.password", f"user {user['username']}")
    return IssuedPassword(account_view(user), password)


handlers = [audit_log, users, create_user, change_user, reset_password]
