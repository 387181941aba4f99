import asyncio
import contextlib
import json
import sqlite3
import threading
import time
from typing import cast

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from appliance.answer.events import ConversationEvent, Done, ErrorEvent, Source
from appliance.errors import Unavailable
from appliance.ingest import pipeline
from appliance.ingest.document import Caps
from appliance.web.app import create_app
from appliance.web.routes import chat as chat_routes
from appliance.web.shown import Shown
from tests.chatscript import ScriptedAnswerer, quoted_answer
from tests.conftest import parse_sse, sign_in
from tests.filemaker import TWO_SLIDES, make_pptx, scanned_pdf, zip_of
from tests.pdfmaker import encrypt_pdf, make_pdf, truncate
from tests.realserver import serve

FACT = b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n"


@pytest.fixture
def settings(settings):
    """Uploads limited to 1 MB, so that the limit is quick to reach."""
    return msgspec.structs.replace(settings, max_upload_mb=1)


@pytest.fixture
def client(settings, services):
    """A client signed in as a teacher of the default course."""
    with TestClient(create_app(settings, services)) as client:
        client.headers.update(sign_in(client, services, "teacher1", "teacher"))
        yield client


def _upload(client, *files):
    return client.post("/api/v1/documents", files=[("files", f) for f in files])


def _finish(client, services, response):
    services.jobs.wait(10)
    return [client.get(f"/api/v1/jobs/{job['id']}").json() for job in response.json()["jobs"]]


def _stores(services):
    return services.database.documents(), services.database.chunk_ids(), services.vectors.ids()


