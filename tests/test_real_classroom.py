"""Classroom behaviour on the real appliance: packaged models, loopback HTTP, two courses, several users."""

import csv
import io
import threading
import time

import httpx
import pytest

from appliance.settings import load_settings
from tests.conftest import PASSWORD, parse_sse, sign_in
from tests.realserver import no_network, serve, wait_job

pytestmark = pytest.mark.real

NOTES_A = (
    b"# Grippers\n\nThe Zorblax-7 gripper has a maximum grip force of 42 newtons.\n\n"
    b"# Prices\n\nThe Zorblax-7 gripper costs 900 euros.\n"
)
NOTES_B = b"# Rovers\n\nThe Quillon rover reaches a top speed of 77 kilometres per hour.\n"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("classroom")),
        max_answer_tokens=24,
        temperature=0.0,
        ingest_sample=False,
        signup="join_code",
        login_attempts_per_minute=1000,
        # Bob's five questions at once test the round-robin order; the per-user cap has its own test (test_security).
        max_questions_per_user=5,
        parallel_answers=1,  # fairness is judged by who gets the one model next (slots: test_real_batching.py)
        # ... so every question waits for it: on a loaded machine a wait past model_wait_seconds would answer the
        # waiting ones from quotes at one moment, in no particular order (quotes when busy: test_grounded.py).
        quote_when_busy=False,
    )
    with no_network() as attempts, serve(settings) as running:
        clients = {}
        for name, role in (("teach_a", "teacher"), ("teach_b", "teacher")):
            client = httpx.Client(base_url=running.base_url, timeout=180)
            client.headers.update(sign_in(client, running.services, name, role, None))
            clients[name] = client
        course_a = clients["teach_a"].post("/api/v1/courses", json={"name": "Robotics A"}).json()
        course_b = clients["teach_b"].post("/api/v1/courses", json={"name": "Rovers B"}).json()
        for who, course, notes in (("teach_a", course_a, NOTES_A), ("teach_b", course_b, NOTES_B)):
            upload = clients[who].post(
                "/api/v1/documents", data={"course_id": str(course["id"])}, files=[("files", ("notes.md", notes))]
            )
            assert wait_job(clients[who], upload.json()["jobs"][0]["id"])["status"] == "done"
        for name in ("alice", "bob"):
            client = httpx.Client(base_url=running.base_url, timeout=180)
            body = client.post(
                "/api/v1/auth/signup", json={"username": name, "password": PASSWORD, "join_code": course_a["join_code"]}
            ).json()
            client.headers["Authorization"] = f"Bearer {body['access_token']}"
            clients[name] = client
        yield {"clients": clients, "a": course_a, "b": course_b, "server": running}
        for client in clients.values():
            client.close()
    assert attempts == []


def _ask(client, message, **extra) -> dict:
    response = client.post("/api/v1/chat", json={"message": message, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_students_see_only_their_course(classroom):
    alice = classroom["clients"]["alice"]
    hits = alice.post("/api/v1/search", json={"query": "Quillon rover top speed", "k": 5}).json()["results"]
    assert all("Quillon" not in h["text"] for h in hits)
    answer = _ask(alice, "What is the top speed of the Quillon rover?")
    assert "77" not in answer["answer"]
    assert all("Quillon" not in s["text"] for s in answer["sources"])
    assert alice.post("/api/v1/search", json={"query": "rover", "course_id": classroom["b"]["id"]}).status_code == 403


def test_cache_answers_repeats_from_the_same_course_state(classroom):
    bob = classroom["clients"]["bob"]
    first = _ask(bob, "What is the maximum grip force of the Zorblax-7 gripper?")
    again = _ask(bob, "what is the maximum grip force of the zorblax-7 gripper")
    assert first["cached"] is False
    assert again["cached"] is True
    assert again["answer"] == first["answer"]
    assert again["timings"]["cache_ms"] < first["timings"]["generation_ms"]


def test_follow_up_is_rewritten_and_selected_text_is_source_one(classroom):
    alice = classroom["clients"]["alice"]
    first = _ask(alice, "Tell me about the Zorblax-7 gripper.")
    follow = _ask(alice, "And how much does it cost?", conversation_id=first["conversation_id"])
    assert any("900 euros" in s["text"] for s in follow["sources"])
    passage = "The Zorblax-7 gripper has a maximum grip force of 42 newtons."
    selected = _ask(alice, "What is the maximum grip force stated here?", selected_text=passage)
    assert selected["sources"][0]["n"] == 1
    assert selected["sources"][0]["text"] == passage
    assert "42" in selected["answer"]
    assert selected["sources"][0]["cited"]


def test_flooding_student_does_not_starve_another(classroom):
    """Bob fires five questions at once; Alice's one waits for at most the generation already running."""
    clients = classroom["clients"]
    finished: dict[str, float] = {}

    def ask(name, who, question):
        with clients[who].stream("POST", "/api/v1/chat", json={"message": question, "stream": True}) as response:
            events = parse_sse(response.iter_lines())
        assert events[-1][0] == "done"
        finished[name] = time.perf_counter()

    flood = [
        threading.Thread(target=ask, args=(f"bob{n}", "bob", f"Describe the Zorblax-7 gripper, part {n}."))
        for n in range(5)
    ]
    for thread in flood:
        thread.start()
    gate = classroom["server"].services.answerer.gate
    deadline = time.time() + 60
    while gate.waiting < 4 and time.time() < deadline:
        time.sleep(0.01)
    alice = threading.Thread(target=ask, args=("alice", "alice", "What is the grip force of the Zorblax-7?"))
    alice.start()
    for thread in [*flood, alice]:
        thread.join(300)
    later_bobs = sorted(t for name, t in finished.items() if name.startswith("bob"))
    assert len(later_bobs) == 5
    assert finished["alice"] < later_bobs[2]


def test_analytics_match_what_was_asked(classroom):
    teacher = classroom["clients"]["teach_a"]
    stats = teacher.get(f"/api/v1/courses/{classroom['a']['id']}/stats").json()
    # Alice asked 5 questions and Bob 7 in the tests above, all in course A (their only course).
    assert stats["questions"] == 12
    assert sum(day["count"] for day in stats["per_day"]) == 12
    assert stats["top_questions"][0]["count"] == 2  # Bob's repeated (normalised) grip-force question
    assert stats["latency_ms"]["p95"] >= stats["latency_ms"]["p50"] > 0
    csv_text = teacher.get(f"/api/v1/courses/{classroom['a']['id']}/stats?format=csv").text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == 12
    assert {row["user"][:8] for row in rows} == {"student-"}
    assert "alice" not in csv_text
