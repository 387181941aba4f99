"""Evidence and answerability without the model (issue #10): the dev set of bench/answers.py, judged before generation.

    .venv/bin/python -m bench.evidence                     # ingest the dev set (+ textbook distractors), judge
    .venv/bin/python -m bench.evidence --data /tmp/evi     # keep the ingested data dir and reuse it next time
    .venv/bin/python -m bench.evidence --quick             # 2 dev documents, 6 questions
    .venv/bin/python -m bench.evidence --set fresh         # the held-out set (bench/answers/fresh/) instead
    .venv/bin/python -m bench.evidence --set fresh2        # the third, held-out set (bench/answers/fresh2/)
    .venv/bin/python -m bench.evidence --set fresh3        # the fourth, held-out set (bench/answers/fresh3/)
    .venv/bin/python -m bench.evidence --set fresh4        # the fifth, held-out set (bench/answers/fresh4/)
    .venv/bin/python -m bench.evidence --set fresh5        # the sixth, held-out set (bench/answers/fresh5/)
    .venv/bin/python -m bench.evidence --set fresh6        # the seventh, held-out set (bench/answers/fresh6/)
    .venv/bin/python -m bench.evidence --set fresh7        # the eighth, held-out set (bench/answers/fresh7/)
    .venv/bin/python -m bench.evidence --set fresh8        # the ninth, held-out set (bench/answers/fresh8/)
    .venv/bin/python -m bench.evidence --set fresh9        # the tenth, held-out set (bench/answers/fresh9/)
    .venv/bin/python -m bench.evidence --set fresh10       # the eleventh, held-out set (bench/answers/fresh10/)
    .venv/bin/python -m bench.evidence --set fresh11       # the twelfth, held-out set (bench/answers/fresh11/)
    .venv/bin/python -m bench.evidence --set fresh12       # the thirteenth, held-out set (bench/answers/fresh12/)
    .venv/bin/python -m bench.evidence --set fresh13       # the fourteenth, held-out set (bench/answers/fresh13/)
    .venv/bin/python -m bench.evidence --set fresh14       # the fifteenth, held-out set (bench/answers/fresh14/)
    .venv/bin/python -m bench.evidence --set fresh15       # the sixteenth, held-out set (bench/answers/fresh15/)
    .venv/bin/python -m bench.evidence --set fresh16       # the seventeenth, held-out set (bench/answers/fresh16/)
    .venv/bin/python -m bench.evidence --set fresh17       # the eighteenth, follow-ups (bench/answers/fresh17/)
    .venv/bin/python -m bench.evidence --set fresh18       # the nineteenth, yes/no and why (bench/answers/fresh18/)
    .venv/bin/python -m bench.evidence --set fresh19       # the twentieth, several facts (bench/answers/fresh19/)
    .venv/bin/python -m bench.evidence --set fresh20       # the twenty-first, twins (bench/answers/fresh20/)
    .venv/bin/python -m bench.evidence --set fresh21       # the twenty-second, value twins (bench/answers/fresh21/)
    .venv/bin/python -m bench.evidence --set fresh22       # the twenty-third, explanations and procedures (fresh22/)
    .venv/bin/python -m bench.evidence --set fresh23       # the twenty-fourth, when, where and who (fresh23/)
    .venv/bin/python -m bench.evidence --set fresh24       # the twenty-fifth, mixed questions with twins (fresh24/)

The grounded answer can only be as good as what comes before the model: the passages retrieved, the evidence
sentences chosen from them and the yes/maybe/no decision on whether they answer the question. This benchmark
measures those steps in process (the packaged embedder, the appliance's own retriever and answerer, no LLM) so a
change to evidence scoring or answerability is judged in seconds on the `tune` split and reported on `check`
(or, with `--set fresh` / `--set fresh2` / ... / `--set fresh16`, read on the held-out set's `fresh-tune` /
`fresh2-tune` / ... / `fresh16-tune` half and reported on its `fresh` / `fresh2` / ... / `fresh16` half):

- `retrieved`: a retrieved passage contains the expected fact (answerable questions);
- `evidence_best`: the best evidence sentence does, `evidence_chosen`: one of the chosen sentences does;
- `quote_correct`: the extractive answer (the `extractive_quotes` best sentences) states it and the decision is yes;
- `answerable_yes/maybe/no`, `unanswerable_yes/maybe/no`: the decisions (near-topic and off-topic together);
- `retrieve_ms_median`, `evidence_ms_median`: wall time of the two steps (sentence embedding is most of the second).
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from appliance.runtime import configure_process
from bench import answers, common, retrieval


def build(data_dir: Path, quick: bool, name: str = "dev", overrides: dict | None = None):
    """The appliance's services on `data_dir` (no LLM), the question set `name` ingested unless one already is."""
    from appliance import services
    from appliance.settings import load_settings

    settings = load_settings(None, environ={}, data_dir=str(data_dir), ingest_sample=False, **(overrides or {}))
    built = services.build(settings, with_llm=False)
    devset = answers.load_devset(quick, name)
    if not built.database.documents():
        for path, filename in answers.materialise(devset, data_dir.parent / "files"):
            services.ingest_path(built, path, filename)
    return built, devset


