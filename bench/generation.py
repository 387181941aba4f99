"""Aggregate generation: total tokens per second across 1, 4 and 8 simultaneous chats (different students,
different questions) against the single-stream figure, and each student's time to first token.

    .venv/bin/python -m bench.generation            # the ROS 2 docs, 1 / 4 / 8 chats
    .venv/bin/python -m bench.generation --quick    # a synthetic corpus, 1 / 2 chats, a few tokens

One llama.cpp context serves one generation at a time (generate.ModelGate, round-robin by user), so the
aggregate stays near the single-stream rate and time to first token grows with the place in line.
"""

from __future__ import annotations

import sys
import threading
import time

from bench import common


def _chat(app, username: str, question: str, out: list, t0: float) -> None:
    import httpx

    with httpx.Client(base_url=app.url, headers=app.headers(username), timeout=900) as client:
        result = common.chat(client, {"message": question})
    tokens = [seconds for event, seconds, _ in result["events"] if event == "token"]
    first = result["sent"] + tokens[0] if tokens else None
    out.append(
        {
            "user": username,
            "status": result["status"],
            "answered": common.answered(result),
            "error": result["error"],
            "tokens": len(tokens),
            "ttft_s": round(first - t0, 2) if first else None,
            "done_s": round(time.perf_counter() - t0, 2),
        }
    )


def measure(app, quick: bool, tag: str = "generation") -> dict:
    levels = {}
    for n in (1, 2) if quick else (1, 4, 8):
        for i in range(n):
            app.headers(f"student-{i:02d}")  # sign in first: the clock measures chats only
        common.log(f"generation: {n} simultaneous chats")
        out: list = []
        t0 = time.perf_counter()
        threads = [
            threading.Thread(
                target=_chat,
                args=(
                    app,
                    f"student-{i:02d}",
                    f"{common.QUESTIONS[i % len(common.QUESTIONS)]} ({tag} {n}-{i})",
                    out,
                    t0,
                ),
            )
            for i in range(n)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        refused = [r for r in out if not r["answered"]]
        if refused:
            raise common.Unanswered(
                f"{len(refused)} of {n} simultaneous chats were not answered: "
                + "; ".join(f"{r['user']}: HTTP {r['status']} {r['error']}" for r in refused)
            )
        wall = max(r["done_s"] for r in out)
        tokens = sum(r["tokens"] for r in out)
        ttfts = sorted(r["ttft_s"] for r in out if r["ttft_s"] is not None)
        levels[str(n)] = {
            "chats": n,
            "tokens": tokens,
            "wall_s": wall,
            "aggregate_tokens_per_s": round(tokens / wall, 2) if wall else None,
            "ttft_s_each": ttfts,
            "answers_measured": len(out),
            "statuses": sorted(str(r["status"]) for r in out),
        }
    single = levels["1"]["aggregate_tokens_per_s"]
    for level in levels.values():
        rate = level["aggregate_tokens_per_s"]
        level["ratio_to_single"] = round(rate / single, 2) if rate and single else None
    return {"levels": levels}


def run(quick: bool = False, shared=None) -> dict:
    begun = time.perf_counter()
    figures, settings, described = common.measure_on_appliance(measure, quick, shared)
    return common.record(
        "generation",
        described,
        settings,
        figures,
        [],
        [
            "aggregate = all tokens streamed / wall time from the first request to the last `done`, "
            "prompt evaluation included; no target in the issue, reported for capacity planning"
        ],
        begun,
    )


def main(argv: list[str] | None = None) -> int:
    return common.cli("generation", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
