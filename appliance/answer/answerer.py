"""Question → retrieve → prompt → generate → cite, as a stream of events."""

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from appliance import metrics
from appliance.answer import prompt
from appliance.answer.model_queue import ModelGate, Ticket
from appliance.errors import InvalidInput
from appliance.search.retriever import Passage, Retriever
from appliance.settings import Settings
from appliance.store.text import STOPWORDS, WORD

CITATION = re.compile(r"\[(\d{1,2})\]")
# Share of an answer's content words a source must contain to count as its origin.
ATTRIBUTION = 0.5
SELECTED = "selected text"


def source_dict(n: int, passage: Passage, cited: set[int]) -> dict:
    """A passage as a numbered chat source."""
    return passage.to_dict() | {"n": n, "cited": n in cited}


def cited_sources(answer: str, sources: list[Passage]) -> set[int]:
    """Source numbers the answer cites as [n]; small models often forget to, so fall back to word overlap."""
    explicit = {int(n) for n in CITATION.findall(answer) if 1 <= int(n) <= len(sources)}
    if explicit:
        return explicit
    words = {w for w in WORD.findall(answer.lower()) if w not in STOPWORDS}
    if not words:
        return set()
    overlap = {n: len(words & set(WORD.findall(p.text.lower()))) / len(words) for n, p in enumerate(sources, 1)}
    best = max(overlap.values())
    return {n for n, share in overlap.items() if share >= ATTRIBUTION and share == best}


@dataclass
class Question:
    """One question and what shapes its answer."""

    text: str
    selected_text: str = ""
    courses: list[int] | None = None  # None: every course (the CLI)
    levels: prompt.Levels = ("intermediate", "intermediate")  # software and hardware background
    search_query: str = ""  # the standalone form of a follow-up; the question itself when empty
    origin: dict = field(default_factory=dict)  # document_id, filename, page, page_label of the selection
    received: float = field(default_factory=time.perf_counter)  # when the request arrived: the TTFT clock


class Answerer:
    """Answers questions from the course material with cited sources."""

    def __init__(self, settings: Settings, retriever: Retriever, model, gate: ModelGate):
        self.settings = settings
        self.retriever = retriever
        self.model = model
        self.gate = gate

    def reserve(self, user: str = "") -> Ticket:
        """Claim a place in the model's queue before any work, so a full queue is a 503 and not a hang."""
        return self.gate.reserve(user)

    def events(self, question: Question, ticket: Ticket, cancel: threading.Event) -> Iterator:
        """Blocking generator of (event, data): one `sources`, `token`s as generated, then `done`."""
        try:
            yield from self._events(question, ticket, cancel)
        finally:
            ticket.leave()

    def _events(self, question: Question, ticket: Ticket, cancel: threading.Event) -> Iterator:
        text, selected = question.text.strip(), question.selected_text.strip()
        if not text:
            raise InvalidInput("the question is empty")
        started = time.perf_counter()
        # Each step's end, in ms since the request arrived: where the time to first token goes.
        at = {}

        def mark(step: str) -> None:
            at[step] = round((time.perf_counter() - question.received) * 1000, 1)

        mark("started")  # the request checked and this generator running in its thread
        query = question.search_query or text
        query = f"{query}\n{selected}" if selected else query
        found = self.retriever.search(query, self.settings.context_sources, courses=question.courses)
        relevant = [p for p in found if p.similarity >= self.settings.min_similarity]
        if selected:
            first = _selected_passage(selected, found, question.origin)
            others = [p for p in relevant if p.chunk_id != first.chunk_id]
            relevant = [first, *others[: self.settings.context_sources - 1]]
        retrieval_ms = (time.perf_counter() - started) * 1000
        mark("retrieved")
        timings = {"retrieval_ms": round(retrieval_ms, 1), "at_ms": at}
        if not relevant:
            yield "sources", []
            yield "token", prompt.NOT_COVERED
            yield (
                "done",
                {
                    "answer": prompt.NOT_COVERED,
                    "covered": False,
                    "model": self.model.name,
                    "sources": [],
                    "timings": timings,
                },
            )
            return
        built = prompt.build(self.model, text, relevant, self.settings.max_answer_tokens, question.levels)
        mark("prompt_built")
        yield "sources", [source_dict(n, p, set()) for n, p in enumerate(built.sources, 1)]
        pieces: list[str] = []
        queued = time.perf_counter()
        with ticket.hold(cancel.is_set):
            began = time.perf_counter()
            mark("model_acquired")
            first_token = None
            stream = self.model.stream(
                built.text, max_tokens=self.settings.max_answer_tokens, temperature=self.settings.temperature
            )
            for piece in stream:
                if first_token is None:
                    first_token = time.perf_counter()
                    mark("first_token")
                pieces.append(piece)
                yield "token", piece
                if cancel.is_set():
                    stream.close()
                    return
            ended = time.perf_counter()
        answer = "".join(pieces).strip()
        cited = cited_sources(answer, built.sources)
        tokens = len(pieces)
        generation_s = ended - (first_token or ended)
        timings |= {
            "queue_ms": round((began - queued) * 1000, 1),
            "prompt_tokens": built.tokens,
            "first_token_ms": round(((first_token or ended) - began) * 1000, 1),
            "generation_ms": round((ended - began) * 1000, 1),
            "tokens": tokens,
            "tokens_per_second": round((tokens - 1) / generation_s, 2) if tokens > 1 and generation_s else None,
            "total_ms": round((ended - started) * 1000, 1),
        }
        metrics.answered(timings)
        yield (
            "done",
            {
                "answer": answer,
                "covered": True,
                "model": self.model.name,
                "timings": timings,
                "sources": [source_dict(n, p, cited) for n, p in enumerate(built.sources, 1)],
            },
        )

    def answer(self, question: Question) -> dict:
        """The whole answer at once (the CLI path)."""
        result = {}
        for event, data in self.events(question, self.reserve(), threading.Event()):
            if event == "done":
                result = data
        return result


def _selected_passage(selected: str, found: list[Passage], origin: dict) -> Passage:
    """The user's selection as source [1], cited at the document and page it came from when known."""
    match = next((p for p in found if selected[:200] in p.text), None)
    if match and (not origin or match.document_id == origin["document_id"]):
        start = match.start + match.text.find(selected[:200])
        return replace(
            match,
            text=selected,
            heading=match.heading or SELECTED,
            similarity=1.0,
            start=start,
            end=start + len(selected),
        )
    return Passage(
        chunk_id="",
        document_id=origin.get("document_id", ""),
        filename=origin.get("filename", SELECTED),
        page=origin.get("page"),
        page_label=origin.get("page_label"),
        heading=SELECTED if not origin else "",
        text=selected,
        start=0,
        end=len(selected),
        score=1.0,
        similarity=1.0,
    )
