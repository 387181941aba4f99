"""Retrieval quality on the Cranfield collection, through the appliance's real ingest and search pipeline.

    .venv/bin/python -m bench.retrieval                 # full run: 1,400 abstracts, 225 queries, a few minutes
    .venv/bin/python -m bench.retrieval --limit 50      # first 50 abstracts and the queries judged on them

Every abstract is ingested with `Ingestor.ingest` into a fresh temporary data directory as
`cranfield/NNNN.txt` (title, blank line, abstract), then each query is searched in each mode
(keyword, dense, hybrid) for SEARCH_K chunks, the chunks are collapsed to documents in rank order
(first occurrence wins) and scored against the graded judgments. See BENCHMARKS.md for what the
figures mean. Figures go to stdout and to bench/results/retrieval.json.

Relevance: cranqrel grades follow Cleverdon (cranqrel.readme): 1 = complete answer ... 4 = minimum
interest, 5 = no interest (none present); rows graded -1 are left out. The nDCG gain is 5 - grade
(grade 1 -> 4, grade 4 -> 1); Recall and MRR count every judged document (grades 1-4) as relevant.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from appliance.runtime import configure_process

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "cranfield"
DEFAULT_OUTPUT = REPO / "bench" / "results" / "retrieval.json"
MODES = ("keyword", "dense", "hybrid")
SEARCH_K = 30  # chunks asked for per query; collapsed to documents, enough for the top 10 documents
CUTOFF = 10
TARGET_NDCG = 0.45  # hybrid nDCG@10 wanted on the full collection (issue #6)
SOURCE = re.compile(r"^cranfield/(\d+)\.txt$")
FIELD = re.compile(r"^\.([A-Z])[ \t]*(.*)$")


# Collection -----------------------------------------------------------------------------------


@dataclass
class Document:
    number: int
    title: str
    authors: str
    bibliography: str
    abstract: str

    @property
    def source(self) -> str:
        return f"cranfield/{self.number:04d}.txt"

    def text(self) -> str:
        """Title, a blank line, then the abstract without the copy of the title Cranfield starts it with.

        The author (.A) and bibliography (.B) fields are left out: they are not what a course document's
        text looks like, and the queries never ask about authors or journals.
        """
        abstract = self.abstract
        if self.title and _squash(abstract).startswith(_squash(self.title)):
            abstract = _drop_words(abstract, len(self.title.split()))
        return "\n\n".join(part for part in (self.title, abstract) if part).strip() + "\n"


@dataclass
class Query:
    number: int  # position in cran.qry, 1-based: the number cranqrel uses
    label: str  # the .I of cran.qry, for reference only
    text: str


@dataclass
class Collection:
    documents: list[Document]
    queries: list[Query]
    qrels: dict[int, dict[int, int]]  # query number -> {document number: grade 1..4}
    notes: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _drop_words(text: str, n: int) -> str:
    """`text` without its first n whitespace-separated words, line structure of the rest kept."""
    match = re.match(rf"\s*(?:\S+\s+){{{n}}}", text + "\n")
    return text[match.end() :].strip() if match else ""


def _records(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(.I value, {field letter: text}) for each record of a SMART-format file."""
    records: list[tuple[str, dict[str, str]]] = []
    current: str | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.rstrip()
        match = FIELD.match(line)
        if match and match.group(1) == "I":
            records.append((match.group(2).strip(), {}))
            current = None
        elif match and records:
            current = match.group(1)
            records[-1][1][current] = match.group(2)
        elif records and current:
            fields = records[-1][1]
            fields[current] = f"{fields[current]}\n{line}" if fields[current] else line
    return [(label, {k: v.strip() for k, v in fields.items()}) for label, fields in records]


def parse_documents(path: Path) -> list[Document]:
    return [
        Document(int(label), f.get("T", ""), f.get("A", ""), f.get("B", ""), f.get("W", ""))
        for label, f in _records(path)
    ]


