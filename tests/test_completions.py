"""The OpenAI-compatible endpoint on the fakes: API keys, models per course, completions (whole and streamed),
follow-ups, limits and OpenAI-shaped errors."""

import hashlib
import json
import sqlite3
from contextlib import closing

import msgspec
import pytest
from litestar.testing import TestClient

from appliance.answer import completions
from appliance.answer.completions import ChatMessage, CompletionRequest
from appliance.web.app import create_app
from tests.chatscript import ScriptedAnswerer, quoted_answer
from tests.conftest import sign_in

NOTES = b"The Zorblax-7 gripper closes with a force of 42 newtons."
QUESTION = "What force does the Zorblax-7 gripper close with?"


@pytest.fixture
def settings(settings):
    return msgspec.structs.replace(settings, student_questions_per_hour=3)


@pytest.fixture
def app(settings, services):
    """A student of the default course (with the notes) and a key of theirs; a second course they are not in."""
    services.ingestor.ingest(NOTES, "notes.txt", course_id=1)
    other = services.courses.create("Other", None)
    with TestClient(create_app(settings, services)) as client:
        web = sign_in(client, services, "student", "student")
        _, key = services.api_keys.create(services.accounts.named("student"), "tests")
        yield {"client": client, "services": services, "web": web, "key": _bearer(key), "other": other["id"]}


def _bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def _ask(app, messages: list[dict], headers: dict | None = None, **extra):
    body = {"model": "course-1", "messages": messages, **extra}
    return app["client"].post("/v1/chat/completions", json=body, headers=headers or app["key"])


def _user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def _assert_openai_error(response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) >= {"message", "type", "code"}, error
    assert words in error["message"], error


def _stream(response) -> tuple[list[dict], str]:
    """The `data:` payloads of an OpenAI stream, JSON decoded, and the last one as it came (`[DONE]`)."""
    *datas, last = [line[len("data: ") :] for line in response.text.splitlines() if line.startswith("data: ")]
    return [json.loads(d) for d in datas], last


def test_models_are_the_callers_courses(app):
    models = app["client"].get("/v1/models", headers=app["key"]).json()
    assert models["object"] == "list"
    assert [(m["id"], m["object"], m["name"]) for m in models["data"]] == [("course-1", "model", "Default course")]


def test_a_completion_is_the_grounded_answer_with_its_sources(app):
    response = _ask(app, [{"role": "system", "content": "You are a pirate."}, *_user(QUESTION)])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["object"], body["model"], body["system_fingerprint"]) == ("chat.completion", "course-1", "fake-llm")
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert "42 newtons [1]" in content
    assert content.endswith("Sources:\n[1] notes.txt")
    ragbot = body["ragbot"]
    assert ragbot["covered"] and ragbot["sources"][0]["filename"] == "notes.txt"
    assert ragbot["sentences"][0]["status"] == "supported"
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"] > 0
    # Recorded like a web question: in the student's history and the course's analytics.
    history = app["client"].get("/api/v1/conversations", headers=app["web"]).json()["conversations"]
    assert [c["id"] for c in history] == [ragbot["conversation_id"]]


def test_a_streamed_completion_has_openais_chunks_and_the_same_text(app):
    whole = _ask(app, _user(QUESTION)).json()["choices"][0]["message"]["content"]
    response = _ask(app, _user(QUESTION + " "), stream=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    assert "event:" not in response.text
    chunks, done = _stream(response)
    assert done == "[DONE]"
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "course-1" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == whole
    assert [c["choices"][0]["finish_reason"] for c in chunks].count("stop") == 1
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["ragbot"]["sources"][0]["filename"] == "notes.txt"
    assert all("ragbot" not in c for c in chunks[:-1])


def test_earlier_user_messages_make_a_follow_up_standalone(app):
    scripted = ScriptedAnswerer(quoted_answer())
    app["services"].chat.answerer = scripted
    messages = [
        *_user("What does the P-9 pump weigh?"),
        {"role": "assistant", "content": "The pump weighs 2 kilograms."},
        {"role": "user", "content": [{"type": "text", "text": "and its voltage?"}]},
    ]
    assert _ask(app, messages).status_code == 200
    question = scripted.questions[-1]
    assert question.text == "and its voltage?"
    assert question.search_query == "What does the P-9 pump weigh? and its voltage?"
    assert question.courses == [1]


def test_a_person_the_answer_before_named_is_whom_her_asks_after(app):
    """ "how do I contact her?" after a who-question was searched with that question's words, which say nothing of
    the person its answer named."""
    scripted = ScriptedAnswerer(quoted_answer())
    app["services"].chat.answerer = scripted
    messages = [
        *_user("Who decides if two teams can swap arms?"),
        {"role": "assistant", "content": "The material says: “Swaps are decided by Dr Ilse Ostergaard.” [1]"},
        *_user("how do I contact her?"),
    ]
    assert _ask(app, messages).status_code == 200
    question = scripted.questions[-1]
    assert question.search_query == "Dr Ilse Ostergaard how do I contact her?"
    assert "Ostergaard" in question.focus and "swap" not in question.focus


def test_the_hourly_question_limit_counts_api_questions(app):
    for n in range(3):
        assert _ask(app, _user(f"{QUESTION} {n}")).status_code == 200
    _assert_openai_error(_ask(app, _user(QUESTION)), 429, "hourly question")
    assert app["client"].post("/api/v1/chat", json={"message": QUESTION}, headers=app["web"]).status_code == 429


def test_wrong_missing_revoked_and_web_tokens_are_401_in_openais_format(app):
    client, services = app["client"], app["services"]
    assert client.get("/v1/models").status_code == 401
    wrong = _bearer("rbk_" + "A" * 43)
    _assert_openai_error(client.get("/v1/models", headers=wrong), 401, "invalid API key")
    _assert_openai_error(_ask(app, _user(QUESTION), headers=wrong), 401, "invalid API key")
    assert client.get("/v1/models", headers=app["web"]).json()["error"]["code"] == "invalid_api_key"
    row, key = services.api_keys.create(services.accounts.named("student"), "soon revoked")
    assert client.get("/v1/models", headers=_bearer(key)).status_code == 200
    assert client.delete(f"/api/v1/me/keys/{row['id']}", headers=app["web"]).status_code == 204
    _assert_openai_error(client.get("/v1/models", headers=_bearer(key)), 401, "invalid API key")
    # A disabled account's keys stop at once, like its sessions.
    services.accounts.update(services.accounts.named("student")["id"], disabled=1)
    _assert_openai_error(client.get("/v1/models", headers=app["key"]), 401, "invalid API key")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"model": "course-1"}, "messages"),
        ({"model": "course-1", "messages": "hello"}, "messages"),
        ({"model": "course-1", "messages": []}, "messages"),
        ({"model": "course-1", "messages": [{"role": "wizard", "content": "x"}]}, "role"),
        ({"model": "course-1", "messages": [{"role": "assistant", "content": "x"}]}, "the last message"),
        ({"model": "course-1", "messages": [{"role": "user", "content": " "}]}, "the last message"),
        ({"model": "course-1", "messages": [{"role": "user", "content": "x" * 4001}]}, "longer than"),
        ({"model": "course-1", "messages": [{"role": "user", "content": "x" * 4001}, *_user("and?")]}, "longer than"),
        ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ],
)
def test_bad_bodies_are_400_in_openais_format(app, body, words):
    response = app["client"].post("/v1/chat/completions", json=body, headers=app["key"])
    _assert_openai_error(response, 400, words)


