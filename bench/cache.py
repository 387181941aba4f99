"""Answer cache: a repeated question answered from the cache, over HTTP (`POST /api/v1/chat`, SSE and JSON).

    .venv/bin/python -m bench.cache            # the ROS 2 docs
    .venv/bin/python -m bench.cache --quick    # a synthetic corpus

The question is asked once (generated and stored), then asked again N times; each repeat's time is from
sending the request to the `done` event (SSE) or to the whole JSON body, on the client's clock. The
baseline in the same run is the first, generated answer. Every request must be a 200 answer and every
repeat a cache hit (the first not), or the benchmark stops (common.Unanswered) instead of reporting.
"""

from __future__ import annotations

import sys
import time

from bench import common


def _ask(client, question: str, stream: bool) -> tuple[float, dict]:
    """Milliseconds to the whole answer, and its `done` payload; Unanswered unless a 200 answer."""
    started = time.perf_counter()
    if stream:
        done = common.require_answer(common.chat(client, {"message": question}), f"SSE {question!r}")["done"]
    else:
        response = client.post("/api/v1/chat", json={"message": question})
        if response.status_code != 200:
            raise common.Unanswered(f"JSON {question!r}: HTTP {response.status_code}: {response.text[:300]}")
        done = response.json()
    return (time.perf_counter() - started) * 1000, done


def measure(app, quick: bool) -> dict:
    import httpx

    repeats = 10 if quick else 100
    question = "How do I build a workspace with colcon? (cache)"
    with httpx.Client(base_url=app.url, headers=app.headers(), timeout=600) as client:
        first_ms, first = _ask(client, question, True)
        if first.get("cached") or not first["covered"]:
            raise common.Unanswered(
                f"the first answer was {'cached' if first.get('cached') else 'not covered'}: "
                "there is no generated answer to compare with"
            )
        sse = [_ask(client, question, True) for _ in range(repeats)]
        plain = [_ask(client, question, False) for _ in range(repeats)]
    missed = sum(not done.get("cached") for _, done in sse + plain)
    if missed:
        raise common.Unanswered(
            f"{missed} of {2 * repeats} repeats were not cache hits: this does not measure the cache"
        )
    cached_p50 = common.percentile([ms for ms, _ in sse], 50)
    return {
        "answers_measured": 2 * repeats + 1,
        "statuses": [200],
        "first_answer_ms": round(first_ms, 1),
        "sse": common.latency([ms for ms, _ in sse]) | {"cached": len(sse)},
        "json": common.latency([ms for ms, _ in plain]) | {"cached": len(plain)},
        "speedup_p50_vs_generated": round(first_ms / cached_p50, 1) if cached_p50 else None,
    }


def run(quick: bool = False, shared=None) -> dict:
    begun = time.perf_counter()
    figures, settings, described = common.measure_on_appliance(measure, quick, shared)
    p50 = figures["sse"]["p50_ms"]
    return common.record(
        "cache",
        described,
        settings,
        figures,
        [common.target("cached answer p50 over HTTP (SSE, to `done`)", "<= 20 ms", p50, p50 <= 20)],
        ["each repeat also records the exchange in the user's conversation, as the web app's do"],
        begun,
    )


def main(argv: list[str] | None = None) -> int:
    return common.cli("cache", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
