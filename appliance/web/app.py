"""create_app(settings): the Litestar application, its lifespan-held services and its one error mapping."""

import asyncio
import logging
import os
from collections.abc import Callable
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import cast

import swagger_ui_bundle
from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Schema
from litestar.static_files import create_static_files_router

from appliance import __version__
from appliance import services as services_module
from appliance.answer.completions import OpenAIError, error_body
from appliance.errors import MB, RagbotError, TooLarge, Unavailable, damaged_database, disk_full, upload_too_large
from appliance.services import Services
from appliance.settings import Settings
from appliance.store import locks
from appliance.web import access, headers, observability, secret
from appliance.web.routes import admin, chat, completions, courses, documents, health, search, web
from appliance.web.routes import auth as auth_routes
from appliance.web.schemas import ErrorBody, SearchRequest

log = logging.getLogger(__name__)
DOCS_ASSETS = "/api/docs/assets"
# Room over max_upload_mb for the multipart framing (boundaries, part headers: a few hundred bytes a file), so that
# the limit is the files' size; the upload route refuses files over it (routes/documents.py).
FRAMING = 64 * 1024
# What each error status means; error_response sends every one of them as an ErrorBody.
ERRORS = {
    400: "Malformed request: which field broke which rule",
    401: "Not signed in, or the token expired or was revoked",
    403: "Signed in, but this role or course may not do that",
    404: "No such thing, or not yours to see",
    405: "The route does not take this method",
    409: "Clashes with what exists (a taken username, a member already in)",
    413: "The body or file is over the configured size limit",
    415: "A file of a type the appliance cannot read",
    429: "A rate limit was hit; Retry-After says when to try again",
    503: "The model queue is full or a component is down; Retry-After may say when",
    507: "The appliance's disk is full: nothing was stored",
}


def error_response(request: Request, exc: Exception) -> Response:
    """Every error leaves as JSON `{"error", "status"}` (on /v1, OpenAI's `{"error": {...}}`); only RagbotError
    and HTTP errors say more than that."""
    headers = {}
    if isinstance(exc, HTTPException) and exc.status_code == TooLarge.status:  # Litestar's, over the body limit
        exc = _too_large(request)
    if isinstance(exc, RagbotError):
        status, message = exc.status, exc.message
        if exc.retry_after:
            headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, ValidationException):
        status, message = 400, _validation_message(exc)
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, exc.detail
        headers.update(exc.headers or {})
    elif full := disk_full(exc):
        log.error("disk full on %s %s: %s", request.method, request.url.path, exc)
        status, message = full.status, full.message
    elif damaged := damaged_database(exc, "of the appliance", "tell the lab admin"):  # a page damaged since the start
        log.error("damaged database on %s %s: %s; run ragbot doctor", request.method, request.url.path, exc)
        status, message = damaged.status, damaged.message
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        status, message = 500, "internal error; the details are in the server log"
    if request.url.path.startswith(completions.router.path + "/"):
        return Response(error_body(status, message), status_code=status, headers=headers)
    return Response(ErrorBody(message, status), status_code=status, headers=headers)


def _tell_if_no_admin(services: Services) -> None:
    """On a new data directory nobody can sign in, and nothing in the web app can change that: say what can."""
    if not services.accounts.admin_exists():
        log.warning(
            "no admin account in %s: make one with `ragbot users add NAME --role admin` (same RAGBOT_DATA_DIR)",
            services.settings.data_path,
        )


def _too_large(request: Request) -> TooLarge:
    """Litestar's bare 413, for a body over the limit and its framing, as one a teacher can act on."""
    limit_mb = ((request.route_handler.resolve_request_max_body_size() or FRAMING) - FRAMING) // MB
    # The body's size when the client said it (not when it came in chunks, cut off at the limit): over the limit
    # by more than the framing, it reads as its files' size once rounded up to a tenth of a MB.
    return upload_too_large(request.content_length, limit_mb)


