import asyncio
import threading
import time

import msgspec
import pytest

from appliance import services as services_module
from appliance.answer import prompt
from appliance.answer.answerer import FIRST_PASS_PASSAGES, Question, cited_sources
from appliance.answer.model_queue import ModelGate, stream_from_thread
from appliance.errors import Busy, InvalidInput
from appliance.search.shapes import Passage
from tests.conftest import FakeModel


def _passage(n: int, text: str) -> Passage:
    return Passage(f"d:{n}", "d", "notes.pdf", n, str(n), "H", text, 0, len(text), 1.0, 0.9)


def test_prompt_never_overflows_and_cuts_the_last_source():
    model = FakeModel()
    model.context_length = 400
    passages = [_passage(n, " ".join(f"w{n}x{i}" for i in range(150))) for n in range(1, 5)]
    built = prompt.build(model, "what?", passages, answer_tokens=100)
    assert built.tokens <= 400 - 100
    assert 1 <= len(built.sources) < 4
    assert built.text.index(prompt.INSTRUCTIONS) == 0
    assert built.text.rstrip().endswith("Answer:")
    with pytest.raises(InvalidInput, match="too long"):
        prompt.build(model, "why " * 500, passages, answer_tokens=100)


def test_prompt_counts_each_source_once_and_matches_the_whole_count():
    """Fitting tokenizes about twice the prompt (sources alone, then the whole once), not once per source."""
    counted: list[int] = []

    class Counting(FakeModel):
        def count_tokens(self, text: str) -> int:
            counted.append(len(text))
            return super().count_tokens(text)

    model, count = Counting(), FakeModel().count_tokens
    passages = [_passage(n, " ".join(f"w{n}x{i}" for i in range(100))) for n in range(1, 5)]
    built = prompt.build(model, "what?", passages, answer_tokens=100)
    assert len(built.sources) == 4
    assert built.tokens == count(built.text)
    assert sum(counted) <= 2.2 * len(built.text)


def test_citations_explicit_then_by_overlap():
    sources = [_passage(1, "Lidar measures distance with laser light."), _passage(2, "Servos hold angles.")]
    assert cited_sources("It uses light [2] and [7].", sources) == {2}
    assert cited_sources("Lidar measures distance using laser light.", sources) == {1}
    assert cited_sources("Bananas are yellow.", sources) == set()