def parse_queries(path: Path) -> list[Query]:
    return [Query(n, label, _squash(f.get("W", ""))) for n, (label, f) in enumerate(_records(path), 1)]


def parse_qrels(path: Path) -> dict[int, dict[int, int]]:
    """Graded judgments 1..4 by query number; -1 rows (and anything else outside 1..4) are left out."""
    qrels: dict[int, dict[int, int]] = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        parts = line.split()
        if len(parts) < 3:
            continue
        query, doc, grade = int(parts[0]), int(parts[1]), int(parts[2])
        if 1 <= grade <= 4:
            qrels.setdefault(query, {})[doc] = grade
    return qrels


def load_collection(folder: Path, limit: int | None = None) -> Collection:
    """The documents (the first `limit` of them), the queries with judgments on those documents, the judgments."""
    documents = parse_documents(folder / "cran.all.1400")
    queries = parse_queries(folder / "cran.qry")
    qrels = parse_qrels(folder / "cranqrel")
    notes = []
    if limit:
        documents = documents[:limit]
    kept = {d.number for d in documents}
    qrels = {q: {d: g for d, g in judged.items() if d in kept} for q, judged in qrels.items()}
    qrels = {q: judged for q, judged in qrels.items() if judged}
    unjudged = [q.number for q in queries if q.number not in qrels]
    queries = [q for q in queries if q.number in qrels]
    if unjudged and not limit:
        notes.append(f"{len(unjudged)} queries have no judgments and are not scored")
    return Collection(documents, queries, qrels, notes)


# Metrics --------------------------------------------------------------------------------------


def gain(grade: int) -> int:
    """Cleverdon's grade 1 (complete answer) is the most relevant: gain 4; grade 4 (minimum interest): gain 1."""
    return 5 - grade


def ndcg(ranking: Sequence[Hashable], judged: Mapping[Any, int], k: int = CUTOFF) -> float:
    dcg = sum(gain(judged[d]) / math.log2(i + 2) for i, d in enumerate(ranking[:k]) if d in judged)
    ideal = sorted((gain(g) for g in judged.values()), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(ranking: Sequence[Hashable], judged: Mapping[Any, int], k: int) -> float:
    return len(set(ranking[:k]) & judged.keys()) / len(judged) if judged else 0.0


def reciprocal_rank(ranking: Sequence[Hashable], judged: Mapping[Any, int], k: int = CUTOFF) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranking[:k]) if d in judged), 0.0)


def score(rankings: dict[int, list[int]], qrels: dict[int, dict[int, int]]) -> dict[str, float]:
    """Mean metrics over the queries in `rankings` (all of which have judgments)."""
    per = {
        "ndcg@10": [ndcg(r, qrels[q]) for q, r in rankings.items()],
        "recall@5": [recall(r, qrels[q], 5) for q, r in rankings.items()],
        "recall@10": [recall(r, qrels[q], 10) for q, r in rankings.items()],
        "mrr@10": [reciprocal_rank(r, qrels[q]) for q, r in rankings.items()],
    }
    return {name: round(statistics.fmean(values), 4) if values else 0.0 for name, values in per.items()}


def collapse(passages) -> list[int]:
    """Document numbers in rank order, each at its first (best) chunk."""
    seen: dict[int, None] = {}
    for passage in passages:
        match = SOURCE.match(passage.filename)
        if match:
            seen.setdefault(int(match.group(1)), None)
    return list(seen)


# Running --------------------------------------------------------------------------------------


