"""What an admin sees of the running service: /metrics for Prometheus and JSON log lines with a request id."""

import contextvars
import json
import logging
import re
import time
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from litestar import Litestar
from litestar.plugins.prometheus import PrometheusController

from appliance import metrics
from appliance.metrics import state_collector
from appliance.web import access

REQUEST_ID = contextvars.ContextVar("request_id", default="")
REQUEST_ID_HEADER = "x-request-id"
# An id a proxy or client sends is kept if it is short and plain; anything else is replaced.
READY_PATH = "/api/ready"
GOOD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
access_log = logging.getLogger("ragbot.access")


@asynccontextmanager
async def watch(app: Litestar):
    """Lifespan step: expose the app's services to the scrape-time collector while it runs."""
    collector = state_collector()
    collector.services = app.state.services
    try:
        yield
    finally:
        if collector.services is app.state.services:
            collector.services = None


class Metrics(PrometheusController):
    """GET /metrics in Prometheus text format; open like any exporter (it holds counts, no content)."""

    opt = access.allow(access.ANYONE)
    include_in_schema = False


class RequestLog:
    """ASGI middleware: a request id per request (X-Request-ID, kept if sane, returned), one access-log line, and
    the request counted by route (`metrics.request_done`; /metrics itself is not counted). One middleware: Litestar's
    Prometheus plugin, a second one, cost ~0.8 ms of the event loop per request (BENCHMARKS.md, "Search over HTTP,
    seventh round"). It runs after routing, so a path no route handles makes no series."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = sent if GOOD_ID.fullmatch(sent) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        method, route = scope["method"], scope["path_template"]
        counted = scope["path"] != Metrics.path
        if counted:
            metrics.in_progress(method, route).inc()
        started, status = time.perf_counter(), 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if counted:
                metrics.request_done(method, route, status, time.perf_counter() - started)
            # Probes poll readiness (systemd's watchdog every WatchdogSec/2): their lines would drown the rest.
            access_log.log(
                logging.DEBUG if scope["path"] == READY_PATH else logging.INFO,
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "fields": {
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "client": (scope.get("client") or ("", 0))[0],
                    }
                },
            )
            REQUEST_ID.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for journald: time, level, logger, message, request id and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := REQUEST_ID.get():
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# The last line of a traceback whose error is the appliance's own (in an exception group too: "  | ...").
OWN_ERROR = re.compile(r"^[\s|+]*appliance\.errors\.\w+: ", re.MULTILINE)


class ExplainedFailure(logging.Filter):
    """Drops uvicorn's copy of the traceback of a start-up the app refused with one of its own errors: the app
    has logged `cannot start: ...`, the one line OPERATIONS.md promises, which sixty lines after it buried."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not ("Traceback (most recent call last)" in text and OWN_ERROR.search(text))


def log_config(level: str) -> dict:
    """logging.dictConfig for `ragbot serve`: everything, uvicorn's own lines included, as JSON on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"explained": {"()": ExplainedFailure}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"handlers": ["stdout"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True, "filters": ["explained"]},
        },
    }
