"""The classroom web app: its page at `/` and its assets under /static, all shipped in the package.

Both are open to anonymous users (the page signs in through the API). Nothing here reaches out: the
Content-Security-Policy lets the page load and call only the appliance itself.
"""

from pathlib import Path

from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.response import Response
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from appliance.web.auth import ANYONE, allow

STATIC = Path(__file__).resolve().parent.parent / "static"
PUBLIC = allow(ANYONE)  # routes anyone may fetch, signed in or not
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@get("/", include_in_schema=False, opt=PUBLIC, sync_to_thread=False)
def index() -> Response:
    """The single page; the app routes itself with the URL fragment (#/chat, #/documents, ...)."""
    page = (STATIC / "index.html").read_bytes()
    return Response(
        page, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS | {"Cache-Control": "no-cache"}
    )


assets = create_static_files_router(
    path="/static",
    directories=[STATIC],
    name="web-static",
    opt=PUBLIC,
    include_in_schema=False,
    cache_control=CacheControlHeader(no_cache=True),
)

route_handlers: list[ControllerRouterHandler] = [index, assets]