def ingest(services, documents: list[Document], progress=None) -> dict:
    """Ingest each document through the real pipeline; returns counts and timing."""
    from appliance.errors import InvalidInput

    chunks = added = unchanged = 0
    skipped: list[int] = []
    started = time.perf_counter()
    for i, doc in enumerate(documents, 1):
        text = doc.text()
        if not text.strip():
            skipped.append(doc.number)
            continue
        try:
            outcome = services.ingestor.ingest(text.encode("utf-8"), doc.source)
        except InvalidInput:
            skipped.append(doc.number)
            continue
        chunks += outcome.document["chunks"]
        added += outcome.outcome != "unchanged"
        unchanged += outcome.outcome == "unchanged"
        if progress and (i % 100 == 0 or i == len(documents)):
            progress(
                f"  ingested {i}/{len(documents)} documents, {chunks} chunks, {time.perf_counter() - started:.0f} s"
            )
    seconds = time.perf_counter() - started
    return {
        "documents": added + unchanged,
        "skipped_empty": skipped,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "chunks_per_second": round(chunks / seconds, 2) if seconds and added else None,
        "reused_index": bool(unchanged) and not added,
    }


def searches(retriever, queries: list[tuple[Any, str]], mode: str, k: int = SEARCH_K) -> tuple[dict, dict[str, float]]:
    """Each (key, text) query's passages by key, and the median CPU and wall milliseconds per search."""
    cache_clear = getattr(retriever.embedder.embed_query, "cache_clear", None)
    if cache_clear:
        cache_clear()  # every run pays for its query embeddings, as a first-time question does
    found, cpu, wall = {}, [], []
    for key, text in queries:
        started, ticked = time.perf_counter(), time.process_time()
        found[key] = retriever.search(text, k, mode)
        cpu.append(time.process_time() - ticked)
        wall.append(time.perf_counter() - started)
    timing = {"cpu_ms": round(statistics.median(cpu) * 1000, 1), "wall_ms": round(statistics.median(wall) * 1000, 1)}
    return found, timing


def report(result: dict, table: str, output: Path) -> int:
    """Print a benchmark's table, write its figures as JSON, say where."""
    print(table)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {output}")
    return 0


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        memory = None
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        load = None
    return {
        "cpu": model,
        "cores": usable,
        "memory_gb": memory,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average": load,
    }


def _shown(path: Path) -> str:
    """A path as it is written in the docs: relative to the repository root when it can be."""
    try:
        return os.path.relpath(path.resolve(), REPO)
    except ValueError:
        return str(path)


def run(data: Path, limit: int | None, overrides: dict, index_dir: Path | None = None, progress=None) -> dict:
    """Ingest, search, score; returns the result record that is written as JSON."""
    from appliance.services import build
    from appliance.settings import load_settings

    say = progress or (lambda message: None)
    collection = load_collection(data, limit)
    before = machine()
    with tempfile.TemporaryDirectory(prefix="ragbot-bench-", ignore_cleanup_errors=True) as tmp:
        data_dir = index_dir or Path(tmp)
        settings = load_settings(None, environ={}, data_dir=str(data_dir), ingest_sample=False, **overrides)
        say(f"loading models; data dir {data_dir}")
        services = build(settings, with_llm=False)
        try:
            say(f"ingesting {len(collection.documents)} documents")
            ingested = ingest(services, collection.documents, say)
            for mode in MODES:  # warm up: the first search of a process pays for lazy initialisation
                services.retriever.search("warm up", SEARCH_K, mode)
            modes: dict[str, dict] = {}
            for mode in MODES:
                say(f"searching {len(collection.queries)} queries, {mode}")
                found, timing = searches(services.retriever, [(q.number, q.text) for q in collection.queries], mode)
                rankings = {number: collapse(passages) for number, passages in found.items()}
                modes[mode] = score(rankings, collection.qrels) | {"query_ms": timing["wall_ms"]}
                modes[mode]["per_query_ndcg@10"] = {
                    str(q): round(ndcg(r, collection.qrels[q]), 4) for q, r in rankings.items()
                }
        finally:
            services.close()
    picked = (
        "embed_model",
        "chunk_tokens",
        "chunk_overlap",
        "candidates",
        "rrf_k",
        "dense_weight",
        "keyword_weight",
        "heading_weight",
        "feedback_chunks",
        "feedback_terms",
    )
    return {
        "benchmark": "cranfield-retrieval",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before | {"load_average_after": machine()["load_average"]},
        "corpus": {
            "data": _shown(data),
            "limit": limit,
            "documents": ingested["documents"],
            "skipped_empty": ingested["skipped_empty"],
            "chunks": ingested["chunks"],
            "queries": len(collection.queries),
            "judgments": sum(len(j) for j in collection.qrels.values()),
            "notes": collection.notes,
        },
        "settings": {name: getattr(settings, name) for name in picked} | {"search_k_chunks": SEARCH_K},
        "overrides": overrides,
        "ingest": {k: ingested[k] for k in ("seconds", "chunks_per_second", "reused_index")},
        "modes": modes,
        "targets": targets(modes, full=not limit and len(collection.documents) >= 1400),
    }