def test_the_document_list_names_the_uploads_it_takes_as_a_refusal_does(client, services, monkeypatch):
    formats = client.get("/api/v1/documents").json()["formats"]
    for name in ("PDF", "scanned PDF (read by OCR)", "Word", "PowerPoint", "OpenDocument", "EPUB", "notebooks"):
        assert name in formats
    refused = _upload(client, ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")).json()["error"]
    assert all(name in refused for name in formats if name != "scanned PDF (read by OCR)"), refused
    monkeypatch.setattr(services.ingestor, "caps", Caps(ocr=False))
    assert "scanned PDF (read by OCR)" not in client.get("/api/v1/documents").json()["formats"]


def test_upload_follow_job_reupload_noop_and_delete(client, services):
    response = _upload(client, ("grip.md", FACT, "text/markdown"), ("book.pdf", make_pdf(["Page one", "Page two"])))
    assert response.status_code == 202
    jobs = _finish(client, services, response)
    assert [j["status"] for j in jobs] == ["done", "done"]
    assert all(j["progress"] == 1.0 for j in jobs)
    assert jobs[1]["pages_total"] == jobs[1]["pages_done"] == 2
    docs = client.get("/api/v1/documents").json()["documents"]
    assert {d["filename"] for d in docs} == {"grip.md", "book.pdf"}
    doc = client.get(f"/api/v1/documents/{jobs[0]['document_id']}").json()
    assert doc["sha256"]
    assert doc["chunks"] >= 1

    again = _finish(client, services, _upload(client, ("grip.md", FACT, "text/markdown")))
    assert again[0]["outcome"] == "unchanged"
    assert again[0]["document_id"] == doc["id"]
    assert len(client.get("/api/v1/documents").json()["documents"]) == 2

    page = client.get(f"/api/v1/documents/{jobs[1]['document_id']}/pages/2").json()
    assert "Page two" in page["text"]
    hits = client.post("/api/v1/search", json={"query": "Zorblax gripper force", "k": 3}).json()["results"]
    assert hits[0]["filename"] == "grip.md"
    assert set(hits[0]) >= {
        "document_id",
        "page",
        "page_label",
        "heading",
        "text",
        "score",
    }
    assert client.delete(f"/api/v1/documents/{doc['id']}").status_code == 204
    hits = client.post("/api/v1/search", json={"query": "Zorblax gripper force", "k": 3}).json()["results"]
    assert all(h["document_id"] != doc["id"] for h in hits)
    assert client.get(f"/api/v1/documents/{doc['id']}").status_code == 404


def test_an_uploads_job_names_the_kind_of_file_it_reads(client, services):
    """A deck's progress read "Reading pages 3 of 12": its job carried no kind, so the web app could not say slides.
    Each job names the kind its content was read as, from the start; a file refused before it was read has none."""
    deck = make_pptx(TWO_SLIDES)
    files = [
        ("week3.pptx", deck, "application/octet-stream"),
        ("book.pdf", make_pdf(["One", "Two"]), "application/pdf"),
    ]
    response = _upload(client, *files, ("empty.md", b"", "text/markdown"))
    assert [(job["kind"], job["pages_total"]) for job in response.json()["jobs"]] == [
        ("pptx", 2),
        ("pdf", 2),
        (None, 0),
    ]
    assert [job["kind"] for job in _finish(client, services, response)] == ["pptx", "pdf", None]


def test_a_document_replaced_by_a_newer_upload_of_its_name_says_when_it_was_first_added(client, services, monkeypatch):
    """The material list said only "added" with the newest version's date: a teacher could not tell a handout
    replaced this morning from one first added then. A document keeps when its first version was added."""
    for stamp, text in (("2026-11-02T09:00:00+00:00", FACT), ("2026-12-04T15:30:00+00:00", FACT + b"More.\n")):
        monkeypatch.setattr(pipeline, "now", lambda stamp=stamp: stamp)
        _finish(client, services, _upload(client, ("grip.md", text, "text/markdown")))
    listed = client.get("/api/v1/documents").json()["documents"]
    assert [(d["added_at"], d["created_at"]) for d in listed] == [
        ("2026-11-02T09:00:00+00:00", "2026-12-04T15:30:00+00:00")
    ]
    assert client.get(f"/api/v1/documents/{listed[0]['id']}").json()["added_at"] == "2026-11-02T09:00:00+00:00"


BAD_FILES = [
    (("empty.md", b"", "text/markdown"), 400, "empty"),
    (("renamed.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "application/pdf"), 415, "not a PDF"),
    (("cut.pdf", truncate(make_pdf(["text"] * 3)), "application/pdf"), 400, "truncated"),
    (("locked.pdf", encrypt_pdf(make_pdf(["secret"]), "pw"), "application/pdf"), 400, "encrypted"),
    (("sheet.xlsx", zip_of({"xl/workbook.xml": b"<workbook/>"}), "application/octet-stream"), 415, "unsupported"),
    # What would fail at ingest is refused at upload: a queued file goes in.
    (("notes.md", b"---\ntitle: Notes\n---\n<!-- to do -->\n", "text/markdown"), 400, "no text could be extracted"),
    (("lab.ipynb", b'{"cells": [], "nbformat": 4}', "application/json"), 400, "notebook cannot be read"),
    (("long.txt", b"word " * 50_000, "text/plain"), 400, "max_page_chars"),
    (("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "text/csv"), 415, "the file is an image (.png), which cannot"),
    (("program.exe", b"MZ\x90\x00" + bytes(60), "application/x-msdownload"), 415, "a Windows program (.exe), which"),
    (
        ("blob.bin", b"\x01\x00\x02" * 40, "application/octet-stream"),
        415,
        "the file is binary data (.bin), which cannot be read",
    ),
    (("old.csv", bytes(range(128, 256)) * 4, "text/csv"), 415, "not readable text"),
    (("rota.csv", b'day,room\nMon,"B12\nTue,B14\n', "text/csv"), 400, "line 3: unexpected end of data"),
    (("wide.csv", b",".join([b"x"] * 150) + b"\n1,2\n", "text/csv"), 400, "150 cells; a table may have at most 100"),
    (("huge.csv", b'part,notes\nB-1,"' + b"x" * 140_000 + b'"\n', "text/csv"), 400, "field larger than field limit"),
    (("title.csv", b"Lab schedule, spring term\n", "text/csv"), 400, "no rows below its header row"),
]


@pytest.mark.parametrize("file, status, message", BAD_FILES)
def test_bad_upload_is_4xx_with_reason_and_stores_unchanged(client, services, file, status, message):
    services.ingestor.ingest(b"Existing notes.", "existing.txt")
    before = _stores(services)
    response = _upload(client, file)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert response.json()["jobs"][0]["status"] == "failed"
    services.jobs.wait(5)
    assert _stores(services) == before


def test_a_scan_uploaded_while_ocr_is_off_is_415_saying_so_and_queues_nothing(client, services, monkeypatch):
    monkeypatch.setattr(services.ingestor, "caps", Caps(ocr=False))
    before = _stores(services)
    response = _upload(client, ("scan.pdf", scanned_pdf(["The Halvard valve opens at three bar."]), "application/pdf"))
    assert response.status_code == 415
    error = response.json()["error"]
    assert "no text layer (a scan?) and OCR is off" in error and "setting ocr" in error, error
    assert [(job["status"], job["error"]) for job in response.json()["jobs"]] == [("failed", error)]
    assert services.database.open_jobs(services.accounts.find("teacher1")["id"]) == 0
    services.jobs.wait(5)
    assert _stores(services) == before


PARTS = "Part,Quantity,Unit price (EUR)\n" + "".join(f"Bracket B-{n},{n % 7 + 1},{n}.50\n" for n in range(1, 100))


def test_a_csv_handout_is_a_table_cited_by_its_rows_and_quoted_under_its_header(client, services):
    """A parts list read as tables under its header row, a page per fifty rows: a passage from its middle still
    says what its cells are, and the row answering a question is quoted from it."""
    parts = PARTS + "Kessra KS-20 servo,4,38.90\n"
    response = _upload(client, ("parts-list.csv", parts.encode(), "text/csv"))
    assert response.status_code == 202
    [job] = _finish(client, services, response)
    assert job["status"] == "done", job["error"]
    document = client.get(f"/api/v1/documents/{job['document_id']}").json()
    assert (document["kind"], document["pages"], document["title"]) == ("csv", 2, "parts-list")
    hit = client.post("/api/v1/search", json={"query": "Kessra KS-20 servo", "k": 1}).json()["results"][0]
    assert (hit["page"], hit["page_label"]) == (2, "rows 52–101")
    assert hit["text"].startswith("| Part | Quantity | Unit price (EUR) |\n| --- | --- | --- |\n")
    page = client.get(f"/api/v1/documents/{job['document_id']}/pages/2").json()
    assert "| Kessra KS-20 servo | 4 | 38.90 |" in page["text"]
    assert '"table"' in json.dumps(page["nodes"])
    answer = client.post("/api/v1/chat", json={"message": "What does the Kessra KS-20 servo cost?"}).json()
    cited = [source for source in answer["sources"] if source["cited"]]
    assert cited[0]["filename"] == "parts-list.csv"
    assert any("Kessra KS-20 servo | 4 | 38.90" in evidence["text"] for evidence in cited[0]["evidence"])
    # The quote says what the cells are: the row follows its header, fifty rows above it on its page.
    assert "Part | Quantity | Unit price (EUR)\nKessra KS-20 servo | 4 | 38.90" in answer["answer"]


def test_batch_with_one_bad_file_goes_on(client, services):
    response = _upload(client, ("ok.txt", b"Good notes about wheels.", "text/plain"), BAD_FILES[0][0])
    assert response.status_code == 202
    jobs = _finish(client, services, response)
    assert [j["status"] for j in jobs] == ["done", "failed"]
    assert "empty" in jobs[1]["error"]


def test_oversize_upload_is_413_saying_the_limit_and_nothing_stored(settings, services):
    """Over a real socket, as a browser sends it: the refusal names the size, the limit, who can raise it and the
    setting they would change, whether the client said the size up front or sent the body in chunks."""
    big = b"word " * 300_000  # 1.5 MB against a 1 MB limit
    with serve(settings, services=services) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
        client.headers.update(sign_in(client, services, "teacher1", "teacher"))
        response = _upload(client, ("big.txt", big, "text/plain"))
        assert response.status_code == 413
        told = (
            "the upload is 1.5 MB, more than the 1 MB this appliance accepts; make the file smaller, or ask the lab "
            "admin to raise the limit (setting max_upload_mb)"
        )
        assert response.json() == {"error": told, "status": 413}
        chunked = client.post(
            "/api/v1/documents", content=iter([big, big]), headers={"content-type": "multipart/form-data; boundary=x"}
        )
        assert chunked.status_code == 413
        assert chunked.json()["error"] == told.replace("is 1.5 MB, more", "is larger")
    assert _stores(services) == ([], set(), set())


def test_a_file_of_the_limit_is_taken_and_one_a_few_kb_over_is_refused_saying_its_own_size(
    settings, services, monkeypatch
):
    """With a 60 MB limit a 60.0 MB file was refused as "60.1 MB": the limit counted the multipart framing too, and
    the size was the request's, rounded up. The limit is the files' bytes, as a teacher's file manager shows them."""
    limit = 1024 * 1024  # the fixture's max_upload_mb = 1
    # A text file is one page: let a page be as long as the file.
    monkeypatch.setattr(services.ingestor, "caps", Caps.of(msgspec.structs.replace(settings, max_page_chars=2 * limit)))
    with serve(settings, services=services) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
        client.headers.update(sign_in(client, services, "teacher1", "teacher"))
        for size, status in ((limit - 4096, 202), (limit, 202), (limit + 4096, 413)):
            text = (f"size {size} ".encode() + b"word " * (size // 5))[:size]
            response = _upload(client, (f"notes-{size}.txt", text, "text/plain"))
            assert response.status_code == status, (size, response.json())
        told = (
            "the upload is 1.1 MB, more than the 1 MB this appliance accepts; make the file smaller, or ask the lab "
            "admin to raise the limit (setting max_upload_mb)"
        )
        assert response.json() == {"error": told, "status": 413}
        services.jobs.wait(60)
    assert len(services.database.documents()) == 2


@pytest.mark.parametrize(
    "path, body, message",
    [
        ("/api/v1/search", b"{not json", "malformed"),
        ("/api/v1/search", b'{"query": "x", "k": 0}', "k"),
        ("/api/v1/search", b'{"query": "x", "k": 51}', "k must be between 1 and 50"),
        ("/api/v1/search", b'{"query": ""}', "query"),
        ("/api/v1/search", b'{"query": "x", "extra": 1}', "extra"),
        ("/api/v1/chat", b'{"message": "   "}', "empty"),
        ("/api/v1/chat", b'{"message": ""}', "message"),
        ("/api/v1/chat", b'{"msg": "hi"}', "unknown field `msg`"),
        ("/api/v1/chat", b"[]", "object"),
    ],
)
def test_bad_request_bodies_are_400_with_message(client, path, body, message):
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert message.lower() in response.json()["error"].lower()


def test_the_largest_k_documented_is_the_one_enforced(settings, services):
    for n, max_k in enumerate((50, 120)):
        services.settings = msgspec.structs.replace(settings, max_k=max_k)  # the route reads the services' settings
        with TestClient(create_app(services.settings, services)) as client:
            client.headers.update(sign_in(client, services, f"student{n}"))
            document = client.get("/api/docs/openapi.json").json()
            assert document["components"]["schemas"]["SearchRequest"]["properties"]["k"]["maximum"] == max_k
            assert client.post("/api/v1/search", json={"query": "gripper", "k": max_k}).status_code == 200
            refused = client.post("/api/v1/search", json={"query": "gripper", "k": max_k + 1})
            assert refused.status_code == 400 and refused.json()["error"] == f"k must be between 1 and {max_k}"


def test_a_search_without_k_returns_search_k_passages_whatever_max_k(client, settings, services):
    # The web app sends no k: a fixed default of 5 ignored search_k, and with max_k under 5 every search the web app
    # made was refused, "k must be between 1 and 4", for a k no one gave.
    notes = [(f"grip{n}.md", FACT + f"\nGripper {n} closes gently.\n".encode(), "text/markdown") for n in range(4)]
    _finish(client, services, _upload(client, *notes))
    services.settings = msgspec.structs.replace(settings, search_k=2, max_k=4)
    with TestClient(create_app(services.settings, services)) as client:
        client.headers.update(sign_in(client, services, "student9"))
        found = client.post("/api/v1/search", json={"query": "Zorblax gripper"})
        assert found.status_code == 200 and len(found.json()["results"]) == 2
        k = client.get("/api/docs/openapi.json").json()["components"]["schemas"]["SearchRequest"]["properties"]["k"]
        assert k["maximum"] == 4


def test_the_question_length_a_client_is_told_is_the_one_enforced(client):
    most = client.get("/api/v1/chat/limits").json()["question_chars"]
    question = ("Why does the Zorblax-7 gripper grip? " * 200)[: most - 1] + "é"  # counted in characters, not bytes
    assert client.post("/api/v1/chat", json={"message": question}).status_code == 200
    refused = client.post("/api/v1/chat", json={"message": question + "?"})
    assert refused.status_code == 400 and f"length <= {most}" in refused.json()["error"]


def test_upload_without_files_is_400(client):
    assert "multipart" in client.post("/api/v1/documents", json={}).json()["error"]
    response = client.post("/api/v1/documents", data={"other": "x"}, files=[("nope", ("a.txt", b"x"))])
    assert response.status_code == 400
    assert "'files'" in response.json()["error"]


def test_unknown_ids_are_404(client):
    assert client.get("/api/v1/jobs/nope").status_code == 404
    assert client.get("/api/v1/documents/nope").json() == {"error": "no document with id 'nope'", "status": 404}


def test_chat_json_and_sse(client, services):
    services.ingestor.ingest(FACT, "grip.md")
    answer = client.post("/api/v1/chat", json={"message": "How strong is the Zorblax-7 gripper?"}).json()
    assert "42 newtons" in answer["answer"]
    assert answer["sources"][0]["cited"]
    assert answer["model"] == "fake-llm"
    with client.stream("POST", "/api/v1/chat", json={"message": "Zorblax-7 force?", "stream": True}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.iter_lines())
    names = [name for name, _ in events]
    assert names[:2] == ["conversation", "sources"]
    assert names[-1] == "done"
    assert names.count("token") >= 1
    done = json.loads(events[-1][1])
    assert "".join(data for name, data in events if name == "token").strip() == done["answer"]
    assert json.loads(events[1][1])[0]["filename"] == "grip.md"
    assert json.loads(events[0][1]) == {"conversation_id": done["conversation_id"], "title": "Zorblax-7 force?"}
    # Where the time to first token went, in order, on the server's clock from the request's arrival.
    at = done["timings"]["at_ms"]
    steps = [
        at["started"],
        at["retrieved"],
        at["prompt_built"],
        at["model_acquired"],
        at["first_token"],
        done["timings"]["first_token_sent_ms"],
    ]
    assert steps == sorted(steps)
    assert steps[0] >= 0


def test_a_reopened_answer_says_how_long_it_took_or_that_it_came_from_the_cache(client, services):
    """The stored message carries what the live answer's footer showed: its time, or that it was cached."""
    services.ingestor.ingest(FACT, "grip.md")
    live = client.post("/api/v1/chat", json={"message": "How strong is the Zorblax-7 gripper?"}).json()
    again = client.post("/api/v1/chat", json={"message": "how strong is the zorblax-7 gripper"}).json()
    assert live["timings"]["total_ms"] > 0 and again["cached"] and "total_ms" not in again["timings"]
    reopened = [
        client.get(f"/api/v1/conversations/{done['conversation_id']}").json()["messages"][1] for done in (live, again)
    ]
    assert reopened[0]["total_ms"] == live["timings"]["total_ms"] and "cached" not in reopened[0]
    assert reopened[1]["cached"] is True and "total_ms" not in reopened[1]


SENTENCE = "The Zorblax-7 gripper closes with 42 newtons of force [1]."


def test_answer_stopped_before_done_keeps_its_conversation(settings, services):
    """The stream names its conversation first: a follow-up after Stop continues it instead of starting anew."""
    services.ingestor.ingest(FACT, "grip.md")
    # A long answer (four sentences, 0.3 s a word: about 12 s): the server learns the client left, and stops,
    # long before it could finish, even on a loaded box. Cut to one 3 s sentence, a late-noticed disconnect let
    # the whole answer be recorded now and then.
    services.model.delay = 0.3
    services.model.script = " ".join([SENTENCE] * 4)
    with serve(settings, services=services) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
        client.headers.update(sign_in(client, services, "teacher1", "teacher"))
        with client.stream("POST", "/api/v1/chat", json={"message": "Zorblax-7 force?", "stream": True}) as response:
            lines = response.iter_lines()
            assert next(lines) == "event: conversation"
            conversation = json.loads(next(lines).removeprefix("data:"))["conversation_id"]
        # Stopped after the first event: the server gives up the generation and records the question, no answer.
        deadline = time.time() + 15
        while services.answerer.gate.busy or services.answerer.gate.waiting:
            assert time.time() < deadline, "generation kept running after the client left"
            time.sleep(0.05)
        while not services.conversations.questions(conversation):  # recorded once the generation has stopped
            assert time.time() < deadline, "the stopped question was not recorded"
            time.sleep(0.05)
        assert services.conversations.questions(conversation) == ["Zorblax-7 force?"]
        services.model.delay, services.model.script = 0, None
        listed = client.get("/api/v1/conversations").json()["conversations"]
        assert [c["id"] for c in listed] == [conversation]
        assert listed[0]["title"] == "Zorblax-7 force?"
        follow = client.post(
            "/api/v1/chat", json={"message": "How strong is the Zorblax-7 gripper?", "conversation_id": conversation}
        ).json()
        assert follow["conversation_id"] == conversation
        assert "42 newtons" in follow["answer"]
        messages = client.get(f"/api/v1/conversations/{conversation}").json()["messages"]
        assert [m.get("stopped", False) for m in messages] == [False, True, False, False]
        # What the answer had given when the server saw the client gone: on a loaded box, a verified sentence or so.
        assert messages[1]["content"] in ("", *(" ".join([SENTENCE] * n) for n in range(1, 4))), messages[1]


def test_a_stream_left_while_its_sources_are_rendered_stops_its_answer_at_once():
    """The client leaves while the stream waits on the sources' rich text: the answer's events are closed then,
    which stops the generation, not whenever the garbage collector gets to them."""
    closed, rendering, release = [], threading.Event(), threading.Event()

    async def answer():
        try:
            yield "sources", ["a source"]
            yield "token", "never sent"
        finally:
            closed.append(True)

    class SlowShown:
        def source(self, source):
            rendering.set()
            release.wait(5)
            return source

    async def leave_while_rendering():
        stream = chat_routes._sse(answer(), time.perf_counter(), cast(Shown, SlowShown()))
        sending = asyncio.ensure_future(anext(stream))
        await asyncio.to_thread(rendering.wait, 5)
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        return list(closed)

    try:
        assert asyncio.run(leave_while_rendering()) == [True]
    finally:
        release.set()


def test_full_queue_is_503_with_retry_after(client, services):
    # Grounded answers quote their evidence when the model's line is full: what still refuses is a full
    # preparation (questions being searched and weighed), in every mode.
    tickets = [services.answerer.reserve() for _ in range(services.settings.max_preparing)]
    response = client.post("/api/v1/chat", json={"message": "anything"})
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert client.get("/api/v1/conversations").json()["conversations"] == []
    for ticket in tickets:
        ticket.leave()


def test_a_question_the_busy_model_cannot_take_is_quoted_marked_recorded_and_not_cached(client, services):
    services.ingestor.ingest(FACT, "grip.md")
    services.answerer.settings = msgspec.structs.replace(services.answerer.settings, model_wait_seconds=0.1)
    gate = services.answerer.gate
    held = [gate.reserve(f"other{n}") for n in range(gate.slots)]
    with contextlib.ExitStack() as busy:
        for ticket in held:
            assert busy.enter_context(ticket.hold(lambda: False))
        quoted = client.post("/api/v1/chat", json={"message": "How strong is the Zorblax-7 gripper?"})
    assert quoted.status_code == 200
    done = quoted.json()
    assert (done["mode"], done["model_busy"], done["covered"]) == ("extractive", True, True)
    assert done["answer"].startswith("The material says: “The Zorblax-7 gripper closes with 42 newtons of force.”")
    stored = client.get(f"/api/v1/conversations/{done['conversation_id']}").json()["messages"][-1]
    assert stored["model_busy"] is True
    # Not kept in the answer cache: with the model free, the same question gets the model's answer.
    again = client.post("/api/v1/chat", json={"message": "How strong is the Zorblax-7 gripper?"}).json()
    assert (again["mode"], again["model_busy"], again["cached"]) == ("grounded", False, False)
    assert "model_busy" not in client.get(f"/api/v1/conversations/{again['conversation_id']}").json()["messages"][-1]
    schema = client.get("/api/docs/openapi.json").json()["components"]["schemas"]["Done"]["properties"]
    assert "busy" in schema["model_busy"]["description"]


def test_sse_events_are_the_contracts_structs(client, services):
    """Each event's data decodes as its Struct; tokens are plain text; a midway failure is an `error` event."""
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    with client.stream("POST", "/api/v1/chat", json={"message": "How heavy is the P-9 pump?", "stream": True}) as r:
        events = parse_sse(r.iter_lines())
    data = dict(events)
    assert msgspec.json.decode(data["conversation"], type=ConversationEvent).title == "How heavy is the P-9 pump?"
    shown = Shown(services.database).answer(quoted_answer())  # as the web app is sent it: with its rich text
    assert msgspec.json.decode(data["sources"], type=list[Source]) == shown.sources
    assert msgspec.json.decode(data["done"], type=Done).sentences == shown.sentences
    assert data["token"] == quoted_answer().answer.split(". ")[-1]


def test_answer_failing_midway_is_an_error_event(client, services, monkeypatch):
    def failing(question, ticket, cancel):
        yield "sources", []
        raise Unavailable("the model stopped")

    answerer = ScriptedAnswerer(quoted_answer())
    monkeypatch.setattr(answerer, "events", failing)
    services.chat.answerer = answerer
    with client.stream("POST", "/api/v1/chat", json={"message": "How heavy?", "stream": True}) as response:
        events = parse_sse(response.iter_lines())
    assert msgspec.json.decode(events[-1][1], type=ErrorEvent).error == "the model stopped"


def test_openapi_documents_the_chat_contract(client):
    document = client.get("/api/docs/openapi.json").json()
    ok = document["paths"]["/api/v1/chat"]["post"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"]["$ref"] == "#/components/schemas/Done"
    # As OpenAPI has it for an event stream, the schema is one event: its name and data (a ChatStream field).
    events = ok["text/event-stream"]["schema"]["oneOf"]
    assert [e["properties"]["event"]["const"] for e in events] == ["conversation", "sources", "token", "done", "error"]
    assert events[3]["properties"]["data"]["contentSchema"]["$ref"] == "#/components/schemas/ChatStream/properties/done"
    contract = {"ChatStream", "ConversationEvent", "Source", "Evidence", "Sentence", "Done", "ErrorEvent", "Message"}
    assert contract <= set(document["components"]["schemas"])


def test_openapi_documents_every_error_as_the_body_it_is(client, services):
    """Each route lists the error statuses it can answer with the `{error, status}` body they come with (OpenAI's
    `{"error": {...}}` under /v1)."""
    document = client.get("/api/docs/openapi.json").json()
    for path, operations in document["paths"].items():
        bodies = ("OpenAIError",) if path.startswith("/v1/") else ("ErrorBody", "UploadRefused")
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "429"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema["$ref"].rsplit("/", 1)[1] in bodies, (method, path, status)
    assert set(document["components"]["schemas"]["ErrorBody"]["required"]) == {"error", "status"}
    health = document["paths"]["/api/health"]["get"]["responses"]["503"]["content"]["application/json"]
    assert health["schema"]["$ref"] == "#/components/schemas/Health"
    refused = client.post("/api/v1/documents", content=b"not multipart", headers={"content-type": "text/plain"})
    assert refused.status_code == 400 and set(refused.json()) == {"error", "status"}


def test_health_ready_and_offline_docs(client):
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.get("/api/ready").status_code == 200
    page = client.get("/api/docs").text
    assert "swagger-ui-bundle.js" in page
    assert "http://" not in page
    assert "https://" not in page.replace("https://swagger.io", "")
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/openapi.json").json()["paths"]["/api/v1/chat"]


def test_internal_errors_are_json_without_traceback(client, services, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    for way in ("search_at_once", "search"):  # failing on the event loop; then declined there, failing on a thread
        monkeypatch.setattr(services.retriever, way, boom)
        response = client.post("/api/v1/search", json={"query": "x"})
        assert response.status_code == 500
        assert "secret" not in response.text
        assert "Traceback" not in response.text
        monkeypatch.setattr(services.retriever, way, lambda *args, **kwargs: None)


CHAT_PATHS = ("/api/v1/chat", "/api/v1/conversations", "/api/v1/interactions")


def _typed(operation: dict) -> bool:
    """True when a success response has no body (204) or a body whose schema names a Struct."""
    for status, response in operation["responses"].items():
        if status == "204":
            return True
        schemas = [body.get("schema", {}) for body in response.get("content", {}).values()]
        if status.startswith("2") and any("$ref" in json.dumps(schema) for schema in schemas):
            return True
    return False


def test_every_route_but_chat_documents_its_response_schema(client):
    paths = client.get("/api/docs/openapi.json").json()["paths"]
    untyped = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        if not path.startswith(CHAT_PATHS)
        for method, operation in operations.items()
        if not _typed(operation)
    ]
    assert untyped == []


def test_ids_beyond_sqlite_integers_are_refused_not_crashed(client):
    """Found by tests/test_fuzz.py: a 2**70 course id reached SQLite and came back as a 500."""
    huge = 2**70
    requests = [
        client.get(f"/api/v1/documents?course_id={huge}"),
        client.get(f"/api/v1/courses/{huge}/members"),
        client.get(f"/api/v1/courses/{huge}/stats"),
        client.get(f"/api/v1/documents/abc/pages/{huge}"),
        client.get(f"/api/v1/audit?before={huge}"),
        client.post("/api/v1/search", json={"query": "gripper", "course_id": huge}),
        client.post("/api/v1/chat", json={"message": "gripper?", "course_id": huge}),
        client.patch(f"/api/v1/courses/{huge}", json={"archived": True}),
        client.delete(f"/api/v1/courses/1/members/{huge}"),
        client.get(f"/api/v1/courses/{huge}/questions"),
    ]
    assert [r.status_code for r in requests] == [400, 400, 400, 400, 403, 400, 400, 400, 400, 400]
    assert all(set(r.json()) == {"error", "status"} for r in requests)


def test_a_damaged_database_page_is_a_503_saying_so_not_a_500(client, services, monkeypatch):
    # A page of ragbot.db damaged since the service started: a search reaching it was "500 internal error".
    malformed = sqlite3.DatabaseError("database disk image is malformed")
    malformed.sqlite_errorcode = sqlite3.SQLITE_CORRUPT

    def damaged(*args, **kwargs):
        raise malformed

    monkeypatch.setattr(services.retriever, "search_at_once", damaged)
    monkeypatch.setattr(services.retriever, "search", damaged)
    response = client.post("/api/v1/search", json={"query": "gripper force", "k": 3})
    assert response.status_code == 503
    assert response.json()["error"] == (
        "the database of the appliance is damaged (database disk image is malformed); tell the lab admin"
    )
