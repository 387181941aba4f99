"""The audit log for admins: who created, changed or removed accounts, courses, memberships, documents or data."""

from typing import Annotated

from litestar import get
from litestar.params import Parameter

from appliance.services import Services
from appliance.web.auth import ADMIN, allow


@get("/api/v1/audit", opt=allow(ADMIN), sync_to_thread=True, tags=["admin"], summary="The audit log, newest first")
def audit_log(
    services: Services,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Parameter(ge=1, description="page back from this entry id")] = None,
) -> dict:
    return {"entries": services.audit.entries(limit, before)}


handlers = [audit_log]
