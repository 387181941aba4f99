"""bench.search's lean load generator against a real server (uvicorn, the app, fake models): it reads real responses
and counts a wrong body or status as an error, not as a search."""

import asyncio
import json
import time
from contextlib import contextmanager
from threading import Thread

import httpx

from bench import search
from tests.conftest import sign_in
from tests.realserver import serve


def _searches():
    while True:
        yield "servo angle"


def test_the_lean_client_reads_real_search_responses(settings, services):
    for n in range(6):
        services.ingestor.ingest(f"Servo {n} holds a commanded angle with a pulse.".encode(), f"s{n}.txt")
    with serve(settings, services=services) as running, httpx.Client(base_url=running.base_url) as client:
        headers = sign_in(client, services, "student")
        done = search.burst("lean", running.base_url, headers, 3, search.SAMPLE + 2, _searches())
        assert len(done["times"]) == 3 * (search.SAMPLE + 2) and not done["errors"]
        assert done["cpu"] > 0 and done["wall"] > 0
        figures = search.tally([done], 3)
        assert figures["n"] == len(done["times"]) and figures["client_cpu_ms_per_request"] > 0
        refused = search.burst("lean", running.base_url, {"Authorization": "Bearer nonsense"}, 2, 3, _searches())
        assert refused["errors"] == {"401": 6} and not refused["times"]


@contextmanager
def _server_answering(body: bytes):
    """A loopback HTTP/1.1 server answering every request 200 with `body`, keeping the connection open."""
    ready: list = []

    async def handle(reader, writer):
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
                await reader.readexactly(int(head.split("content-length:")[1].split("\r\n")[0]))
                writer.write(f"HTTP/1.1 200 OK\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body)
        except asyncio.IncompleteReadError:
            writer.close()

    async def main():
        server, stop = await asyncio.start_server(handle, "127.0.0.1", 0), asyncio.Event()
        ready.append((server.sockets[0].getsockname()[1], asyncio.get_running_loop(), stop))
        async with server:
            await stop.wait()

    thread = Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    while not ready:
        time.sleep(0.01)
    port, loop, stop = ready[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


def test_a_wrong_body_is_an_error_not_a_search():
    good = json.dumps({"results": [{"text": "t"}] * search.K}).encode()
    with _server_answering(good) as url:
        done = search.burst("lean", url, {}, 1, search.SAMPLE + 1, _searches())
    assert not done["errors"] and len(done["times"]) == search.SAMPLE + 1
    for wrong in (json.dumps({"results": [{"text": "t"}]}).encode(), b"<html>not json</html>", b"{}"):
        with _server_answering(wrong) as url:
            done = search.burst("lean", url, {}, 2, search.SAMPLE + 1, _searches())
        # The bodies sampled (each client's first and every SAMPLE-th) are checked; the rest count as searches.
        assert done["errors"] == {"malformed body": 4} and len(done["times"]) == 2 * (search.SAMPLE - 1)
