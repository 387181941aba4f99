"""Answer cache: a repeated question answered from the cache, over HTTP (`POST /api/v1/chat`, SSE and JSON).

    .venv/bin/python -m bench.cache            # the ROS 2 docs
    .venv/bin/python -m bench.cache --quick    # a synthetic corpus

The question is asked once (generated and stored), then asked again N times; each repeat's time is from
sending the request to the `done` event (SSE) or to the whole JSON body, on the client's clock. The
baseline in the same run is the first, generated answer.
"""

from __future__ import annotations

import sys
import time

from bench import common


def _ask(client, question: str, stream: bool) -> tuple[float, bool]:
    started = time.perf_counter()
    cached = False
    if stream:
        with client.stream("POST", "/api/v1/chat", json={"message": question, "stream": True}) as response:
            for event, data in common.sse_events(response):
                if event == "done":
                    cached = '"cached": true' in data
    else:
        cached = bool(client.post("/api/v1/chat", json={"message": question}).json().get("cached"))
    return (time.perf_counter() - started) * 1000, cached


def measure(app, quick: bool) -> dict:
    import httpx

    repeats = 10 if quick else 100
    question = "How do I build a workspace with colcon? (cache)"
    with httpx.Client(base_url=app.url, headers=app.headers(), timeout=600) as client:
        first_ms, _ = _ask(client, question, True)
        sse = [_ask(client, question, True) for _ in range(repeats)]
        plain = [_ask(client, question, False) for _ in range(repeats)]
    return {"first_answer_ms": round(first_ms, 1),
            "sse": common.latency([ms for ms, _ in sse]) | {"cached": sum(c for _, c in sse)},
            "json": common.latency([ms for ms, _ in plain]) | {"cached": sum(c for _, c in plain)},
            "speedup_p50_vs_generated": round(first_ms / common.percentile([ms for ms, _ in sse], 50), 1)}


def run(quick: bool = False, shared=None) -> dict:
    begun = time.perf_counter()
    figures, settings, described = common.measure_on_appliance(measure, quick, shared)
    p50 = figures["sse"]["p50_ms"]
    return common.record("cache", described, settings, figures,
                         [common.target("cached answer p50 over HTTP (SSE, to `done`)", "<= 20 ms", p50, p50 <= 20)],
                         ["each repeat also records the exchange in the user's conversation, as the web app's do"],
                         begun)


def main(argv: list[str] | None = None) -> int:
    return common.cli("cache", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
