"""/metrics moves with the requests made; every response carries a request id that the JSON logs carry too."""

import io
import json
import logging
import re
import threading

import pytest
from litestar.testing import TestClient

from appliance.web.app import create_app
from appliance.web.observability import JsonFormatter
from tests.conftest import sign_in

NOTE = b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n"


@pytest.fixture
def client(settings, services):
    with TestClient(create_app(settings, services)) as client:
        client.headers.update(sign_in(client, services, "teacher1", "teacher"))
        yield client


def scrape(client) -> dict[str, float]:
    """Every sample of /metrics as {'name{labels}': value}."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def sample(samples: dict, name: str, **labels) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for key, value in samples.items():
        metric, _, rest = key.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if metric == name and all(found.get(k) == str(v) for k, v in labels.items()):
            total += value
    return total


def test_job_counters_are_there_before_the_first_job(client):
    # An alert on ragbot_ingestion_jobs_total{status="failed"} found no series on a box that had ingested nothing yet.
    samples = scrape(client)
    for status in ("queued", "running", "done", "failed"):
        assert samples[f'ragbot_ingestion_jobs_total{{status="{status}"}}'] == 0
        assert samples[f'ragbot_ingested_pages_total{{status="{status}"}}'] == 0


def test_counters_move_with_requests(client, services):
    before = scrape(client)
    for _ in range(3):
        assert client.post("/api/v1/search", json={"query": "gripper force", "k": 3}).status_code == 200
    response = client.post("/api/v1/documents", files=[("files", ("grip.md", NOTE, "text/markdown"))])
    assert response.status_code == 202
    services.jobs.wait(10)
    assert (
        client.post("/api/v1/chat", json={"message": "What force does the Zorblax-7 gripper close with?"}).status_code
        == 200
    )
    after = scrape(client)

    def moved(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("ragbot_http_requests_total", path="/api/v1/search", method="POST", status_code=200) == 3
    assert moved("ragbot_http_request_duration_seconds_count", path="/api/v1/search") == 3
    assert moved("ragbot_http_requests_total", path="/api/v1/documents", status_code=202) == 1
    assert moved("ragbot_retrieval_seconds_count") >= 4  # three searches and the chat's retrieval
    assert moved("ragbot_generated_tokens_total") > 0
    assert moved("ragbot_model_wait_seconds_count") == 1
    assert moved("ragbot_ingestion_jobs_total", status="done") == 1
    assert moved("ragbot_ingested_pages_total", status="done") == 1
    assert sample(after, "ragbot_documents") == 1
    assert sample(after, "ragbot_chunks") >= 1
    assert sample(after, "ragbot_model_queue_depth") == 0
    assert "ragbot_answer_cache_hits_total" in after
    # /metrics does not count itself, and unknown paths do not make new series.
    assert client.get("/no/such/page").status_code == 404
    assert not [k for k in scrape(client) if "/metrics" in k or "/no/such" in k]


def test_metrics_need_no_sign_in(settings, services):
    with TestClient(create_app(settings, services)) as anonymous:
        assert anonymous.get("/metrics").status_code == 200


@pytest.fixture
def json_log():
    """Log lines as `ragbot serve` writes them: JsonFormatter on a handler, formatted as they are emitted."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_request_id_is_returned_and_logged_as_json(client, json_log):
    # /api/health: /api/ready is what the watchdog polls, so its lines are debug, not access log
    mine = client.get("/api/health", headers={"X-Request-ID": "trace-42"})
    fresh = client.get("/api/health")
    hostile = client.get("/api/health", headers={"X-Request-ID": "x" * 200})
    assert mine.headers["x-request-id"] == "trace-42"
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])
    lines = [line for line in json_log() if line["logger"] == "ragbot.access"]
    assert [line["request_id"] for line in lines] == [
        "trace-42",
        fresh.headers["x-request-id"],
        hostile.headers["x-request-id"],
    ]
    assert lines[0]["status"] == 200
    assert lines[0]["method"] == "GET"
    assert lines[0]["path"] == "/api/health"
    assert lines[0]["level"] == "info"
    assert lines[0]["duration_ms"] >= 0
    assert lines[0]["time"].endswith("+00:00")


def test_request_id_reaches_log_lines_written_inside_a_request(client, services, json_log, monkeypatch):
    """A warning logged in a worker thread (the search's, making the query's vector) while handling a request
    carries the id the client got back."""
    original, threads = services.embedder.embed_query, []

    def noisy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        logging.getLogger("appliance.test").warning("searching")
        return original(*args, **kwargs)

    monkeypatch.setattr(services.embedder, "embed_query", noisy)
    response = client.post("/api/v1/search", json={"query": "gripper"})
    line = next(line for line in json_log() if line["logger"] == "appliance.test")
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["message"] == "searching" and threads[0].startswith("search_")


def test_a_routes_series_are_looked_up_once_and_count_every_status(client, monkeypatch):
    """The request log's middleware counts each request by route and status (errors ≥ 500 apart), leaves nothing in
    progress, and finds a series it recorded before without asking prometheus_client's `labels()` again."""
    from appliance import metrics

    before = scrape(client)
    assert client.post("/api/v1/search", json={"query": " "}).status_code == 400
    looked = []
    real = metrics.HTTP_REQUESTS.labels

    def labels(*values):
        looked.append(values)
        return real(*values)

    monkeypatch.setattr(metrics.HTTP_REQUESTS, "labels", labels)
    for _ in range(3):
        assert client.post("/api/v1/search", json={"query": " "}).status_code == 400
    assert looked == []
    after = scrape(client)
    counted = sample(after, "ragbot_http_requests_total", path="/api/v1/search", method="POST", status_code=400)
    assert counted - sample(before, "ragbot_http_requests_total", path="/api/v1/search", status_code=400) == 4
    assert sample(after, "ragbot_http_requests_in_progress", path="/api/v1/search") == 0
    errors = [sample(s, "ragbot_http_requests_error_total", path="/api/v1/search") for s in (before, after)]
    assert errors[1] == errors[0]  # a 400 is not an error of the server
