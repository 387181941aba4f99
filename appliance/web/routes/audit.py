"""For admins: the accounts, and the audit log of who created, changed or removed accounts, courses, memberships,
documents or data."""

from typing import Annotated

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from appliance.services import Services
from appliance.web.access import ADMIN, allow
from appliance.web.schemas import MAX_ROW, Account, AuditEntry, AuditLog, UserList


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


handlers = [audit_log, users]
