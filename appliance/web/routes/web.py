"""The classroom web app: its page at `/` and its assets under /static, all shipped in the package.

Both are open to anonymous users (the page signs in through the API). Nothing here reaches out: the
Content-Security-Policy (headers.py, on every response) lets the page load and call only the appliance itself.
"""

from pathlib import Path

from litestar import HttpMethod, route
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.response import File, Response
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from appliance.errors import NotFound
from appliance.services import Services
from appliance.web.access import ANYONE, allow

STATIC = Path(__file__).resolve().parent.parent / "static"
PUBLIC = allow(ANYONE)  # routes anyone may fetch, signed in or not


@route("/", http_method=[HttpMethod.GET, HttpMethod.HEAD], include_in_schema=False, opt=PUBLIC, sync_to_thread=False)
def index() -> Response:
    """The single page; the app routes itself with the URL fragment (#/chat, #/documents, ...).

    HEAD answers too (headers only): a school's uptime monitor asks the page that way.
    """
    page = (STATIC / "index.html").read_bytes()
    return Response(page, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


@route(
    "/ca.crt", http_method=[HttpMethod.GET, HttpMethod.HEAD], include_in_schema=False, opt=PUBLIC, sync_to_thread=False
)
def ca_certificate(services: NamedDependency[Services]) -> File:
    """The box's CA certificate, for students to install once so their browser trusts the appliance's HTTPS.

    HEAD answers too: an admin's `curl -I` or a school's link checker sees it is there without downloading it.
    """
    path = services.settings.tls_ca_path
    if path is None or not path.is_file():
        raise NotFound("this appliance has no certificate authority of its own to offer")
    return File(path, filename="ragbot-ca.crt", media_type="application/x-x509-ca-cert")


assets = create_static_files_router(
    path="/static",
    directories=[STATIC],
    name="web-static",
    opt=PUBLIC,
    include_in_schema=False,
    cache_control=CacheControlHeader(no_cache=True),
)

route_handlers: list[ControllerRouterHandler] = [index, ca_certificate, assets]
