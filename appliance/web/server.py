"""`ragbot serve`: the app under uvicorn, logging JSON to stdout and telling systemd when it is ready."""

import uvicorn

from appliance.ops.notify import notify
from appliance.settings import Settings
from appliance.web.app import create_app
from appliance.web.observability import log_config


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
    )


def serve(settings: Settings) -> None:
    Server(config(settings)).run()
