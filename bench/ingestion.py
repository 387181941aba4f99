"""Ingestion throughput: files, pages and chunks per second through the appliance's ingestion (what
`ragbot ingest` runs for each file), against the embedding model alone encoding the same chunk texts.

    .venv/bin/python -m bench.ingestion            # ROS 2 docs (267 files) + the 117-page PDF
    .venv/bin/python -m bench.ingestion --quick    # a few synthetic files

Order of the run (the machine is noisy, so the baseline is measured on both sides of the pipeline):
models loaded; baseline 1 = embedder.embed on the chunk texts in batches of the pipeline's size;
the pipeline: `services.ingest_path` for every file into a fresh data dir (parse, chunk, embed, Chroma,
SQLite) with each stage timed; baseline 2. Ratio = pipeline chunks/s / mean baseline chunks/s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common

TARGET_RATIO = 0.85


class Timed:
    """Wraps an object and adds up the seconds spent in some of its methods."""

    def __init__(self, inner, names: tuple[str, ...], totals: dict):
        self._inner, self._names, self._totals = inner, names, totals

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if name not in self._names:
            return value

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                key = f"{name}_s"
                self._totals[key] = self._totals.get(key, 0.0) + time.perf_counter() - started
                self._totals[f"{name}_calls"] = self._totals.get(f"{name}_calls", 0) + 1

        return timed


def _baseline(embedder, texts: list[str], batch: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed(texts[i : i + batch])
    return time.perf_counter() - started


def run(quick: bool = False, overrides: dict | None = None) -> dict:
    from appliance import services as services_module
    from appliance.ingest.chunk import chunk
    from appliance.ingest.parse import parse
    from appliance.ingest.pipeline import EMBED_BATCH
    from appliance.settings import load_settings
    from appliance.store.text import embedding_text

    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ragbot-bench-ingest-", ignore_cleanup_errors=True) as tmp:
        files, described = common.corpus(quick, Path(tmp))
        settings = load_settings(
            None, environ={}, data_dir=str(Path(tmp) / "data"), ingest_sample=False, **(overrides or {})
        )
        common.log(f"ingestion: loading the embedder; {len(files)} files")
        started = time.perf_counter()
        services = services_module.build(settings, with_llm=False)
        load_s = time.perf_counter() - started
        try:
            embedder = services.embedder
            embedder.embed(["warm up"] * 4)
            # The chunk texts the pipeline will embed: parse + chunk alone, timed (a profile figure too).
            started = time.perf_counter()
            texts, pages = [], 0
            for path, source in files:
                parsed = parse(path.read_bytes(), source)
                pages += len(parsed.pages)
                chunks = chunk(parsed, embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap)
                texts += [embedding_text(c.heading, c.text) for c in chunks]
            parse_chunk_s = time.perf_counter() - started
            common.log(f"ingestion: {len(texts)} chunks; baseline 1")
            base1 = _baseline(embedder, texts, EMBED_BATCH)
            common.log(f"ingestion: baseline 1 {len(texts) / base1:.1f} chunks/s; pipeline")
            profile: dict = {}
            ingestor: Any = services.ingestor  # its parts are swapped for timed wrappers
            ingestor.embedder = Timed(embedder, ("embed", "count_tokens"), profile)
            ingestor.vectors = Timed(services.vectors, ("add", "delete"), profile)
            ingestor.database = Timed(services.database, ("replace_document", "find"), profile)
            started = time.perf_counter()
            failed, stored = 0, 0
            for path, source in files:
                try:
                    stored += services_module.ingest_path(services, path, source).document["chunks"]
                except Exception as error:  # a file the appliance refuses is reported, as the CLI does
                    failed += 1
                    common.log(f"  {source}: {error}")
            pipeline_s = time.perf_counter() - started
            common.log("ingestion: baseline 2")
            base2 = _baseline(embedder, texts, EMBED_BATCH)
        finally:
            services.close()
    n = len(texts)
    baseline_rate = n / ((base1 + base2) / 2)
    rate = stored / pipeline_s
    ratio = rate / baseline_rate
    chars = sum(len(t) for t in texts)
    profile = {k: round(v, 3) if isinstance(v, float) else v for k, v in profile.items()}
    accounted = sum(v for k, v in profile.items() if k.endswith("_s") and k != "count_tokens_s")
    profile["other_s (parse, chunk, hashing)"] = round(pipeline_s - accounted, 3)
    figures = {
        "files": len(files),
        "failed_files": failed,
        "pages": pages,
        "chunks": stored,
        "mean_chunk_chars": round(chars / n) if n else 0,
        "pipeline_seconds": round(pipeline_s, 2),
        "files_per_s": round(len(files) / pipeline_s, 2),
        "pages_per_s": round(pages / pipeline_s, 2),
        "chunks_per_s": round(rate, 2),
        "baseline_chunks_per_s": round(baseline_rate, 2),
        "baseline_runs_s": [round(base1, 2), round(base2, 2)],
        "ratio_to_embedder": round(ratio, 3),
        "model_load_s": round(load_s, 2),
        "parse_and_chunk_alone_s": round(parse_chunk_s, 2),
        "pipeline_profile": profile,
    }
    picked = ("embed_model", "embed_threads", "chunk_tokens", "chunk_overlap")
    return common.record(
        "ingestion",
        described,
        {k: getattr(settings, k) for k in picked} | {"embed_batch": EMBED_BATCH},
        figures,
        [common.target("ratio to the embedder alone", f">= {TARGET_RATIO}", round(ratio, 3), ratio >= TARGET_RATIO)],
        [
            "chunks/s counts the chunks stored; the baseline embeds the same texts (heading + text) in the same "
            "batches, measured before and after the pipeline and averaged"
        ],
        begun,
    )


def main(argv: list[str] | None = None) -> int:
    return common.cli("ingestion", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
