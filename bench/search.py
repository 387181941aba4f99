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

Every request is a query never asked before in the run (templates x topics x a counter), so the
query-embedding cache does not flatter the figures: each search embeds its query, asks Chroma and FTS5
and fuses. Clients are asyncio tasks in this process; the appliance is its own process.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import time
from pathlib import Path

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


async def _load(url: str, headers: dict, clients: int, requests_per_client: int, source) -> dict:
    import httpx

    times: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as client:

        async def one_client():
            for _ in range(requests_per_client):
                started = time.perf_counter()
                response = await client.post("/api/v1/search", json={"query": next(source), "k": 5})
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code == 200:
                    times.append(elapsed)
                else:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        wall = time.perf_counter() - started
    return common.latency(times) | {"rps": round(len(times) / wall, 1), "errors": errors, "clients": clients}


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


def _level(app, headers: dict, clients: int, requests_per_client: int, source) -> dict:
    """One load level, with the server's CPU time per request: the figure the machine's load inflates least."""
    before = common.cpu_seconds(app.process.pid)
    figures = asyncio.run(_load(app.url, headers, clients, requests_per_client, source))
    after = common.cpu_seconds(app.process.pid)
    if before is not None and after is not None and figures["n"]:
        figures["server_cpu_ms_per_request"] = round((after - before) * 1000 / figures["n"], 1)
    return figures


def measure(app, quick: bool, with_chat: bool = True) -> dict:
    source = queries()
    per = 5 if quick else 40
    headers = app.headers()
    # Warm up: the first searches pay lazy initialisation, and for the first seconds after start SQLite ranks
    # keywords while the in-memory copy of its index is read.
    warm = time.perf_counter()
    while time.perf_counter() - warm < (1 if quick else 10):
        asyncio.run(_load(app.url, headers, 1, 5, source))
    levels = {}
    for clients in (1, 8, 32):
        n = max(per // max(1, clients // 8), 3) if clients > 1 else per * 2
        common.log(f"search: {clients} clients x {n} requests")
        levels[str(clients)] = _level(app, headers, clients, n, source)
    if not with_chat:
        return {"levels": levels}
    stop, generating, refused = threading.Event(), threading.Event(), list[str]()
    thread = _chat_in_background(app, stop, generating, refused)
    generating.wait(300)
    if refused:
        raise common.Unanswered(f"the background chat was refused, so nothing generated: {refused[0]}")
    common.log("search: 1 and 8 clients while a chat generates")
    busy = {
        str(c): asyncio.run(_load(app.url, headers, c, per if c == 1 else max(per // 2, 3), source)) for c in (1, 8)
    }
    stop.set()
    thread.join(600)
    if refused:
        raise common.Unanswered(f"the background chat was refused during the measurement: {refused[0]}")
    return {"levels": levels, "during_generation": busy}


def saturation(levels: dict) -> dict:
    """Searches per second at the busiest level and the server's CPU per search there."""
    best = max(levels.values(), key=lambda level: level["rps"])
    return {"searches_per_s": best["rps"], "clients": best["clients"], "cpu_ms": best.get("server_cpu_ms_per_request")}


def run(quick: bool = False, shared=None, data: Path | None = None, against: str | None = None) -> dict:
    begun = time.perf_counter()
    figures, settings, described = common.measure_on_appliance(measure, quick, shared, data)
    figures["saturation"] = saturation(figures["levels"])
    if against and shared is None:
        # The same levels on the same data with one setting changed, in this run: the ratios are fair.
        name, _, value = against.partition("=")
        before, _, _ = common.measure_on_appliance(
            lambda app, quick: measure(app, quick, with_chat=False), quick, data=data, settings={name: value}
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
    ]
    return common.cli("search", __doc__, run, argv, options=options)


if __name__ == "__main__":
    sys.exit(main())
