"""Search latency under load: `POST /api/v1/search` over HTTP with 1, 8 and 32 concurrent clients
(p50/p95/p99, requests per second, the server's CPU milliseconds per search), and again at 8 clients while
a chat generation runs. Throughput at saturation is the best requests/s of the levels (32 clients keep
both cores busy).

    .venv/bin/python -m bench.search            # the ROS 2 docs, uploaded to a fresh appliance
    .venv/bin/python -m bench.search --quick    # a synthetic corpus, a few requests
    .venv/bin/python -m bench.search --data DIR --against keyword_backend=sqlite
                                                # serve a copy of an ingested data dir (bench.generalize
                                                # --index's), then the same levels with one setting changed
                                                # (here the search before issue #16), in the same run
    .venv/bin/python -m bench.search --data DIR --client lean,httpx --rounds 4
                                                # both load generators, taking turns burst by burst

Every request is a query never asked before in the run (templates x topics x a counter), so the
query-embedding cache does not flatter the figures: each search embeds its query, asks Chroma and FTS5
and fuses. Clients are asyncio tasks in this process; the appliance is its own process. Both share the
machine's cores, so the load generator is lean (raw asyncio streams over keep-alive connections, requests
encoded before the clock starts, bodies read by Content-Length, one in SAMPLE parsed and its results counted),
and its own CPU per search is reported beside the server's; httpx's client, the generator before the sixth
round, costs several times more.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import common

TEMPLATES = [
    "how do I use {t}",
    "what is {t} in ROS 2",
    "{t} example",
    "explain {t} settings",
    "problem with {t} configuration",
    "{t} and nodes",
]
TOPICS = [
    "topics",
    "services",
    "parameters",
    "launch files",
    "colcon workspaces",
    "packages",
    "quality of service",
    "ros2 bag",
    "tf2 frames",
    "actions",
    "DDS discovery",
    "node composition",
    "lifecycle nodes",
    "rclpy timers",
]


def queries():
    for n in itertools.count():
        for template in TEMPLATES:
            for topic in TOPICS:
                yield template.format(t=topic) + (f" {n}" if n else "")


SEARCH = "/api/v1/search"
K = 5
# One response in SAMPLE (and each client's first) has its body parsed and its results counted; the others are read
# by their Content-Length and status alone, so the client costs the machine little of what it measures.
SAMPLE = 16
CLIENTS = ("lean", "httpx")


def wire_requests(url: str, headers: dict, source, n: int) -> list[bytes]:
    """`n` searches as the bytes sent on the wire (HTTP/1.1, keep-alive), built before the clock starts."""
    host = urlsplit(url).netloc
    fixed = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    out = []
    for _ in range(n):
        body = json.dumps({"query": next(source), "k": K}).encode()
        head = f"POST {SEARCH} HTTP/1.1\r\nHost: {host}\r\n{fixed}Content-Type: application/json\r\n"
        out.append(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return out


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """Send one request on an open connection; its status and body (read by Content-Length)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    at = head.lower().find(b"\r\ncontent-length:")
    if not head.startswith(b"HTTP/1.1 ") or at < 0:
        raise common.Unanswered(f"not an HTTP/1.1 response with a Content-Length: {head[:200]!r}")
    length = int(head[at + 17 : head.index(b"\r\n", at + 2)])
    return int(head[9:12]), await reader.readexactly(length)


