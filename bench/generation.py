"""Aggregate generation: total tokens per second with 1, 2, 4 and 8 simultaneous chats (different students,
different questions) against the same number of different questions asked one after another, same run.

    .venv/bin/python -m bench.generation            # the ROS 2 docs, 1 / 2 / 4 / 8 chats, each answer mode
    .venv/bin/python -m bench.generation --quick    # a synthetic corpus, 1 / 2 chats, a few tokens
    .venv/bin/python -m bench.generation --engine   # the llama.cpp context alone: its ceiling for 1 / 2 / 4 / 8

The model decodes up to `parallel_answers` answers together (inference/batching.py), so the aggregate grows
with the chats until the cores are saturated; `ratio_to_sequential` is the figure the machine's other load
affects least, as both arms share it. Run on its own appliance, it measures the appliance's default answer
mode (grounded) and then the generative mode (long answers: the model streaming most of the time). Tokens are
the model's, from each answer's `done` timings: a grounded answer streams whole verified sentences, not tokens.
Each mode also reports what its answers cost: prompt and generated tokens, and where the time went. With the
answer cache off (as on its own appliance) both arms ask the same questions, so they generate the same answers
(batched == alone, tests/test_real_batching.py) and the ratio compares the same work; with it on, each arm's
questions are made new.
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
    shown = [seconds for event, seconds, _ in result["events"] if event == "token"]
    first = result["sent"] + shown[0] if shown else None
    timings = (result["done"] or {}).get("timings", {})
    out.append(
        {
            "user": username,
            "status": result["status"],
            "answered": common.answered(result),
            "error": result["error"],
            "tokens": timings.get("tokens") or 0,
            "timings": timings,
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


# Steps an answer's clock marks (answer/answerer.py Clock), in order: where its time to first text goes.
STEPS = ("retrieved", "evidence", "prompt_built", "model_acquired", "first_token")


def answer_costs(timings: list[dict]) -> dict:
    """Medians and 95th percentiles of what answers cost (their `done` timings): prompt and generated tokens,
    and the time from the request to the end of each step."""

    def spread(values: list) -> dict:
        values = [v for v in values if v is not None]
        return {"p50": common.percentile(values, 50), "p95": common.percentile(values, 95), "n": len(values)}

    # A question the material does not cover skips the model; one it reached may still end at once (a greedy
    # first token that is a stop), which is a model answer of no tokens, not a skipped one.
    generated = [t for t in timings if "model_acquired" in t.get("at_ms", {})]
    return {
        "answers": len(timings),
        "model_answers": len(generated),
        "prompt_tokens": spread([t.get("prompt_tokens") for t in generated]),
        "generated_tokens": spread([t["tokens"] for t in generated]),
        "at_ms": {step: spread([t.get("at_ms", {}).get(step) for t in generated]) for step in STEPS},
        "queue_ms": spread([t.get("queue_ms") for t in generated]),
        "generation_ms": spread([t.get("generation_ms") for t in generated]),
    }


def measure(app, quick: bool, tag: str = "generation") -> dict:
    same = app.settings.get("cache_ttl_seconds") == 0  # else the second arm would be answered from the cache
    levels = {}
    costs: list[dict] = []
    for n in (1, 2) if quick else (1, 2, 4, 8):
        users = [f"student-{i:02d}" for i in range(n)]
        for user in users:
            app.headers(user)  # sign in first: the clock measures chats only
        level: dict = {"chats": n}
        for arm, at_once in (("one_after_another", False), ("at_once", True)):
            common.log(f"generation: {n} chats {arm.replace('_', ' ')}")
            label = tag if same else f"{tag} {arm}"
            questions = [
                (user, f"{common.QUESTIONS[(i + n) % len(common.QUESTIONS)]} ({label} {n}-{i})")
                for i, user in enumerate(users)
            ]
            rows = _round(app, questions, at_once)
            costs += [r["timings"] for r in rows]
            level[arm] = _figures(rows)
        together, alone = (
            level["at_once"]["aggregate_tokens_per_s"],
            level["one_after_another"]["aggregate_tokens_per_s"],
        )
        level["ratio_to_sequential"] = round(together / alone, 2) if together and alone else None
        levels[str(n)] = level
    return {"levels": levels, "answers": answer_costs(costs)}


def default_setting(name: str):
    """The appliance's own default for setting `name` (what a deployment runs unless told otherwise)."""
    from appliance.settings import Settings

    fields, defaults = Settings.__struct_fields__, Settings.__struct_defaults__
    return defaults[fields.index(name) - (len(fields) - len(defaults))]


