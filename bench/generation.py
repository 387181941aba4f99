"""Aggregate generation: total tokens per second with 1, 2, 4 and 8 simultaneous chats (different students,
different questions) against the same number of different questions asked one after another, same run.

    .venv/bin/python -m bench.generation            # the ROS 2 docs, 1 / 2 / 4 / 8 chats
    .venv/bin/python -m bench.generation --quick    # a synthetic corpus, 1 / 2 chats, a few tokens

The model decodes up to `parallel_answers` answers together (inference/batching.py), so the aggregate grows
with the chats until the cores are saturated; `ratio_to_sequential` is the figure the machine's other load
affects least, as both arms share it.
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


def _round(app, questions: list[tuple[str, str]], at_once: bool) -> list[dict]:
    """Ask (user, question) pairs all at once, or one after another; one row per chat."""
    out: list = []
    t0 = time.perf_counter()
    threads = [threading.Thread(target=_chat, args=(app, user, question, out, t0)) for user, question in questions]
    for t in threads:
        t.start()
        if not at_once:
            t.join()
    for t in threads:
        t.join()
    refused = [r for r in out if not r["answered"]]
    if refused:
        raise common.Unanswered(
            f"{len(refused)} of {len(out)} chats were not answered: "
            + "; ".join(f"{r['user']}: HTTP {r['status']} {r['error']}" for r in refused)
        )
    return out


def _figures(out: list[dict]) -> dict:
    wall = max(r["done_s"] for r in out)
    tokens = sum(r["tokens"] for r in out)
    return {
        "tokens": tokens,
        "wall_s": wall,
        "aggregate_tokens_per_s": round(tokens / wall, 2) if wall else None,
        "ttft_s_each": sorted(r["ttft_s"] for r in out if r["ttft_s"] is not None),
    }


def measure(app, quick: bool, tag: str = "generation") -> dict:
    levels = {}
    for n in (1, 2) if quick else (1, 2, 4, 8):
        users = [f"student-{i:02d}" for i in range(n)]
        for user in users:
            app.headers(user)  # sign in first: the clock measures chats only
        level: dict = {"chats": n}
        for arm, at_once in (("one_after_another", False), ("at_once", True)):
            common.log(f"generation: {n} chats {arm.replace('_', ' ')}")
            questions = [
                (user, f"{common.QUESTIONS[(i + n) % len(common.QUESTIONS)]} ({tag} {arm} {n}-{i})")
                for i, user in enumerate(users)
            ]
            level[arm] = _figures(_round(app, questions, at_once))
        together, alone = (
            level["at_once"]["aggregate_tokens_per_s"],
            level["one_after_another"]["aggregate_tokens_per_s"],
        )
        level["ratio_to_sequential"] = round(together / alone, 2) if together and alone else None
        levels[str(n)] = level
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
            "prompt evaluation included; target (issue 11): 4 at once >= 2.0x one after another"
        ],
        begun,
    )


def main(argv: list[str] | None = None) -> int:
    return common.cli("generation", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
