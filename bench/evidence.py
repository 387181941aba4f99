"""Evidence and answerability without the model (issue #10): the dev set of bench/answers.py, judged before generation.

    .venv/bin/python -m bench.evidence                     # ingest the dev set (+ textbook distractors), judge
    .venv/bin/python -m bench.evidence --data /tmp/evi     # keep the ingested data dir and reuse it next time
    .venv/bin/python -m bench.evidence --quick             # 2 dev documents, 6 questions

The grounded answer can only be as good as what comes before the model: the passages retrieved, the evidence
sentences chosen from them and the yes/maybe/no decision on whether they answer the question. This benchmark
measures those steps in process (the packaged embedder, the appliance's own retriever and answerer, no LLM) so a
change to evidence scoring or answerability is judged in seconds on the `tune` split and reported on `check`:

- `retrieved`: a retrieved passage contains the expected fact (answerable questions);
- `evidence_best`: the best evidence sentence does, `evidence_chosen`: one of the chosen sentences does;
- `quote_correct`: the extractive answer (the `extractive_quotes` best sentences) states it and the decision is yes;
- `answerable_yes/maybe/no`, `unanswerable_yes/maybe/no`: the decisions (near-topic and off-topic together).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import answers, common

SPLITS = ("overall", "tune", "check")


def build(data_dir: Path, quick: bool):
    """The appliance's services on `data_dir` (no LLM), the dev set ingested unless it already is."""
    from appliance import services
    from appliance.settings import load_settings

    settings = load_settings(None, environ={}, data_dir=str(data_dir), ingest_sample=False)
    built = services.build(settings, with_llm=False)
    devset = answers.load_devset(quick)
    if not built.database.documents():
        for path, name in answers.materialise(devset, data_dir.parent / "files"):
            services.ingest_path(built, path, name)
    return built, devset


def judge(built, item: dict) -> dict:
    """What comes before the model for one question."""
    from appliance.answer.answerer import Answerer, Question, quotable
    from appliance.answer.model_queue import ModelGate

    answerer = Answerer(built.settings, built.retriever, None, ModelGate(1), built.embedder)
    question = Question(item["question"])
    wide = max(built.settings.context_sources, built.settings.evidence_passages)
    relevant = answerer.retrieve(question, wide)
    chosen, decision = answerer.assess(question, relevant) if relevant else ({}, "no")
    ranked = sorted((e for items in chosen.values() for e in items), key=lambda e: -e.score)
    expect = item.get("expect")

    def has(text: str) -> bool:
        return bool(expect and re.search(expect, text, re.IGNORECASE))

    quotes = " ".join(text for _, text, _ in quotable(chosen)[: built.settings.extractive_quotes])
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
    }


def figures_for(rows: list[dict]) -> dict:
    """Shares over the answerable questions, and the decisions of each kind."""
    answerable = [r for r in rows if r["kind"] == "answerable"]
    other = [r for r in rows if r["kind"] != "answerable"]
    out: dict = {"answerable": len(answerable), "unanswerable": len(other)}
    for name in ("retrieved", "evidence_best", "evidence_chosen", "quote_correct"):
        out[name] = round(sum(r[name] for r in answerable) / len(answerable), 3) if answerable else None
    for label, subset in (("answerable", answerable), ("unanswerable", other)):
        counts = Counter(r["decision"] for r in subset)
        for decision in ("yes", "maybe", "no"):
            out[f"{label}_{decision}"] = counts.get(decision, 0)
    return out


def run(quick: bool = False, data: Path | None = None) -> dict:
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ragbot-evidence-", ignore_cleanup_errors=True) as tmp:
        data_dir = data or Path(tmp) / "data"
        built, devset = build(data_dir, quick)
        try:
            rows = [judge(built, item) for item in devset["questions"]]
        finally:
            built.close()
    figures = {split: figures_for([r for r in rows if split == "overall" or r["split"] == split]) for split in SPLITS}
    result = common.record(
        "evidence",
        {"documents": devset["documents"], "distractors": devset["distractors"]},
        {},
        figures,
        [],
        ["in process, no LLM: retrieval, evidence selection and the answerability decision only"],
        begun,
    )
    return result | {"details": rows}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 dev documents and 6 questions, no distractors")
    parser.add_argument("--data", type=Path, help="a data dir to ingest into once and reuse")
    parser.add_argument("--output", type=Path, help="the folder to write evidence.json to (default bench/results)")
    args = parser.parse_args(argv)
    result = run(args.quick, args.data)
    common.save(result, args.output)
    for split in SPLITS:
        print(split, result["figures"][split])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
