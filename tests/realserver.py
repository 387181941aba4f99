"""The real appliance on a loopback port, for tests that drive it from outside (a browser, a client).

`serve(settings)` runs create_app on uvicorn in a thread with the packaged models; `no_network()` makes
any non-loopback connection from this process fail and be recorded.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from appliance import services as services_module
from appliance.settings import Settings, load_settings
from appliance.web.app import create_app
from tests.conftest import FakeModel, sign_in

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@contextmanager
def no_network() -> Iterator[list]:
    """Refuse (and record) every connection that is not to loopback; yields the list of attempts."""
    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guarded(original):
        def connect(self, address):
            host = address[0] if isinstance(address, tuple) else address
            if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK:
                attempts.append(address)
                raise OSError(f"test refused a network connection to {address}")
            return original(self, address)

        return connect

    originals = {"connect": real_connect, "connect_ex": real_connect_ex}
    for name, original in originals.items():
        setattr(socket.socket, name, guarded(original))
    try:
        yield attempts
    finally:
        for name, original in originals.items():
            setattr(socket.socket, name, original)


class RealServer:
    """A running appliance: its base URL and the Litestar app (for its services)."""

    def __init__(self, app, base_url: str):
        self.app = app
        self.base_url = base_url

    @property
    def services(self):
        return self.app.state.services


@contextmanager
def serve(settings: Settings, start_timeout: float = 300, services=None) -> Iterator[RealServer]:
    """The appliance built from `settings` (or given its `services`), served by uvicorn on a free loopback port."""
    app = create_app(settings, services)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.time() > deadline:
            raise RuntimeError("the appliance did not start")
        time.sleep(0.2)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RealServer(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(30)


def wait_job(client, job_id: str, timeout: float = 120) -> dict:
    """Poll an ingestion job until it is done or failed."""
    deadline = time.time() + timeout
    while (job := client.get(f"/api/v1/jobs/{job_id}").json())["status"] in ("queued", "running"):
        if time.time() > deadline:
            raise TimeoutError(f"job {job_id} still {job['status']}")
        time.sleep(0.2)
    return job


@contextmanager
def serving_document(settings: Settings, filename: str, body: bytes, media_type: str = "text/markdown"):
    """The appliance on `settings`, a teacher signed in, one document ingested, and no network beyond loopback.

    Yields (client, services, document id).
    """
    with (
        no_network() as attempts,
        serve(settings) as running,
        httpx.Client(base_url=running.base_url, timeout=180) as client,
    ):
        client.headers.update(sign_in(client, running.services, "teacher", "teacher"))
        response = client.post("/api/v1/documents", files=[("files", (filename, body, media_type))])
        job = wait_job(client, response.json()["jobs"][0]["id"])
        assert job["status"] == "done", job
        yield client, running.services, job["document_id"]
    assert attempts == [], f"the appliance tried to reach the network: {attempts}"


@contextmanager
def quoting(data_dir: str, filename: str, body: bytes) -> Iterator[services_module.Services]:
    """The services on the packaged embedder with `body` ingested, answering by quoting (no language model: quotes
    need none, so what is quoted is the evidence the answerer chose)."""
    settings = load_settings(environ={}, data_dir=data_dir, answer_mode="extractive", cache_ttl_seconds=0)
    built = services_module.build(settings, model=FakeModel())
    try:
        built.ingestor.ingest(body, filename)
        yield built
    finally:
        built.close()
