"""Grounded answers on the real path: the packaged Gemma 3 270M and embedder, Chroma on disk, uvicorn on loopback.

The document is made of invented facts, so no model can know them: whatever the answer states must come from it.
"""

import re

import pytest

from appliance.settings import load_settings
from tests.realserver import serving_document

pytestmark = pytest.mark.real

NOTES = b"""# Vexmoor bracket

The Vexmoor bracket is machined from anodised titanium. It holds the Quillon camera 14 centimetres above the deck.

## Mounting

Fasten the Vexmoor bracket with four M3 bolts tightened to 0.8 newton metres. Loctite must never be used on it.

## Spare parts

Spare Vexmoor brackets are kept in drawer 27 of the Harrowgate workshop.
"""
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module", params=["grounded", "extractive"])
def server(request, tmp_path_factory):
    """The appliance on its packaged models in one answer mode, with the notes ingested, and no network."""
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("grounded")),
        max_answer_tokens=60,
        temperature=0.0,
        answer_mode=request.param,
        cache_ttl_seconds=0,
    )
    with serving_document(settings, "bracket.md", NOTES) as (client, _, _):
        yield client, request.param


def ask(client, question: str) -> dict:
    response = client.post("/api/v1/chat", json={"message": question})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_fact_is_stated_with_its_exact_sentence_as_evidence(server):
    client, mode = server
    done = ask(client, "How far above the deck does the Vexmoor bracket hold the camera?")
    assert done["covered"] is True
    assert done["mode"] == mode
    assert "14 centimetres" in done["answer"]
    cited = [s for s in done["sources"] if s["cited"]]
    assert [s["filename"] for s in cited] == ["bracket.md"]
    evidence = [e["text"] for e in cited[0]["evidence"]]
    assert any("14 centimetres above the deck" in text for text in evidence)
    page = client.get(f"/api/v1/documents/{cited[0]['document_id']}/pages/1").json()["text"]
    assert all(page[e["start"] : e["end"]] == e["text"] for e in cited[0]["evidence"])


def test_every_number_shown_is_in_a_source(server):
    client, _ = server
    for question in ["What torque are the Vexmoor bracket bolts tightened to?", "Where are spare brackets kept?"]:
        done = ask(client, question)
        sources = " ".join(s["text"] for s in done["sources"])
        shown = NUMBER.findall(re.sub(r"\[\d+\]", "", done["answer"]))
        assert [n for n in shown if n not in sources] == []


def test_a_near_topic_question_the_notes_do_not_answer_is_refused(server):
    client, _ = server
    done = ask(client, "What does a Vexmoor bracket cost?")
    assert done["covered"] is False
    assert "No answer to this question was found" in done["answer"]


def test_each_sentence_is_reported_with_its_verdict(server):
    client, _mode = server
    done = ask(client, "What is the Vexmoor bracket made of?")
    assert "titanium" in done["answer"]
    assert done["sentences"]
    for sentence in done["sentences"]:
        assert sentence["status"] in ("supported", "quoted", "dropped")
        assert sentence["status"] == "dropped" or sentence["shown"] in done["answer"]
