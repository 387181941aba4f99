"""Streaming overhead: tokens per second streamed over `POST /api/v1/chat` (SSE) against bare llama-cpp-python
generating from the same prompt with the same model, threads, context and sampling, in the same run;
time to first token split into retrieval, prompt evaluation and first token (medians over the questions).

    .venv/bin/python -m bench.streaming              # the ROS 2 docs, 5 questions
    .venv/bin/python -m bench.streaming --files 20   # the first 20 ROS 2 docs only
    .venv/bin/python -m bench.streaming --quick      # a synthetic corpus, 5 questions, a few tokens

For each question: the appliance answers it over SSE (clock on the client; the server's own per-step
timestamps come back in `done`); then this process rebuilds the very prompt the appliance used
(prompt.build over the sources it returned, checked by token count) and runs it through a llama.cpp context
opened with llm.open_llama on the same GGUF, threads and context, while the appliance is idle. Both sides see
the same sequence of prompts, so llama.cpp's prefix (KV) reuse is alike. Any request not answered with a
200 and a `done` event stops the benchmark (common.Unanswered): a refusal is never counted as an answer.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench import common

LEVEL = "intermediate"
QUESTIONS = 5  # enough for a median


def _rate(times: list[float]) -> float | None:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 2 and times[-1] > times[0] else None


def over_http(app, client, question: str) -> dict:
    before = common.cpu_seconds(app.process.pid)
    result = common.require_answer(common.chat(client, {"message": question, "level": LEVEL}), f"SSE {question!r}")
    after = common.cpu_seconds(app.process.pid)
    cpu = after - before if before is not None and after is not None else None
    tokens = [seconds for event, seconds, _ in result["events"] if event == "token"]
    done = result["done"]
    return {
        "status": result["status"],
        "ttft_ms": tokens[0] * 1000 if tokens else None,
        "tokens": len(tokens),
        "tokens_per_s": _rate(tokens),
        "total_ms": result["seconds"] * 1000,
        "server_cpu_ms": cpu * 1000 if cpu is not None else None,
        "server": done.get("timings", {}),
        "sources": done["sources"],
        "covered": done["covered"],
    }


def bare(model, llama, text: str, settings) -> dict:
    from appliance.inference import llm, prompting

    stop = None if model.prompt_style == "chat" else prompting.COMPLETION_STOP
    times = []
    cpu = time.process_time()  # this process does nothing else meanwhile: it is llama.cpp's CPU
    started = time.perf_counter()
    for piece in llm.bare_completion(
        llama, text, max_tokens=settings.max_answer_tokens, temperature=settings.temperature, stop=stop
    ):
        if piece:
            times.append(time.perf_counter())
    return {
        "ttft_ms": (times[0] - started) * 1000 if times else None,
        "tokens": len(times),
        "tokens_per_s": _rate(times),
        "cpu_ms": (time.process_time() - cpu) * 1000,
    }


def load_model(app):
    """The appliance's model as the appliance loads it, with the server's settings."""
    from appliance import services
    from appliance.settings import load_settings

    settings = load_settings(None, environ={}, data_dir=str(app.data_dir), **app.settings)
    return settings, services.load_llm(settings)


def bare_llama(settings):
    """A plain llama-cpp-python context on the same GGUF, threads and context length: the baseline (the
    appliance's own model decodes through its batch scheduler, inference/batching.py)."""
    from appliance.inference import llm, manifests

    manifest = manifests.find_manifest(settings, settings.llm_model)
    context = min(settings.llm_context or manifest.context_length, manifest.context_length)
    path = manifests.assemble(settings, manifest)
    return llm.open_llama(path, context_length=context, threads=settings.llm_threads)


def rebuild_prompt(model, question: str, sources: list[dict], settings):
    import msgspec

    from appliance.answer import prompt
    from appliance.search.shapes import Passage

    passages = [msgspec.convert(s, Passage) for s in sources]
    return prompt.build(model, question, passages, settings.max_answer_tokens, (LEVEL, LEVEL))


def split(served: dict, baseline: dict) -> dict:
    """Where one answer's time to first token went (ms): the server's steps, the wire, and bare llama.cpp."""
    at, sent = served["server"]["at_ms"], served["server"]["first_token_sent_ms"]
    ttft, bare_ttft = served["ttft_ms"], baseline["ttft_ms"]
    retrieval, llama = at["retrieved"] - at["started"], at["first_token"] - at["model_acquired"]
    figures = {
        "request_to_start_ms": at["started"],  # checks, conversation, cache look-up, thread start
        "retrieval_ms": retrieval,
        "prompt_build_ms": at["prompt_built"] - at["retrieved"],
        "queue_ms": at["model_acquired"] - at["prompt_built"],
        "prompt_eval_and_first_token_ms": llama,
        "first_token_to_wire_ms": sent - at["first_token"],
        "http_ms": ttft - sent,  # the request's way to the handler and the first token's way back
        "client_ttft_ms": ttft,
        "bare_prompt_eval_and_first_token_ms": bare_ttft,
        # The target: what the client waits beyond retrieval and bare llama.cpp on the same prompt.
        "overhead_ms": ttft - retrieval - bare_ttft,
        # The same without llama.cpp's run-to-run difference: the service's own code and the wire.
        "service_ms": ttft - retrieval - llama,
    }
    return {key: round(value, 1) for key, value in figures.items()}


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def measure(app, quick: bool) -> dict:
    import httpx

    settings, model = load_model(app)
    llama = bare_llama(settings)
    questions = [f"{q} (streaming {n})" for n, q in enumerate(common.QUESTIONS[:QUESTIONS])]
    rows = []
    with httpx.Client(base_url=app.url, headers=app.headers(), timeout=600) as client:
        warm_question = "What is this course about? (streaming warm-up)"
        warm = over_http(app, client, warm_question)
        if warm["sources"]:
            bare(model, llama, rebuild_prompt(model, warm_question, warm["sources"], settings).text, settings)
        for question in questions:
            common.log(f"streaming: {question}")
            served = over_http(app, client, question)
            if not served["covered"]:
                rows.append({"question": question, "status": served["status"], "covered": False})
                continue
            built = rebuild_prompt(model, question, served["sources"], settings)
            baseline = bare(model, llama, built.text, settings)
            rows.append(
                {
                    "question": question,
                    "status": served["status"],
                    "covered": True,
                    "sse": {k: v for k, v in served.items() if k != "sources"},
                    "bare": baseline,
                    "prompt_tokens": built.tokens,
                    "same_prompt": built.tokens == served["server"]["prompt_tokens"],
                    "ttft_split": split(served, baseline) if served["ttft_ms"] and baseline["ttft_ms"] else None,
                }
            )
    measured = [r for r in rows if r["covered"] and r["sse"]["tokens_per_s"] and r["bare"]["tokens_per_s"]]
    timed = [r for r in rows if r.get("ttft_split")]
    ratios = [r["sse"]["tokens_per_s"] / r["bare"]["tokens_per_s"] for r in measured]
    return {
        "questions": len(questions),
        "answers_measured": len(measured),
        "ttft_measured": len(timed),
        "statuses": sorted({r["status"] for r in rows}),
        "sse_tokens_per_s": median([r["sse"]["tokens_per_s"] for r in measured]),
        "bare_tokens_per_s": median([r["bare"]["tokens_per_s"] for r in measured]),
        "ratio": median(ratios),
        "ratios": [round(r, 3) for r in ratios],
        "ttft_median": {
            key: median([r["ttft_split"][key] for r in timed]) for key in (timed[0]["ttft_split"] if timed else {})
        },
        "overheads_ms": [r["ttft_split"]["overhead_ms"] for r in timed],
        "cpu_ms_median": {
            "server_whole_request": median([r["sse"]["server_cpu_ms"] for r in measured]),
            "bare_whole_completion": median([r["bare"]["cpu_ms"] for r in measured]),
        },
        "prompt_tokens": median([r["prompt_tokens"] for r in measured]),
        "same_prompt_all": all(r.get("same_prompt", True) for r in rows),
        "runs": rows,
    }


def run(quick: bool = False, shared=None) -> dict:
    begun = time.perf_counter()
    figures, settings, described = common.measure_on_appliance(measure, quick, shared)
    ratio, over = figures["ratio"], figures["ttft_median"].get("overhead_ms")
    targets = [
        common.target(
            "SSE tokens/s / bare llama-cpp-python tokens/s (median over answers)",
            ">= 0.95",
            ratio,
            ratio is not None and ratio >= 0.95,
        ),
        common.target(
            "TTFT - (retrieval + bare prompt eval + first token), median",
            "<= 50 ms",
            over,
            over is not None and over <= 50,
        ),
    ]
    return common.record(
        "streaming",
        described,
        settings,
        figures,
        targets,
        [
            "tokens/s counts text pieces after the first, over the time from the first to the last",
            "ttft_median: each step's median over the answers (steps are consecutive on the "
            "server's clock; http_ms is the rest of the client's wait)",
            "cpu: the server process's CPU for the whole request (/proc, 10 ms ticks) against this "
            "process's CPU for the bare completion; less disturbed by other load than wall time",
        ],
        begun,
    )


def main(argv: list[str] | None = None) -> int:
    return common.cli("streaming", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
