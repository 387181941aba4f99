"""Hybrid search over the course material."""

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.errors import InvalidInput
from appliance.search.shapes import view
from appliance.services import Services
from appliance.web.access import USERS, allow
from appliance.web.rich import to_nodes
from appliance.web.schemas import Rendered, RenderRequest, SearchRequest, SearchResult, SearchResults
from appliance.web.shown import Shown


@post(
    "/api/v1/search",
    opt=allow(USERS),
    status_code=200,
    sync_to_thread=True,
    tags=["search"],
    summary="Find passages in your courses",
)
def search(data: JSONBody[SearchRequest], request: Request, services: NamedDependency[Services]) -> SearchResults:
    max_k = services.settings.max_k
    if data.k > max_k:
        raise InvalidInput(f"k must be between 1 and {max_k}")
    if not data.query.strip():
        raise InvalidInput("the query is empty")
    courses = services.courses.scope(request.user, data.course_id)
    passages = services.retriever.search(data.query, data.k, data.mode, courses)
    shown = Shown(services.database)
    return SearchResults([shown.passage(view(p, SearchResult)) for p in passages])


@post(
    "/api/v1/render",
    opt=allow(USERS),
    status_code=200,
    sync_to_thread=True,
    tags=["search"],
    summary="Markdown as safe nodes for the page: code, tables, lists and equations (MathML); HTML stays text",
)
def render(data: JSONBody[RenderRequest]) -> Rendered:
    return Rendered(to_nodes(data.text))