def well_formed(body: bytes) -> bool:
    """A search response's body: JSON holding K results, each with its text."""
    try:
        results = json.loads(body)["results"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(results, list) and len(results) == K and all(isinstance(r.get("text"), str) for r in results)


async def _lean(url: str, headers: dict, clients: int, requests_per_client: int, source) -> dict:
    """The load from raw asyncio streams: one keep-alive connection per client, requests encoded beforehand."""
    address = urlsplit(url)
    work = [wire_requests(url, headers, source, requests_per_client) for _ in range(clients)]
    times: list[float] = []
    errors: dict[str, int] = {}

    async def one_client(requests: list[bytes]):
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
        try:
            for n, request in enumerate(requests):
                started = time.perf_counter()
                status, body = await exchange(reader, writer, request)
                elapsed = (time.perf_counter() - started) * 1000
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1
                elif n % SAMPLE == 0 and not well_formed(body):
                    errors["malformed body"] = errors.get("malformed body", 0) + 1
                else:
                    times.append(elapsed)
        finally:
            writer.close()

    clock = Clock()
    await asyncio.gather(*(one_client(requests) for requests in work))
    return clock.burst(times, errors)


async def _httpx(url: str, headers: dict, clients: int, requests_per_client: int, source) -> dict:
    """The load from httpx's async client (the load generator before the sixth round), every body parsed."""
    import httpx

    times: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as client:

        async def one_client():
            for _ in range(requests_per_client):
                started = time.perf_counter()
                response = await client.post(SEARCH, json={"query": next(source), "k": K})
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code == 200:
                    times.append(elapsed)
                else:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1

        clock = Clock()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        return clock.burst(times, errors)


class Clock:
    """Wall and this process's CPU time from the first request of a burst to the last answer."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def burst(self, times: list[float], errors: dict) -> dict:
        return {
            "times": times,
            "errors": errors,
            "wall": time.perf_counter() - self.wall,
            "cpu": time.process_time() - self.cpu,
        }


LOADS = {"lean": _lean, "httpx": _httpx}


def burst(client: str, url: str, headers: dict, clients: int, requests_per_client: int, source) -> dict:
    """One burst of searches from `clients` closed-loop clients of the given kind: latencies, errors, wall, CPU."""
    return asyncio.run(LOADS[client](url, headers, clients, requests_per_client, source))


def tally(bursts: list[dict], clients: int) -> dict:
    """Latency percentiles, searches/s and the client's own CPU per search over some bursts of one level."""
    times = [t for b in bursts for t in b["times"]]
    errors: dict[str, int] = {}
    for b in bursts:
        for name, count in b["errors"].items():
            errors[name] = errors.get(name, 0) + count
    wall, cpu = sum(b["wall"] for b in bursts), sum(b["cpu"] for b in bursts)
    out = common.latency(times) | {"rps": round(len(times) / wall, 1), "errors": errors, "clients": clients}
    if times:
        out["client_cpu_ms_per_request"] = round(cpu * 1000 / len(times), 2)
    return out


def _chat_in_background(app, stop: threading.Event, started: threading.Event, refused: list) -> threading.Thread:
    """Keep one streamed chat generating (a new question each time) until `stop` is set; refusals go to `refused`."""
    import httpx

    def work():
        with httpx.Client(base_url=app.url, headers=app.headers(), timeout=600) as client:
            for n in itertools.count():
                if stop.is_set():
                    return
                question = f"{common.QUESTIONS[n % len(common.QUESTIONS)]} (background {n})"
                with client.stream("POST", "/api/v1/chat", json={"message": question, "stream": True}) as response:
                    if response.status_code != 200:
                        refused.append(f"HTTP {response.status_code}: {response.read()[:300]!r}")
                        started.set()  # nothing will generate: let the measurement stop at once
                        return
                    for event, _ in common.sse_events(response):
                        if event == "token":
                            started.set()
                        if stop.is_set():
                            break

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def _level(app, headers: dict, clients: int, requests_per_client: int, source, arms: tuple, rounds: int) -> dict:
    """One load level from each kind of client, the kinds taking turns burst by burst (so a drift in the machine's
    load falls on each), with the server's CPU time per request: the figure the machine's load inflates least."""
    bursts: dict[str, list[dict]] = {arm: [] for arm in arms}
    for _ in range(rounds):
        for arm in arms:
            before = common.cpu_seconds(app.process.pid)
            one = burst(arm, app.url, headers, clients, max(requests_per_client // rounds, 1), source)
            after = common.cpu_seconds(app.process.pid)
            one["server"] = after - before if before is not None and after is not None else None
            bursts[arm].append(one)
    out = {}
    for arm, done in bursts.items():
        out[arm] = tally(done, clients)
        if out[arm]["n"] and all(b["server"] is not None for b in done):
            server_ms = sum(b["server"] for b in done) * 1000
            out[arm]["server_cpu_ms_per_request"] = round(server_ms / out[arm]["n"], 1)
    return out


def measure(app, quick: bool, with_chat: bool = True, arms: tuple = CLIENTS[:1], rounds: int = 1) -> dict:
    """The levels from each kind of client in `arms` (the first is the benchmark's figure), and the first's 1 and
    8 clients while a chat generates."""
    source = queries()
    per = 5 if quick else 40
    headers = app.headers()
    # Warm up: the first searches pay lazy initialisation, and for the first seconds after start SQLite ranks
    # keywords while the in-memory copy of its index is read.
    warm = time.perf_counter()
    while time.perf_counter() - warm < (1 if quick else 10):
        for arm in arms:
            burst(arm, app.url, headers, 1, 5, source)
    by_arm: dict[str, dict] = {arm: {} for arm in arms}
    for clients in (1, 8, 32):
        n = max(per // max(1, clients // 8), 3) if clients > 1 else per * 2
        common.log(f"search: {clients} clients x {n} requests, {rounds} round(s) of {', '.join(arms)}")
        for arm, level in _level(app, headers, clients, n, source, arms, rounds).items():
            by_arm[arm][str(clients)] = level
    out = {"client": arms[0], "levels": by_arm[arms[0]]}
    out |= {f"levels, {arm} client": by_arm[arm] for arm in arms[1:]}
    if not with_chat:
        return out
    stop, generating, refused = threading.Event(), threading.Event(), list[str]()
    thread = _chat_in_background(app, stop, generating, refused)
    generating.wait(300)
    if refused:
        raise common.Unanswered(f"the background chat was refused, so nothing generated: {refused[0]}")
    common.log("search: 1 and 8 clients while a chat generates")
    busy = {
        c: tally([burst(arms[0], app.url, headers, c, per if c == 1 else max(per // 2, 3), source)], c) for c in (1, 8)
    }
    # The chat's reader runs in this process too: here this process's CPU is not the load generator's alone.
    out["during_generation"] = {
        str(c): {k: v for k, v in f.items() if k != "client_cpu_ms_per_request"} for c, f in busy.items()
    }
    stop.set()
    thread.join(600)
    if refused:
        raise common.Unanswered(f"the background chat was refused during the measurement: {refused[0]}")
    return out


def saturation(levels: dict) -> dict:
    """Searches per second at the busiest level and the server's CPU per search there."""
    best = max(levels.values(), key=lambda level: level["rps"])
    return {"searches_per_s": best["rps"], "clients": best["clients"], "cpu_ms": best.get("server_cpu_ms_per_request")}


def run(
    quick: bool = False,
    shared=None,
    data: Path | None = None,
    against: str | None = None,
    client: str = CLIENTS[0],
    rounds: int = 1,
) -> dict:
    begun = time.perf_counter()
    arms = tuple(client.split(","))
    if not arms or any(arm not in LOADS for arm in arms):
        raise ValueError(f"--client takes {', '.join(CLIENTS)} or both, comma-separated; not {client!r}")
    figures, settings, described = common.measure_on_appliance(
        lambda app, quick: measure(app, quick, arms=arms, rounds=rounds), quick, shared, data
    )
    figures["saturation"] = saturation(figures["levels"])
    if against and shared is None:
        # The same levels on the same data with one setting changed, in this run: the ratios are fair.
        name, _, value = against.partition("=")
        before, _, _ = common.measure_on_appliance(
            lambda app, quick: measure(app, quick, False, arms, rounds), quick, data=data, settings={name: value}
        )
        before["saturation"] = saturation(before["levels"])
        figures[f"against {against}"] = before
        figures[f"ratio to {against}"] = {
            "cpu_ms_per_search": _ratio(figures["saturation"]["cpu_ms"], before["saturation"]["cpu_ms"]),
            "searches_per_s": _ratio(figures["saturation"]["searches_per_s"], before["saturation"]["searches_per_s"]),
            "p50_8_clients": _ratio(figures["levels"]["8"]["p50_ms"], before["levels"]["8"]["p50_ms"]),
        }
    p50_8, p95_8 = figures["levels"]["8"]["p50_ms"], figures["levels"]["8"]["p95_ms"]
    busy = figures["during_generation"]["8"]["p50_ms"]
    factor = round(busy / p50_8, 2) if p50_8 else None
    figures["p50_factor_during_generation_8_clients"] = factor
    targets = [
        common.target("p50 at 8 clients (issue #6)", "<= 30 ms", p50_8, p50_8 is not None and p50_8 <= 30),
        common.target("p50 at 8 clients (issue #16)", "<= 50 ms", p50_8, p50_8 is not None and p50_8 <= 50),
        common.target("p95 at 8 clients", "<= 100 ms", p95_8, p95_8 is not None and p95_8 <= 100),
        common.target(
            "p50 while generating / idle p50 (8 clients)", "<= 2.0", factor, factor is not None and factor <= 2.0
        ),
    ]
    return common.record(
        "search",
        described,
        settings,
        figures,
        targets,
        ["every query is new to the server (no query-embedding cache hits); k=5, hybrid"],
        begun,
    )


def _ratio(value, base):
    return round(value / base, 3) if value is not None and base else None


def main(argv: list[str] | None = None) -> int:
    options = [
        ("--data", {"type": Path, "default": None, "metavar": "DIR", "help": "serve a copy of this ingested data dir"}),
        (
            "--against",
            {"default": None, "metavar": "SETTING=VALUE", "help": "measure the levels again with this setting"},
        ),
        (
            "--client",
            {
                "default": CLIENTS[0],
                "metavar": "KIND[,KIND]",
                "help": "the load generator: lean (raw asyncio streams, the default) or httpx (the one before the "
                "sixth round); both, comma-separated, take turns burst by burst and the first gives the targets",
            },
        ),
        ("--rounds", {"type": int, "default": 1, "help": "bursts per level and client kind (alternating kinds)"}),
    ]
    return common.cli("search", __doc__, run, argv, options=options)


if __name__ == "__main__":
    sys.exit(main())
