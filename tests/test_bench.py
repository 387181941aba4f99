"""Each benchmark runs on a tiny synthetic input and produces its figures (no shared data folder needed).

Not timed tests: the figures are only checked to exist and be sane, never against the targets.
"""

import json

import pytest

from bench import __main__ as bench_main
from bench import common, ingestion

pytestmark = pytest.mark.real


def test_synthetic_corpus_and_statistics(tmp_path):
    files, described = common.corpus(True, tmp_path)
    assert described["files"] == len(files) > 0
    assert all(path.is_file() for path, _ in files)
    assert common.percentile([3, 1, 2, 4], 50) == 2
    assert common.percentile([], 50) is None
    stats = common.latency([1.0, 2.0, 3.0, 4.0])
    assert stats["p50_ms"] == 2.0
    assert stats["p99_ms"] == 4.0
    assert stats["n"] == 4
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
    assert figures["chunks"] > 0
    assert figures["failed_files"] == 0
    assert figures["chunks_per_s"] > 0
    assert figures["baseline_chunks_per_s"] > 0
    assert 0 < figures["ratio_to_embedder"] < 10
    assert "embed_s" in figures["pipeline_profile"]
    assert result["machine"]["cores"] >= 1
    assert result["corpus"]["name"].startswith("synthetic")
    verdict = result["targets"][0]
    assert verdict["met"] == (verdict["value"] >= ingestion.TARGET_RATIO)


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
        assert result["machine"]["cpu"], name
        assert result["figures"], name
        assert (tmp_path / f"{name if name != 'retrieval' else 'retrieval'}.json").is_file()
    assert results["footprint"]["figures"]["start_to_ready_s"] > 0
    assert results["footprint"]["figures"]["peak_rss_mb"] > 0
    for clients in ("1", "8", "32"):
        level = results["search"]["figures"]["levels"][clients]
        assert level["n"] > 0
        assert level["p50_ms"] > 0
        assert level["rps"] > 0
        assert not level["errors"]
        assert level["server_cpu_ms_per_request"] > 0
    assert results["search"]["figures"]["during_generation"]["8"]["p50_ms"] > 0
    streaming = results["streaming"]["figures"]
    assert streaming["answers_measured"] == streaming["questions"] >= 5
    assert streaming["statuses"] == [200]
    assert streaming["ratio"] > 0
    assert streaming["same_prompt_all"]
    split = streaming["ttft_median"]
    assert split["retrieval_ms"] > 0
    assert split["bare_prompt_eval_and_first_token_ms"] > 0
    assert split["client_ttft_ms"] >= split["prompt_eval_and_first_token_ms"] > 0
    cache = results["cache"]["figures"]
    assert cache["sse"]["cached"] == cache["sse"]["n"] > 0
    assert cache["answers_measured"] == 2 * cache["sse"]["n"] + 1
    assert results["generation"]["figures"]["levels"]["1"]["aggregate_tokens_per_s"] > 0
    classroom = results["classroom"]["figures"]
    assert classroom["errors"] == 0
    assert classroom["requests"] > 0
    assert classroom["memory_end"]["rss_mb"] > 0
    summary = (tmp_path / "latest.md").read_text()
    assert "## Targets" in summary
    assert "## search" in summary
    assert "cores" in summary


def test_ocr_error_rate_counts_edits():
    from bench.formats import distance

    assert distance("kitten", "sitting") == 3
