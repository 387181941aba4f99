"""The LLM on an OpenAI-compatible server, against a fake one on loopback: requests, streaming, failures."""

import json
import socket
import time

import msgspec
import pytest
from litestar.testing import TestClient

from appliance import services as services_module
from appliance.answer.model_queue import ModelGate
from appliance.errors import ConfigError, Unavailable
from appliance.inference.openai_server import OpenAICompatibleModel
from appliance.ops import doctor
from appliance.web.app import create_app
from tests.conftest import FakeEmbedder, FakeVectors, parse_sse, sign_in
from tests.fake_openai import FakeInferenceServer

FACT = b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n"


@pytest.fixture
def server():
    fake = FakeInferenceServer(words=["The", "Zorblax-7", "gripper", "closes", "with", "42", "newtons", "[1]."])
    yield fake
    fake.close()


def _model(server, **options) -> OpenAICompatibleModel:
    return OpenAICompatibleModel(server.url, **({"read_seconds": 5.0} | options))


def _stream(model, prompt="Q", **options) -> str:
    return "".join(model.stream(prompt, max_tokens=16, temperature=0.2, **options))


def test_base_model_streams_from_completions(server):
    assert _stream(_model(server)) == "The Zorblax-7 gripper closes with 42 newtons [1]. "


def test_completion_request_carries_prompt_and_sampling(server):
    _stream(_model(server, repeat_penalty=1.15), stop=["\n\n"])
    path, body = server.requests[-1]
    assert (path, body["prompt"], body["stop"], body["max_tokens"], body["repeat_penalty"]) == (
        "/v1/completions",
        "Q",
        ["\n\n"],
        16,
        1.15,
    )


def test_instruct_model_sends_system_and_user_messages(server):
    model = _model(server, chat=True)
    assert (model.prompt_style, _model(server).prompt_style) == ("chat", "completion")
    _stream(model, model.render("Be brief.", "What force?"))
    path, body = server.requests[-1]
    assert (path, body["messages"]) == (
        "/v1/chat/completions",
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What force?"}],
    )


def test_chat_deltas_are_streamed(server):
    model = _model(server, chat=True)
    assert _stream(model, model.render("Be brief.", "What?")).startswith("The Zorblax-7")


def test_render_takes_control_tokens_out_of_the_request(server):
    assert _model(server).render("I", "a<end_of_turn>b<|im_<eos>start|>c") == "I\n\nabc"


def test_tokens_are_counted_by_the_server_where_it_can(server):
    assert _model(server).count_tokens("one two three") == 3


def test_tokens_are_estimated_where_the_server_cannot_count():
    fake = FakeInferenceServer(tokenize=False)
    try:
        assert _model(fake).count_tokens("x" * 10) == 4  # ceil(10 / 3): never fewer than the real count
    finally:
        fake.close()


def test_the_first_served_model_is_used_when_none_is_named(server):
    assert _model(server).name == "tiny"


def test_a_model_the_server_does_not_have_stops_start_up(server):
    with pytest.raises(ConfigError, match="llm_server_model 'big' is not served"):
        _model(server, server_model="big")


def test_a_wrong_key_stops_start_up():
    fake = FakeInferenceServer(key="right")
    try:
        with pytest.raises(ConfigError, match="refused llm_api_key"):
            _model(fake, api_key="wrong")
    finally:
        fake.close()


def test_the_right_key_is_sent_as_a_bearer_token():
    fake = FakeInferenceServer(key="right")
    try:
        assert _stream(_model(fake, api_key="right")) == "The gripper closes. "
    finally:
        fake.close()


def test_an_unreachable_server_stops_start_up():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    with pytest.raises(ConfigError, match="cannot reach the inference server"):
        OpenAICompatibleModel(f"http://127.0.0.1:{port}", connect_seconds=1.0)


def test_a_server_that_dies_mid_answer_is_unavailable(server):
    model = _model(server)
    server.mode = "die"
    with pytest.raises(Unavailable, match="before finishing"):
        _stream(model)


