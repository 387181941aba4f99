"""Each format built here, uploaded over HTTP to the real appliance, and found again at its slide, page or cell."""

import io
import re
import threading
import time
import zipfile

import httpx
import pytest

from appliance.services import build
from appliance.settings import load_settings
from tests.conftest import sign_in
from tests.filemaker import (
    LAUGHS,
    giant_page_pdf,
    make_docx,
    make_epub,
    make_html,
    make_notebook,
    make_odp,
    make_odt,
    make_pptx,
    pdf_bomb,
    scanned_pdf,
    zip_of,
)
from tests.realserver import no_network, serve, wait_job

pytestmark = pytest.mark.real

FILLER = "This part of the course is about something else entirely, such as the history of the department."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The appliance on its packaged models with no network, answering by quoting its evidence (extractive: the
    cited page is the material's, whatever a model would write); a teacher's client."""
    settings = load_settings(
        environ={}, data_dir=str(tmp_path_factory.mktemp("formats")), ingest_sample=False, answer_mode="extractive"
    )
    with (
        no_network() as attempts,
        serve(settings, services=build(settings)) as running,
        httpx.Client(base_url=running.base_url, timeout=120) as client,
    ):
        client.headers.update(sign_in(client, running.services, "teacher", "teacher"))
        yield client, running
    assert attempts == [], f"the appliance tried to reach the network: {attempts}"


def _upload(client, name: str, data: bytes) -> httpx.Response:
    return client.post("/api/v1/documents", files=[("files", (name, data, "application/octet-stream"))])


def _ingest(client, name: str, data: bytes) -> dict:
    response = _upload(client, name, data)
    assert response.status_code == 202, response.text
    return wait_job(client, response.json()["jobs"][0]["id"], timeout=300)


def _top(client, query: str) -> dict:
    return client.post("/api/v1/search", json={"query": query, "k": 1}).json()["results"][0]


FILES = [
    (
        "gears.pptx",
        lambda: make_pptx(
            [
                ("Course overview", [FILLER], ""),
                ("Gear trains", ["The Vorlan gearbox multiplies torque by exactly eleven."], "Show the red gearbox"),
            ]
        ),
        "How much does the Vorlan gearbox multiply torque?",
        2,
    ),
    (
        "safety.docx",
        lambda: make_docx(
            "Lab safety",
            [("History", [FILLER]), ("Acids", ["Always add the Marnox acid to water, never the reverse."])],
        ),
        "Should Marnox acid be added to water?",
        1,
    ),
    (
        "osmosis.odt",
        lambda: make_odt("Osmosis", ["The Plessan membrane lets only water molecules through."]),
        "What passes through the Plessan membrane?",
        1,
    ),
    (
        "cells.odp",
        lambda: make_odp([("Welcome", FILLER), ("Organelles", "The Quendric organelle stores calcium ions.")]),
        "What does the Quendric organelle store?",
        2,
    ),
    (
        "volcano.html",
        lambda: make_html(
            "Volcanoes", f"<h1>Volcanoes</h1><p>{FILLER}</p><h2>Tarvek</h2><p>Mount Tarvek erupts every 19 years.</p>"
        ),
        "How often does Mount Tarvek erupt?",
        1,
    ),
    (
        "rivers.epub",
        lambda: make_epub(
            "Rivers", [("Springs", FILLER), ("Deltas", "The Olvane delta gains 40 metres of land a year.")]
        ),
        "How much land does the Olvane delta gain each year?",
        2,
    ),
    (
        "fitting.ipynb",
        lambda: make_notebook(
            [
                ("markdown", f"# Fitting\n{FILLER}", ""),
                ("code", "import numpy", ""),
                ("markdown", "## Residuals\nThe Brannigan residual test rejects fits whose residuals drift.", ""),
            ]
        ),
        "What does the Brannigan residual test reject?",
        3,
    ),
    (
        "scan.pdf",
        lambda: scanned_pdf(["The Dervish pump runs on", "a 24 volt supply."]),
        "What voltage does the Dervish pump run on?",
        1,
    ),
]


def _cited(client, question: str) -> set[tuple[str, int]]:
    """(filename, page) of each source an answer's shown sentences cite."""
    done = client.post("/api/v1/chat", json={"message": question}).json()
    numbers = {s["source"] for s in done["sentences"] if s["status"] != "dropped"}
    return {(s["filename"], s["page"] or 1) for s in done["sources"] if s["n"] in numbers}


@pytest.mark.parametrize("name, build, question, page", FILES, ids=[f[0] for f in FILES])
def test_each_format_is_found_and_cited_at_its_page(server, name, build, question, page):
    client, _ = server
    job = _ingest(client, name, build())
    assert job["status"] == "done", job["error"]
    hit = _top(client, question)
    assert (hit["filename"], hit["page"] or 1) == (name, page)
    assert _cited(client, question) == {(name, page)}


def test_a_scanned_page_is_marked_as_ocr(server):
    client, _ = server
    job = _ingest(client, "marked-scan.pdf", scanned_pdf(["Recognised from pixels alone."]))
    assert client.get(f"/api/v1/documents/{job['document_id']}/pages/1").json()["ocr"] is True


def test_ocr_progress_reaches_the_job_page_by_page(server):
    _, running = server
    seen = []
    data = scanned_pdf(["Progress, one page at a time."])
    running.services.ingestor.ingest(data, "progress.pdf", lambda **fields: seen.append(fields))
    assert seen[:2] == [{"pages_total": 1, "pages_done": 0}, {"pages_done": 1}]


def test_a_text_page_is_not_marked_as_ocr(server):
    client, _ = server
    job = _ingest(client, "text.html", make_html("Plain", "<p>Typed text, not a scan at all.</p>"))
    assert client.get(f"/api/v1/documents/{job['document_id']}/pages/1").json()["ocr"] is False


def _stores(running) -> tuple:
    services = running.services
    return services.database.documents(), services.database.chunk_ids(), services.vectors.ids()


class HealthWatch:
    """Polls the health endpoint in a thread while a hostile file is handled; keeps the slowest answer."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.slowest = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                client.get("/api/health")
                self.slowest = max(self.slowest, time.monotonic() - started)
                time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()


def _docx_with(part: str, data: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(make_docx("T", [("H", ["x"])])))
    return zip_of({**{name: archive.read(name) for name in archive.namelist()}, part: data})


HOSTILE = [
    ("bomb.docx", lambda: _docx_with("word/media/zeros.bin", b"\0" * (20 << 20)), "zip bomb"),
    ("laughs.docx", lambda: _docx_with("word/document.xml", LAUGHS), "declares XML entities"),
    ("giant.pdf", giant_page_pdf, "over the limit of 25000000 pixels"),
    ("outputs.ipynb", lambda: make_notebook([("code", "print(x)", "x" * 3_000_000)]), "cell 1 yields"),
    ("deep.html", lambda: b"<html><body>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000, "more than 256 deep"),
    ("shared-stream.pdf", pdf_bomb, "page 1 yields 300000 characters"),
]


@pytest.mark.parametrize("name, build, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_fails_its_job_and_changes_nothing(server, name, build, message):
    client, running = server
    before = _stores(running)
    with HealthWatch(running.base_url) as watch:
        response = _upload(client, name, build())
        job = response.json()["jobs"][0]
        if job["status"] in ("queued", "running"):
            job = wait_job(client, job["id"], timeout=300)
    assert job["status"] == "failed"
    assert message in job["error"]
    assert _stores(running) == before
    assert watch.slowest < 1.0


def test_a_parser_that_runs_too_long_is_stopped_and_health_answers_meanwhile(tmp_path):
    """The shared-stream PDF with its caps lifted keeps pypdf busy for minutes: the child is stopped at the limit."""
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path),
        ingest_sample=False,
        parse_seconds=5,
        max_page_chars=100_000_000,
        max_document_chars=1_000_000_000,
    )
    with (
        serve(settings, services=build(settings, with_llm=False)) as running,
        httpx.Client(base_url=running.base_url, timeout=60) as client,
    ):
        client.headers.update(sign_in(client, running.services, "teacher", "teacher"))
        with HealthWatch(running.base_url) as watch:
            job = _ingest(client, "endless.pdf", pdf_bomb(pages=2000, chars=400_000))
        stores = _stores(running)
    # Whichever limit the child reaches first (wall or CPU seconds) stops it.
    assert re.search(r"took longer than 5 seconds|more than 5 CPU seconds", job["error"]), job["error"]
    assert stores == ([], set(), set())
    assert watch.slowest < 1.0


def test_search_results_say_which_passages_ocr_read(server):
    client, _ = server
    _ingest(client, "valve-scan.pdf", scanned_pdf(["The Halvard valve opens at three bar."]))
    _ingest(client, "valve.html", make_html("Valve", "<p>The Halvard valve closes again at one bar.</p>"))
    results = client.post("/api/v1/search", json={"query": "Halvard valve bar", "k": 5}).json()["results"]
    flags = {hit["filename"]: hit["ocr"] for hit in results if hit["filename"].startswith("valve")}
    assert flags == {"valve-scan.pdf": True, "valve.html": False}
