"""Generation on the in-process model against llama-server with 4 parallel slots, same machine, same run:
aggregate tokens/s and time to first token for 1 and 4 simultaneous questions.

    .venv/bin/python -m bench.backends [--llama-server .wheels/llama-server] [--tokens 64]

Both sides run the appliance's own model classes behind its own fair gate (ModelGate): LlamaCppModel with
one slot (one llama.cpp context), OpenAICompatibleModel with `--parallel 4` slots. Every question is the
same grounded-size prompt with a different number in it (so no side reuses another question's cache),
temperature 0; tokens are the streamed pieces (one token each on both sides). The in-process model is closed
before llama-server starts, so the two never share the CPU.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import threading
import time
from pathlib import Path

from appliance import services
from appliance.answer.model_queue import ModelGate
from appliance.settings import load_settings
from tests.test_real_backends import LlamaServer  # the real tests' launcher: the same server flags

SLOTS = 4
PROMPT = (
    "Answer the question from the facts, citing each fact's number.\n\nFacts:\n"
    "[1] The Vexmoor bracket is machined from anodised titanium and weighs {n} grams.\n"
    "[2] It holds the Quillon camera 14 centimetres above the deck.\n"
    "[3] Fasten it with four M3 bolts tightened to 0.8 newton metres.\n\n"
    "Question: How heavy is the Vexmoor bracket, and what is it made of?\nAnswer:"
)


def ask_at_once(model, gate: ModelGate, questions: int, tokens: int) -> dict:
    """`questions` asked together through the gate: aggregate tokens/s and each one's time to first token."""
    firsts: list[float] = []
    counts: list[int] = []
    began = time.perf_counter()

    def one(n: int) -> None:
        ticket = gate.reserve(f"user{n}")
        asked = time.perf_counter()
        with ticket.hold(lambda: False):
            count = 0
            for _ in model.stream(PROMPT.format(n=n + 100 * questions), max_tokens=tokens, temperature=0.0, stop=[]):
                if not count:
                    firsts.append(time.perf_counter() - asked)
                count += 1
            counts.append(count)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(questions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {
        "questions": questions,
        "tokens": sum(counts),
        "aggregate_tokens_per_s": round(sum(counts) / seconds, 1),
        "ttft_ms_median": round(statistics.median(firsts) * 1000),
        "ttft_ms_max": round(max(firsts) * 1000),
    }


def measure(model, slots: int, tokens: int) -> list[dict]:
    gate = ModelGate(max_queue=16, slots=slots)
    ask_at_once(model, gate, 1, 8)  # warm-up: weights paged in, server connection made
    return [ask_at_once(model, gate, n, tokens) for n in (1, SLOTS)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llama-server", default=".wheels/llama-server")
    parser.add_argument("--tokens", type=int, default=64)
    args = parser.parse_args()
    settings = load_settings()
    results = {}
    model = services.load_llm(settings)
    results["in_process"] = measure(model, 1, args.tokens)
    del model
    gc.collect()
    gguf = services.models.assemble(settings, services.models.find_manifest(settings, settings.llm_model))
    server = LlamaServer(gguf, Path("/tmp/bench-llama-server.log"), binary=Path(args.llama_server))
    server.start()
    try:
        remote = services.load_llm(load_settings(llm_backend="openai", llm_url=server.url, llm_parallel=SLOTS))
        results[f"llama_server_{SLOTS}_slots"] = measure(remote, SLOTS, args.tokens)
    finally:
        server.kill()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
