"""Each benchmark runs on a tiny synthetic input and produces its figures (no shared data folder needed).

Not timed tests: the figures are only checked to exist and be sane, never against the targets.
"""

import json

import pytest

from bench import __main__ as bench_main
from bench import common, generalize, ingestion

pytestmark = pytest.mark.real


def test_synthetic_corpus_and_statistics(tmp_path):
    files, described = common.corpus(True, tmp_path)
    assert described["files"] == len(files) > 0 and all(path.is_file() for path, _ in files)
    assert common.percentile([3, 1, 2, 4], 50) == 2 and common.percentile([], 50) is None
    stats = common.latency([1.0, 2.0, 3.0, 4.0])
    assert stats["p50_ms"] == 2.0 and stats["p99_ms"] == 4.0 and stats["n"] == 4
    folder = bench_main.synthetic_cranfield(tmp_path / "cran")
    assert {p.name for p in folder.iterdir()} == {"cran.all.1400", "cran.qry", "cranqrel"}


def test_a_refused_chat_is_never_a_figure(capsys):
    """A benchmark request that is not a whole 200 answer stops the benchmark: non-zero exit, a clear message."""
    done = {"answer": "a", "covered": True}
    assert common.require_answer({"status": 200, "done": done, "error": None}, "q")["done"] == done
    for status, got, error, says in [
        (503, None, "busy", "HTTP 503"),
        (200, None, None, "no `done`"),
        (200, done, '{"error": "x"}', "an error event"),
    ]:
        with pytest.raises(common.Unanswered, match=says):
            common.require_answer({"status": status, "done": got, "error": error}, "q")

    def refused(quick):
        common.require_answer({"status": 429, "done": None, "error": "limit"}, "the question")

    assert common.cli("x", "Doc.", refused, ["--quick"]) == 1
    assert "FAILED" in capsys.readouterr().err


def test_ingestion_quick():
    result = ingestion.run(quick=True)
    figures = result["figures"]
    assert figures["chunks"] > 0 and figures["failed_files"] == 0
    assert figures["chunks_per_s"] > 0 and figures["baseline_chunks_per_s"] > 0
    assert 0 < figures["ratio_to_embedder"] < 10
    assert "embed_s" in figures["pipeline_profile"]
    assert result["machine"]["cores"] >= 1 and result["corpus"]["name"].startswith("synthetic")
    assert result["targets"][0]["met"] in (True, False)


def test_every_benchmark_quick_through_the_one_command(tmp_path):
    """`python -m bench --quick`: retrieval on a synthetic Cranfield, then one appliance for the rest."""
    only = ["retrieval", "footprint", "search", "streaming", "cache", "generation", "classroom"]
    args = ["--quick", "--output", str(tmp_path), "--seconds", "6"] + [f"--only={n}" for n in only]
    bench_main.main(args)
    everything = json.loads((tmp_path / "latest.json").read_text())
    assert not everything["failures"], everything["failures"]
    results = everything["results"]
    assert set(results) == set(only)
    for name, result in results.items():
        assert result["machine"]["cpu"] and result["figures"], name
        assert (tmp_path / f"{name if name != 'retrieval' else 'retrieval'}.json").is_file()
    assert results["footprint"]["figures"]["start_to_ready_s"] > 0
    assert results["footprint"]["figures"]["peak_rss_mb"] > 0
    for clients in ("1", "8", "32"):
        level = results["search"]["figures"]["levels"][clients]
        assert level["n"] > 0 and level["p50_ms"] > 0 and level["rps"] > 0 and not level["errors"]
        assert level["server_cpu_ms_per_request"] > 0
    assert results["search"]["figures"]["during_generation"]["8"]["p50_ms"] > 0
    streaming = results["streaming"]["figures"]
    assert streaming["answers_measured"] == streaming["questions"] >= 5 and streaming["statuses"] == [200]
    assert streaming["ratio"] > 0 and streaming["same_prompt_all"]
    split = streaming["ttft_median"]
    assert split["retrieval_ms"] > 0 and split["bare_prompt_eval_and_first_token_ms"] > 0
    assert split["client_ttft_ms"] >= split["prompt_eval_and_first_token_ms"] > 0
    cache = results["cache"]["figures"]
    assert cache["sse"]["cached"] == cache["sse"]["n"] > 0 and cache["answers_measured"] == 2 * cache["sse"]["n"] + 1
    assert results["generation"]["figures"]["levels"]["1"]["aggregate_tokens_per_s"] > 0
    classroom = results["classroom"]["figures"]
    assert classroom["errors"] == 0 and classroom["requests"] > 0 and classroom["memory_end"]["rss_mb"] > 0
    summary = (tmp_path / "latest.md").read_text()
    assert "## Targets" in summary and "## search" in summary and "cores" in summary


def test_ocr_error_rate_counts_edits():
    from bench.formats import distance

    assert distance("kitten", "sitting") == 3


def test_generalize_quick_scores_both_collections(tmp_path):
    """`python -m bench.generalize --quick`: every variant scored on a synthetic Cranfield and a synthetic docs set."""
    out = tmp_path / "generalize.json"
    assert generalize.main(["--quick", "--quiet", "--output", str(out)]) == 0
    result = json.loads(out.read_text())
    assert [c["name"] for c in result["collections"]] == ["Cranfield", "synthetic docs"]
    variants = result["collections"][1]["variants"]
    assert {"keyword", "dense", "rrf", "shipped", "rrf + sentence re-rank w0.4"} <= variants.keys()
    assert all(0.0 <= v[half][m] <= 1.0 for v in variants.values() for half in "AB" for m in generalize.METRICS)
    assert variants["rrf"]["vs_rrf"]["delta"] == 0.0
    assert variants["shipped"]["timing"]["cpu_ms"] > 0


def test_generalize_metrics_on_a_known_ranking():
    """First-rank accuracy and the paired difference are computed per query, then averaged per half."""
    judged = {"a.rst": 1, "b.rst": 3}
    figures = generalize.per_query(["c.rst", "a.rst"], judged)
    assert figures["first"] == 0.0
    assert figures["mrr@10"] == 0.5
    better = {"1": {"ndcg@10": 1.0}, "2": {"ndcg@10": 0.5}}
    worse = {"1": {"ndcg@10": 0.5}, "2": {"ndcg@10": 0.5}}
    assert generalize.compare(better, worse, {"1": "A", "2": "B"}) == {
        "delta": 0.25,
        "delta_A": 0.5,
        "delta_B": 0.0,
        "stderr": 0.25,
    }
