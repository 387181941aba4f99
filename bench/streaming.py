"""Streaming overhead: tokens per second streamed over `POST /api/v1/chat` (SSE) against bare llama-cpp-python
generating from the same prompt with the same model, threads, context and sampling, in the same run;
time to first token split into retrieval, queueing, prompt evaluation + first token.

    .venv/bin/python -m bench.streaming            # the ROS 2 docs, 5 questions
    .venv/bin/python -m bench.streaming --quick    # a synthetic corpus, 1 question, a few tokens

For each question: the appliance answers it over SSE (clock on the client); then this process rebuilds the
very prompt the appliance used (prompt.build over the sources it returned, checked by token count) and
runs it through a llama.cpp context opened exactly as the appliance opens its own (llm.open_llama), while
the appliance is idle. Both sides see the same sequence of prompts, so llama.cpp's prefix (KV) reuse is alike.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from bench import common

LEVEL = "intermediate"


def _rate(times: list[float]) -> float | None:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 2 and times[-1] > times[0] else None


def over_http(client, question: str) -> dict:
    tokens, done, sources = [], {}, []
    started = time.perf_counter()
    with client.stream("POST", "/api/v1/chat", json={"message": question, "stream": True, "level": LEVEL}) as response:
        for event, data in common.sse_events(response):
            now = time.perf_counter()
            if event == "sources":
                sources = json.loads(data)
            elif event == "token":
                tokens.append(now)
            elif event == "done":
                done = json.loads(data)
            elif event == "error":
                raise RuntimeError(data)
    ended = time.perf_counter()
    return {"ttft_ms": (tokens[0] - started) * 1000 if tokens else None, "tokens": len(tokens),
            "tokens_per_s": _rate(tokens), "total_ms": (ended - started) * 1000, "server": done.get("timings", {}),
            "sources": done.get("sources", sources), "covered": done.get("covered")}


def bare(model, llama, text: str, settings) -> dict:
    from appliance import llm

    stop = None if model.prompt_style == "chat" else llm.COMPLETION_STOP
    times = []
    started = time.perf_counter()
    for piece in llm.bare_completion(llama, text, max_tokens=settings.max_answer_tokens,
                                     temperature=settings.temperature, stop=stop):
        if piece:
            times.append(time.perf_counter())
    return {"ttft_ms": (times[0] - started) * 1000 if times else None, "tokens": len(times),
            "tokens_per_s": _rate(times)}


def load_model(app):
    """The appliance's model as the appliance loads it, with the server's settings."""
    from appliance import services
    from appliance.settings import load_settings

    settings = load_settings(None, environ={}, data_dir=str(app.data_dir), **app.settings)
    return settings, services.load_llm(settings)


def rebuild_prompt(model, question: str, sources: list[dict], settings):
    from appliance import prompt
    from appliance.retrieve import Passage

    fields = Passage.__dataclass_fields__
    passages = [Passage(**{k: v for k, v in s.items() if k in fields}) for s in sources]
    return prompt.build(model, question, passages, settings.max_answer_tokens, (LEVEL, LEVEL))


def measure(app, quick: bool) -> dict:
    import httpx

    settings, model = load_model(app)
    llama = model._llama  # opened by llm.open_llama, exactly as in the server process
    questions = [f"{q} (streaming {n})" for n, q in enumerate(common.QUESTIONS[: 1 if quick else 5])]
    rows = []
    with httpx.Client(base_url=app.url, headers=app.headers(), timeout=600) as client:
        warm = over_http(client, "What is this course about? (streaming warm-up)")
        if warm["sources"]:
            bare(model, llama, rebuild_prompt(model, "What is this course about? (streaming warm-up)",
                                              warm["sources"], settings).text, settings)
        for question in questions:
            common.log(f"streaming: {question}")
            served = over_http(client, question)
            if not served["covered"]:
                rows.append({"question": question, "covered": False})
                continue
            built = rebuild_prompt(model, question, served["sources"], settings)
            baseline = bare(model, llama, built.text, settings)
            rows.append({"question": question, "sse": {k: v for k, v in served.items() if k != "sources"},
                         "bare": baseline, "prompt_tokens": built.tokens,
                         "same_prompt": built.tokens == served["server"].get("prompt_tokens")})
    measured = [r for r in rows if r.get("sse") and r["sse"]["tokens_per_s"] and r["bare"]["tokens_per_s"]]
    mean = lambda xs: round(statistics.fmean(xs), 2) if xs else None  # noqa: E731
    sse_rate = mean([r["sse"]["tokens_per_s"] for r in measured])
    bare_rate = mean([r["bare"]["tokens_per_s"] for r in measured])
    timed = [r for r in rows if r.get("sse") and r["sse"]["ttft_ms"] and r["bare"]["ttft_ms"]]
    split = {
        "client_ttft_ms": mean([r["sse"]["ttft_ms"] for r in timed]),
        "server_retrieval_ms": mean([r["sse"]["server"].get("retrieval_ms", 0) for r in timed]),
        "server_queue_ms": mean([r["sse"]["server"].get("queue_ms", 0) for r in timed]),
        "server_prompt_eval_and_first_token_ms": mean([r["sse"]["server"].get("first_token_ms", 0) for r in timed]),
        "bare_prompt_eval_and_first_token_ms": mean([r["bare"]["ttft_ms"] for r in timed]),
        "prompt_tokens": mean([r["prompt_tokens"] for r in timed]),
    }
    overheads = [r["sse"]["ttft_ms"] - r["sse"]["server"].get("retrieval_ms", 0) - r["bare"]["ttft_ms"]
                 for r in timed]
    split["ttft_minus_retrieval_minus_bare_ms"] = mean(overheads)
    return {"questions": len(questions), "measured": len(measured),
            "sse_tokens_per_s": sse_rate, "bare_tokens_per_s": bare_rate,
            "ratio": round(sse_rate / bare_rate, 3) if sse_rate and bare_rate else None,
            "ttft": split, "same_prompt_all": all(r.get("same_prompt", True) for r in rows), "runs": rows}


def run(quick: bool = False, shared=None) -> dict:
    begun = time.perf_counter()
    figures, settings, described = common.measure_on_appliance(measure, quick, shared)
    ratio, over = figures["ratio"], figures["ttft"]["ttft_minus_retrieval_minus_bare_ms"]
    targets = [
        common.target("SSE tokens/s / bare llama-cpp-python tokens/s", ">= 0.95", ratio,
                      ratio is not None and ratio >= 0.95),
        common.target("TTFT - (retrieval + bare prompt eval + first token)", "<= 50 ms", over,
                      over is not None and over <= 50),
    ]
    return common.record("streaming", described, settings, figures, targets,
                         ["tokens/s counts text pieces after the first, over the time from the first to the last"],
                         begun)


def main(argv: list[str] | None = None) -> int:
    return common.cli("streaming", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