def targets(modes: dict, full: bool) -> list[dict]:
    """The goals for hybrid search; judged on the full collection only (a smaller run is too small to say)."""
    hybrid = modes["hybrid"]["ndcg@10"]
    best_single = max(modes["keyword"]["ndcg@10"], modes["dense"]["ndcg@10"])
    return [
        {
            "name": "hybrid nDCG@10",
            "target": f">= {TARGET_NDCG}",
            "value": hybrid,
            "met": hybrid >= TARGET_NDCG if full else None,
        },
        {
            "name": "hybrid beats keyword and dense",
            "target": f"> {best_single}",
            "value": hybrid,
            "met": hybrid > best_single if full else None,
        },
    ]


def table(result: dict) -> str:
    m, c, i = result["machine"], result["corpus"], result["ingest"]
    speed = f"{i['chunks_per_second']} chunks/s" if i["chunks_per_second"] else "index reused"
    lines = [
        f"Cranfield retrieval benchmark, {result['date']}",
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
        f"load average {m['load_average']} before, {m['load_average_after']} after",
        f"corpus:  {c['documents']} documents ({len(c['skipped_empty'])} empty skipped), {c['chunks']} chunks, "
        f"{c['queries']} judged queries, {c['judgments']} judgments",
        f"ingest:  {i['seconds']:.1f} s, {speed}",
        "settings: " + ", ".join(f"{k}={v}" for k, v in result["settings"].items()),
        "",
        f"{'mode':<8} {'nDCG@10':>8} {'R@5':>7} {'R@10':>7} {'MRR@10':>7} {'query ms':>9}",
    ]
    for mode, f in result["modes"].items():
        lines.append(
            f"{mode:<8} {f['ndcg@10']:>8.3f} {f['recall@5']:>7.3f} {f['recall@10']:>7.3f} "
            f"{f['mrr@10']:>7.3f} {f['query_ms']:>9.1f}"
        )
    for goal in result["targets"]:
        verdict = {True: "met", False: "NOT met", None: "not judged below the full collection"}[goal["met"]]
        lines.append(f"target: {goal['name']} {goal['target']}: {goal['value']:.3f}, {verdict}")
    return "\n".join(lines)


def setting(text: str) -> tuple[str, str]:
    """NAME=VALUE from the command line, for a setting to override."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def main(argv: list[str] | None = None) -> int:
    configure_process()  # before numpy loads: OpenBLAS on one thread, as in the served appliance
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with cran.all.1400, cran.qry and cranqrel (default: ../shared/eval/cranfield)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="only the first N documents, and the queries with judgments among them",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON figures")
    parser.add_argument(
        "--set",
        type=setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a setting, e.g. --set rrf_k=20 (repeatable)",
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the data dir here instead of a temporary one; an existing index is reused",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    for name in ("cran.all.1400", "cran.qry", "cranqrel"):
        if not (args.data / name).is_file():
            parser.error(f"{args.data / name} not found; point --data at the Cranfield folder")
    logging.basicConfig(level=logging.WARNING)
    progress = None if args.quiet else (lambda message: print(message, file=sys.stderr, flush=True))
    result = run(args.data, args.limit, dict(args.set), args.index, progress)
    return report(result, table(result), args.output)


if __name__ == "__main__":
    sys.exit(main())
