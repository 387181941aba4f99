"""Hybrid search over the course material."""

from litestar import post

from appliance.errors import InvalidInput
from appliance.schemas import SearchRequest
from appliance.services import Services


@post("/api/v1/search", status_code=200, sync_to_thread=True, tags=["search"], summary="Find passages")
def search(data: SearchRequest, services: Services) -> dict:
    max_k = services.settings.max_k
    if data.k > max_k:
        raise InvalidInput(f"k must be between 1 and {max_k}")
    if not data.query.strip():
        raise InvalidInput("the query is empty")
    passages = services.retriever.search(data.query, data.k, data.mode)
    return {"results": [p.to_dict() for p in passages]}