def _document_errors(app: Litestar) -> None:
    """Every route's OpenAPI entry lists the error statuses it can answer, each an ErrorBody (OpenAI's error shape
    under /v1); a route's own win."""
    for route in app.routes:
        body = OpenAIError if route.path.startswith(completions.router.path + "/") else ErrorBody
        errors = {
            status: ResponseSpec(body, description=description, generate_examples=False)
            for status, description in ERRORS.items()
        }
        for handler in getattr(route, "route_handlers", ()):
            handler.responses = errors | dict(handler.responses or {})


def _document_limits(app: Litestar, settings: Settings) -> None:
    """The OpenAPI document gives the largest k this box takes (max_k, which the search route enforces), not the
    widest any box may be set to (SearchRequest's bound)."""
    properties = app.openapi_schema.components.schemas[SearchRequest.__name__].properties or {}
    cast(Schema, properties["k"]).maximum = settings.max_k


def _validation_message(exc: ValidationException) -> str:
    """Litestar says 'Validation failed for POST /x'; name the field and the rule instead."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    details = [f"{e.get('key') or 'body'}: {e.get('message')}" for e in extra if isinstance(e, dict)]
    return "; ".join(details) or exc.detail


def openapi_config() -> OpenAPIConfig:
    """Swagger UI served from the swagger-ui-bundle package, so the docs page needs no CDN."""
    plugin = SwaggerRenderPlugin(
        path="/",
        js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{DOCS_ASSETS}/favicon-32x32.png'>",
    )
    return OpenAPIConfig(
        title="ragbot",
        version=__version__,
        path="/api/docs",
        render_plugins=[plugin],
        operation_id_creator=_operation_id,
    )


def _operation_id(handler, method: str, path: list) -> str:
    """Unique per route and method (Litestar's default repeats for handlers run in threads)."""
    parts = [getattr(part, "name", part) for part in path]
    return "_".join([method.lower(), *map(str, parts)]).replace("-", "_")


def create_app(
    settings: Settings, services: Services | None = None, build: Callable[[Settings], Services] = services_module.build
) -> Litestar:
    """The app; heavy services load once in the lifespan unless given (tests pass their own)."""

    jwt = access.jwt_auth(secret.load_or_create(settings.secret_path), settings.access_minutes)

    @asynccontextmanager
    async def lifespan(app: Litestar):
        app.state.jwt = jwt
        with ExitStack() as held:
            try:
                if services is None:  # before the models load, a second service on this data folder is refused
                    held.callback(locks.serving(settings.data_path, settings.local_url).release)
                app.state.services = services or await asyncio.to_thread(build, settings)
            except RagbotError as error:  # a bad setting (a server that is not there, say): one line that says so
                log.error("cannot start: %s", error.message)
                raise
            except OSError as error:  # a data folder on a read-only disk, or another user's: a line, not a traceback
                log.error("cannot start: %s; `ragbot doctor` says what to do", error)
                raise Unavailable(str(error)) from None
            _tell_if_no_admin(app.state.services)
            app.state.searches = search.searches(os.cpu_count() or 1)
            try:
                yield
            finally:
                app.state.searches.shutdown(wait=True)
                if services is None:
                    await asyncio.to_thread(app.state.services.close)

    def provide_services(state: State) -> Services:
        return state.services

    docs_assets = create_static_files_router(
        path=DOCS_ASSETS,
        directories=[Path(swagger_ui_bundle.swagger_ui_path)],
        include_in_schema=False,
        opt=access.allow(access.ANYONE),
    )
    app = Litestar(
        route_handlers=[
            documents.DocumentController,
            documents.get_job,
            search.search,
            search.render,
            *chat.handlers,
            completions.router,
            *health.handlers,
            *auth_routes.handlers,
            *courses.handlers,
            *admin.handlers,
            docs_assets,
            *web.route_handlers,
            observability.Metrics,
        ],
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        lifespan=[lifespan, observability.watch],
        middleware=[observability.RequestLog],
        before_send=[headers.add_headers],
        on_app_init=[jwt.on_app_init],
        guards=[access.role_guard],
        exception_handlers={Exception: error_response},
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_upload_mb * MB + FRAMING,
        debug=False,
    )
    _document_errors(app)
    _document_limits(app, settings)
    return app
