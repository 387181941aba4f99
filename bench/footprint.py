"""Footprint: time from start to ready, peak resident memory of the service with the default models after
ingesting the ROS 2 docs (uploaded over HTTP, so the service itself parses and embeds them), and the size
of the installed virtual environment.

    .venv/bin/python -m bench.footprint            # ROS 2 docs + the 117-page PDF
    .venv/bin/python -m bench.footprint --quick    # a synthetic corpus

The service is `python -m appliance serve` in its own process on a fresh data dir; ready = the first 200
from /api/ready (models loaded, stores opened). Memory is VmRSS / VmHWM from /proc.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import common


def tree_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return round(total / 2**20, 1)


def measure_started(app, files: list) -> dict:
    """Figures for an appliance that has just started: ingest, then read its memory."""
    ready_mem = app.memory()
    ingest = app.upload(files)
    after = app.memory()
    return {
        "start_to_ready_s": app.start_seconds,
        "rss_at_ready_mb": ready_mem.get("rss_mb"),
        "ingest": ingest,
        "rss_after_ingest_mb": after.get("rss_mb"),
        "peak_rss_mb": after.get("peak_rss_mb"),
        "venv_mb": tree_mb(Path(sys.prefix)),
    }


def _targets(figures: dict) -> list[dict]:
    peak, start = figures["peak_rss_mb"], figures["start_to_ready_s"]
    return [
        common.target("peak RSS after ingesting", "<= 1536 MB", peak, peak is not None and peak <= 1536),
        common.target("start to ready", "<= 15 s", start, start is not None and start <= 15),
    ]


def start_and_ingest(quick: bool, scratch: Path):
    """A fresh appliance with the corpus uploaded: (appliance, figures, corpus). The caller stops it."""
    files, described = common.corpus(quick, scratch)
    app = common.Appliance(scratch / "data", common.QUICK_SETTINGS if quick else {})
    try:
        app.start()
        figures = measure_started(app, files)
    except BaseException:
        app.stop()  # the caller never gets the appliance to stop: a failed upload must not leave it running
        raise
    app.corpus = described | {"ingest": figures["ingest"]}
    return app, figures, described


def record(app, figures: dict, described: dict, begun: float) -> dict:
    return common.record(
        "footprint",
        described,
        common.server_settings(app),
        figures,
        _targets(figures),
        [
            "start to ready on a fresh data dir with the ONNX embedder already exported once on "
            "this machine; the first start ever also exports it"
        ],
        begun,
    )


def run(quick: bool = False) -> dict:
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ragbot-bench-", ignore_cleanup_errors=True) as tmp:
        app, figures, described = start_and_ingest(quick, Path(tmp))
        try:
            return record(app, figures, described, begun)
        finally:
            app.stop()


def main(argv: list[str] | None = None) -> int:
    return common.cli("footprint", __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
