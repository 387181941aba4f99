"""The real path: packaged models, Chroma on disk, SQLite and uvicorn on a loopback socket, nothing faked."""

import json
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from appliance.settings import load_settings
from tests.conftest import parse_sse, sign_in
from tests.pdfmaker import make_pdf
from tests.realserver import no_network, serve, wait_job

pytestmark = pytest.mark.real

FACT_PAGES = [
    "Preface\nThese lab notes belong to the Tarvenholm robotics course.",
    "Contents\n1 Grippers",
    "Chapter 1: Grippers\nThe Zorblax-7 gripper has a maximum grip force of 42 newtons.\nIt weighs 310 grams.",
    "Chapter 2: Wheels\nThe Quillon rover uses mecanum wheels with a diameter of 97 millimetres.",
]
LABELS = [{"start": 0, "style": "r"}, {"start": 2, "style": "D"}]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The appliance on its packaged models, served by uvicorn on a free loopback port, with no network."""
    # One answer at a time, as on a box with parallel_answers = 1: these tests check the queue in front of the
    # model (answers wait, searches do not); tests/test_real_batching.py checks answers decoded together.
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("real")),
        max_answer_tokens=40,
        temperature=0.0,
        parallel_answers=1,
    )
    with (
        no_network() as attempts,
        serve(settings) as running,
        httpx.Client(base_url=running.base_url, timeout=120) as client,
    ):
        client.headers.update(sign_in(client, running.services, "teacher", "teacher"))
        yield client, running.app
    assert attempts == [], f"the appliance tried to reach the network: {attempts}"


@pytest.fixture(scope="module")
def fact_document(server):
    client, _ = server
    pdf = make_pdf(FACT_PAGES, page_labels=LABELS)
    response = client.post("/api/v1/documents", files=[("files", ("lab-notes.pdf", pdf, "application/pdf"))])
    assert response.status_code == 202
    job = wait_job(client, response.json()["jobs"][0]["id"])
    assert job["status"] == "done"
    assert job["pages_done"] == 4
    assert job["chunks_done"] == job["chunks_total"] > 0
    return job["document_id"], pdf


def test_health_reports_every_component(server):
    client, _ = server
    body = client.get("/api/health").json()
    assert body == {
        "status": "ok",
        "components": {"database": "ok", "vector_store": "ok", "embedder": "ok", "llm": "ok"},
    }


def test_sample_course_is_ingested_and_searchable(server):
    client, _ = server
    hits = client.post("/api/v1/search", json={"query": "derivative term of a PID controller", "k": 3}).json()[
        "results"
    ]
    assert hits
    assert hits[0]["filename"] == "robotics-basics.md"
    assert "PID" in hits[0]["heading"] + hits[0]["text"]


def test_answer_cites_the_document_and_page(server, fact_document):
    client, _ = server
    document_id, _ = fact_document
    body = client.post(
        "/api/v1/chat", json={"message": "What is the maximum grip force of the Zorblax-7 gripper?"}
    ).json()
    assert "42" in body["answer"]
    cited = [s for s in body["sources"] if s["cited"]]
    assert cited
    assert cited[0]["document_id"] == document_id
    assert cited[0]["filename"] == "lab-notes.pdf"
    assert (cited[0]["page"], cited[0]["page_label"]) == (3, "1")
    assert body["model"] == "gemma3-270m-q4-k-m"
    assert body["timings"]["tokens"] > 0


def test_streamed_answer_has_sources_tokens_and_done(server, fact_document):
    client, _ = server
    question = {"message": "What diameter are the mecanum wheels of the Quillon rover?", "stream": True}
    with client.stream("POST", "/api/v1/chat", json=question) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.iter_lines())
    names = [name for name, _ in events]
    assert names[:2] == ["conversation", "sources"]
    assert names[-1] == "done"
    assert names.count("token") >= 1  # grounded answers stream verified sentences: one sentence is one token event
    done = json.loads(events[-1][1])
    assert "".join(d for n, d in events if n == "token").strip() == done["answer"]
    assert "97" in done["answer"]
    pages = [s["page"] for s in done["sources"] if s["cited"]]
    assert 4 in pages
    assert done["timings"]["first_token_ms"] > 0


def test_unrelated_question_is_not_covered(server):
    client, _ = server
    body = client.post("/api/v1/chat", json={"message": "Who won the 1966 football World Cup final?"}).json()
    assert body["covered"] is False
    assert "No answer to this question was found" in body["answer"]
    assert body["sources"] == []


def test_a_near_topic_question_on_the_sample_course_is_refused(server):
    """The sample's lidar scans "a full 360 degrees" and states no temperature: an angle is no temperature."""
    client, _ = server
    body = client.post("/api/v1/chat", json={"message": "What is the maximum operating temperature of a lidar?"}).json()
    assert body["covered"] is False
    assert "No answer to this question was found" in body["answer"]
    assert any(s["filename"] == "robotics-basics.md" for s in body["sources"])  # offered as related reading


