"""Hybrid search over the course material."""

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import cast

from litestar import Request, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.errors import InvalidInput
from appliance.search.shapes import Passage, view
from appliance.services import Services
from appliance.settings import Settings
from appliance.web.access import USERS, allow
from appliance.web.rich import to_nodes
from appliance.web.schemas import Rendered, RenderRequest, SearchRequest, SearchResult, SearchResults
from appliance.web.shown import Shown


@post("/api/v1/search", opt=allow(USERS), status_code=200, tags=["search"], summary="Find passages in your courses")
async def search(
    data: JSONBody[SearchRequest], request: Request, services: NamedDependency[Services], state: State
) -> SearchResults:
    """The query's vector is made on a search thread (`searches`); the rest of the search runs here, on the event
    loop, unless it would wait for something (`Retriever.search_at_once`), and then on a search thread too.

    Most of a search besides its vector is Python, which runs one thread at a time: on search threads it took turns
    on the GIL with the event loop's, six times as many hand-offs, and cost ~1.5 ms more CPU per search at 8
    clients (BENCHMARKS.md, "Search over HTTP, ninth round"). The vector (onnxruntime, which lets go of the GIL)
    is most of a search's CPU and still runs beside the loop, one per core."""
    k = _how_many(data.k, services.settings)
    if not data.query.strip():
        raise InvalidInput("the query is empty")
    loop, run = asyncio.get_running_loop(), contextvars.copy_context().run  # the request id stays on what it logs
    vector = await loop.run_in_executor(state.searches, run, services.embedder.embed_query, data.query)
    courses = services.courses.scope(request.user, data.course_id)
    retriever = services.retriever
    passages = retriever.search_at_once(data.query, k, data.mode, courses, vector)
    if passages is None:
        waits = partial(retriever.search, data.query, k, data.mode, courses, vector=vector)
        passages = cast(list[Passage], await loop.run_in_executor(state.searches, run, waits))
    shown = Shown(services.database)
    return SearchResults([shown.passage(view(p, SearchResult)) for p in passages])


def _how_many(k: int | None, settings: Settings) -> int:
    """The passages asked for, search_k if none: a fixed 5 ignored the setting, and was refused where max_k < 5."""
    if k is None:
        return settings.search_k
    if k > settings.max_k:
        raise InvalidInput(f"k must be between 1 and {settings.max_k}")
    return k


def searches(cores: int) -> ThreadPoolExecutor:
    """The threads the search route hands work to: as many as cores. A request beyond them waits in the pool's
    queue, and a thread that finishes takes the next without being put to sleep and woken; more threads only
    queued at the Retriever's slots, and each wait and wake-up there held the GIL (BENCHMARKS.md, "Search over
    HTTP, seventh round")."""
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
