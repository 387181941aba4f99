"""Retrieval on three judged collections, Cranfield, the ROS 2 docs and the textbook questions, with the
alternatives tried (issue #16).

    .venv/bin/python -m bench.generalize                      # every collection, every variant
    .venv/bin/python -m bench.generalize --index /tmp/idx     # keep (and reuse) the indexes there
    .venv/bin/python -m bench.generalize --brief              # only the variants the defaults are decided on
    .venv/bin/python -m bench.generalize --quick              # tiny synthetic collections, for the tests

Each collection is ingested through the real pipeline (`Ingestor.ingest`), then every query is searched with
the real `Retriever` under each variant of the settings. Chunks collapse to documents in rank order (first
occurrence wins). Figures: nDCG@10, recall@5, MRR@10 and first-rank accuracy (the first document is a
relevant one), on all queries and on halves A and B; CPU and wall milliseconds per search (median). The
noise of a difference between two variants is given by its value on each half and by its paired standard
error. Searches are deterministic, so two runs give the same quality figures: the halves are the noise.

Variants: keyword and dense alone; `rrf` (plain reciprocal-rank fusion: no feedback, heading weight 1);
hybrid with pseudo-relevance feedback on/off/only when dense and keyword search rank different documents
first, at heading weight 1, 2, 3; adaptive feedback by score gap (feedback only when the first pass's
top-1/top-2 fused score gap is below a threshold, emulated per query from the on/off runs); a sentence-level
re-rank of the top passages (the best sentence's `evidence.score` blended with the fused score); the shipped
settings with feedback on every search, with queries embedded by the other graph (fp32 or int8), by the plain
int8 graph (before the attention-fused one), both of those (the defaults before the fifth round), with
vector-only (Rocchio) feedback, and with keyword ranks computed by SQLite's FTS5 instead of the in-memory copy
(the same ranking: its row says what the copy saves). `--brief` runs keyword, dense, rrf, shipped and the
shipped variants.
Figures go to stdout (a Markdown table) and bench/results/generalize.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from appliance.runtime import configure_process
from bench import retrieval

REPO = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared") if Path("/work/shared").is_dir() else REPO.parent / "shared"
CRANFIELD = SHARED / "eval" / "cranfield"
ROS_DOCS = SHARED / "corpus" / "ros2-docs"
QUESTIONS = REPO / "bench" / "ros2_questions.toml"
TEXTBOOK = SHARED / "corpus" / "physical-ai-textbook"
TEXTBOOK_QUESTIONS = REPO / "bench" / "textbook_questions.toml"
COLLECTIONS = ("cranfield", "docs", "textbook")
OUTPUT = REPO / "bench" / "results" / "generalize.json"
SEARCH_K = retrieval.SEARCH_K
GRADES = {"relevant": 1, "partial": 3}  # Cleverdon grades: gain 4 and gain 2 (retrieval.gain)
GAPS = (0.02, 0.05, 0.1, 0.2)  # adaptive feedback: relative top-1/top-2 gap below which feedback runs
RERANK_TOP = 10  # passages re-ranked by their best sentence (each costs its sentences' embeddings)
RERANK_WEIGHTS = (0.2, 0.4, 0.6)
METRICS = ("ndcg@10", "recall@5", "mrr@10", "first")


@dataclass
class Judged:
    """A collection: what to ingest, the queries (id, text, half) and graded judgments by document key."""

    name: str
    files: list[tuple[str, bytes]]  # (source name, content)
    queries: list[tuple[str, str, str]]
    qrels: dict[str, dict[str, int]]
    prefix: str  # source names start with it; the document key is the rest

    def key(self, filename: str) -> str | None:
        return filename[len(self.prefix) :] if filename.startswith(self.prefix) else None


def cranfield(folder: Path) -> Judged:
    """Cranfield as a Judged collection; odd query numbers are half A, even ones half B."""
    c = retrieval.load_collection(folder)
    files = [(d.source, d.text().encode()) for d in c.documents if d.text().strip()]
    queries = [(str(q.number), q.text, "AB"[q.number % 2 == 0]) for q in c.queries]
    qrels = {str(q): {f"{d:04d}.txt": g for d, g in judged.items()} for q, judged in c.qrels.items()}
    return Judged("Cranfield", files, queries, qrels, "cranfield/")


def questions(path: Path, docs: Path, name: str = "ROS 2 docs") -> Judged:
    """A corpus folder of .rst/.md/.mdx/.txt files and its judged questions file (bench/*_questions.toml)."""
    asked = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
    files = [
        (f"docs/{f.relative_to(docs).as_posix()}", f.read_bytes())
        for f in sorted(docs.rglob("*"))
        if f.suffix in (".rst", ".md", ".mdx", ".txt") and f.is_file()
    ]
    queries = [(str(i), q["text"], q["half"]) for i, q in enumerate(asked, 1)]
    qrels = {
        str(i): {p: GRADES[kind] for kind in ("partial", "relevant") for p in q.get(kind, [])}
        for i, q in enumerate(asked, 1)
    }
    return Judged(name, files, queries, qrels, "docs/")


# Metrics ----------------------------------------------------------------------------------------


def per_query(ranking: list[str], judged: dict[str, int]) -> dict[str, float]:
    """The four figures of one query's document ranking."""
    return {
        "ndcg@10": retrieval.ndcg(ranking, judged),
        "recall@5": retrieval.recall(ranking, judged, 5),
        "mrr@10": retrieval.reciprocal_rank(ranking, judged),
        "first": float(bool(ranking) and ranking[0] in judged),
    }


def summarise(figures: dict[str, dict[str, float]], halves: dict[str, str]) -> dict:
    """Means over all queries and over each half."""
    out = {}
    for part, wanted in (("all", "AB"), ("A", "A"), ("B", "B")):
        rows = [f for q, f in figures.items() if halves[q] in wanted]
        out[part] = {m: round(statistics.fmean(r[m] for r in rows), 4) if rows else 0.0 for m in METRICS}
    return out


def compare(figures: dict, base: dict, halves: dict[str, str], metric: str = "ndcg@10") -> dict:
    """Difference in `metric` against a base run: overall, on each half, and its paired standard error."""
    diffs = {q: figures[q][metric] - base[q][metric] for q in figures}
    by_half = {h: [d for q, d in diffs.items() if halves[q] == h] for h in "AB"}
    values = list(diffs.values())
    error = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0
    return {
        "delta": round(statistics.fmean(values), 4),
        "delta_A": round(statistics.fmean(by_half["A"]), 4) if by_half["A"] else 0.0,
        "delta_B": round(statistics.fmean(by_half["B"]), 4) if by_half["B"] else 0.0,
        "stderr": round(error, 4),
    }


# Running ----------------------------------------------------------------------------------------


def documents(collection: Judged, passages) -> list[str]:
    """Document keys in rank order, each at its first (best) chunk."""
    seen: dict[str, None] = {}
    for passage in passages:
        key = collection.key(passage.filename)
        if key is not None:
            seen.setdefault(key, None)
    return list(seen)


def searched(retriever, collection: Judged, mode: str) -> tuple[dict[str, list], dict[str, float]]:
    """Every query's passages, and the median CPU and wall milliseconds per search (query embedding included)."""
    return retrieval.searches(retriever, [(qid, text) for qid, text, _ in collection.queries], mode, SEARCH_K)


def adaptive(on: dict[str, list], off: dict[str, list], gap: float) -> dict[str, list]:
    """Feedback only where the first pass is unsure: its top two fused scores within `gap` (relative) of each other."""
    chosen = {}
    for qid, first in off.items():
        scores = [p.score for p in first[:2]]
        unsure = len(scores) < 2 or not scores[0] or (scores[0] - scores[1]) / scores[0] < gap
        chosen[qid] = on[qid] if unsure else first
    return chosen


def best_sentences(services, collection: Judged, found: dict[str, list]) -> dict[str, dict[int, float]]:
    """For each query, the best `evidence.score` sentence score of each of its top passages (by index)."""
    from appliance.answer import evidence

    weight, type_weight = services.settings.evidence_lexical_weight, services.settings.evidence_type_weight
    best: dict[str, dict[int, float]] = {}
    for qid, text, _ in collection.queries:
        top = found[qid][:RERANK_TOP]
        scores: dict[int, float] = {}
        for s in evidence.score(text, top, services.embedder, weight, type_weight):
            scores.setdefault(s.source, s.score)  # sorted best first
        best[qid] = scores
    return best


def reranked(found: dict[str, list], best: dict[str, dict[int, float]], weight: float) -> dict[str, list]:
    """The top passages re-ordered by (1 - weight) * fused score / best fused score + weight * best sentence."""
    out = {}
    for qid, passages in found.items():
        top, rest = passages[:RERANK_TOP], passages[RERANK_TOP:]
        peak = max((p.score for p in top), default=0.0) or 1.0
        blend = {i: (1 - weight) * p.score / peak + weight * best[qid].get(i, 0.0) for i, p in enumerate(top)}
        out[qid] = [top[i] for i in sorted(blend, key=lambda i: blend[i], reverse=True)] + rest
    return out


def variants(
    services, collection: Judged, say, other, plain=None, brief: bool = False
) -> dict[str, tuple[dict[str, list], dict]]:
    """Every variant's passages by query and its timing (derived variants carry the timing they add to); `other`
    embeds queries with the graph the settings do not use, `plain` (if given) with the plain int8 graph, the
    query graph before the fused one."""
    import msgspec

    from appliance.search.retriever import Retriever
    from appliance.store.keywords import KeywordIndex

    def retriever(embedder=None, **changes):
        settings = msgspec.structs.replace(services.settings, **changes)
        shared = services.retriever.keywords
        keywords = shared if settings.keyword_backend == "memory" and isinstance(shared, KeywordIndex) else None
        return Retriever(settings, services.database, services.vectors, embedder or services.embedder, keywords)

    runs: dict[str, tuple[dict[str, list], dict]] = {}
    runs["keyword"] = searched(retriever(), collection, "keyword")
    runs["dense"] = searched(retriever(), collection, "dense")
    runs["rrf"] = searched(retriever(heading_weight=1.0, feedback_chunks=0), collection, "hybrid")
    runs["shipped"] = searched(retriever(), collection, "hybrid")
    graph = other_queries(services.settings)
    say(f"  {collection.name}: the shipped settings with feedback always, {graph} and plain int8 queries, ...")
    runs["shipped, feedback always"] = searched(retriever(feedback_when="always"), collection, "hybrid")
    runs[f"shipped, {graph} queries"] = searched(retriever(other), collection, "hybrid")
    if plain is not None:
        runs["shipped, plain int8 queries"] = searched(retriever(plain), collection, "hybrid")
        before = retriever(plain, feedback_when="always")
        runs["before (plain int8 queries, feedback always)"] = searched(before, collection, "hybrid")
    runs["shipped, feedback without words"] = searched(retriever(feedback_terms=0), collection, "hybrid")
    runs["shipped, keyword ranks by FTS5"] = searched(retriever(keyword_backend="sqlite"), collection, "hybrid")
    if not brief:
        runs |= _alternatives(services, collection, say, retriever)
    return runs


def _alternatives(services, collection: Judged, say, retriever) -> dict[str, tuple[dict[str, list], dict]]:
    """The previous round's alternatives: heading weights, feedback on/off/adaptive, the sentence re-rank."""
    runs: dict[str, tuple[dict[str, list], dict]] = {}
    feedback = {"feedback_chunks": services.settings.feedback_chunks or 5}
    for heading in (1.0, 2.0, 3.0):
        say(f"  {collection.name}: hybrid, heading weight {heading:g}")
        off = searched(retriever(heading_weight=heading, feedback_chunks=0), collection, "hybrid")
        on = searched(retriever(heading_weight=heading, feedback_when="always", **feedback), collection, "hybrid")
        disagree = retriever(heading_weight=heading, feedback_when="disagree", **feedback)
        runs[f"hybrid hw{heading:g} feedback off"] = off
        runs[f"hybrid hw{heading:g} feedback on"] = on
        runs[f"hybrid hw{heading:g} feedback if dense and keyword disagree"] = searched(disagree, collection, "hybrid")
        for gap in GAPS:
            runs[f"hybrid hw{heading:g} feedback if gap<{gap:g}"] = (adaptive(on[0], off[0], gap), on[1])
    say(f"  {collection.name}: sentence re-rank of rrf")
    base = searched(retriever(heading_weight=1.0, feedback_chunks=0), collection, "hybrid")
    started = time.process_time()
    best = best_sentences(services, collection, base[0])
    extra = (time.process_time() - started) * 1000 / max(len(collection.queries), 1)
    for weight in RERANK_WEIGHTS:
        timing = {"cpu_ms": round(base[1]["cpu_ms"] + extra, 1), "wall_ms": None}
        runs[f"rrf + sentence re-rank w{weight:g}"] = (reranked(base[0], best, weight), timing)
    return runs


def as_served(services, collection: Judged, plain=None) -> dict[str, float]:
    """Median CPU milliseconds of a search as the web app asks it (k = search_k, the course's passages only),
    with the shipped settings, with feedback on every search, and (`plain` given) with the defaults before; the
    arms take turns query by query, so a drift of the machine's load falls on all of them alike."""
    import msgspec

    from appliance.search.retriever import Retriever
    from appliance.vocabulary import DEFAULT_COURSE

    settings, keywords = services.settings, services.retriever.keywords
    arms = {"shipped": ({}, services.embedder), "feedback always": ({"feedback_when": "always"}, services.embedder)}
    arms |= {"before (plain int8 queries, feedback always)": ({"feedback_when": "always"}, plain)} if plain else {}
    retrievers = {
        name: Retriever(msgspec.structs.replace(settings, **changes), services.database, services.vectors, e, keywords)
        for name, (changes, e) in arms.items()
    }
    spent: dict[str, list[float]] = {name: [] for name in arms}
    for _, text, _ in collection.queries:
        for name, retriever in retrievers.items():
            retriever.embedder.embed_query.cache_clear()  # every arm embeds the question, as a new one is
            ticked = time.process_time()
            retriever.search(text, settings.search_k, "hybrid", [DEFAULT_COURSE])
            spent[name].append(time.process_time() - ticked)
    return {name: round(statistics.median(times) * 1000, 2) for name, times in spent.items()}


def other_queries(settings) -> str:
    """The query graph the shipped settings do not use, which the variants and the profile time beside it."""
    return "fp32" if settings.embed_query_int8 else "int8"


def stages(services, collection: Judged, other, plain=None) -> tuple[dict[str, float], float]:
    """Median CPU milliseconds of each stage of one shipped-settings search, feedback pass included, with the
    keyword passes timed both ways (in-memory copy, SQLite FTS5) and the query embedded by every graph (`other`
    is an embedder with the query graph the settings do not use, `plain` one with the plain int8 graph); and
    the share of searches the shipped settings make the feedback pass for."""
    import msgspec

    from appliance.search.retriever import _passage, expansion_words
    from appliance.search.shapes import PassageView, view
    from appliance.store.vector_index import cosine, rocchio

    settings = services.settings
    spent: dict[str, list[float]] = {}
    n, k, heading = settings.candidates, settings.search_k, settings.heading_weight
    memory, sqlite = services.retriever.keywords, services.database
    unused = other_queries(settings)
    shipped = "int8" if unused == "fp32" else "fp32"

    @contextmanager
    def clock(name):
        ticked = time.process_time()
        yield
        spent.setdefault(name, []).append(time.process_time() - ticked)

    graphs = {f"embed query ({shipped}, shipped)": services.embedder, f"embed query ({unused})": other}
    graphs |= {"embed query (plain int8)": plain} if plain is not None else {}
    for embedder in graphs.values():
        embedder.embed_query.cache_clear()
    unsure = []
    for _, text, _ in collection.queries:
        for name, embedder in graphs.items():
            with clock(name):
                embedder.embed_query(text)
        vector = services.embedder.embed_query(text)
        with clock("dense (vector index)"):
            dense = services.vectors.query(vector, n)
        with clock("keyword (in-memory BM25)"):
            keyword = memory.keyword_search(text, n, heading_weight=heading)
        unsure.append(services.retriever._unsure(dense, keyword))
        with clock("keyword (FTS5 BM25)"):
            sqlite.keyword_search(text, n, heading_weight=heading)
        with clock("fusion"):
            scores = services.retriever._fuse(dense, keyword)
            best = sorted(scores, key=scores.get, reverse=True)
        with clock("feedback: Rocchio vector + dense"):
            dense = services.vectors.query(rocchio(vector, list(services.vectors.vectors(best[:5]).values())), n)
        with clock("feedback: passages + words"):
            texts = [row["text"] for row in services.database.chunks(best[:5]).values()]
            words = expansion_words(text, texts, settings.feedback_terms)
        with clock("feedback: keyword (in-memory BM25)"):
            keyword = memory.keyword_search(text, n, expansion=words, heading_weight=heading)
        with clock("feedback: keyword (FTS5 BM25)"):
            sqlite.keyword_search(text, n, expansion=words, heading_weight=heading)
        with clock("fusion"):
            scores = services.retriever._fuse(dense, keyword)
            ranked = sorted(scores, key=scores.get, reverse=True)[:k]
        with clock("chunk rows (SQLite)"):
            rows = services.database.chunks(ranked)
        with clock("stored vectors + cosine"):
            similarity = {c: cosine(vector, v) for c, v in services.vectors.vectors(ranked).items()}
        with clock("serialise (JSON)"):
            passages = [_passage(rows[c], scores[c], similarity.get(c, 0.0)) for c in ranked if c in rows]
            msgspec.json.encode([view(p, PassageView) for p in passages])
    share = round(statistics.fmean(unsure), 3) if unsure else 0.0
    return {name: round(statistics.median(times) * 1000, 2) for name, times in spent.items()}, share


def measure(collection: Judged, index: Path | None, say, brief: bool = False) -> dict:
    """Ingest (or reuse) the collection, run every variant, score them."""
    import msgspec

    from appliance.services import build, load_embedder
    from appliance.settings import load_settings
    from appliance.store.keywords import KeywordIndex

    with tempfile.TemporaryDirectory(prefix="ragbot-generalize-", ignore_cleanup_errors=True) as tmp:
        data_dir = index or Path(tmp)
        settings = load_settings(None, environ={}, data_dir=str(data_dir), ingest_sample=False)
        services = build(settings, with_llm=False)
        try:
            say(f"{collection.name}: ingesting {len(collection.files)} files into {data_dir}")
            chunks = ingest(services, collection.files)
            if isinstance(services.retriever.keywords, KeywordIndex):
                services.retriever.keywords.refresh()  # searches time the in-memory copy, not its first build
            services.retriever.search("warm up", SEARCH_K, "hybrid")
            other = load_embedder(msgspec.structs.replace(settings, embed_query_int8=not settings.embed_query_int8))
            plain = load_embedder(settings, query_fused=False) if settings.embed_query_int8 else None
            runs = variants(services, collection, say, other, plain, brief)
            profile, share = stages(services, collection, other, plain)
            served = as_served(services, collection, plain)
        finally:
            services.close()
    halves = {qid: half for qid, _, half in collection.queries}
    figures = {
        name: {qid: per_query(documents(collection, ps), collection.qrels[qid]) for qid, ps in found.items()}
        for name, (found, _) in runs.items()
    }
    return {
        "name": collection.name,
        "files": len(collection.files),
        "chunks": chunks,
        "queries": {"all": len(halves), "A": sum(h == "A" for h in halves.values())},
        "stages_cpu_ms": profile,
        "feedback_share": share,
        "served_cpu_ms": served,
        "variants": {
            name: summarise(figures[name], halves)
            | {"timing": runs[name][1]}
            | {"vs_rrf": compare(figures[name], figures["rrf"], halves)}
            | {"vs_shipped": compare(figures[name], figures["shipped"], halves)}
            for name in runs
        },
    }


def ingest(services, files: list[tuple[str, bytes]]) -> int:
    """Ingest every file (an unchanged one is kept as it is); returns the chunk count."""
    from appliance.errors import InvalidInput

    chunks = 0
    for source, content in files:
        try:
            chunks += services.ingestor.ingest(content, source).document["chunks"]
        except InvalidInput:
            continue
    return chunks


# Synthetic collections, for --quick ---------------------------------------------------------------


def synthetic(scratch: Path) -> list[Judged]:
    """A tiny Cranfield-format collection and a tiny judged docs folder, built from bench.common's topics."""
    from bench import common
    from bench.__main__ import synthetic_cranfield

    docs = common.synthetic_corpus(scratch / "docs", files=12, paragraphs=4)
    asked = [
        f'[[question]]\nhalf = "{"AB"[i % 2]}"\ntext = "what is said about {topic}?"\n'
        f'relevant = ["{f.name}"]\npartial = []\n'
        for i, (topic, f) in enumerate((f.stem.split("-", 1)[1], f) for f in sorted(docs.glob("*.rst")))
    ]
    (scratch / "questions.toml").write_text("\n".join(asked), encoding="utf-8")
    return [
        cranfield(synthetic_cranfield(scratch / "cranfield")),
        questions(scratch / "questions.toml", docs, "synthetic docs"),
    ]


# Report -------------------------------------------------------------------------------------------


def table(result: dict) -> str:
    """One Markdown table per collection: every variant's figures, the halves and the differences."""
    m = result["machine"]
    lines = [f"Retrieval on judged collections, {result['date']}; {m['cpu']}, {m['cores']} cores"]
    for c in result["collections"]:
        lines += [
            "",
            f"### {c['name']}: {c['files']} files, {c['chunks']} chunks, {c['queries']['all']} queries "
            f"({c['queries']['A']} in half A)",
            "",
            "| variant | nDCG@10 | R@5 | MRR@10 | first | nDCG A / B "
            "| Δ vs rrf (A / B, ±se) | Δ vs shipped (A / B, ±se) | CPU ms |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        stages = ", ".join(f"{name} {ms:g}" for name, ms in c["stages_cpu_ms"].items())
        for name, v in c["variants"].items():
            a, r, s = v["all"], v["vs_rrf"], v["vs_shipped"]
            lines.append(
                f"| {name} | {a['ndcg@10']:.3f} | {a['recall@5']:.3f} | {a['mrr@10']:.3f} | {a['first']:.3f} | "
                f"{v['A']['ndcg@10']:.3f} / {v['B']['ndcg@10']:.3f} | "
                f"{r['delta']:+.3f} ({r['delta_A']:+.3f} / {r['delta_B']:+.3f}, ±{r['stderr']:.3f}) | "
                f"{s['delta']:+.3f} ({s['delta_A']:+.3f} / {s['delta_B']:+.3f}, ±{s['stderr']:.3f}) | "
                f"{v['timing']['cpu_ms']} |"
            )
        lines += ["", f"CPU ms per stage of one search (median): {stages}"]
        lines += [f"Searches making the feedback pass with the shipped settings: {c['feedback_share']:.0%}"]
        served = ", ".join(f"{name} {ms:g}" for name, ms in c["served_cpu_ms"].items())
        lines += [f"CPU ms of a search as the web app asks it (k = search_k, one course; median): {served}"]
    return "\n".join(lines)


def run(quick: bool, index: Path | None, say, only: set[str] | None = None, brief: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="ragbot-generalize-", ignore_cleanup_errors=True) as tmp:
        judged = (
            synthetic(Path(tmp))
            if quick
            else [
                cranfield(CRANFIELD),
                questions(QUESTIONS, ROS_DOCS),
                questions(TEXTBOOK_QUESTIONS, TEXTBOOK, "Physical-AI textbook"),
            ]
        )
        judged = [c for i, c in enumerate(judged) if not only or COLLECTIONS[i] in only]
        collections = [
            measure(c, index / c.name.replace(" ", "-").lower() if index else None, say, brief) for c in judged
        ]
    return {
        "benchmark": "generalize",
        "date": retrieval.datetime.now(retrieval.UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": retrieval.machine(),
        "search_k_chunks": SEARCH_K,
        "collections": collections,
    }


def main(argv: list[str] | None = None) -> int:
    configure_process()  # before numpy loads: OpenBLAS on one thread, as in the served appliance
    parser = argparse.ArgumentParser(prog="python -m bench.generalize", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny synthetic collections (seconds)")
    parser.add_argument("--index", type=Path, default=None, metavar="DIR", help="keep and reuse the indexes here")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON figures")
    parser.add_argument("--only", action="append", choices=COLLECTIONS, help="only this collection (repeatable)")
    parser.add_argument("--brief", action="store_true", help="only the variants the defaults are decided on")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if not args.quick and not (CRANFIELD.is_dir() and ROS_DOCS.is_dir() and TEXTBOOK.is_dir()):
        parser.error(f"{CRANFIELD}, {ROS_DOCS} or {TEXTBOOK} not found; use --quick without the shared folder")
    say = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr, flush=True))
    result = run(args.quick, args.index, say, set(args.only or []), args.brief)
    return retrieval.report(result, table(result), args.output)


if __name__ == "__main__":
    sys.exit(main())