def modes_to_measure(app, shared) -> list[str]:
    """The answer modes a run measures: the appliance's default and generative on its own appliance; a shared
    appliance (`python -m bench`) only in the mode it runs."""
    if shared is not None:
        return [app.settings["answer_mode"]]
    return list(dict.fromkeys([default_setting("answer_mode"), "generative"]))


def run(quick: bool = False, shared=None) -> dict:
    begun = time.perf_counter()
    figures: dict = {"modes": {}}
    with common.appliance(quick, {"cache_ttl_seconds": 0}, shared=shared) as app:
        for mode in modes_to_measure(app, shared):
            if app.settings["answer_mode"] != mode:
                app.stop()
                app.settings["answer_mode"] = mode
                app.start()
            common.log(f"generation: answer_mode = {mode}")
            figures["modes"][mode] = measure(app, quick, f"generation {mode}")
        settings, described = common.server_settings(app), app.corpus
    return common.record(
        "generation",
        described,
        settings,
        figures,
        [],
        [
            "aggregate = all tokens the model generated (each answer's `done` timings) / wall time from the first "
            "request to the last `done`, prompt evaluation included; target (issue 11): 4 at once >= 2.0x one "
            "after another",
            "ttft_s_each = when each chat's first text was shown: in grounded mode its first verified sentence",
        ],
        begun,
    )


# The engine alone (`--engine`): each sequence reads this many prompt tokens, then this many steps are timed.
ENGINE_PROMPT = 200
ENGINE_STEPS = 40


def engine_step_ms(sequences: int, logits: bool) -> tuple[float, float]:
    """Median milliseconds of one decode step carrying a token of each of `sequences` answers, on the appliance's
    own llama.cpp context and nothing else (without `logits` the vocabulary projection is skipped), and the
    prompt tokens per second with which each sequence read its prompt in one batch."""
    import statistics
    import tempfile

    from appliance.inference import llm, manifests
    from appliance.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="ragbot-engine-") as tmp:
        settings = load_settings(environ={}, data_dir=tmp)
        path = manifests.assemble(settings, manifests.find_manifest(settings, settings.llm_model))
        context = llm._Context(path, settings.llm_context, settings.llm_threads, sequences, 1.0)
        reads = []
        for seq in range(1, sequences + 1):
            started = time.perf_counter()
            context.decode([(1000 + i % 50, i, seq, i == ENGINE_PROMPT - 1) for i in range(ENGINE_PROMPT)])
            reads.append(time.perf_counter() - started)
        steps = []
        for step in range(ENGINE_STEPS):
            started = time.perf_counter()
            context.decode([(2000 + step, ENGINE_PROMPT + step, seq, logits) for seq in range(1, sequences + 1)])
            steps.append(time.perf_counter() - started)
    return round(statistics.median(steps) * 1000, 1), round(ENGINE_PROMPT / statistics.median(reads), 1)


def run_engine(quick: bool = False) -> dict:
    """What batching can reach here at best: tokens/s of 1, 2, 4 and 8 sequences decoded together, with and
    without the vocabulary projection (Gemma 3's 262k-token output layer)."""
    begun = time.perf_counter()
    figures = {}
    for n in (1, 2) if quick else (1, 2, 4, 8):
        common.log(f"generation --engine: {n} sequences")
        (with_logits, reading), (without, _) = engine_step_ms(n, True), engine_step_ms(n, False)
        figures[str(n)] = {
            "step_ms": with_logits,
            "tokens_per_s": round(n * 1000 / with_logits, 1),
            "step_ms_without_logits": without,
            "prompt_tokens_per_s": reading,
        }
    for level in figures.values():
        level["ratio_to_one"] = round(level["tokens_per_s"] / figures["1"]["tokens_per_s"], 2)
    notes = [f"median of {ENGINE_STEPS} steps after a {ENGINE_PROMPT}-token prompt per sequence; no sampling"]
    return common.record("generation-engine", {}, {}, figures, [], notes, begun)


def main(argv: list[str] | None = None) -> int:
    """`--engine`: the llama.cpp context alone (run_engine); otherwise chats through the appliance."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--engine" in args:
        args.remove("--engine")
        return common.cli("generation", __doc__, run_engine, args)
    return common.cli("generation", __doc__, run, args)


if __name__ == "__main__":
    sys.exit(main())