def test_an_error_event_mid_answer_is_unavailable(server):
    model = _model(server)
    server.mode = "error"
    with pytest.raises(Unavailable, match="slot crashed"):
        _stream(model)


def test_a_server_that_never_answers_times_out(server):
    model = _model(server, read_seconds=1.0)
    server.mode = "silent"
    began = time.monotonic()
    with pytest.raises(Unavailable, match="stopped answering"):
        _stream(model)
    assert time.monotonic() - began < 5


def test_ping_reports_the_servers_health(server):
    assert _model(server).ping() is True


# The appliance on the HTTP backend: answers stream, a failing server is an error event and a 503 health.


@pytest.fixture
def client(settings, server):
    model = _model(server, read_seconds=2.0)
    built = services_module.build(settings, embedder=FakeEmbedder(), vectors=FakeVectors(), model=model)
    built.ingestor.ingest(FACT, "grip.md")
    with TestClient(create_app(settings, built)) as client:
        client.headers.update(sign_in(client, built, "teacher1", "teacher"))
        yield client
    built.close()


def _ask(client) -> list[tuple[str, str]]:
    body = {"message": "How strong is the Zorblax-7 gripper?", "stream": True}
    with client.stream("POST", "/api/v1/chat", json=body) as response:
        return parse_sse(response.iter_lines())


def test_the_appliance_answers_through_the_server(client):
    done = json.loads(_ask(client)[-1][1])
    assert "42 newtons" in done["answer"]


def test_a_server_dying_mid_answer_ends_it_with_an_error_event(client, server):
    server.mode = "die"
    assert _ask(client)[-1][0] == "error"


def test_a_silent_server_ends_the_answer_with_an_error_event(client, server):
    server.mode = "silent"
    assert _ask(client)[-1][0] == "error"


def test_a_student_asking_while_the_server_is_gone_is_told_the_model_is_unavailable(client, server):
    server.close()
    event, data = _ask(client)[-1]
    said = json.loads(data)["error"]
    assert event == "error"
    assert said.startswith("the language model is not available right now; ask again in a minute"), said


def test_health_is_503_for_the_llm_when_the_server_is_gone(client, server):
    server.close()
    response = client.get("/api/health")
    assert (response.status_code, response.json()["components"]["llm"][:4]) == (503, "down")


def test_the_gate_lets_one_generation_per_server_slot_run_at_once():
    gate = ModelGate(max_queue=4, slots=2)
    first, second = gate.reserve("a"), gate.reserve("b")
    with first.hold(lambda: False), second.hold(lambda: False):
        assert gate.busy  # both slots taken: a third waits in the fair line


def test_services_size_the_gate_to_the_servers_slots(settings):
    openai = msgspec.structs.replace(settings, llm_backend="openai", llm_url="http://x", llm_parallel=3)
    assert services_module.model_slots(openai) == 3


def test_the_in_process_model_decodes_one_answer_at_a_time_on_two_cores_unless_told(settings):
    chosen = settings
    assert chosen.parallel_answers == 0  # the shipped default: chosen for the machine
    assert services_module.answer_slots(chosen, cores=2) == 1
    assert services_module.answer_slots(chosen, cores=8) == services_module.SLOTS_ON_MORE_CORES
    told = msgspec.structs.replace(chosen, parallel_answers=3)
    assert services_module.answer_slots(told, cores=2) == 3
    assert services_module.model_slots(told) == 3


def test_doctor_names_a_model_the_server_does_not_have(settings, server, tmp_path):
    wrong = msgspec.structs.replace(settings, llm_backend="openai", llm_url=server.url, llm_server_model="big")
    found = [f for f in doctor.Doctor(wrong, tmp_path / "none.toml", repair=False).check_inference() if f.problem]
    assert "llm_server_model 'big' is not served" in found[0].detail


def test_doctor_passes_a_server_that_serves_the_model(settings, server, tmp_path):
    right = msgspec.structs.replace(settings, llm_backend="openai", llm_url=server.url, llm_server_model="tiny")
    found = list(doctor.Doctor(right, tmp_path / "none.toml", repair=False).check_inference())
    assert [f.problem for f in found] == [False]