def answerer(built):
    """An answerer on the built services with no model: enough to retrieve and assess."""
    from appliance import services
    from appliance.answer.answerer import Answerer
    from appliance.answer.model_queue import ModelGate

    settings = built.settings
    return Answerer(settings, built.retriever, None, ModelGate(1), built.embedder, services.load_kin(settings))


def judge(answerer, item: dict) -> dict:
    """What comes before the model for one question."""
    from appliance.answer.answerer import Question, quotable

    settings = answerer.settings
    made = answers.understood(item)  # a follow-up as the chat makes it standalone
    question = Question(item["question"], search_query=made[0], focus=made[1]) if made else Question(item["question"])
    wide = max(settings.context_sources, settings.evidence_passages)
    began = time.perf_counter()
    relevant = answerer.retrieve(question, wide)
    retrieved = time.perf_counter()
    chosen, decision, _ = answerer.assess(question, relevant) if relevant else ({}, "no", "")
    assessed = time.perf_counter()
    ranked = sorted((e for items in chosen.values() for e in items), key=lambda e: -e.score)
    expect = item.get("expect")

    def has(text: str) -> bool:
        return bool(expect and re.search(expect, text, re.IGNORECASE))

    quotes = " ".join(text for _, text, _ in quotable(chosen)[: settings.extractive_quotes])
    return {
        "id": item["id"],
        "kind": item["kind"],
        "split": item["split"],
        "question": item["question"],
        "decision": decision,
        "retrieved": any(has(p.text) for p in relevant),
        "evidence_best": bool(ranked) and has(ranked[0].text),
        "evidence_chosen": any(has(e.text) for e in ranked),
        "quote_correct": decision == "yes" and has(quotes),
        "best": ranked[0].text if ranked else "",
        "retrieve_ms": round((retrieved - began) * 1000, 1),
        "evidence_ms": round((assessed - retrieved) * 1000, 1),
    }


def figures_for(rows: list[dict]) -> dict:
    """Shares over the answerable questions, and the decisions of each kind."""
    answerable = [r for r in rows if r["kind"] == "answerable"]
    other = [r for r in rows if r["kind"] != "answerable"]
    out: dict = {"answerable": len(answerable), "unanswerable": len(other)}
    for name in ("retrieved", "evidence_best", "evidence_chosen", "quote_correct"):
        out[name] = round(sum(r[name] for r in answerable) / len(answerable), 3) if answerable else None
    for step in ("retrieve_ms", "evidence_ms"):
        out[f"{step}_median"] = round(statistics.median(r[step] for r in rows), 1) if rows else None
    for label, subset in (("answerable", answerable), ("unanswerable", other)):
        counts = Counter(r["decision"] for r in subset)
        for decision in ("yes", "maybe", "no"):
            out[f"{label}_{decision}"] = counts.get(decision, 0)
    return out


def run(quick: bool = False, data: Path | None = None, name: str = "dev", overrides: dict | None = None) -> dict:
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ragbot-evidence-", ignore_cleanup_errors=True) as tmp:
        data_dir = data or Path(tmp) / "data"
        built, devset = build(data_dir, quick, name, overrides)
        try:
            assessing = answerer(built)
            rows = [judge(assessing, item) for item in devset["questions"]]
        finally:
            built.close()
    figures = answers.by_split(rows, devset["splits"], figures_for)
    result = common.record(
        answers.result_name("evidence", name),
        {"set": name, "documents": devset["documents"], "distractors": devset["distractors"]},
        {},
        figures,
        [],
        ["in process, no LLM: retrieval, evidence selection and the answerability decision only"],
        begun,
    )
    return result | {"details": rows}


def main(argv: list[str] | None = None) -> int:
    configure_process()  # before numpy loads: OpenBLAS on one thread, as in the served appliance
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 dev documents and 6 questions, no distractors")
    parser.add_argument("--data", type=Path, help="a data dir to ingest into once and reuse (one per set)")
    parser.add_argument("--set", default="dev", choices=sorted(answers.SETS), help="the question set (default dev)")
    parser.add_argument(
        "--output", type=Path, help="the folder to write evidence.json (evidence-fresh.json) to (default bench/results)"
    )
    parser.add_argument(
        "--with", dest="overrides", type=retrieval.setting, action="append", default=[], help="NAME=VALUE: a setting"
    )
    args = parser.parse_args(argv)
    result = run(args.quick, args.data, args.set, dict(args.overrides))
    common.save(result, args.output)
    for split, figures in result["figures"].items():
        print(split, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