def test_a_body_that_is_not_json_is_400_in_openais_format(app):
    response = app["client"].post(
        "/v1/chat/completions", content=b"{not json", headers=app["key"] | {"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "error" in response.json()["error"]["type"]


@pytest.mark.parametrize("model", ["gpt-4o", "course-0", "course-99", "course-other"])
def test_a_model_that_is_not_one_of_your_courses_is_404(app, model):
    _assert_openai_error(_ask(app, _user(QUESTION), model=model), 404, "yours: course-1")


def test_a_course_you_are_not_in_is_a_model_you_do_not_have(app):
    _assert_openai_error(_ask(app, _user(QUESTION), model=f"course-{app['other']}"), 404, "does not exist")


def test_keys_from_the_profile_are_shown_once_stored_hashed_and_audited(app):
    client, services, web = app["client"], app["services"], app["web"]
    made = client.post("/api/v1/me/keys", json={"name": "Moodle"}, headers=web)
    assert made.status_code == 201
    key = made.json()["key"]
    assert key.startswith("rbk_") and made.json()["prefix"] == key[:10]
    listed = client.get("/api/v1/me/keys", headers=web).json()["keys"]
    assert [k["name"] for k in listed] == ["tests", "Moodle"]
    assert key not in json.dumps(listed) and all("key" not in k for k in listed)
    with closing(sqlite3.connect(services.settings.data_path / "ragbot.db")) as db:
        stored = {row[0] for row in db.execute("SELECT key_hash FROM api_keys")}
    assert key not in str(stored) and hashlib.sha256(key.encode()).hexdigest() not in stored
    assert client.get("/v1/models", headers=_bearer(key)).status_code == 200
    assert client.get("/api/v1/me/keys", headers=web).json()["keys"][1]["last_used_at"]
    # Someone else's key looks like a missing one.
    other = sign_in(client, services, "other", "student")
    assert client.delete(f"/api/v1/me/keys/{made.json()['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/me/keys/{made.json()['id']}", headers=web).status_code == 204
    actions = [e["action"] for e in services.audit.entries()]
    assert actions.count("api_key.create") == 1 and actions.count("api_key.revoke") == 1
    assert client.post("/api/v1/me/keys", json={"name": ""}, headers=web).status_code == 400


def test_the_openapi_document_shows_the_openai_shapes(app):
    schema = app["client"].get("/api/docs/openapi.json").json()
    for name in ("Completion", "Chunk", "CompletionRequest", "ModelList", "OpenAIError", "Extension", "NewApiKey"):
        assert name in schema["components"]["schemas"], name
    ok = schema["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/event-stream"}


def test_a_question_from_messages_keeps_only_user_text():
    request = CompletionRequest(
        "course-2",
        [
            ChatMessage("system", "Be brief."),
            ChatMessage("user", "first?"),
            ChatMessage("tool", "x"),
            ChatMessage("user", "second?"),
        ],
    )
    ask = completions.ask(request, 2)
    assert (ask.message, ask.earlier, ask.course_id, ask.answered) == ("second?", ["first?"], 2, "")
    answered = CompletionRequest("course-2", [*request.messages[:2], ChatMessage("assistant", "Ask Jonas Vell.")])
    answered.messages.append(ChatMessage("user", "where is his office?"))
    assert completions.ask(answered, 2).answered == "Ask Jonas Vell."
