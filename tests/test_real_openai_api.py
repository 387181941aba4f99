"""The OpenAI-compatible endpoint for real: the official `openai` package against the running appliance on a
loopback port, with the packaged models answering from a document of invented facts."""

import openai
import pytest

from appliance.settings import load_settings
from tests.realserver import serving_document

pytestmark = pytest.mark.real

NOTES = b"""# Quarnel valve

The Quarnel valve is machined from anodised brass. It opens at a pressure of 37 kilopascals.

## Storage

Spare Quarnel valves are kept in cabinet 19 of the Dunmore laboratory.
"""
QUESTION = "What is the Quarnel valve machined from?"


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    """The appliance with the notes in the default course; a teacher's client and an API key of theirs."""
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("openai-api")),
        max_answer_tokens=60,
        temperature=0.0,
        cache_ttl_seconds=0,
        ingest_sample=False,
    )
    with serving_document(settings, "valve.md", NOTES) as (client, services, _):
        key = client.post("/api/v1/me/keys", json={"name": "openai tests"}).json()["key"]
        yield {"client": client, "services": services, "key": key}


def _openai(appliance, key: str | None = None) -> openai.OpenAI:
    base = str(appliance["client"].base_url).rstrip("/")
    return openai.OpenAI(base_url=f"{base}/v1", api_key=key or appliance["key"], max_retries=0, timeout=180)


def test_models_are_the_courses(appliance):
    assert [m.id for m in _openai(appliance).models.list()] == ["course-1"]


def test_a_completion_answers_from_the_course_with_its_sources(appliance):
    completion = _openai(appliance).chat.completions.create(
        model="course-1", messages=[{"role": "user", "content": QUESTION}]
    )
    content = completion.choices[0].message.content or ""
    assert "brass" in content and "[1]" in content
    assert content.endswith("Sources:\n[1] valve.md")
    ragbot = (completion.model_extra or {})["ragbot"]
    assert ragbot["covered"] and ragbot["sources"][0]["filename"] == "valve.md"
    assert {s["status"] for s in ragbot["sentences"]} & {"supported", "quoted"}
    assert completion.usage and completion.usage.completion_tokens > 0


def test_a_streamed_completion_arrives_in_chunks_and_ends_with_the_sources(appliance):
    stream = _openai(appliance).chat.completions.create(
        model="course-1", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "brass" in text and text.endswith("Sources:\n[1] valve.md")
    assert len(chunks) >= 3 and chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {})["ragbot"]["sources"][0]["filename"] == "valve.md"


def test_a_follow_up_is_asked_with_its_conversation(appliance):
    completion = _openai(appliance).chat.completions.create(
        model="course-1",
        messages=[
            {"role": "user", "content": "Where are spare Quarnel valves kept?"},
            {"role": "assistant", "content": "In cabinet 19 of the Dunmore laboratory [1]."},
            {"role": "user", "content": "and at what pressure does it open?"},
        ],
    )
    ragbot = (completion.model_extra or {})["ragbot"]
    assert any("37 kilopascals" in e["text"] for s in ragbot["sources"] for e in s["evidence"])


def test_a_wrong_or_revoked_key_is_refused_with_openais_401(appliance):
    with pytest.raises(openai.AuthenticationError) as wrong:
        _openai(appliance, "rbk_" + "x" * 43).models.list()
    assert wrong.value.status_code == 401 and wrong.value.code == "invalid_api_key"
    client = appliance["client"]
    made = client.post("/api/v1/me/keys", json={"name": "to revoke"}).json()
    revocable = _openai(appliance, made["key"])
    assert [m.id for m in revocable.models.list()] == ["course-1"]
    assert client.delete(f"/api/v1/me/keys/{made['id']}").status_code == 204
    with pytest.raises(openai.AuthenticationError):
        revocable.chat.completions.create(model="course-1", messages=[{"role": "user", "content": QUESTION}])


def test_a_bad_request_is_openais_400_and_an_unknown_model_its_404(appliance):
    client = _openai(appliance)
    with pytest.raises(openai.BadRequestError, match="the last message"):
        client.chat.completions.create(model="course-1", messages=[{"role": "assistant", "content": "Hi"}])
    with pytest.raises(openai.NotFoundError, match="course-1"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
