"""Every benchmark in one command: `.venv/bin/python -m bench` (add `--quick` for a tiny run).

Runs, in order: ingestion (in-process, against the embedder alone), retrieval (Cranfield, bench.retrieval),
then one appliance process on a fresh data dir: footprint (start to ready, the corpus uploaded over HTTP,
peak memory), search latency, streaming against bare llama-cpp-python, cache, aggregate generation and the
classroom load test against that same appliance; then answer quality (bench.answers: the dev set in each
answer mode, on appliances of its own). Writes each result to bench/results/<name>.json, all of
them to bench/results/latest.json, and a Markdown summary to bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import answers, cache, classroom, common, footprint, generation, ingestion, search, streaming

ORDER = ("ingestion", "retrieval", "footprint", "search", "streaming", "cache", "generation", "classroom", "answers")
# These share one appliance; `answers` restarts appliances of its own (one per answer mode).
ON_SHARED_APPLIANCE = ORDER[2:-1]


def synthetic_cranfield(folder: Path, documents: int = 12) -> Path:
    """A Cranfield-format mini collection (documents, queries, graded judgments) for quick runs."""
    folder.mkdir(parents=True, exist_ok=True)
    topics = list(common.TOPICS.items())
    docs, queries, qrels = [], [], []
    for n in range(1, documents + 1):
        name, text = topics[(n - 1) % len(topics)]
        docs.append(f".I {n}\n.T\n{name} notes {n}\n.A\nbench\n.B\nsynthetic\n.W\n{name} notes {n}\n{text}\n")
    for q, (name, _text) in enumerate(topics[:4], 1):
        queries.append(f".I {q:03d}\n.W\nwhat is said about {name}?\n")
        qrels += [
            f"{q} {n} {1 + (n > len(topics))}"
            for n in range(1, documents + 1)
            if topics[(n - 1) % len(topics)][0] == name
        ]
    (folder / "cran.all.1400").write_text("".join(docs))
    (folder / "cran.qry").write_text("".join(queries))
    (folder / "cranqrel").write_text("\n".join(qrels) + "\n")
    return folder


def run_retrieval(quick: bool, output: Path, scratch: Path) -> dict:
    from bench import retrieval

    out = output / "retrieval.json"
    args = ["--output", str(out), "--quiet"]
    if quick or not retrieval.DEFAULT_DATA.is_dir():
        args += ["--data", str(synthetic_cranfield(scratch / "cranfield"))]
    retrieval.main(args)
    result = json.loads(out.read_text())
    modes = result.get("modes", {})
    hybrid = modes.get("hybrid", {}).get("ndcg@10")
    result.setdefault(
        "figures", {name: {k: v for k, v in f.items() if not k.startswith("per_query")} for name, f in modes.items()}
    )
    result.setdefault(
        "targets", [common.target("hybrid nDCG@10", ">= 0.45", hybrid, hybrid is not None and hybrid >= 0.45)]
    )
    return result


def run_all(quick: bool, output: Path, seconds: float | None, only: set[str] | None = None) -> dict:
    results: dict[str, dict] = {}
    failures: dict[str, str] = {}
    wanted = lambda name: not only or name in only  # noqa: E731

    def attempt(name, call):
        if not wanted(name):
            return
        common.log(f"=== {name}")
        try:
            result = call()
        except Exception:
            failures[name] = traceback.format_exc()
            common.log(failures[name])
            return
        results[name] = result
        common.save(result, output)

    with tempfile.TemporaryDirectory(prefix="ragbot-bench-", ignore_cleanup_errors=True) as tmp:
        scratch = Path(tmp)
        attempt("ingestion", lambda: ingestion.run(quick))
        attempt("retrieval", lambda: run_retrieval(quick, output, scratch))
        if any(wanted(n) for n in ON_SHARED_APPLIANCE):
            begun = time.perf_counter()
            app = None
            try:
                app, figures, described = footprint.start_and_ingest(quick, scratch / "appliance")
                attempt("footprint", lambda: footprint.record(app, figures, described, begun))
                attempt("search", lambda: search.run(quick, shared=app))
                attempt("streaming", lambda: streaming.run(quick, shared=app))
                attempt("cache", lambda: cache.run(quick, shared=app))
                attempt("generation", lambda: generation.run(quick, shared=app))
                attempt("classroom", lambda: classroom.run(quick, seconds, shared=app))
                if "footprint" in results:
                    results["footprint"]["figures"]["peak_rss_mb_end_of_all_benchmarks"] = app.memory().get(
                        "peak_rss_mb"
                    )
                    common.save(results["footprint"], output)
            except Exception:
                failures["appliance"] = traceback.format_exc()
                common.log(failures["appliance"])
            finally:
                if app:
                    app.stop()
        attempt("answers", lambda: answers.run(quick))
    return {"date": common.now(), "quick": quick, "machine": common.machine(), "results": results, "failures": failures}


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return "`" + json.dumps(value, separators=(", ", ": "))[:200] + "`"
    return str(value)


def markdown(everything: dict) -> str:
    m = everything["machine"]
    lines = [
        f"# Benchmark results, {everything['date']}{' (quick run)' if everything['quick'] else ''}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
        f"load average at the end {m['load_average']}.",
        "",
        "## Targets",
        "",
        "| benchmark | target | wanted | value | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, result in everything["results"].items():
        for t in result.get("targets", []):
            met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
            lines.append(f"| {name} | {t['name']} | {t['target']} | {_cell(t['value'])} | {met} |")
    for name, result in everything["results"].items():
        lines += [
            "",
            f"## {name}",
            "",
            f"Corpus: {_cell(result.get('corpus'))}",
            "",
            f"Settings: {_cell(result.get('settings'))}",
            "",
            "| figure | value |",
            "| --- | --- |",
        ]
        for key, value in result.get("figures", {}).items():
            if key == "runs":
                continue
            if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
                for sub, inner in value.items():
                    lines.append(f"| {key} / {sub} | {_cell(inner)} |")
            else:
                lines.append(f"| {key} | {_cell(value)} |")
        for note in result.get("notes", []):
            lines.append(f"\nNote: {note}")
    if everything["failures"]:
        lines += ["", "## Failures", ""]
        for name, error in everything["failures"].items():
            lines += [f"### {name}", "", "```", error.strip()[-2000:], "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny synthetic inputs: every benchmark in a few minutes")
    parser.add_argument("--output", type=Path, default=common.RESULTS, help="results folder (bench/results)")
    parser.add_argument("--seconds", type=float, default=None, help="classroom test length (300; quick 20)")
    parser.add_argument("--only", action="append", choices=ORDER, help="run only these (repeatable)")
    parser.add_argument("--files", type=int, default=None, help="only the first N files of the real corpus, no PDF")
    args = parser.parse_args(argv)
    common.FILES = args.files
    args.output.mkdir(parents=True, exist_ok=True)
    everything = run_all(args.quick, args.output, args.seconds, set(args.only or []))
    (args.output / "latest.json").write_text(json.dumps(everything, indent=1) + "\n", encoding="utf-8")
    (args.output / "latest.md").write_text(markdown(everything), encoding="utf-8")
    for result in everything["results"].values():
        for t in result.get("targets", []):
            print(
                f"{result.get('benchmark', '')}: {t['name']} {t['target']} -> "
                f"{t['value']} ({'met' if t['met'] else 'NOT met'})"
            )
    print(f"written to {args.output / 'latest.json'} and {args.output / 'latest.md'}")
    return 1 if everything["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
