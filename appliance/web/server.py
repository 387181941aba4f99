"""`ragbot serve`: the app under uvicorn, logging JSON to stdout and telling systemd when it is ready."""

import asyncio
import contextlib
import logging
import threading

import uvicorn

from appliance.ops import announce, ports, tls
from appliance.ops.notify import notify, watchdog_seconds
from appliance.settings import Settings
from appliance.web.app import create_app
from appliance.web.observability import READY_PATH, log_config
from appliance.web.redirect import redirect_app

log = logging.getLogger(__name__)


class Server(uvicorn.Server):
    """uvicorn's server, sending READY=1 once the models are loaded and the socket listens (Type=notify),
    then WATCHDOG=1 while the app answers (WatchdogSec=)."""

    watchdog: asyncio.Task | None = None

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            notify(f"READY=1\nSTATUS=answering on {self.config.host}:{self.config.port}")
            if interval := watchdog_seconds():
                self.watchdog = asyncio.create_task(keep_alive(self.config.loaded_app, interval / 2))

    async def shutdown(self, sockets=None) -> None:
        notify("STOPPING=1")
        if self.watchdog:
            self.watchdog.cancel()
        await super().shutdown(sockets)


async def keep_alive(app, every: float) -> None:
    """Every `every` seconds, WATCHDOG=1 if the app answered /api/ready in time; a stuck loop sends nothing."""
    while True:
        if await answers(app, timeout=every):
            notify("WATCHDOG=1")
        await asyncio.sleep(every)


async def answers(app, timeout: float) -> bool:
    """True when the ASGI `app` answers GET /api/ready with 200 within `timeout` seconds (in this process)."""
    statuses = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": READY_PATH,
        "raw_path": READY_PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    try:
        await asyncio.wait_for(app(scope, receive, send), timeout)
    except Exception:  # a probe reports failure by not vouching for the service, never by raising
        return False
    return statuses == [200]


# How long an idle connection stays open. Longer than clients keep theirs (httpx 5 s, browsers' pools close
# theirs first), so it is the client that closes: at uvicorn's default of 5 s a student asking again after a
# pause of about 5 s could send a question on a connection the server was closing, and lose it (a POST is not
# retried). The 30-minute soak lost 3 of 14,986 requests that way.
KEEP_ALIVE_SECONDS = 75


def config(settings: Settings, app=None) -> uvicorn.Config:
    """Access lines come from observability.RequestLog (with the request id), so uvicorn's own are off.

    The event loop and HTTP parser are uvicorn's `auto` choices: uvloop and httptools, which pyproject installs
    (a search costs less CPU on them: BENCHMARKS.md, "Search over HTTP, tenth round"), and asyncio's loop and
    h11 where they are missing, so a box without them still serves, only slower."""
    return uvicorn.Config(
        app or create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=log_config(settings.log_level),
        access_log=False,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # With a certificate configured the appliance speaks only HTTPS on its port.
        ssl_certfile=settings.tls_cert_file or None,
        ssl_keyfile=settings.tls_key_file or None,
    )


def redirect_config(settings: Settings) -> uvicorn.Config:
    """The plain-HTTP port of an HTTPS appliance: it answers every request with a redirect to HTTPS."""
    return uvicorn.Config(
        redirect_app(settings.port),
        host=settings.host,
        port=settings.http_redirect_port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )


def serve(settings: Settings) -> None:
    """Serve the app; with HTTPS and a redirect port, also redirect plain HTTP there (in a thread); announce
    NAME.local on the LAN while serving beyond loopback."""
    if settings.tls_cert_file:  # before anything starts: a message that names the setting and its file
        tls.check_pair(settings.tls_cert_file, settings.tls_key_file)
    server = Server(config(settings))  # first: its config sets up the JSON logging the redirect's lines use too
    if refused := ports.refusal(settings.host, settings.port):
        # Before the models load: uvicorn found it after, said only "[Errno 98] ... address already in use", and
        # systemd restarted the service into the same wall, loading the models each time.
        log.error("cannot start: %s; %s", *refused)
        raise SystemExit(3)
    redirect = None
    if settings.tls_cert_file and settings.http_redirect_port:
        redirect = uvicorn.Server(redirect_config(settings))
        threading.Thread(
            target=redirect_plain_http, args=(redirect, settings), name="http-redirect", daemon=True
        ).start()
    with (
        announce.announced(settings.mdns_name, settings.port, bool(settings.tls_cert_file), settings.host)
        if settings.mdns_name
        else contextlib.nullcontext()
    ):
        try:
            server.run()
        finally:
            if redirect:
                redirect.should_exit = True


def redirect_plain_http(redirect: uvicorn.Server, settings: Settings) -> None:
    """Run the redirect port; one it cannot listen on is a warning, not the service's end (HTTPS goes on). It ended
    its thread quietly, after one line that was no JSON, and old http:// bookmarks failed with no word why."""
    with contextlib.suppress(SystemExit):  # uvicorn's answer to a port it cannot bind
        redirect.run()
    if not redirect.started:
        port = settings.http_redirect_port
        log.warning(
            "cannot redirect plain HTTP to HTTPS: %s:%d is taken by another program (find it with `ss -ltnp "
            "'sport = :%d'`) or no address of this box, so http:// addresses fail; the appliance answers on "
            "https://...:%d; free the port and restart, or set http_redirect_port (0: none)",
            settings.host,
            port,
            port,
            settings.port,
        )
