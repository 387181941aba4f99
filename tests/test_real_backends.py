"""The appliance on servers of its own kind, for real on loopback: llama.cpp's llama-server serving the packaged
GGUF with several parallel slots, and a Chroma server (`chroma run`) from the installed chromadb."""

import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import msgspec
import pytest

from appliance.errors import ConfigError, Unavailable
from appliance.inference import manifests
from appliance.ops import consistency
from appliance.settings import load_settings
from appliance.store.vectors import ChromaHttpStore
from tests.conftest import free_port, parse_sse, wait_until_up
from tests.realserver import serving_document

pytestmark = pytest.mark.real

CHECKOUT = Path(__file__).resolve().parent.parent
LLAMA_SERVER = Path(os.environ.get("RAGBOT_LLAMA_SERVER", CHECKOUT / ".wheels" / "llama-server"))
CHROMA = Path(sys.executable).with_name("chroma")
SLOTS = 4
NOTES = b"""# Vexmoor bracket

The Vexmoor bracket is machined from anodised titanium. It holds the Quillon camera 14 centimetres above the deck.

## Spare parts

Spare Vexmoor brackets are kept in drawer 27 of the Harrowgate workshop.
"""


class LlamaServer:
    """llama-server on one loopback port, which it keeps across a stop and a start."""

    def __init__(self, gguf: Path, log: Path, binary: Path = LLAMA_SERVER):
        self.gguf, self.log, self.binary, self.port = gguf, log, binary, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(self.binary), "-m", str(self.gguf), "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--parallel", str(SLOTS), "--ctx-size", str(SLOTS * 2048), "--threads", "2", "--seed", "0"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(f"{self.url}/health", self.process)

    def kill(self) -> None:
        assert self.process is not None, "llama-server was never started"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)


@contextmanager
def chroma_server(path: Path, port: int | None = None):
    """`chroma run` on a loopback port (a free one unless given); yields its URL."""
    port = port or free_port()
    with (path.parent / "chroma.log").open("ab") as log:
        process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"no chroma command beside {sys.executable} (the chromadb package ships it)")
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as url:
        yield url


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    if not LLAMA_SERVER.exists():
        pytest.skip(f"no llama-server at {LLAMA_SERVER}: tests/build_llama_server.sh builds it (install.sh --dev)")
    settings = load_settings(environ={})
    gguf = manifests.assemble(settings, manifests.find_manifest(settings, settings.llm_model))
    server = LlamaServer(gguf, tmp_path_factory.mktemp("llama-server") / "llama-server.log")
    server.start()
    yield server
    server.kill()


def appliance_settings(tmp_path_factory, **overrides):
    return load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("backends")),
        max_answer_tokens=60,
        temperature=0.0,
        cache_ttl_seconds=0,
        ingest_sample=False,
        **overrides,
    )


def appliance(settings):
    """The appliance on `settings` with the bracket notes ingested."""
    return serving_document(settings, "bracket.md", NOTES)


# --- Vectors on a Chroma server


def test_a_chroma_server_query_keeps_to_the_courses_asked(chroma_url):
    store = ChromaHttpStore(chroma_url, collection="store-test")
    try:
        store.add(["a", "b"], [[1.0, 0.0], [0.9, 0.1]], [("d1", 1), ("d2", 2)])
        assert [cid for cid, _ in store.query([1.0, 0.0], 5, [2])] == ["b"]
    finally:
        store.delete(["a", "b"])
        store.close()


def test_an_unreachable_chroma_server_stops_start_up():
    with pytest.raises(ConfigError, match="cannot use the Chroma server"):
        ChromaHttpStore(f"http://127.0.0.1:{free_port()}")


def test_a_chroma_server_gone_after_start_up_is_unavailable_until_it_is_back(tmp_path):
    if not CHROMA.exists():
        pytest.skip(f"no chroma command beside {sys.executable} (the chromadb package ships it)")
    port = free_port()
    with chroma_server(tmp_path / "db", port) as url:
        store = ChromaHttpStore(url, collection="outage-test")
        store.add(["a"], [[1.0, 0.0]], [("d1", 1)])
    try:
        # A student's search then was "internal error; see the logs", with a traceback in the log.
        with pytest.raises(Unavailable, match=f"vector server \\(chroma_url {url}\\) is not answering"):
            store.query([1.0, 0.0], 5, [1])
        with chroma_server(tmp_path / "db", port):
            assert [cid for cid, _ in store.query([1.0, 0.0], 5, [1])] == ["a"]
    finally:
        store.close()


