"""Hybrid search over the course material."""

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

from litestar import Request, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.errors import InvalidInput
from appliance.search.shapes import view
from appliance.services import Services
from appliance.web.access import USERS, allow
from appliance.web.rich import to_nodes
from appliance.web.schemas import Rendered, RenderRequest, SearchRequest, SearchResult, SearchResults
from appliance.web.shown import Shown


@post("/api/v1/search", opt=allow(USERS), status_code=200, tags=["search"], summary="Find passages in your courses")
async def search(
    data: JSONBody[SearchRequest], request: Request, services: NamedDependency[Services], state: State
) -> SearchResults:
    """The search runs on the app's own search threads (`searches`), not Litestar's pool of request threads."""
    max_k = services.settings.max_k
    if data.k > max_k:
        raise InvalidInput(f"k must be between 1 and {max_k}")
    if not data.query.strip():
        raise InvalidInput("the query is empty")
    run = contextvars.copy_context().run  # the request id stays on what the search logs
    return await asyncio.get_running_loop().run_in_executor(state.searches, run, _found, services, request.user, data)


def _found(services: Services, user: dict, data: SearchRequest) -> SearchResults:
    """The passages found for a search request, each with its nodes (blocks: runs on a search thread)."""
    courses = services.courses.scope(user, data.course_id)
    passages = services.retriever.search(data.query, data.k, data.mode, courses)
    shown = Shown(services.database)
    return SearchResults([shown.passage(view(p, SearchResult)) for p in passages])


def searches(cores: int) -> ThreadPoolExecutor:
    """The threads searches run on: as many as cores. A search is mostly Python, which runs one thread at a time;
    more threads only queued at the Retriever's slots, and each wait and wake-up there held the GIL
    (BENCHMARKS.md, "Search over HTTP, seventh round"). A request beyond them waits in the pool's queue, and a
    thread that finishes a search takes the next without being put to sleep and woken."""
    return ThreadPoolExecutor(max_workers=cores, thread_name_prefix="search")


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
