"""Continuous batching on the packaged Gemma 3 270M: answers decoded together are the answers each prompt gets
alone, a cancelled one frees its sequence, the fair queue still decides who gets one, and one at a time is as
before (llama-cpp-python's own create_completion)."""

import json
import threading
import time

import httpx
import llama_cpp
import pytest

from appliance import services
from appliance.answer import prompt
from appliance.answer.model_queue import ModelGate
from appliance.errors import TooManyRequests, Unavailable
from appliance.inference import manifests
from appliance.inference.llm import LlamaCppModel, open_llama
from appliance.settings import load_settings
from tests.conftest import parse_sse, sign_in
from tests.realserver import serving_document

pytestmark = pytest.mark.real

FACTS = [
    ("The Zorblax-7 gripper has a maximum grip force of 42 newtons.", "How strong is the Zorblax-7 gripper?"),
    ("The Quillon rover uses mecanum wheels 97 millimetres across.", "What wheels does the Quillon rover use?"),
    ("The integral term of a PID controller removes steady-state error.", "What does the integral term do?"),
    ("ROS 2 nodes talk over named topics with publishers and subscribers.", "How do ROS 2 nodes communicate?"),
]
ESSAY = "Question: Describe in detail how a mobile robot senses, plans and moves.\nAnswer:"


def settings(tmp_path, **options):
    return load_settings(environ={}, data_dir=str(tmp_path), **options)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """The packaged model with four sequences, with one, and llama-cpp-python's own Llama as used before."""
    at_once = settings(tmp_path_factory.mktemp("batching"), parallel_answers=4)
    path = manifests.assemble(at_once, manifests.find_manifest(at_once, at_once.llm_model))
    one = services.load_llm(settings(tmp_path_factory.mktemp("one"), parallel_answers=1))
    return services.load_llm(at_once), one, open_llama(path, context_length=at_once.llm_context, threads=0)


def grounded(model, n: int) -> str:
    fact, question = FACTS[n]
    return model.render(prompt.GROUNDED_INSTRUCTIONS, f"Facts:\n[1] {fact}\nQuestion: {question}\nAnswer:")


def generate(model, text: str, temperature: float, tokens: int = 40, stop=prompt.GROUNDED_STOP) -> str:
    return "".join(model.stream(text, max_tokens=tokens, temperature=temperature, stop=stop))


def together(model, prompts: list[str], temperature: float) -> tuple[list[str], int]:
    """Every prompt streamed at once from its own thread; also the most sequences seen running together."""
    out = [""] * len(prompts)
    most = 0
    threads = [
        threading.Thread(target=lambda i=i: out.__setitem__(i, generate(model, prompts[i], temperature)))
        for i in range(len(prompts))
    ]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        most = max(most, model._scheduler.running)
        time.sleep(0.005)
    return out, most


@pytest.mark.parametrize("temperature", [0.0, 0.2])
def test_four_streams_at_once_each_get_the_answer_their_prompt_gets_alone(models, temperature):
    model, _, _ = models
    prompts = [grounded(model, n) for n in range(4)]
    alone = [generate(model, p, temperature) for p in prompts]
    answers, most = together(model, prompts, temperature)
    assert most >= 3, "the streams were not decoded together"
    assert answers == alone
    assert all(alone) and len(set(alone)) == 4


def test_a_stream_cancelled_mid_batch_frees_its_sequence_and_the_others_finish(models):
    model, _, _ = models
    prompts = [grounded(model, n) for n in range(3)]
    alone = [generate(model, p, 0.0) for p in prompts]
    leaving = model.stream(ESSAY, max_tokens=200, temperature=0.0, stop=[])
    assert next(leaving)
    answers: list[str] = []
    others = threading.Thread(target=lambda: answers.extend(together(model, prompts, 0.0)[0]))
    others.start()
    deadline = time.monotonic() + 60
    while model._scheduler.running < 4:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    leaving.close()
    deadline = time.monotonic() + 5
    while model._scheduler.running == 4:  # freed before the next step, not when the essay would have ended
        assert time.monotonic() < deadline, "the cancelled stream kept its sequence"
        time.sleep(0.005)
    others.join(120)
    assert answers == alone


