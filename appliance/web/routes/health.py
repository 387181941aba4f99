"""Liveness of each component, and readiness to answer."""

from litestar import get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.response import Response

from appliance.services import Services
from appliance.web.access import ANYONE, allow
from appliance.web.observability import READY_PATH
from appliance.web.schemas import Health, Ready


def _check(probe) -> str:
    try:
        return "ok" if probe() else "down"
    except Exception as error:  # a health check reports failures, it never raises them
        return f"down: {type(error).__name__}"


@get(
    "/api/health",
    opt=allow(ANYONE),
    sync_to_thread=True,
    tags=["health"],
    summary="Status of each component",
    responses={503: ResponseSpec(Health, description="Degraded: at least one component is down")},
)
def health(services: NamedDependency[Services]) -> Response[Health]:
    components = {
        "database": _check(services.database.ping),
        "vector_store": _check(services.vectors.ping),
        "embedder": _check(lambda: len(services.embedder.embed_query("health")) > 0),
        "llm": _check(lambda: services.model is not None and services.model.ping()),
    }
    healthy = all(state == "ok" for state in components.values())
    return Response(Health("ok" if healthy else "degraded", components), status_code=200 if healthy else 503)


@get(READY_PATH, opt=allow(ANYONE), tags=["health"], summary="200 once the models are loaded")
async def ready(services: NamedDependency[Services]) -> Ready:
    return Ready("ready")


handlers = [health, ready]