def test_answer_cites_source_and_says_when_not_covered(settings, fakes):
    services = services_module.build(settings, **fakes)
    services.ingestor.ingest(b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons.", "grip.md")
    assert services.answerer is not None
    result = services.answerer.answer(Question("How hard does the Zorblax-7 gripper close?"))
    assert result.covered
    assert "42 newtons" in result.answer
    assert result.sources[0].filename == "grip.md"
    assert result.sources[0].cited
    assert (result.timings.tokens or 0) > 0
    services.close()
    strict = services_module.build(msgspec.structs.replace(settings, min_similarity=0.99), **fakes)
    assert strict.answerer is not None
    missing = strict.answerer.answer(Question("Which year was the bicycle invented?"))
    assert not missing.covered
    assert missing.answer == prompt.NOT_COVERED
    assert missing.sources == []
    # Timed as any answer: a refusal decided before the model had no "Answered in ..." line (a walkthrough's).
    assert missing.timings.total_ms is not None and missing.timings.total_ms >= (missing.timings.retrieval_ms or 0)
    strict.close()


@pytest.mark.parametrize("mode", ["grounded", "generative", "extractive"])
def test_where_the_material_says_something_is_its_place_and_its_words_without_the_model(settings, fakes, mode):
    """ "Where can I read about the Zorblax-7 gripper?" asks for a place, which no model need write: the evidence
    is quoted with its place in every mode, and only the subject's words are searched for and judged."""
    services = services_module.build(msgspec.structs.replace(settings, answer_mode=mode), **fakes)
    services.ingestor.ingest(b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons.", "grip.md")
    assert services.answerer is not None
    done = services.answerer.answer(Question("where can I read about the Zorblax-7 gripper?"))
    assert done.covered, done.answer
    assert done.answer == "The section “Grippers” of grip.md says: “The Zorblax-7 gripper closes with 42 newtons.” [1]"
    assert fakes["model"].calls == 0
    services.close()


def test_an_answers_sources_are_the_passages_its_evidence_comes_from(settings, fakes):
    """Passages no evidence was chosen from are reading on other subjects: listed as sources, a student saw four
    sources (a German textbook page among them) for an answer from one."""
    services = services_module.build(msgspec.structs.replace(settings, min_similarity=-1.0), **fakes)
    services.ingestor.ingest(b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons.", "grip.md")
    for n, text in enumerate(["Der Satz von Heine-Borel gilt.", "Bananas are yellow.", "Rivers flow to the sea."]):
        services.ingestor.ingest(f"# Other {n}\n\n{text}".encode(), f"other{n}.md")
    assert services.answerer is not None
    result = services.answerer.answer(Question("How hard does the Zorblax-7 gripper close?"))
    services.close()
    assert result.covered
    assert [s.filename for s in result.sources] == ["grip.md"]
    assert all(s.evidence for s in result.sources)


def test_an_exams_weight_is_answered_from_the_grading_table(services):
    """The twelfth and thirteenth walkthroughs: "What weight does the written exam have?" was refused beside the
    syllabus's "| Written exam | 30% |": the weight was taken for a mass."""
    table = "| Component | Weight |\n|---|---|\n| Lab reports | 25% |\n| Written exam | 30% |\n| Participation | 10% |"
    services.ingestor.ingest(f"# Syllabus\n\n## Grading\n\n{table}\n".encode(), "syllabus.md")
    result = services.answerer.answer(Question("What weight does the written exam have?"))
    assert result.covered
    assert "Written exam | 30%" in result.answer


def test_selected_text_is_source_one(services):
    services.ingestor.ingest(b"Encoders count wheel ticks. IMUs measure acceleration.", "s.txt")
    result = services.answerer.answer(Question("Explain this", selected_text="Encoders count wheel ticks."))
    first = result.sources[0]
    assert (first.n, first.text, first.filename) == (1, "Encoders count wheel ticks.", "s.txt")
    assert (first.start, first.end) == (0, len("Encoders count wheel ticks."))
    assert result.answer.startswith("Encoders count wheel ticks [1].")
    assert [s.n for s in result.sources] == list(range(1, len(result.sources) + 1))
    elsewhere = {"document_id": "d9", "filename": "manual.pdf", "page": 7, "page_label": "vii"}
    placed = services.answerer.answer(Question("Explain", selected_text="A passage not stored.", origin=elsewhere))
    assert {k: getattr(placed.sources[0], k) for k in elsewhere} == elsewhere


def test_a_selection_asked_about_is_a_source_whatever_else_scores_higher(services):
    """The twelfth walkthrough: "why?" about "Never leave a charging battery unattended after 17:00." was answered
    from the lab rules' emergency stop, the selection no source at all."""
    services.ingestor.ingest(b"# Rover\n\nNever leave a charging battery unattended after 17:00.", "rover.md")
    services.ingestor.ingest(b"# Rules\n\nWhy? The emergency stop is why. Why we stop: why not.", "rules.md")
    selected = "Never leave a charging battery unattended after 17:00."
    result = services.answerer.answer(Question("why?", selected_text=selected))
    first = result.sources[0]
    assert (first.n, first.text, first.filename) == (1, selected, "rover.md")
    assert [e.text for e in first.evidence] == [selected]
    # Text of the caller's that no stored passage holds is not made evidence, to be quoted as the material's.
    made_up = services.answerer.answer(Question("why?", selected_text="Batteries must be charged on the roof."))
    assert "charged on the roof" not in made_up.answer


def test_a_selection_asked_about_is_answered_first_whatever_ranks_higher(services):
    """The thirteenth walkthrough: "why?" about the batteries' rules, selected in the reader, was answered by quoting
    the soldering rules and a ROS 2 exercise on charging, which outranked the selection, shown uncited as source 1."""
    services.ingestor.ingest(b"# Soldering\n\nWhy? The iron is hot, why we stop: why not.", "solder.md")
    batteries = "Batteries are charged only in the fireproof bags. A swollen battery must never be charged."
    services.ingestor.ingest(f"# Batteries\n\n{batteries}".encode(), "batteries.md")
    result = services.answerer.answer(Question("why?", selected_text=batteries))
    assert result.sources[0].filename == "batteries.md"
    assert result.answer.startswith("Batteries are charged only in the fireproof bags [1].")
    # Nor is another handout's sentence evidence for a question of no words of its own: it is about something else.
    assert not any(s.evidence for s in result.sources[1:])


def test_gate_refuses_when_full_and_serializes():
    gate = ModelGate(max_queue=2)
    tickets = [gate.reserve(), gate.reserve()]
    with pytest.raises(Busy) as busy:
        gate.reserve()
    assert busy.value.retry_after
    order = []

    def run(ticket, name):
        with ticket.hold(lambda: False):
            order.append(f"{name}+")
            time.sleep(0.05)
            order.append(f"{name}-")

    threads = [threading.Thread(target=run, args=(t, n)) for t, n in zip(tickets, "ab", strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order in (["a+", "a-", "b+", "b-"], ["b+", "b-", "a+", "a-"])
    assert gate.waiting == 0


def test_a_ticket_out_of_patience_gives_up_its_wait_and_its_users_place():
    gate = ModelGate(max_queue=4, per_user=1, quotes=True)
    holder = gate.reserve("holder")
    with holder.hold(lambda: False):
        waiter = gate.reserve("student")
        started = time.perf_counter()
        with waiter.hold(lambda: False, patience=0.2) as turn:
            assert not turn
        assert 0.2 <= time.perf_counter() - started < 1
        assert (gate.waiting, gate.generating, gate.in_line) == (0, 1, 0)
        gate.reserve("student").leave()  # the per-user cap counted it only while it waited
    with gate.reserve("student").hold(lambda: False, patience=0.2) as turn:
        assert turn  # a free slot is taken at once, patience or not


def test_with_quotes_a_full_line_refuses_nobody_and_is_not_waited_in():
    gate = ModelGate(max_queue=1, max_preparing=2, quotes=True)
    holder, queued = gate.reserve("holder"), gate.reserve("queued")

    def wait_in_line() -> None:
        with queued.hold(lambda: False):  # no patience: it waits its turn however long
            pass

    with holder.hold(lambda: False):
        worker = threading.Thread(target=wait_in_line)
        worker.start()
        deadline = time.time() + 5
        while gate.in_line < 1 and time.time() < deadline:
            time.sleep(0.01)
        late = gate.reserve("late")  # the line is full: still taken, as one more being prepared
        started = time.perf_counter()
        with late.hold(lambda: False, patience=30) as turn:
            assert not turn
        assert time.perf_counter() - started < 1  # a full line is not waited in
        others = [gate.reserve(f"burst{n}") for n in range(2)]
        with pytest.raises(Busy, match="looked up"):
            gate.reserve("one too many")  # max_preparing questions are being searched: that is refused
        for ticket in others:
            ticket.leave()
    worker.join(5)
    assert (gate.waiting, gate.generating) == (0, 0)


def test_an_abandoned_ticket_gives_its_place_back():
    gate = ModelGate(max_queue=1)
    gate.reserve("someone")  # dropped at once, as when a client leaves before its stream starts
    assert gate.waiting == 0
    gate.reserve("next").leave()


def test_a_stream_never_read_still_gives_back_its_place():
    """A response dropped before its first read (the client left at once) still runs and ends its producer."""
    gate = ModelGate(max_queue=1)
    ticket = gate.reserve("someone")  # kept referenced here: only the producer can give the place back
    released = threading.Event()

    def produce(cancel):
        try:
            with ticket.hold(cancel.is_set):
                yield "token"
        finally:
            ticket.leave()
            released.set()

    async def respond():
        stream_from_thread(produce)  # never read

    asyncio.run(respond())
    assert released.wait(5)
    assert gate.waiting == 0
    assert not gate.busy


def test_gate_is_round_robin_by_user():
    gate = ModelGate(max_queue=10)
    order, holding, release = [], threading.Event(), threading.Event()

    def run(ticket, name):
        with ticket.hold(lambda: False):
            order.append(name)
            if name == "f0":
                holding.set()
                release.wait(5)  # keep the model busy until everyone else is in line

    flood = [gate.reserve("flooder") for _ in range(4)]
    threads = [threading.Thread(target=run, args=(flood[0], "f0"))]
    threads[0].start()
    assert holding.wait(5)
    threads += [threading.Thread(target=run, args=(t, f"f{n}")) for n, t in enumerate(flood[1:], 1)]
    threads.append(threading.Thread(target=run, args=(gate.reserve("patient"), "p")))
    for t in threads[1:]:
        t.start()
    deadline = time.time() + 5
    while gate.in_line < 4 and time.time() < deadline:
        time.sleep(0.01)
    release.set()
    for t in threads:
        t.join(5)
    # The other user's single question waits for at most the one generation already running.
    assert order == ["f0", "p", "f1", "f2", "f3"]


def test_leaving_the_stream_cancels_the_producer():
    stopped = threading.Event()
    produced = []

    def produce(cancel):
        try:
            for n in range(1000):
                time.sleep(0.01)
                produced.append(n)
                yield n
        finally:
            stopped.set()

    async def consume():
        got = []
        stream = stream_from_thread(produce)
        async for item in stream:
            got.append(item)
            if len(got) == 3:
                break
        await stream.aclose()
        return got

    assert asyncio.run(consume()) == [0, 1, 2]
    assert stopped.wait(2)
    assert len(produced) < 10


class _Recording:
    """A retriever that records how it was asked."""

    def __init__(self):
        self.asked: list[dict] = []

    def search(self, query, k, mode="hybrid", courses=None, first_best=0):
        self.asked.append({"k": k, "mode": mode, "first_best": first_best})
        return [_passage(1, "The assembly point is at the bike shelter.")]


def test_answers_weigh_the_first_search_passs_best_passages_too(services):
    services.answerer.retriever = _Recording()
    services.answerer.retrieve(Question("Where is the assembly point?"), 4)
    assert services.answerer.retriever.asked == [{"k": 4, "mode": "hybrid", "first_best": FIRST_PASS_PASSAGES}]


def test_what_an_abbreviation_stands_for_is_found_on_the_slide_spelling_it_out(services):
    """fresh13-tune: "what does ToF stand for" searched the slides saying "ToF" and never the title slide's
    "Time-of-Flight Ranging", which it quoted no more; the documents found are read for the words spelling it."""
    from tests.filemaker import make_pptx

    slides = [("Lecture 4 – Time-of-Flight Ranging", ["MX317, week 4", "Dr. L. Brannock"], "")]
    slides += [
        (f"ToF principle {n}", [f"ToF sensors time light pulses, part {n}", "Direct ToF: pulse timing"], "")
        for n in range(1, 9)
    ]
    services.ingestor.ingest(make_pptx(slides), "lecture-04.pptx")
    result = services.answerer.answer(Question("what does ToF stand for"))
    assert result.covered, result.answer
    assert "Time-of-Flight Ranging" in result.answer
    assert not services.answerer.answer(Question("what does PWM stand for")).covered


def test_a_passage_carries_its_documents_title(services):
    """A slide's heading is its own title; the deck's, which every slide is about, comes with each passage found."""
    from tests.filemaker import make_pptx

    slides = [("Lecture 7 – Serial Manipulators: the Ravensworth RA-5", ["MX317, week 7"], "")]
    slides += [("Payload & reach", ["With the gripper on, the arm lifts about 0.85 kg."], "")]
    services.ingestor.ingest(make_pptx(slides), "lecture-07.pptx")
    found = services.retriever.search("gripper payload", 5)
    assert {p.heading for p in found} >= {"Payload & reach"}
    assert {p.title for p in found} == {"Lecture 7 – Serial Manipulators: the Ravensworth RA-5"}


def test_a_document_read_for_an_abbreviation_gives_no_words_that_spell_it_by_chance(services):
    """Read unranked, a handout's "press the Power Button" or "please bring" is no expansion of PB; only a passage
    writing the abbreviation too, or spelling it in capitals, is taken."""
    services.ingestor.ingest(
        b"# Lab rules\n\nPlease bring your laptop to every session.\n\nThe PB-2 board sits on bench 4.\n", "rules.md"
    )
    assert not services.answerer.answer(Question("what does PB stand for")).covered