def first_logits(model: LlamaCppModel, text: str) -> list[float]:
    """The logits the model samples a prompt's first answer token from, all of them."""
    context = model._context
    sample = context.sample
    seen: list[list[float]] = []

    def recording(seq: int, index: int) -> int:
        if not seen:
            row = llama_cpp.llama_get_logits_ith(context.context, index)
            seen.append(row[: model._model.n_vocab()])
        return sample(seq, index)

    setattr(context, "sample", recording)  # noqa: B010 (mypy: no assigning to a method) - for this one answer
    try:
        generate(model, text, 0.0, tokens=1)
    finally:
        setattr(context, "sample", sample)  # noqa: B010
    return seen[0]


def test_a_prompt_gets_the_same_logits_however_it_is_read(tmp_path):
    """Read whole on a fresh model, after a start copied from the shared sequence (the prompt before began the
    same), or in two pieces: the same logits to the bit. With llama.cpp's flash attention on, the copied and the
    pieced ones were some 0.2 away, and a near tie was answered otherwise the second time a question was asked."""
    model = services.load_llm(settings(tmp_path, parallel_answers=1))
    assert isinstance(model, LlamaCppModel)
    try:
        prompts = [grounded(model, n) for n in range(3)]
        whole = first_logits(model, prompts[2])
        first_logits(model, prompts[0])
        first_logits(model, prompts[1])  # two in a row start alike: their start is kept in the shared sequence
        assert model._scheduler._shared, "the shared start was not kept"
        copied = first_logits(model, prompts[2])
        model._scheduler._shared = []  # read again from the start, in pieces of 100 tokens
        model._scheduler._last = []
        model._scheduler.batch_tokens = 100
        pieced = first_logits(model, prompts[2])
    finally:
        model.close()
    assert copied == whole
    assert pieced == whole


def test_one_sequence_answers_as_llama_cpp_python_did(models):
    # Same prompt tokens, sampler chain and stop handling. Not bit for bit the same logits (llama_cpp.Llama
    # uses repacked weights, see llm._Context), so a long free-running text may part at a near tie; these
    # short grounded answers do not.
    _, one, llama = models
    for n, temperature in ((0, 0.0), (1, 0.2)):
        text = grounded(one, n)
        before = llama.create_completion(
            text, max_tokens=40, temperature=temperature, stop=prompt.GROUNDED_STOP, repeat_penalty=1.15
        )
        assert generate(one, text, temperature) == before["choices"][0]["text"]


# A pattern the model would keep repeating: what it writes next depends on the repeat penalty.
REPEATING = "Question: Count with me.\nAnswer: one two three, one two three, one two three, one two three,"


def test_the_repeat_penalty_is_llama_cpps_own(models, tmp_path):
    # The scheduler penalises recent tokens itself (inference/llm.py _Context.sample), not with llama.cpp's
    # penalties sampler: the line must be the one llama-cpp-python's sampler chain gives, and must differ from
    # the line without a penalty (it counts on: else this prompt would not test the penalty at all). One line
    # only: past it the repacked weights of llama_cpp.Llama may part at a near tie (see the test above).
    _, one, llama = models
    plain = services.load_llm(settings(tmp_path, parallel_answers=1, repeat_penalty=1.0))
    for temperature in (0.0, 0.2):
        before = llama.create_completion(
            REPEATING, max_tokens=48, temperature=temperature, repeat_penalty=1.15, stop=["\n"]
        )
        penalised = generate(one, REPEATING, temperature, tokens=48, stop=["\n"])
        assert penalised == before["choices"][0]["text"]
        assert penalised != generate(plain, REPEATING, temperature, tokens=48, stop=["\n"])
    plain.close()


def test_closing_the_model_ends_its_answer_refuses_new_ones_and_frees_it(tmp_path):
    model = services.load_llm(settings(tmp_path, parallel_answers=2))
    assert isinstance(model, LlamaCppModel)
    stream = model.stream(ESSAY, max_tokens=400, temperature=0.0, stop=[])
    assert next(stream)
    model.close()
    with pytest.raises(Unavailable, match="unloaded"):
        list(stream)
    with pytest.raises(Unavailable, match="unloaded"):
        next(model.stream(ESSAY, max_tokens=4, temperature=0.0))
    assert model._context.context is None and model._context.model.model is None
    model.close()  # twice is harmless


