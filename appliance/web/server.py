"""`ragbot serve`: the app under uvicorn, logging JSON to stdout and telling systemd when it is ready."""

import threading

import uvicorn

from appliance.ops.notify import notify
from appliance.settings import Settings
from appliance.web.app import create_app
from appliance.web.observability import log_config
from appliance.web.redirect import redirect_app


class Server(uvicorn.Server):
    """uvicorn's server, sending READY=1 once the models are loaded and the socket listens (Type=notify)."""

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            notify(f"READY=1\nSTATUS=answering on {self.config.host}:{self.config.port}")

    async def shutdown(self, sockets=None) -> None:
        notify("STOPPING=1")
        await super().shutdown(sockets)


def config(settings: Settings, app=None) -> uvicorn.Config:
    """Access lines come from observability.RequestLog (with the request id), so uvicorn's own are off."""
    return uvicorn.Config(
        app or create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=log_config(settings.log_level),
        access_log=False,
        timeout_graceful_shutdown=10,
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
    """Serve the app; with HTTPS and a redirect port, also redirect plain HTTP there (in a thread)."""
    redirect = None
    if settings.tls_cert_file and settings.http_redirect_port:
        redirect = uvicorn.Server(redirect_config(settings))
        threading.Thread(target=redirect.run, name="http-redirect", daemon=True).start()
    try:
        Server(config(settings)).run()
    finally:
        if redirect:
            redirect.should_exit = True