def test_a_mistake_in_our_own_call_to_the_chroma_server_is_no_outage(chroma_url, monkeypatch):
    """Every exception from the Chroma client was "the vector server is not answering": a programming error would
    have sent the admin to check a server that was fine."""
    store = ChromaHttpStore(chroma_url, collection="mistake-test")
    try:
        store.add(["a"], [[1.0, 0.0]], [("d1", 1)])

        def mistaken(**_):
            raise TypeError("query() got an unexpected keyword argument")

        monkeypatch.setattr(store._collection, "query", mistaken)
        with pytest.raises(TypeError, match="unexpected keyword"):
            store.query([1.0, 0.0], 5, [1])

        def refused(**_):  # as chromadb raises a server's 500 without an error of its own
            raise Exception("Internal Server Error (trace ID: 1)")

        monkeypatch.setattr(store._collection, "query", refused)
        with pytest.raises(Unavailable, match="not answering \\(Exception\\)"):
            store.query([1.0, 0.0], 5, [1])
    finally:
        monkeypatch.undo()
        store.delete(["a"])
        store.close()


@pytest.fixture(scope="module")
def on_chroma(tmp_path_factory, chroma_url):
    settings = appliance_settings(
        tmp_path_factory, vector_backend="chroma_http", chroma_url=chroma_url, chroma_collection="chroma-test"
    )
    with appliance(settings) as running:
        yield running


def test_searches_find_the_notes_on_the_chroma_server(on_chroma):
    client, _, _ = on_chroma
    results = client.post("/api/v1/search", json={"query": "Where are spare brackets kept?", "mode": "dense"})
    assert "drawer 27" in results.json()["results"][0]["text"]


def test_the_consistency_repair_puts_back_a_vector_deleted_behind_its_back(on_chroma):
    _, services, _ = on_chroma
    lost = sorted(services.database.chunk_ids())[0]
    services.vectors.delete([lost])
    report = consistency.check(services.database, services.vectors, services.embedder, repair=True)
    assert (report.missing_vectors, lost in services.vectors.ids()) == (1, True)


def test_deleting_a_document_takes_its_vectors_off_the_chroma_server(on_chroma):
    client, services, document_id = on_chroma
    assert client.delete(f"/api/v1/documents/{document_id}").status_code in (200, 204)
    assert services.vectors.count() == 0


# --- The LLM on llama-server


@pytest.fixture(scope="module")
def on_servers(tmp_path_factory, chroma_url, llama_server):
    settings = appliance_settings(
        tmp_path_factory,
        llm_backend="openai",
        llm_url=llama_server.url,
        llm_parallel=SLOTS,
        llm_read_seconds=20.0,
        vector_backend="chroma_http",
        chroma_url=chroma_url,
        chroma_collection="servers-test",
    )
    with appliance(settings) as running:
        yield running


def ask(client, question: str) -> list[tuple[str, str]]:
    with client.stream("POST", "/api/v1/chat", json={"message": question, "stream": True}) as response:
        return parse_sse(response.iter_lines())


def test_a_grounded_answer_comes_from_llama_server(on_servers):
    client, _, _ = on_servers
    done = json.loads(ask(client, "How far above the deck does the Vexmoor bracket hold the camera?")[-1][1])
    assert {s["status"] for s in done["sentences"]} & {"supported", "quoted"}


def test_tokens_are_counted_by_llama_server(on_servers):
    _, services, _ = on_servers
    assert services.model.count_tokens("The Vexmoor bracket") < len("The Vexmoor bracket") / 2


def test_llama_server_going_away_is_an_error_event_and_a_503_health(on_servers, llama_server):
    client, _, _ = on_servers
    question = {"message": "Where are spare Vexmoor brackets kept?", "stream": True}
    with client.stream("POST", "/api/v1/chat", json=question) as response:
        lines = response.iter_lines()
        for line in lines:
            if line == "event: sources":
                llama_server.kill()  # the model is called next: it finds the server gone, or loses it mid-answer
                break
        events = parse_sse(lines)
    try:
        assert events[-1][0] == "error"
        assert client.get("/api/health").status_code == 503
    finally:
        llama_server.start()


def test_answers_resume_when_llama_server_is_back(on_servers):
    client, _, _ = on_servers
    done = msgspec.json.decode(ask(client, "What is the Vexmoor bracket machined from?")[-1][1])
    assert "titanium" in done["answer"]