def test_the_fair_queue_hands_out_sequences_round_robin_and_caps_each_user(models):
    model, _, _ = models
    gate = ModelGate(max_queue=8, per_user=3, slots=2)
    order: list[str] = []

    def ask(name: str, ticket) -> None:
        with ticket.hold(lambda: False):
            order.append(name)
            generate(model, ESSAY, 0.0, tokens=30, stop=[])

    first = [threading.Thread(target=ask, args=(f"a{n}", gate.reserve("a"))) for n in (1, 2)]
    for t in first:
        t.start()
    while gate.generating < 2:
        time.sleep(0.005)
    later = [threading.Thread(target=ask, args=("a3", gate.reserve("a")))]
    with pytest.raises(TooManyRequests):
        gate.reserve("a")
    later.append(threading.Thread(target=ask, args=("b1", gate.reserve("b"))))
    for t in later:
        t.start()
        time.sleep(0.2)  # a3 is in line before b1
    for t in first + later:
        t.join(120)
    assert order[2:] == ["b1", "a3"], order


def test_students_asking_at_once_over_http_are_answered_together(tmp_path):
    notes = b"# Zorblax\n\nThe Zorblax-7 gripper has a maximum grip force of 42 newtons. It weighs 310 grams.\n"
    # Without quotes for a busy model: every question here is to be the model's own, however slow the box.
    options = {"max_answer_tokens": 40, "temperature": 0.0, "cache_ttl_seconds": 0, "parallel_answers": 2}
    options |= {"quote_when_busy": False}
    with serving_document(settings(tmp_path, max_questions_per_user=1, **options), "zorblax.md", notes) as (
        client,
        running,
        _,
    ):
        assert running.answerer.gate.slots == 2
        heads = [sign_in(client, running, f"student{n}") for n in range(3)]
        results: list[httpx.Response] = []

        def ask(head: dict) -> None:
            results.append(client.post("/api/v1/chat", json={"message": "How strong is the gripper?"}, headers=head))

        threads = [threading.Thread(target=ask, args=(h,)) for h in [*heads, heads[0]]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 200, 200, 429], [r.text for r in results]
    # Content is not compared: two identical prompts read in one batch are cut into different llama.cpp
    # batches than one read alone, and CPU arithmetic depends on that cut (near ties may part).
    assert all(r.json()["answer"] and r.json()["mode"] == "grounded" for r in results if r.status_code == 200)


def test_a_question_the_busy_model_cannot_take_is_answered_from_quotes_over_http(tmp_path):
    """The packaged model, a real server and socket: with the one slot held, a grounded question is answered
    from its evidence, marked, within the wait; with the slot free, the model answers it."""
    notes = b"# Zorblax\n\nThe Zorblax-7 gripper has a maximum grip force of 42 newtons. It weighs 310 grams.\n"
    options = {"max_answer_tokens": 40, "temperature": 0.0, "cache_ttl_seconds": 0, "parallel_answers": 1}
    question = {"message": "How strong is the Zorblax-7 gripper?", "stream": True}
    with serving_document(settings(tmp_path, model_wait_seconds=1.0, **options), "zorblax.md", notes) as (
        client,
        running,
        _,
    ):
        held = running.answerer.gate.reserve("another student")
        with held.hold(lambda: False) as turn:
            assert turn
            started = time.perf_counter()
            with client.stream("POST", "/api/v1/chat", json=question) as response:
                busy = dict(parse_sse(response.iter_lines()))
            waited = time.perf_counter() - started
        free = client.post("/api/v1/chat", json=question | {"stream": False}).json()
    done = json.loads(busy["done"])
    assert (done["mode"], done["model_busy"], done["covered"]) == ("extractive", True, True)
    assert busy["token"].startswith("The material says: “The Zorblax-7 gripper has a maximum grip force of 42 newtons")
    assert 1.0 <= waited < 30
    assert (free["mode"], free["model_busy"]) == ("grounded", False)
    assert free["timings"]["tokens"] > 0  # the model wrote this one