def test_forward_kinematics_is_never_given_the_definition_of_inverse_kinematics(server):
    """The sample's glossary defines both; the small model joins "Forward kinematics" to the inverse's definition,
    every word of which is on the page. No one sentence says it, so the student reads the material's own words."""
    client, _ = server
    body = client.post("/api/v1/chat", json={"message": "What is forward kinematics?"}).json()
    assert body["covered"] is True
    assert "end effector position" in body["answer"]
    for sentence in body["sentences"]:
        assert sentence["status"] != "supported" or "joint angles needed" not in sentence["shown"]


def test_reupload_is_noop_and_delete_removes_from_search(server, fact_document):
    client, _ = server
    document_id, pdf = fact_document
    response = client.post("/api/v1/documents", files=[("files", ("lab-notes.pdf", pdf, "application/pdf"))])
    job = wait_job(client, response.json()["jobs"][0]["id"])
    assert (job["outcome"], job["document_id"]) == ("unchanged", document_id)
    notes = b"# Spare parts\n\nThe Vexmoor bracket is made of anodised titanium.\n"
    job = wait_job(
        client, client.post("/api/v1/documents", files=[("files", ("spares.md", notes))]).json()["jobs"][0]["id"]
    )
    query = {"query": "Vexmoor bracket material", "k": 3}
    assert client.post("/api/v1/search", json=query).json()["results"][0]["filename"] == "spares.md"
    assert client.delete(f"/api/v1/documents/{job['document_id']}").status_code == 204
    assert all(r["filename"] != "spares.md" for r in client.post("/api/v1/search", json=query).json()["results"])


def test_concurrent_chats_are_serialized_and_search_does_not_wait(server, fact_document):
    client, app = server
    answers, search_done, done_at = [], {}, []

    def ask(question):
        with client.stream("POST", "/api/v1/chat", json={"message": question, "stream": True}) as response:
            events = parse_sse(response.iter_lines())
        done_at.append(time.perf_counter())
        answers.append(json.loads(events[-1][1]))

    threads = [
        threading.Thread(target=ask, args=(q,))
        for q in ("How much does the Zorblax-7 gripper weigh?", "What wheels does the Quillon rover use?")
    ]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while not app.state.services.answerer.gate.busy:
        assert time.time() < deadline
        time.sleep(0.01)
    hits = client.post("/api/v1/search", json={"query": "Zorblax gripper weight", "k": 3}).json()["results"]
    search_done["at"] = time.perf_counter()
    assert hits[0]["filename"] == "lab-notes.pdf"
    for t in threads:
        t.join(180)
    assert len(answers) == 2
    assert all(a["covered"] and a["answer"] for a in answers)
    # Both generations ended after the search came back: it never queued behind the model.
    assert search_done["at"] < min(done_at)
    assert sum(a["timings"]["queue_ms"] > 0 for a in answers) >= 1


def test_client_disconnect_stops_generation(server, fact_document):
    client, app = server
    gate = app.state.services.answerer.gate
    with client.stream(
        "POST", "/api/v1/chat", json={"message": "Describe the Zorblax-7 gripper.", "stream": True}
    ) as response:
        for line in response.iter_lines():
            if line.startswith("event: token"):
                break
    deadline = time.time() + 10
    while gate.busy or gate.waiting:
        assert time.time() < deadline, "generation kept running after the client left"
        time.sleep(0.05)


@pytest.mark.parametrize("given, kept", [(None, "1000"), ("50", "50")])
def test_llama_openmp_spins_briefly_unless_the_admin_says_otherwise(given, kept):
    """llama.cpp's OpenMP barriers get a short spin before libgomp loads (see runtime.py); an admin's value wins."""
    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"} | ({"GOMP_SPINCOUNT": given} if given else {})
    code = (
        "import os; from appliance.runtime import configure_process; configure_process(); "
        "from appliance.inference import llm; "
        "print(os.environ['GOMP_SPINCOUNT'], any('libgomp' in line for line in open('/proc/self/maps')))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == [kept, "True"]
