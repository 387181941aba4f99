"""Ingestion throughput per format, OCR seconds per page, and OCR character error rate on pages of known text.

    .venv/bin/python -m bench.formats              # 5 files of each format, 6 scanned pages
    .venv/bin/python -m bench.formats --files 2    # quicker

Every file is built in memory (tests/filemaker.py) and ingested by the appliance's own Ingestor (the child
process that parses, the packaged embedder, Chroma and SQLite) into a fresh data dir; the LLM is not loaded.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tests import filemaker

PARAGRAPH = (
    "Section {n} explains how the {topic} behaves under load, which measurements matter, and how students "
    "should record them in the lab book before they compare their results with the reference values."
)
OCR_LINES = [
    ["The pump moves 85 litres of coolant", "every minute at full speed."],
    ["Close the valve slowly after each", "titration and rinse the burette."],
    ["Mitochondria turn glucose into ATP", "through cellular respiration."],
    ["A lever multiplies force at the cost", "of distance moved by the effort."],
    ["Igneous rock forms when magma cools", "either below or above the ground."],
    ["The river delta grows forty metres", "of new land every single year."],
]


def _paragraphs(count: int, topic: str) -> list[str]:
    return [PARAGRAPH.format(n=n, topic=topic) for n in range(1, count + 1)]


BUILDERS = {
    "pptx": lambda n: filemaker.make_pptx(
        [(f"Deck {n} slide {i}", _paragraphs(2, "gearbox"), "notes") for i in range(10)]
    ),
    "docx": lambda n: filemaker.make_docx(
        f"Handout {n}", [(f"Part {i}", _paragraphs(3, "circuit")) for i in range(10)]
    ),
    "odt": lambda n: filemaker.make_odt(f"Handout {n}", _paragraphs(30, "membrane")),
    "odp": lambda n: filemaker.make_odp([(f"Deck {n} slide {i}", " ".join(_paragraphs(2, "cell"))) for i in range(10)]),
    "html": lambda n: filemaker.make_html(
        f"Page {n}", "".join(f"<h2>Part {i}</h2><p>{p}</p>" for i, p in enumerate(_paragraphs(30, "volcano")))
    ),
    "epub": lambda n: filemaker.make_epub(
        f"Book {n}", [(f"Chapter {i}", " ".join(_paragraphs(3, "river"))) for i in range(10)]
    ),
    "ipynb": lambda n: filemaker.make_notebook(
        [("markdown", f"## Notebook {n} step {i}\n" + _paragraphs(1, "fit")[0], "") for i in range(10)]
        + [("code", "print(1)", "1\n")] * 10
    ),
}


def distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def _services(data_dir: str):
    from appliance.services import build
    from appliance.settings import load_settings

    return build(load_settings(environ={}, data_dir=data_dir, ingest_sample=False), with_llm=False)


def _formats(services, files: int) -> dict:
    rows = {}
    for kind, builder in BUILDERS.items():
        blobs = [builder(n) for n in range(files)]  # each names its number, so no two are the same file
        started, pages, chunks = time.perf_counter(), 0, 0
        for n, blob in enumerate(blobs):
            outcome = services.ingestor.ingest(blob, f"{kind}/file{n}.{kind}")
            pages += outcome.document["pages"]
            chunks += outcome.document["chunks"]
        seconds = time.perf_counter() - started
        rows[kind] = {
            "files": files,
            "pages": pages,
            "chunks": chunks,
            "seconds": round(seconds, 2),
            "files_per_s": round(files / seconds, 2),
            "pages_per_s": round(pages / seconds, 2),
            "chunks_per_s": round(chunks / seconds, 2),
        }
        print(f"{kind:6} {rows[kind]}", file=sys.stderr)
    return rows


def _ocr(services, pages: int) -> dict:
    seconds, errors, chars = [], 0, 0
    for n, lines in enumerate(OCR_LINES[:pages]):
        started = time.perf_counter()
        outcome = services.ingestor.ingest(filemaker.scanned_pdf(lines), f"scan/page{n}.pdf")
        seconds.append(time.perf_counter() - started)
        found = services.database.page(outcome.document["id"], 1)["text"]
        truth = "\n".join(lines)
        errors += distance(" ".join(found.split()), " ".join(truth.split()))
        chars += len(" ".join(truth.split()))
    return {
        "pages": len(seconds),
        "seconds_per_page_mean": round(sum(seconds) / len(seconds), 2),
        "seconds_per_page_max": round(max(seconds), 2),
        "character_error_rate": round(errors / chars, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5, help="files of each format")
    parser.add_argument("--ocr-pages", type=int, default=6, help="scanned pages (at most 6)")
    parser.add_argument("--output", type=Path, default=Path("bench/results/formats.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        services = _services(scratch)
        try:
            result = {
                "machine": {"cores": os.cpu_count(), "load": os.getloadavg()},
                "formats": _formats(services, args.files),
                "ocr": _ocr(services, args.ocr_pages),
            }
        finally:
            services.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
